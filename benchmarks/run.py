"""Benchmark suite: performance claims as ratios of timings taken in one run on one machine.

    python benchmarks/run.py            # 1-2 minutes on 2 cores; writes benchmarks/results.json
                                        # and docs/benchmarks.md
    python benchmarks/run.py --quick    # a few seconds; checks the script, writes to a temporary directory

Every baseline is checked against the package routine it is timed against before any timing, and the
output files are written (atomically) only after every benchmark has succeeded.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

# NumPy's BLAS on one thread unless the caller says otherwise (see docs/benchmarks.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numba
import numpy as np
from harness import (
    growth_exponent,
    machine,
    machine_cpu_seconds,
    render_markdown,
    time_calls,
    to_json,
    write_atomically,
)
from reference import naive_theorem_4_24, numpy_network_columns, numpy_relu_chain_samples

from expectations import theorems as th
from expectations.data import synthetic
from expectations.montecarlo.estimators import estimate_relu_chain_sum
from expectations.montecarlo.initializations import InitializationSample, sample_initializations
from expectations.network import CReLUNetwork
from expectations.one_step import OneStepProblem
from expectations.sampling import chunk_generators

ROOT = Path(__file__).resolve().parent.parent
FULL = dict(repeats=7, min_time=0.1, naive_sizes=(32, 64, 128, 192),
            networks=(([8, 32, 32, 1], 128, 256, 64), ([8, 64, 64, 64, 1], 256, 64, 16)),
            relu=(([16, 64, 32], 16384), ([64, 64, 64], 8192)), raw_normals=2**21)
QUICK = dict(repeats=2, min_time=0.01, naive_sizes=(16, 32, 64),
             networks=(([8, 32, 32, 1], 128, 32, 8), ([8, 64, 64, 64, 1], 256, 8, 4)),
             relu=(([16, 64, 32], 4096), ([64, 64, 64], 4096)), raw_normals=2**18)


def row(name, value, unit="", target=None, met=None, timings=None, **details):
    print(f"  {name}: {value:.4g} {unit}", file=sys.stderr)
    return dict(name=name, value=float(value), unit=unit, target=target,
                met=None if met is None else bool(met), timings=timings or {}, details=details)


def pick(timings, *names):
    return {name: timings[name] for name in names}


# ---------------------------------------------------------------- 1. Theorems 4.13 and 4.24

def bench_theorems(cfg) -> dict:
    s, widths = 768, [8] + [64] * 7 + [1]
    data = synthetic(s, 8, 1, seed=0)
    x = data.inputs
    g = np.random.default_rng(1).standard_normal((s, 1))
    h = np.full((s, 1, 1), 2.0)                                        # MSE Hessian 2 I / d_n, d_n = 1
    rows = []
    t = time_calls({"exact 4.24": lambda: th.theorem_4_24(widths, x, g, h),
                    "exact 4.13": lambda: th.theorem_4_13(widths, x, g),
                    "subsampled 4.24": lambda: th.theorem_4_24_subsampled(widths, x, g, h, 4000, seed=2),
                    "subsampled 4.13": lambda: th.theorem_4_13_subsampled(widths, x, g, 4000, seed=2)},
                   cfg["repeats"], cfg["min_time"])
    exact = t["exact 4.24"]["median_s"]
    rows.append(row("Theorem 4.24 exact (factorised), s = 768, n = 8", exact, "s",
                    "well under 1 s (< 0.1 s)", exact < 0.1, pick(t, "exact 4.24")))
    rows.append(row("Theorem 4.13 exact (factorised), s = 768, n = 8", t["exact 4.13"]["median_s"], "s",
                    timings=pick(t, "exact 4.13")))
    for which in ("4.24", "4.13"):
        ratio = t[f"subsampled {which}"]["median_s"] / t[f"exact {which}"]["median_s"]
        rows.append(row(f"Theorem {which}: time subsampled (4,000 index samples) / exact", ratio, "×",
                        timings=pick(t, f"subsampled {which}", f"exact {which}")))

    # Accuracy of the subsampled estimates: random gradients, and a Hettinger network's own MSE gradients.
    network_g = OneStepProblem(CReLUNetwork.hettinger(widths, 3), x, data.targets).output_gradients
    for label, grads in (("random N(0, 1) dL", g), ("a Hettinger network's MSE dL", network_g)):
        cases = (("4.24", th.theorem_4_24(widths, x, grads, h),
                  th.theorem_4_24_subsampled(widths, x, grads, h, 4000, seed=2)),
                 ("4.13", th.theorem_4_13(widths, x, grads),
                  th.theorem_4_13_subsampled(widths, x, grads, 4000, seed=2)))
        for which, value, est in cases:
            rel_se = est.stderr / abs(value)
            needed = 4000 * (rel_se / 0.01) ** 2                     # the stderr scales as 1 / sqrt(samples)
            rows.append(row(f"Theorem {which} subsampled, {label}: |estimate − exact| / |exact|",
                            abs(est.mean - value) / abs(value),
                            f"(stderr / |exact| = {rel_se:.3g}, z = {est.z(value):+.2f}; a 1% stderr "
                            f"needs {needed:.1e} samples)", exact=value, estimate=est.mean,
                            stderr=est.stderr, samples_for_1pct_stderr=needed))

    # Naive n^2 s^3 loop against the factorised form, n = 4.
    widths4 = [8, 64, 64, 64, 1]
    rng = np.random.default_rng(4)
    xs, gs, hs = rng.standard_normal((12, 5)), rng.standard_normal((12, 3)), rng.standard_normal((12, 3, 3))
    hs = hs + hs.transpose(0, 2, 1)                                   # a d_n = 3 check with full Hessians
    checks = [([5, 7, 6, 4, 3], xs, gs, hs)]
    for size in cfg["naive_sizes"]:
        checks.append((widths4, synthetic(size, 8, 1, seed=0).inputs, rng.standard_normal((size, 1)),
                       np.full((size, 1, 1), 2.0)))
    for w, xx, gg, hh in checks:
        naive, fact = naive_theorem_4_24(w, xx, gg, hh), th.theorem_4_24(w, xx, gg, hh)
        if not abs(naive - fact) <= 1e-10 * abs(fact):
            raise AssertionError(f"naive Theorem 4.24 {naive!r} != factorised {fact!r} at s = {len(xx)}")
    times = []
    for case in checks[1:]:
        t = time_calls({"naive": partial(naive_theorem_4_24, *case),
                        "factorised": partial(th.theorem_4_24, *case)}, cfg["repeats"], cfg["min_time"])
        times.append((t["naive"]["median_s"], t["factorised"]["median_s"]))
        rows.append(row(f"Theorem 4.24 naive / factorised, s = {len(case[1])}, n = 4",
                        times[-1][0] / times[-1][1], "×", timings=t))
    sizes = list(cfg["naive_sizes"])
    naive_t, fact_t = np.array(times).T
    rows.append(row("Growth exponent in s of the naive time", growth_exponent(sizes, naive_t),
                    "(n^2 s^3 terms: 3 expected)", sizes=sizes))
    rows.append(row("Growth exponent in s of the factorised time", growth_exponent(sizes, fact_t),
                    "(O(n^2 + s d_n^2) work)", sizes=sizes))
    rows.append(row("Growth exponent in s of the ratio naive / factorised",
                    growth_exponent(sizes, naive_t / fact_t), "", sizes=sizes))
    return dict(title="1. Theorems 4.13 and 4.24: factorised, naive and subsampled", rows=rows, setup=(
        "Data `synthetic(s, 8, 1, seed=0)` inputs; output gradients N(0, 1) (seed 1) unless stated; "
        "MSE Hessians 2 I / d_n with d_n = 1.  s = 768, n = 8: widths [8] + [64] * 7 + [1].  The naive "
        "evaluation (`benchmarks/reference.py`) loops over the n^2 layer pairs (i, j) and evaluates "
        "sum_klm A_klm B_ij C_ijklm as one vectorised NumPy expression on (s, s, s) arrays; it was "
        "checked to equal `theorem_4_24` to 1e-10 (relative) at every size timed and at a d_n = 3 case "
        "with full Hessians.  n = 4 comparisons: widths [8, 64, 64, 64, 1]."),
        notes=["The naive baseline builds its (i, j)-independent (s, s, s) factors once, outside the "
               "pair loop, so the ratios are conservative.",
               "Samples for a 1% stderr: 4,000 x (stderr / |exact| / 0.01)^2.  At s = 768, n = 8 Theorem "
               f"4.24's sum has n^2 s^3 = {64 * 768**3:.1e} terms and Theorem 4.13's n s^2 = "
               f"{8 * 768**2:.1e}."])


# ---------------------------------------------------------------- 2. Monte Carlo over initializations

def _network_rows(cfg, widths, s, n_numba, n_numpy) -> list[dict]:
    data = synthetic(s, widths[0], 1, seed=0)
    x, y = data.inputs, data.targets
    # The kernel's first network is CReLUNetwork.hettinger drawn from the first chunk's generator.
    columns = [InitializationSample.COLUMNS.index(c)
               for c in ("first_derivative", "theorem_4_13", "second_derivative", "theorem_4_24")]
    kernel = sample_initializations(widths, x, y, "mse", 1, seed=3).moments.mean[columns]
    numpy = numpy_network_columns(widths, x, y, chunk_generators(3, 1)[0])
    np.testing.assert_allclose(kernel, numpy, rtol=1e-8, err_msg="Numba kernel != NumPy route")
    rng, one_thread = np.random.default_rng(4), ThreadPoolExecutor(1)
    t = time_calls({
        "Numba all cores": lambda: sample_initializations(widths, x, y, "mse", n_numba, 0),
        "Numba 1 thread": lambda: sample_initializations(widths, x, y, "mse", n_numba, 0,
                                                         executor=one_thread),
        "NumPy": lambda: [numpy_network_columns(widths, x, y, rng) for _ in range(n_numpy)]},
        cfg["repeats"], cfg["min_time"])
    one_thread.shutdown()
    rate = {name: n / t[name]["median_s"] for name, n in
            (("Numba all cores", n_numba), ("Numba 1 thread", n_numba), ("NumPy", n_numpy))}
    return [row(f"{widths}, s = {s}: {name} / NumPy, networks per second", rate[name] / rate["NumPy"],
                f"× ({rate[name]:.0f} vs {rate['NumPy']:.0f} networks/s)", timings=pick(t, name, "NumPy"),
                networks={"Numba": n_numba, "NumPy": n_numpy}, networks_per_second=rate)
            for name in ("Numba all cores", "Numba 1 thread")]


def bench_initializations(cfg) -> dict:
    rows = [r for case in cfg["networks"] for r in _network_rows(cfg, *case)]
    return dict(title="2. Monte Carlo over initializations: Numba kernel against the NumPy route", rows=rows,
                setup=("`sample_initializations(widths, x, y, \"mse\", n_networks, seed)` (Numba kernel "
                       "`network_derivatives`, chunks of 4 networks spread over a thread pool) against a "
                       "Python loop over networks of `CReLUNetwork.hettinger`, "
                       "`OneStepProblem(...).derivatives()`, `theorem_4_13` and `theorem_4_24` "
                       "(`benchmarks/reference.py`).  Data `synthetic(s, 8, 1, seed=0)`.  The kernel's "
                       "first network was checked to give the NumPy route's numbers (rtol 1e-8)."),
                notes=["The kernel computes 7 columns per network (also Theorem 4.13 with the exact layer-1 "
                       "alpha and the two Lemma 4.16 sums); the NumPy route computes 4, but recomputes "
                       "the arccos Gram matrix for every network, which the kernel receives precomputed.",
                       "\"all cores\" is the package's default thread pool "
                       f"({numba.config.NUMBA_NUM_THREADS} threads).  NumPy's BLAS runs on "
                       "OPENBLAS_NUM_THREADS threads (1 unless the caller sets it).  In a separate check on "
                       "this machine, the library default of one BLAS thread per core gave the NumPy route "
                       "the same wall time at twice the CPU time (the extra thread spins), and under load "
                       "from other processes it made timings erratic.  \"cores busy\" shows what each "
                       "side used."])


# ---------------------------------------------------------------- 3. Reference random-matrix kernels

def _relu_rows(cfg, widths, n_kernel) -> list[dict]:
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal(widths[0]), rng.standard_normal(widths[0])
    n_numpy, batch = n_kernel // 4, 64
    normals = sum(a * b for a, b in zip(widths[1:], widths[:-1]))       # drawn per sample
    est = estimate_relu_chain_sum(x, y, widths, n_kernel, seed=0, method="reference")
    ref = numpy_relu_chain_samples(x, y, widths, n_numpy, np.random.default_rng(6), batch)
    z = (est.mean - ref.mean()) / math.hypot(est.stderr, ref.std(ddof=1) / math.sqrt(n_numpy))
    if not abs(z) < 5:
        raise AssertionError(f"NumPy estimator disagrees with estimate_relu_chain_sum: z = {z:.2f}")

    n_threads = numba.config.NUMBA_NUM_THREADS
    gens = [np.random.Generator(np.random.PCG64(i)) for i in range(n_threads)]
    bufs = [np.empty(cfg["raw_normals"]) for _ in range(n_threads)]

    def raw_draws(i):
        gens[i].standard_normal(out=bufs[i])

    numpy_rng, one_thread = np.random.default_rng(7), ThreadPoolExecutor(1)
    raw_pool = ThreadPoolExecutor(n_threads)
    t = time_calls({
        "kernel 1 thread": lambda: estimate_relu_chain_sum(x, y, widths, n_kernel, 0, executor=one_thread,
                                                             method="reference"),
        "kernel all cores": lambda: estimate_relu_chain_sum(x, y, widths, n_kernel, 0, method="reference"),
        "raw draws 1 thread": lambda: raw_draws(0),
        "raw draws all cores": lambda: list(raw_pool.map(raw_draws, range(n_threads))),
        "NumPy estimator": lambda: numpy_relu_chain_samples(x, y, widths, n_numpy, numpy_rng, batch)},
        cfg["repeats"], cfg["min_time"])
    one_thread.shutdown()
    raw_pool.shutdown()
    per_s = {k: n / t[k]["median_s"] for k, n in (
        ("kernel 1 thread", n_kernel), ("kernel all cores", n_kernel), ("NumPy estimator", n_numpy))}
    raw = {"1 thread": cfg["raw_normals"] / t["raw draws 1 thread"]["median_s"],
           "all cores": n_threads * cfg["raw_normals"] / t["raw draws all cores"]["median_s"]}
    rows = []
    for mode in ("1 thread", "all cores"):
        drawn = normals * per_s[f"kernel {mode}"]
        ratio = drawn / raw[mode]
        rows.append(row(f"{widths}: kernel / raw normals per second, {mode}", ratio,
                        f"× ({drawn / 1e6:.0f}M vs {raw[mode] / 1e6:.0f}M normals/s)",
                        "≥ 0.7", ratio >= 0.7, pick(t, f"kernel {mode}", f"raw draws {mode}")))
    for mode in ("1 thread", "all cores"):
        ratio = per_s[f"kernel {mode}"] / per_s["NumPy estimator"]
        rows.append(row(f"{widths}: kernel ({mode}) / vectorised NumPy, samples per second", ratio,
                        f"× ({per_s[f'kernel {mode}']:.3g} vs {per_s['NumPy estimator']:.3g} samples/s)",
                        "≥ 2", ratio >= 2, pick(t, f"kernel {mode}", "NumPy estimator"),
                        samples={"kernel": n_kernel, "NumPy": n_numpy}))
    return rows


def bench_relu_chain(cfg) -> dict:
    rows = [r for case in cfg["relu"] for r in _relu_rows(cfg, *case)]
    return dict(title="3. Reference random-matrix kernel: `estimate_relu_chain_sum` (Lemma 4.11)", rows=rows,
                setup=("`estimate_relu_chain_sum(x, y, widths, n_samples, seed, method=\"reference\")` "
                       "draws every entry of every matrix inside the Numba kernel.  (a) Its normals drawn "
                       "per second (samples x sum m_t m_{t-1} / time) against "
                       "`numpy.random.Generator(PCG64).standard_normal(out=...)` filling a preallocated "
                       f"array of {cfg['raw_normals']} normals, on one thread and on "
                       f"{numba.config.NUMBA_NUM_THREADS} threads (one generator each).  (b) Samples per "
                       "second against a vectorised NumPy estimator of the same quantity "
                       "(`benchmarks/reference.py`: `rng.standard_normal((64, m_t, m_{t-1}))` per layer, "
                       "batched matmul, sum of ReLU of the product), checked to agree with the kernel "
                       "(|z| < 5).  Standard normal matrices; x, y standard normal (seed 5)."),
                notes=["The kernel calls `Generator.standard_normal()` one value at a time through Numba's "
                       "own implementation of NumPy's algorithm; NumPy's array fill is a compiled loop "
                       "too, so (a) compares the two routes to the same generator.",
                       "The vectorised NumPy estimator runs on one core (its cost is almost all in "
                       "NumPy's normal draws); the \"1 thread\" rows are the like-for-like comparison."])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (< 30 s)")
    parser.add_argument("--json", type=Path, help="results file (default: benchmarks/results.json, or a "
                                                  "temporary directory with --quick)")
    parser.add_argument("--markdown", type=Path, help="report (default: docs/benchmarks.md, or a temporary "
                                                      "directory with --quick)")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    out_dir = Path(tempfile.mkdtemp(prefix="benchmarks-quick-")) if args.quick else None
    json_path = args.json or (out_dir / "results.json" if out_dir else ROOT / "benchmarks" / "results.json")
    md_path = args.markdown or (out_dir / "benchmarks.md" if out_dir else ROOT / "docs" / "benchmarks.md")

    start, own_cpu, machine_cpu = time.perf_counter(), time.process_time(), machine_cpu_seconds()
    report = dict(date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                  command="python benchmarks/run.py" + (" --quick" if args.quick else ""),
                  mode="quick" if args.quick else "full", repeats=cfg["repeats"], machine=machine())
    sections = []
    for bench in (bench_theorems, bench_initializations, bench_relu_chain):
        print(f"{bench.__name__} ...", file=sys.stderr)
        sections.append(bench(cfg))
    wall = time.perf_counter() - start
    others = None if machine_cpu is None else (
        (machine_cpu_seconds() - machine_cpu - (time.process_time() - own_cpu)) / wall)
    report.update(total_seconds=wall, other_processes_cores=others, sections=sections)
    write_atomically({json_path: to_json(report), md_path: render_markdown(report)})
    print(f"wrote {json_path} and {md_path} in {report['total_seconds']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
