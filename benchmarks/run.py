"""Benchmark suite: performance claims as ratios of timings taken in one run on one machine.

    python benchmarks/run.py            # 2-4 minutes on 2 cores; writes benchmarks/results.json,
                                        # docs/benchmarks.md and figures/benchmark_scaling.png
    python benchmarks/run.py --quick    # well under 30 s; checks the script, writes to a temporary directory
    python benchmarks/run.py --only figures   # section 11 alone (minutes), replaced in the existing results
    python benchmarks/run.py --only flops     # section 9 alone (the network kernel's rate), likewise

Every baseline is checked against the package routine it is timed against before any timing, and the
output files are written (atomically) only after every benchmark has succeeded.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import count
from pathlib import Path

# NumPy's BLAS on one thread unless the caller says otherwise (see docs/benchmarks.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numba
import numpy as np
from analytic import bench_analytic
from harness import (
    growth_exponent,
    machine,
    machine_cpu_seconds,
    render_markdown,
    round_speedups,
    scaling_figure_png,
    spread,
    time_calls,
    to_json,
)
from reference import (
    naive_theorem_4_24,
    numpy_network_columns,
    numpy_relu_chain_samples,
    small_products,
    variate_draws,
)
from waits import bench_figures, bench_flops, bench_learning_rate, bench_suite, bench_tolerance

from expectations._io import write_files_atomically
from expectations.data import synthetic
from expectations.lemmas.estimators import (
    estimate_angle_cdf,
    estimate_chain_outer_bilinear,
    estimate_norm_product,
    estimate_relu_chain_sum,
    estimate_relu_pair,
)
from expectations.montecarlo.sampling import Tolerance, chunk_generators
from expectations.network import theorems as th
from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem
from expectations.network.over_initializations import InitializationSample, sample_initializations

ROOT = Path(__file__).resolve().parent.parent
FULL = dict(repeats=7, min_time=0.1, naive_sizes=(32, 64, 128, 192),
            networks=(([8, 32, 32, 1], 128, 256, 64), ([8, 64, 64, 64, 1], 256, 64, 16)),
            relu=(([16, 64, 32], 16384), ([64, 64, 64], 8192)), raw_normals=2**21,
            reduced=dict(width=64, n_reference=16384, n_reduced=2**18, n_one_thread=2**16, budget=2**20),
            scaling=dict(repeats=5, min_time=0.05, chain_widths=(16, 32, 64, 128, 256), chain_work=2**23,
                         n_reduced=2**16, net_widths=(16, 32, 64, 128, 256), depths=(1, 2, 3, 4, 5),
                         sizes=(32, 64, 128, 256, 512), net_s=64, net_work=4e6),
            waits=dict(lr_networks=8, lr_monte_carlo=200, lr_rounds=2,
                       tol_needed=(3000, 10000, 30000, 100000),
                       suite_rounds=2, suite_all=True, suite_statements=(),
                       flop_widths=[8, 64, 64, 64, 1], flop_s=256, flop_networks=16, figure_jobs=None,
                       figure_rounds=2))
QUICK = dict(repeats=2, min_time=0.01, naive_sizes=(16, 32, 64),
             networks=(([8, 32, 32, 1], 128, 32, 8), ([8, 64, 64, 64, 1], 256, 8, 4)),
             relu=(([16, 64, 32], 4096), ([64, 64, 64], 4096)), raw_normals=2**18,
             reduced=dict(width=64, n_reference=4096, n_reduced=2**16, n_one_thread=2**13, budget=2**16),
             scaling=dict(repeats=2, min_time=0.01, chain_widths=(16, 32, 64), chain_work=2**19,
                          n_reduced=2**13, net_widths=(16, 32, 64), depths=(1, 2, 3),
                          sizes=(16, 32, 64), net_s=32, net_work=2e5),
             waits=dict(lr_networks=2, lr_monte_carlo=8, lr_rounds=1, tol_needed=(3000, 30000),
                        suite_rounds=1, suite_all=False, suite_statements=("Lemma 4.18", "Corollary 4.22"),
                        flop_widths=[8, 32, 32, 1], flop_s=64, flop_networks=8, figure_rounds=1,
                        figure_jobs=(("figure_4_1.py", ("--samples", "300", "--out", "{tmp}/a.png"), False),
                                     ("figure_4_1.py", ("--samples", "300", "--out", "{tmp}/b.png"), False))))
REL_SE = 1e-3                                                     # section 4's relative standard error


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
                notes=["The kernel computes 8 columns per network (also Theorem 4.13 with the exact "
                       "layer-1 alpha, the two Lemma 4.16 sums and the refined Theorem 4.24); the NumPy "
                       "route computes 4, but recomputes the arccos Gram matrix for every network, which "
                       "the kernel receives precomputed.",
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
        rounds = round_speedups(t, f"kernel {mode}", f"raw draws {mode}")
        per_call = normals * n_kernel / (cfg["raw_normals"] * (n_threads if mode == "all cores" else 1))
        rows.append(row(f"{widths}: kernel / raw normals per second, {mode}", ratio,
                        f"× ({drawn / 1e6:.0f}M vs {raw[mode] / 1e6:.0f}M normals/s; "
                        f"{spread(rounds, per_call)})",
                        "≥ 0.7", ratio >= 0.7, pick(t, f"kernel {mode}", f"raw draws {mode}")))
    for mode in ("1 thread", "all cores"):
        ratio = per_s[f"kernel {mode}"] / per_s["NumPy estimator"]
        rounds = round_speedups(t, f"kernel {mode}", "NumPy estimator")
        rows.append(row(f"{widths}: kernel ({mode}) / vectorised NumPy, samples per second", ratio,
                        f"× ({per_s[f'kernel {mode}']:.3g} vs {per_s['NumPy estimator']:.3g} samples/s; "
                        f"{spread(rounds, n_kernel / n_numpy)})",
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


# ---------------------------------------------------------------- 4. Reduced samplers vs reference kernels

def _pooled(estimates) -> tuple[float, float, int]:
    """Mean, per-sample variance and count of all the samples behind a list of Estimates (each
    Estimate's per-sample variance is stderr^2 n_samples; law of total variance across them)."""
    n = np.array([e.n_samples for e in estimates], float)
    means = np.array([e.mean for e in estimates])
    variances = np.array([e.stderr**2 * e.n_samples for e in estimates])
    total = n.sum()
    mean = float((n * means).sum() / total)
    var = float((((n - 1) * variances).sum() + (n * (means - mean) ** 2).sum()) / (total - 1))
    return mean, var, int(total)


def _reduced_cases(width: int):
    """(label, estimator(n, method, seed, executor), variates of one reduced sample, reference normals
    per sample, per-sample work of the reduced kernel besides its draws) for the five estimators with
    a reduced sampler, all at width ``width``."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal(width)
    y = 0.6 * x + 0.8 * rng.standard_normal(width)                   # correlated: E[x^T B B^T y] far from 0
    z = 0.5 * x + 0.5 * y + 0.7 * rng.standard_normal(width)
    u = rng.standard_normal(width)
    v = 0.5 * u + rng.standard_normal(width)
    chain = [width] * 3
    wishart = lambda k: dict(chi_dofs=np.arange(width, width - k, -1.0))  # noqa: E731  Bartlett, k x k
    bartlett = ("{fixed}small arrays allocated and two {k} x {k} products written as loops in "
                "`_wishart_from_root` (through `@` they would go to BLAS dgemm: {{at{k}:.0f}} ns a product "
                "on one thread here, against {{loops{k}:.0f}} ns as loops; last rows of this table)")
    return [
        (f"estimate_relu_chain_sum, widths {chain}",
         lambda n, method, seed, ex: estimate_relu_chain_sum(x, y, chain, n, seed, executor=ex,
                                                             method=method),
         dict(wishart(2), n_normals=1), 2 * width**2,
         bartlett.format(k=2, fixed="a semi-definite Cholesky factor of the 2 x 2 Gram matrix per layer, ")),
        (f"estimate_chain_outer_bilinear, widths {chain}",
         lambda n, method, seed, ex: estimate_chain_outer_bilinear(x, y, chain, n, seed, executor=ex,
                                                                   method=method),
         dict(wishart(2), n_normals=1), 2 * width**2,
         bartlett.format(k=2, fixed="a semi-definite Cholesky factor of the 2 x 2 Gram matrix per layer, ")),
        (f"estimate_norm_product, x, y, z in R^{width}, q = {width}",
         lambda n, method, seed, ex: estimate_norm_product(x, y, z, width, n, seed, executor=ex,
                                                           method=method),
         dict(wishart(3), n_normals=3), width**2,
         bartlett.format(k=3, fixed="(the fixed Gram(x, y, z) is factorised once per chunk) ")),
        (f"estimate_relu_pair, x, y, z, u, v in R^{width}",
         lambda n, method, seed, ex: estimate_relu_pair(x, y, z, u, v, n, seed, executor=ex, method=method),
         dict(chi_dofs=np.empty(0), n_normals=6), width**2,
         "a 6-vector allocated and a 6 x 6 matrix-vector product written as loops"),
        (f"estimate_angle_cdf, n = {width}, theta0 = 1.5",
         lambda n, method, seed, ex: estimate_angle_cdf(1.5, width, n, seed, executor=ex, method=method),
         dict(chi_dofs=np.empty(0), n_normals=0, beta_a=(width - 1) / 2), 2 * width,
         "a comparison with sin^2(theta0 / 2)"),
    ], (x, y, chain)


def _reduced_rows(cfg, label, estimator, variates, ref_normals, extra_work, one_thread,
                  products) -> list[dict]:
    rc = cfg["reduced"]
    n_threads = numba.config.NUMBA_NUM_THREADS
    n = {"reference": rc["n_reference"], "reduced": rc["n_reduced"],
         "reference 1 thread": rc["n_reference"] // 4, "reduced 1 thread": rc["n_one_thread"]}
    seeds, collected = count(100), {"reference": [], "reduced": []}

    def sampled(method, executor=None):
        size = n[method if executor is None else f"{method} 1 thread"]

        def call():
            collected[method].append(estimator(size, method, next(seeds), executor))
        return call

    gen = np.random.Generator(np.random.PCG64(9))
    draws = (variates["chi_dofs"], variates["n_normals"], variates.get("beta_a", 0.0))
    t = time_calls({"reference": sampled("reference"), "reduced": sampled("reduced"),
                    "reference 1 thread": sampled("reference", one_thread),
                    "reduced 1 thread": sampled("reduced", one_thread),
                    "variate draws 1 thread": lambda: variate_draws(gen, rc["n_one_thread"], *draws)},
                   cfg["repeats"], cfg["min_time"])
    (mean_ref, var_ref, n_ref), (mean_red, var_red, n_red) = (_pooled(collected[m])
                                                              for m in ("reference", "reduced"))
    z = (mean_red - mean_ref) / math.sqrt(var_ref / n_ref + var_red / n_red)
    if not abs(z) < 5:
        raise AssertionError(f"{label}: reduced mean {mean_red!r} != reference mean {mean_ref!r} "
                             f"(z = {z:.2f})")
    rate = {name: n[name] / t[name]["median_s"] for name in n}
    per_sample_draws = t["variate draws 1 thread"]["median_s"] / rc["n_one_thread"]
    # Time to a relative stderr REL_SE: var / (REL_SE^2 mean^2) samples at the measured rate; the more
    # precise reduced mean stands for the mean of both.
    needed = {m: v / (REL_SE * mean_red) ** 2 for m, v in (("reference", var_ref), ("reduced", var_red))}
    to_tol = {name: needed[name.split()[0]] / rate[name] for name in rate}
    speedup = to_tol["reference"] / to_tol["reduced"]
    speedup_1t = to_tol["reference 1 thread"] / to_tol["reduced 1 thread"]
    # The same ratio if the reduced sampler cost only its variates, spread perfectly over n_threads cores.
    floor_speedup = to_tol["reference"] / (needed["reduced"] * per_sample_draws / n_threads)
    parallel = {m: rate[m] / rate[f"{m} 1 thread"] for m in ("reference", "reduced")}
    scaling = ""
    if parallel["reduced"] < 0.8 * parallel["reference"]:
        scaling = (f"  On this machine {n_threads} threads ran the reduced estimator "
                   f"{parallel['reduced']:.2f}× as fast as one (the reference {parallel['reference']:.2f}×); "
                   f"one thread each, the ratio is {speedup_1t:.0f}×.")
    if speedup >= 100:
        why = None
    elif floor_speedup < 100:
        why = (f"not reachable with this reduction at this width: even if a reduced sample cost only its "
               f"random variates ({per_sample_draws * 1e9:.0f} ns), the ratio would be about "
               f"{floor_speedup:.0f}×, because a reference sample costs only "
               f"{1e9 / rate['reference 1 thread']:.0f} ns on one thread ({ref_normals} normals) and the "
               f"per-sample variance ratio is {var_red / var_ref:.2f}." + scaling)
    else:
        per_sample_1t = 1 / rate["reduced 1 thread"]
        why = (f"the reduction allows it (about {floor_speedup:.0f}× if a reduced sample cost only its "
               f"random variates), but the reduced estimator takes {per_sample_1t * 1e9:.0f} ns per "
               f"sample on one thread where drawing its variates takes {per_sample_draws * 1e9:.0f} ns "
               f"({per_sample_1t * 1e9 / (per_sample_draws * 1e9):.0f}×); the rest is the kernel's other "
               f"per-sample work in `_reduced_kernels.py`: {extra_work.format(**products)}." + scaling)
    return [
        row(f"{label}: samples per second, reduced / reference (all cores)",
            rate["reduced"] / rate["reference"],
            f"× ({rate['reduced']:.3g} vs {rate['reference']:.3g} samples/s; {n_threads} threads / 1 thread: "
            f"{parallel['reduced']:.2f}× vs {parallel['reference']:.2f}×)",
            timings=pick(t, "reduced", "reference"), samples_per_second=rate, parallel_speedup=parallel),
        row(f"{label}: per-sample variance, reduced / reference", var_red / var_ref,
            f"({var_red:.4g} vs {var_ref:.4g}; means {mean_red:.6g} vs {mean_ref:.6g}, z = {z:+.2f}; "
            f"{n_red:.3g} vs {n_ref:.3g} samples)",
            variance={"reduced": var_red, "reference": var_ref},
            mean={"reduced": mean_red, "reference": mean_ref},
            samples={"reduced": n_red, "reference": n_ref}, z=z),
        row(f"{label}: time to a relative stderr of {REL_SE:g}, reference / reduced (all cores)", speedup,
            f"× ({to_tol['reference']:.3g} s vs {to_tol['reduced']:.3g} s; {needed['reference']:.3g} vs "
            f"{needed['reduced']:.3g} samples)", "≥ 100", speedup >= 100,
            pick(t, "reference", "reduced"), seconds=to_tol, samples_needed=needed, why=why),
        row(f"{label}: time to a relative stderr of {REL_SE:g}, reference / reduced (1 thread each)",
            speedup_1t, f"× ({to_tol['reference 1 thread']:.3g} s vs {to_tol['reduced 1 thread']:.3g} s)",
            timings=pick(t, "reference 1 thread", "reduced 1 thread")),
        row(f"{label}: reduced (1 thread) / its random variates drawn alone, time per sample",
            1 / (per_sample_draws * rate["reduced 1 thread"]),
            f"× ({1e9 / rate['reduced 1 thread']:.3g} vs {per_sample_draws * 1e9:.3g} ns; at the draw cost "
            f"alone the all-cores time-to-tolerance ratio would be ≈ {floor_speedup:.3g}×)",
            timings=pick(t, "reduced 1 thread", "variate draws 1 thread"),
            variates={k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in variates.items()},
            floor_time_to_tolerance_ratio=floor_speedup),
    ]


def bench_reduced(cfg) -> dict:
    rc = cfg["reduced"]
    cases, (x, y, chain) = _reduced_cases(rc["width"])
    # What a k x k matrix product through `@` costs inside a Numba loop, against the same product
    # written out as loops (the reduced Wishart draws make two such products per layer and sample).
    n_products = rc["n_one_thread"]
    t_products = time_calls({f"{how} {k}x{k}": partial(small_products, n_products, k, how == "@")
                             for k in (2, 3) for how in ("@", "loops")}, cfg["repeats"], cfg["min_time"])
    products = {f"{'at' if how == '@' else 'loops'}{k}": t_products[f"{how} {k}x{k}"]["median_s"] / n_products
                * 1e9 for k in (2, 3) for how in ("@", "loops")}
    one_thread = ThreadPoolExecutor(1)
    rows = [r for case in cases for r in _reduced_rows(cfg, *case, one_thread, products)]
    one_thread.shutdown()

    # Sampling to a tolerance with the reduced sampler: n_samples is the budget.
    tol = Tolerance(rel_stderr=REL_SE)
    fn = partial(estimate_relu_chain_sum, x, y, chain, rc["budget"], 0, tolerance=tol, method="reduced")
    t = time_calls({"reduced to tolerance": fn}, cfg["repeats"], cfg["min_time"])
    est = fn()
    predicted = next(r for r in rows if r["name"].startswith("estimate_relu_chain_sum")
                     and "time to" in r["name"])["details"]["samples_needed"]["reduced"]
    rows.append(row(f"estimate_relu_chain_sum, widths {chain}, method=\"reduced\", "
                    f"Tolerance(rel_stderr={REL_SE:g}), budget {rc['budget']}: samples used", est.n_samples,
                    f"samples in {t['reduced to tolerance']['median_s']:.3g} s (stderr / |mean| = "
                    f"{est.stderr / abs(est.mean):.3g}, target_met = {est.target_met}; the variance above "
                    f"predicts {predicted:.3g} samples; rounds sized from a pilot chunk, section 7)",
                    "`target_met` = True within the budget", bool(est.target_met), t, samples=est.n_samples,
                    mean=est.mean, stderr=est.stderr, predicted_samples=predicted,
                    why=None if est.target_met else f"the budget of {rc['budget']} samples ran out first."))
    for k in (2, 3):
        rows.append(row(f"{k} x {k} matrix product in a Numba loop: through `@` (BLAS dgemm) / written out "
                        "as loops, time per product, 1 thread", products[f"at{k}"] / products[f"loops{k}"],
                        f"× ({products[f'at{k}']:.3g} vs {products[f'loops{k}']:.3g} ns)",
                        timings=pick(t_products, f"@ {k}x{k}", f"loops {k}x{k}")))
    n_threads = numba.config.NUMBA_NUM_THREADS
    tol_rows = [r for r in rows if r["target"] == "≥ 100"]
    met = [r["name"].split(":")[0] for r in tol_rows if r["met"]]
    summary = (f"**{len(met)} of the {len(tol_rows)} estimators reach the ≥ 100× time-to-tolerance target** "
               f"at width {rc['width']}" + (f" ({', '.join(met)})" if met else "") + "; measured ratios "
               + ", ".join(f"{r['name'].split(',')[0]} {r['value']:.0f}×" for r in tol_rows)
               + ".  The reasons are given under Targets above.")
    return dict(title="4. Reduced samplers against the reference kernels", rows=rows, setup=(
        f"Each estimator in `expectations/lemmas/estimators.py` with a reduced sampler, at width "
        f"{rc['width']}, with `method=\"reference\"` ({rc['n_reference']} samples a call) and "
        f"`method=\"reduced\"` ({rc['n_reduced']} samples a call), both on the package's default thread pool "
        f"({n_threads} threads), timed in interleaved rounds.  Inputs (seed 8): x ~ N(0, I), "
        "y = 0.6 x + 0.8 N(0, I), z = 0.5 x + 0.5 y + 0.7 N(0, I), u ~ N(0, I), v = 0.5 u + N(0, I); "
        "`estimate_relu_chain_sum` and `estimate_chain_outer_bilinear` take x, y and widths "
        f"[{rc['width']}] * 3 (standard normal matrices), `estimate_norm_product` x, y, z and "
        f"q = {rc['width']}, `estimate_relu_pair` x, y, z, u, v, and `estimate_angle_cdf` n = "
        f"{rc['width']}, theta0 = 1.5.  Every timed call uses a new seed and the per-sample variance "
        "(stderr^2 n_samples of each Estimate) is pooled over all of them; the two methods' means were "
        "checked to agree (|z| < 5).  Time to a relative standard error r: "
        f"variance / (r^2 mean^2) / (samples per second), r = {REL_SE:g}; its ratio does not depend on r.  "
        "The same ratio with each method on one thread (a one-worker `ThreadPoolExecutor`; "
        f"{rc['n_reference'] // 4} and {rc['n_one_thread']} samples a call) follows.  Last row of each: the "
        "reduced estimator on one thread against a bare Numba loop drawing only the random variates one "
        "reduced sample consumes (`benchmarks/reference.py: variate_draws`: chi-square draws of the "
        "Bartlett factor and its normals, or 6 normals, or one Beta draw).  Then the tolerance run, and a "
        "k x k matrix product through `@` against the same product written out as loops "
        f"(`small_products`, {rc['n_one_thread']} products a call)."),
        notes=[summary,
               "\"≈ at the draw cost alone\" assumes the reduced sampler cost only its variates and ran "
               f"perfectly in parallel on {n_threads} cores: an upper bound for a faster implementation of "
               "the same reduction, not a measurement.",
               "The reduced samplers of `estimate_norm_product`, `estimate_relu_pair` and "
               "`estimate_angle_cdf` draw the sampled quantity exactly (same distribution, variance ratio "
               "1 up to noise); those of `estimate_relu_chain_sum` and `estimate_chain_outer_bilinear` also "
               "integrate out the last layer, which lowers the variance.",
               "The tolerance run samples a pilot chunk, then rounds sized from the variance merged so "
               f"far, until stderr <= {REL_SE:g} |mean| (section 7)."])


# ---------------------------------------------------------------- 5. How cost grows

def _per_unit_times(sc, calls: dict) -> tuple[dict, dict]:
    """calls: {size: (fn, units per call)} -> timings and seconds per unit (sample or network)."""
    t = time_calls({str(size): fn for size, (fn, _) in calls.items()}, sc["repeats"], sc["min_time"])
    return t, {size: t[str(size)]["median_s"] / units for size, (_, units) in calls.items()}


def _scaling_row(what, label, unit, per_unit, expected, t) -> tuple[dict, dict]:
    sizes = list(per_unit)
    times = [per_unit[s] for s in sizes]
    slope = growth_exponent(sizes, times)
    last = growth_exponent(sizes[-2:], times[-2:])
    r = row(f"Growth exponent in {what}: {label}, time per {unit}", slope,
            f"(expected {expected}; {_fmt_time(times[0])} at {sizes[0]} → {_fmt_time(times[-1])} at "
            f"{sizes[-1]}; slope over the last step {last:.2f})", timings=t, sizes=sizes,
            seconds_per_unit=times, last_step_exponent=last)
    return r, dict(label=f"{label} (per {unit})", sizes=sizes, times=times, exponent=slope)


def _fmt_time(t: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def _n_networks(sc, widths, s) -> int:
    work = s * sum(a * b for a, b in zip(widths[1:], widths[:-1]))
    return max(4, 4 * round(sc["net_work"] / work / 4))


def bench_scaling(cfg) -> tuple[dict, list[dict]]:
    sc = cfg["scaling"]
    one = ThreadPoolExecutor(1)
    rows, panels = [], []

    def chain(w, method, n):
        x, y = np.random.default_rng(w).standard_normal((2, w))
        return partial(estimate_relu_chain_sum, x, y, [w] * 3, n, 0, executor=one, method=method), n

    def network(widths, s, data_seed=0):
        data = synthetic(s, widths[0], 1, seed=data_seed)
        n = _n_networks(sc, widths, s)
        return partial(sample_initializations, widths, data.inputs, data.targets, "mse", n, 0,
                       executor=one), n

    ws = sc["chain_widths"]
    t, ref = _per_unit_times(sc, {w: chain(w, "reference", max(16, sc["chain_work"] // w**2)) for w in ws})
    r1, c1 = _scaling_row("width", "reference relu_chain [w, w, w]", "sample", ref,
                          "≈ 2: 2 w^2 normals a sample", t)
    t, red = _per_unit_times(sc, {w: chain(w, "reduced", sc["n_reduced"]) for w in ws})
    r2, c2 = _scaling_row("width", "reduced relu_chain [w, w, w]", "sample", red,
                          "≈ 0: one 2 x 2 Wishart draw a sample whatever w", t)
    t, net = _per_unit_times(sc, {w: network([8, w, w, w, 1], sc["net_s"]) for w in sc["net_widths"]})
    r3, c3 = _scaling_row("width", f"network kernel [8, w, w, w, 1], s = {sc['net_s']}", "network", net,
                          "≈ 2: s (8 w + 2 w^2 + w) multiply-adds per pass", t)
    rows += [r1, r2, r3]
    panels.append(dict(title="Width (one thread)", xlabel="width w (units per hidden layer)",
                       ylabel="wall time per sample or per network (s)", curves=[c1, c2, c3]))
    t, dep = _per_unit_times(sc, {d: network([64] * (d + 1) + [1], sc["net_s"]) for d in sc["depths"]})
    r4, c4 = _scaling_row("depth", f"network kernel [64] * (L + 1) + [1], s = {sc['net_s']}", "network", dep,
                          "≈ 1: L 64 x 64 layers (plus a 64 x 1 one)", t)
    rows.append(r4)
    panels.append(dict(title="Depth (one thread)", xlabel="hidden layers L of width 64",
                       ylabel="wall time per network (s)", curves=[c4]))
    t, size = _per_unit_times(sc, {s: network([8, 64, 64, 64, 1], s) for s in sc["sizes"]})
    r5, c5 = _scaling_row("data-set size", "network kernel [8, 64, 64, 64, 1]", "network", size,
                          "between 1 and 2: s passes of O(width^2) plus the s^2-term Theorem 4.13 sums", t)
    rows.append(r5)
    panels.append(dict(title="Data-set size (one thread)", xlabel="data-set size s (data points)",
                       ylabel="wall time per network (s)", curves=[c5]))
    one.shutdown()
    section = dict(title="5. How cost grows with width, depth and data-set size", rows=rows, setup=(
        "Wall time per sample or per network on **one thread** (the estimators and `sample_initializations` "
        "given a one-worker `ThreadPoolExecutor`), so the exponents describe work, not parallelism; "
        f"median of {sc['repeats']} interleaved repeats per point (all points of a curve in the same "
        "rounds).  Exponent: least-squares slope of log(time) on log(size) over all points (and, for "
        "comparison, over the last step alone).  `estimate_relu_chain_sum` with widths [w, w, w] "
        "(depth 2, standard normal matrices, x and y standard normal); `sample_initializations` "
        "(Hettinger networks, MSE, data `synthetic(s, d_0, 1, seed=0)`) at widths [8, w, w, w, 1] with "
        f"s = {sc['net_s']}, at widths [64] * (L + 1) + [1] (L hidden layers of width 64, inputs in "
        f"R^64) with s = {sc['net_s']}, and at widths [8, 64, 64, 64, 1] for each s.  Samples per call: "
        f"{sc['chain_work']} / w^2 (at least 16) for the reference kernel, {sc['n_reduced']} for the "
        "reduced one; networks per call: about "
        f"{sc['net_work']:.0e} / (s sum d_(t-1) d_t), a multiple of 4, at least 4."),
        notes=["Fitted lines are dotted in the figure; the legend gives each fitted slope.",
               "Small sizes carry fixed costs per call, per chunk and per network (Python chunk handling, "
               "generator set-up, allocation, the s^2 Theorem 4.13 loop at fixed s), which flatten the low "
               "end of a curve; the slope over the last step is the closer guide to the asymptotic "
               "exponent."])
    return section, panels


def _own_cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the figure scripts)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


#: Sections that ``--only`` runs alone: name -> (benchmark, its section's title prefix).
ALONE = {"figures": (bench_figures, "11."), "flops": (bench_flops, "9.")}


def only_section(name: str, cfg, json_path: Path, md_path: Path) -> int:
    """One section alone (:data:`ALONE`), replaced in the results of the last full run (its own load
    and date in its notes)."""
    bench, prefix = ALONE[name]
    report = json.loads(json_path.read_text())
    load, start, own_cpu, machine_cpu = os.getloadavg(), time.perf_counter(), _own_cpu_seconds(), \
        machine_cpu_seconds()
    section = bench(cfg)
    wall = time.perf_counter() - start
    others = None if machine_cpu is None else (
        (machine_cpu_seconds() - machine_cpu - (_own_cpu_seconds() - own_cpu)) / wall)
    section["notes"].insert(0, (
        f"Run alone by `python benchmarks/run.py --only {name}` on "
        f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M')} UTC ({wall:.0f} s; load "
        f"average at start {', '.join(f'{v:.2f}' for v in load)}; other processes kept "
        f"{'?' if others is None else f'{others:.2f}'} of the {os.cpu_count()} cores busy on average)."))
    report["sections"] = [section if s["title"].startswith(prefix) else s for s in report["sections"]]
    write_files_atomically({json_path: to_json(report), md_path: render_markdown(report)})
    print(f"wrote {json_path} and {md_path} in {wall:.1f} s", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (< 30 s)")
    parser.add_argument("--json", type=Path, help="results file (default: benchmarks/results.json, or a "
                                                  "temporary directory with --quick)")
    parser.add_argument("--markdown", type=Path, help="report (default: docs/benchmarks.md, or a temporary "
                                                      "directory with --quick)")
    parser.add_argument("--figures", action="store_true",
                        help="also time `validate --figures`, scripts in turn and concurrently (minutes)")
    parser.add_argument("--figure", type=Path, help="section 5's plot (default: "
                                                    "figures/benchmark_scaling.png, or a temporary "
                                                    "directory with --quick)")
    parser.add_argument("--only", choices=sorted(ALONE), help="run one section alone (figures: 11, flops: "
                                                             "9) and replace it in the existing results "
                                                             "file and report")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    if args.only:
        return only_section(args.only, cfg, args.json or ROOT / "benchmarks" / "results.json",
                            args.markdown or ROOT / "docs" / "benchmarks.md")
    out_dir = Path(tempfile.mkdtemp(prefix="benchmarks-quick-")) if args.quick else None
    json_path = args.json or (out_dir / "results.json" if out_dir else ROOT / "benchmarks" / "results.json")
    md_path = args.markdown or (out_dir / "benchmarks.md" if out_dir else ROOT / "docs" / "benchmarks.md")
    fig_path = args.figure or (out_dir / "benchmark_scaling.png" if out_dir
                               else ROOT / "figures" / "benchmark_scaling.png")

    start, own_cpu, machine_cpu = time.perf_counter(), time.process_time(), machine_cpu_seconds()
    report = dict(date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                  command="python benchmarks/run.py" + (" --quick" if args.quick else "")
                  + (" --figures" if args.figures else ""),
                  mode="quick" if args.quick else "full", repeats=cfg["repeats"],
                  scaling_repeats=cfg["scaling"]["repeats"], machine=machine())
    sections = []
    benches = (bench_theorems, bench_initializations, bench_relu_chain, bench_reduced, bench_learning_rate,
               bench_tolerance, bench_suite, bench_flops, bench_analytic)
    for bench in benches + ((bench_figures,) if args.figures else ()):
        print(f"{bench.__name__} ...", file=sys.stderr)
        sections.append(bench(cfg))
    print("bench_scaling ...", file=sys.stderr)
    scaling, panels = bench_scaling(cfg)
    sections.append(scaling)
    wall = time.perf_counter() - start
    others = None if machine_cpu is None else (
        (machine_cpu_seconds() - machine_cpu - (time.process_time() - own_cpu)) / wall)
    scaling["figure"] = Path(os.path.relpath(fig_path.resolve(), md_path.resolve().parent)).as_posix()
    report.update(total_seconds=wall, other_processes_cores=others, sections=sections)
    figure = scaling_figure_png(panels, f"How cost grows ({report['command']}, {report['date']} UTC, "
                                        f"{report['machine']['cpu_model']}); dotted: least-squares fits")
    write_files_atomically({json_path: to_json(report), md_path: render_markdown(report), fig_path: figure})
    print(f"wrote {json_path}, {md_path} and {fig_path} in {report['total_seconds']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
