"""The machinery behind issue 12's speed-ups: one BLAS thread per pool worker (applied and
restored), run to tolerance sized by a pilot round (no overshoot, same bits at any thread
count), and reuse of identical runs inside ``sampling.reusing_results``."""

import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import expectations.network.learning_rate as lr
from expectations.blas import one_blas_thread
from expectations.lemmas import _kernels
from expectations.montecarlo import sampling
from expectations.montecarlo.sampling import (
    CHUNK_SIZE,
    Tolerance,
    reusing_results,
    run_chunked,
    run_to_tolerance,
)


def _blas_threads() -> list[int]:
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


@pytest.fixture
def two_blas_threads():
    """Every BLAS at two threads for the test (as on the 2-core machine without OPENBLAS_NUM_THREADS)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        if not _blas_threads():
            pytest.skip("no BLAS library loaded")
        yield


def test_one_blas_thread_is_applied_and_restored(two_blas_threads):
    before = _blas_threads()
    assert max(before) == 2
    with one_blas_thread():
        assert set(_blas_threads()) == {1}
        with one_blas_thread():                       # nested: the inner exit keeps the limit
            pass
        assert set(_blas_threads()) == {1}
    assert _blas_threads() == before


def test_chunk_pool_runs_with_one_blas_thread(two_blas_threads):
    seen = []

    def kernel(gen, n):
        seen.append(tuple(_blas_threads()))
        return gen.standard_normal((n, 1))

    run_chunked(kernel, (), 3 * CHUNK_SIZE, seed=0, executor=ThreadPoolExecutor(2))
    assert len(seen) == 3 and all(set(s) == {1} for s in seen)
    assert max(_blas_threads()) == 2


def test_learning_rate_pool_runs_with_one_blas_thread(two_blas_threads, monkeypatch):
    seen = []
    analyse = lr.analyse_network

    def recording(*args, **kwargs):
        seen.append(tuple(_blas_threads()))
        return analyse(*args, **kwargs)

    monkeypatch.setattr(lr, "analyse_network", recording)
    rng = np.random.default_rng(0)
    lr.learning_rate_report([3, 4, 1], rng.standard_normal((12, 3)), rng.standard_normal(12),
                            n_networks=2, n_monte_carlo=8)
    assert len(seen) == 2 and all(set(s) == {1} for s in seen)
    assert max(_blas_threads()) == 2


# ------------------------------------------------------------------ run to tolerance
#: ReLU(b), b ~ N(0, 1): Lemma 4.18's kernel at a = 1, whose variance is known exactly.
HALF_NORMAL_VARIANCE = 0.5 - 1 / (2 * math.pi)


@pytest.mark.parametrize("needed", [3_000, 20_000, 70_000, 300_000])
def test_pilot_rounds_stop_within_1_3_of_the_predicted_samples(needed):
    tol = Tolerance(stderr=math.sqrt(HALF_NORMAL_VARIANCE / needed))
    moments, met = run_to_tolerance(_kernels.relu_times_normal, (1.0,), 10**7, 5, tol)
    assert met and moments.count <= 1.3 * needed + CHUNK_SIZE


def test_fixed_rounds_twin_overshoots():
    """The former schedule (rounds of 8 chunks) fails the same bound at 20,000 samples needed."""
    needed = 20_000
    tol = Tolerance(stderr=math.sqrt(HALF_NORMAL_VARIANCE / needed))
    moments, met = run_to_tolerance(_kernels.relu_times_normal, (1.0,), 10**7, 5, tol, rounds="fixed")
    assert met and moments.count > 1.3 * needed + CHUNK_SIZE


def test_pilot_rounds_same_bits_across_pool_sizes_and_as_a_fixed_run():
    tol = Tolerance(rel_stderr=0.004)
    runs = [run_to_tolerance(_kernels.relu_times_normal, (0.7,), 10**7, 3, tol, ex)
            for ex in (None, ThreadPoolExecutor(1), ThreadPoolExecutor(3))]
    assert len({(m.count, m.mean.tobytes(), m.comoment.tobytes()) for m, _ in runs}) == 1
    fixed = run_chunked(_kernels.relu_times_normal, (0.7,), runs[0][0].count, 3)
    assert fixed.mean.tobytes() == runs[0][0].mean.tobytes()


SCRIPT = """
import json, numpy as np
from expectations.lemmas import estimators as mc
from expectations.montecarlo.sampling import Tolerance
x, y = np.array([1.0, 0.5, -0.3, 0.2]), np.array([0.2, 1.0, 0.4, -0.7])
e = mc.estimate_relu_chain_sum(x, y, [4, 6, 5], 10**7, seed=11, tolerance=Tolerance(rel_stderr=0.01))
print(json.dumps([e.mean.hex(), e.stderr.hex(), e.n_samples]))
"""


def test_pilot_rounds_same_bits_at_one_and_two_threads():
    def run(threads):
        env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
        out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                             check=True)
        return json.loads(out.stdout)

    assert run(1) == run(2)


def test_bad_rounds():
    with pytest.raises(ValueError, match="rounds must be one of"):
        run_to_tolerance(_kernels.relu_times_normal, (1.0,), 10**5, 0, Tolerance(stderr=0.1), rounds="x")


# ------------------------------------------------------------------ reuse
def test_identical_runs_are_reused_only_inside_the_block():
    calls = []

    def kernel(gen, n, scale, shift):
        calls.append(n)
        return scale * gen.standard_normal((n, 1)) + shift[0]

    args = (2.0, np.array([0.5]))
    with reusing_results():
        a = run_chunked(kernel, args, 5000, seed=1)
        b = run_chunked(kernel, (2.0, np.array([0.5])), 5000, seed=1)   # equal arguments: reused
        assert len(calls) == 3
        c = run_chunked(kernel, (2.0, np.array([0.25])), 5000, seed=1)  # different ones: sampled
        assert len(calls) == 6
    d = run_chunked(kernel, args, 5000, seed=1)                          # outside: sampled
    assert len(calls) == 9
    assert a.mean.tobytes() == b.mean.tobytes() == d.mean.tobytes() != c.mean.tobytes()
    assert getattr(sampling._reuse, "store", None) is None


# ------------------------------------------------------------------ figures
def test_figure_scripts_run_concurrently_with_one_blas_thread_each(tmp_path, monkeypatch):
    """Two jobs on two workers overlap in time, and each child sees one BLAS thread; results come
    back in the order of the jobs."""
    from expectations import figures

    folder = tmp_path / "validation"
    folder.mkdir()
    (folder / "probe.py").write_text(
        "import os, sys, time\nstart = time.time()\ntime.sleep(1.0)\n"
        "print('wrote', start, os.environ.get('OPENBLAS_NUM_THREADS'), file=sys.stderr)\n")
    jobs = [figures.Figure("a.png", "", "probe.py"), figures.Figure("b.png", "", "probe.py", ("x",))]
    runs = figures.regenerate(folder, jobs=jobs, workers=2)
    assert [r.command for r in runs] == ["python validation/probe.py", "python validation/probe.py x"]
    starts = [float(r.message.split()[0]) for r in runs]
    assert all(r.status == "ok" and r.message.endswith(" 1") for r in runs)
    assert abs(starts[0] - starts[1]) < 0.9   # both started before either finished
    with pytest.raises(ValueError, match="workers"):
        figures.regenerate(folder, jobs=[], workers=0)


# ------------------------------------------------------------------ the network kernel's BLAS products
NETWORK_SCRIPT = """
import json, numpy as np
from expectations.network.over_initializations import sample_initializations
rng = np.random.default_rng(0)
x, y = rng.standard_normal((256, 8)), rng.standard_normal((256, 1))
m = sample_initializations([8, 64, 64, 1], x, y, "mse", 8, seed=2).moments
print(json.dumps([v.hex() for v in np.concatenate([m.mean, m.comoment.ravel()])]))
"""


def test_network_kernel_same_bits_at_any_pool_size_and_blas_default():
    """BLAS products, one network per thread and one BLAS thread per worker: the same bits with one or
    two Numba threads, BLAS left at its default thread count (OPENBLAS_NUM_THREADS unset)."""
    def run(threads):
        env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
        env["NUMBA_NUM_THREADS"] = str(threads)
        out = subprocess.run([sys.executable, "-c", NETWORK_SCRIPT], env=env, capture_output=True, text=True,
                             check=True)
        return json.loads(out.stdout)

    assert run(1) == run(2)


def test_network_kernel_same_bits_across_executors():
    from expectations.network.over_initializations import sample_initializations

    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((64, 4)), rng.standard_normal((64, 1))
    runs = [sample_initializations([4, 16, 16, 1], x, y, "mse", 12, seed=3, executor=ex).moments
            for ex in (None, ThreadPoolExecutor(1), ThreadPoolExecutor(3))]
    assert len({(m.mean.tobytes(), m.comoment.tobytes()) for m in runs}) == 1


def test_reduced_samplers_take_their_own_default_sample_counts():
    from expectations.statements import registry

    a13 = registry.get("Lemma A.13 (as used)")
    assert a13.default_samples("reduced") == a13.reduced_n_samples < a13.n_samples
    assert a13.default_samples("reference") == a13.n_samples
    other = registry.get("Lemma 4.18")  # no reduced sampler: the reference count either way
    assert other.default_samples("reduced") == other.default_samples("reference") == other.n_samples
