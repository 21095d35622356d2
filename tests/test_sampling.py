"""Reproducible chunked sampling: same seed, same bits, whatever the threads or executor."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from expectations.lemmas import estimators as mc
from expectations.montecarlo.sampling import CHUNK_SIZE, Tolerance, chunk_generators, chunk_sizes

SCRIPT = """
import json, numpy as np
from expectations.lemmas import estimators as mc
x, y = np.array([1.0, 0.5, -0.3, 0.2]), np.array([0.2, 1.0, 0.4, -0.7])
e = mc.estimate_relu_chain_sum(x, y, [4, 6, 5], n_samples=20_000, seed=11)
print(json.dumps([e.mean.hex(), e.stderr.hex()]))
"""


def test_chunk_layout_depends_only_on_the_sample_count():
    assert chunk_sizes(1) == [1]
    assert chunk_sizes(CHUNK_SIZE) == [CHUNK_SIZE]
    assert chunk_sizes(2 * CHUNK_SIZE + 5) == [CHUNK_SIZE, CHUNK_SIZE, 5]


def test_chunk_generators_are_spawned_children():
    spawned = [np.random.Generator(np.random.PCG64(c)) for c in np.random.SeedSequence(5).spawn(3)]
    assert [g.random() for g in spawned] == [g.random() for g in chunk_generators(5, 3)]
    a = chunk_generators(5, 3)
    b = chunk_generators(5, 4)  # spawning more keeps the first streams
    for g, h in zip(a, b):
        assert g.standard_normal() == h.standard_normal()
    assert chunk_generators(5, 2)[0].random() != chunk_generators(6, 2)[0].random()


def _run_with_threads(n_threads):
    env = dict(os.environ, NUMBA_NUM_THREADS=str(n_threads))
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_same_bits_at_one_and_two_threads():
    assert _run_with_threads(1) == _run_with_threads(2)


def test_same_bits_with_any_executor_and_in_repeated_runs():
    x, y = np.ones(3), np.array([1.0, -1.0, 0.5])
    runs = [mc.estimate_relu_chain_sum(x, y, [3, 4], 10_000, seed=2, executor=ex)
            for ex in (None, ThreadPoolExecutor(1), ThreadPoolExecutor(3))]
    runs.append(mc.estimate_relu_chain_sum(x, y, [3, 4], 10_000, seed=2))
    assert len({(r.mean, r.stderr) for r in runs}) == 1
    other = mc.estimate_relu_chain_sum(x, y, [3, 4], 10_000, seed=3)
    assert other.mean != runs[0].mean


def test_bad_seed_and_sample_count():
    x = np.ones(3)
    with pytest.raises(ValueError, match="n_samples"):
        mc.estimate_relu_chain_sum(x, x, [3, 4], 0)
    with pytest.raises(ValueError, match="seed"):
        mc.estimate_relu_chain_sum(x, x, [3, 4], 10, seed=-1)


def test_run_to_tolerance_stops_when_met_and_is_reproducible():
    x, y = np.ones(3), np.array([1.0, -1.0, 0.5])
    tol = Tolerance(rel_stderr=0.005)
    a = mc.estimate_relu_chain_sum(x, y, [3, 4, 5], 5_000_000, seed=4, tolerance=tol)
    b = mc.estimate_relu_chain_sum(x, y, [3, 4, 5], 5_000_000, seed=4, tolerance=tol,
                                   executor=ThreadPoolExecutor(1))
    assert a == b and a.target_met
    assert a.stderr <= 0.005 * abs(a.mean)
    assert a.n_samples % CHUNK_SIZE == 0 and a.n_samples < 5_000_000
    # the same chunks as a fixed-size run of that many samples
    fixed = mc.estimate_relu_chain_sum(x, y, [3, 4, 5], a.n_samples, seed=4)
    assert (fixed.mean, fixed.stderr) == (a.mean, a.stderr)


def test_run_to_tolerance_reports_a_spent_budget():
    x, y = np.ones(3), np.array([1.0, -1.0, 0.5])
    est = mc.estimate_relu_chain_sum(x, y, [3, 4, 5], 3 * CHUNK_SIZE, seed=4,
                                     tolerance=Tolerance(stderr=1e-9))
    assert est.target_met is False and est.n_samples == 3 * CHUNK_SIZE


def test_network_statements_run_to_tolerance():
    from expectations.statements import registry, validate

    statement = registry.get("Theorem 4.13")
    row = validate.compare(statement, statement.cases[0], 4000, seed=1, tolerance=Tolerance(rel_stderr=0.05))
    assert row.target_met and row.n_samples < 4000


@pytest.mark.parametrize("kwargs, match", [
    (dict(), "needs stderr or rel_stderr"),
    (dict(stderr=0.0), "stderr must be a positive number"),
    (dict(rel_stderr=-1.0), "rel_stderr must be a positive number"),
    (dict(stderr=float("nan")), "stderr must be a positive number"),
])
def test_bad_tolerances(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Tolerance(**kwargs)


def test_budget_smaller_than_a_chunk():
    with pytest.raises(ValueError, match="smaller than one chunk"):
        mc.estimate_relu_chain_sum(np.ones(3), np.ones(3), [3, 4], 100, tolerance=Tolerance(stderr=0.1))


def test_dask_cluster_gives_the_same_bits():
    """Scale-out: a local Dask cluster with two worker processes, through its executor."""
    distributed = pytest.importorskip("distributed")
    x, y = np.ones(3), np.array([1.0, -1.0, 0.5])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = mc.estimate_relu_chain_sum(x, y, [3, 4, 5], 20_000, seed=2, executor=client.get_executor())
    local = mc.estimate_relu_chain_sum(x, y, [3, 4, 5], 20_000, seed=2)
    assert (remote.mean, remote.stderr) == (local.mean, local.stderr)


def test_unreachable_dask_scheduler_is_a_clear_error(capsys):
    pytest.importorskip("distributed")
    from expectations import cli

    code = cli.main(["validate", "--statement", "Lemma 4.18", "--scheduler", "tcp://127.0.0.1:1",
                     "--samples", "100", "--quiet"])
    assert code == 2
    assert "nothing answers at 'tcp://127.0.0.1:1'" in capsys.readouterr().err
