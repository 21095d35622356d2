"""The learning rate a user asks about: for an architecture and a data set, the
thesis's estimate beside the per-network Newton estimate and the true optimum.

* The thesis's estimate (Chapter 5): -T_4.13 / T_4.24, both theorems evaluated
  with the output gradients and Hessians of an initial network, their sums
  computed exactly (factorised) and by the thesis's 4,000-sample index
  subsampling (with a delta-method standard error).
* The expected-derivative estimate -E[L_M'(0)] / E[L_M''(0)] over Hettinger
  initializations, by Monte Carlo, with a delta-method standard error.
* Per network: the Newton estimate -L_M'(0)/L_M''(0) and the true optimum
  (global minimiser of L_M), summarised over several initializations by the median
  with its interquartile range beside mean ± SE (the ratios are heavy-tailed).
* From the architecture and the data alone (MSE): the thesis's and the refined
  estimates with their expectations over initializations in closed form
  (:mod:`expectations.network.analytic`), and the expectation of the per-network refined
  estimate over the exact law of the end-to-end matrix.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numba
import numpy as np

from expectations import _checks
from expectations.blas import one_blas_thread
from expectations.montecarlo.estimate import Estimate, delta_ratio
from expectations.network.analytic import (
    AnalyticLearningRate,
    analytic_learning_rate,
    cancellation_ratio,
    expected_cancellation,
    expected_refined_estimate,
)
from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem
from expectations.network.over_initializations import NETWORKS_PER_CHUNK, sample_initializations
from expectations.network.theorems import (
    theorem_4_13_both,
    theorem_4_13_subsampled,
    theorem_4_24,
    theorem_4_24_refined,
    theorem_4_24_subsampled,
)
from expectations.spread import Spread


@dataclass(frozen=True)
class NetworkResult:
    """One initial network: the thesis's estimate at it, its Newton estimate and true optimum."""

    thesis_exact: float
    refined_exact: float
    thesis_subsampled: Estimate
    newton: float | None
    true_optimum: float
    optimum_at_boundary: bool
    loss_before: float
    loss_at_optimum: float
    cancellation: float


@dataclass(frozen=True)
class LearningRateReport:
    """Everything ``expectations learning-rate`` prints."""

    widths: tuple[int, ...]
    data: str
    loss: str
    seed: int
    networks: list[NetworkResult] = field(repr=False)
    expected_derivatives: Estimate
    thesis_over_initializations: Estimate
    refined_over_initializations: Estimate
    analytic: AnalyticLearningRate | None = None
    analytic_expected_refined: Estimate | None = None
    analytic_cancellation: float | None = None

    def values(self, attribute: str, relative_to_true: bool = False) -> np.ndarray:
        """A per-network number, network by network (NaN where it does not exist, as a Newton
        estimate when L''(0) <= 0), optionally divided by that network's true optimum."""
        values = np.array([math.nan if getattr(r, attribute) is None else getattr(r, attribute)
                           for r in self.networks], dtype=float)
        return values / self.values("true_optimum") if relative_to_true else values

    def spread(self, attribute: str, relative_to_true: bool = False) -> Spread:
        """Median [IQR] and mean ± SE over the initial networks of :meth:`values` (NaNs left out)."""
        return Spread.of(self.values(attribute, relative_to_true))


def _ratio_of_independent(num: Estimate, den: Estimate, seed: int) -> Estimate:
    """-num/den for independent estimates, with a delta-method standard error."""
    r, se = delta_ratio(num.mean, den.mean, num.stderr**2, den.stderr**2)
    return Estimate(-r, se, min(num.n_samples, den.n_samples), seed)


def analyse_network(network: CReLUNetwork, inputs, targets, loss: str = "mse",
                    n_index_samples: int = 4000, seed: int = 0) -> NetworkResult:
    """The thesis's estimate at ``network`` (exact and subsampled), its Newton estimate and true optimum."""
    problem = OneStepProblem(network, inputs, targets, loss)
    d = problem.derivatives()
    g = problem.output_gradients
    hess = problem.loss.hessian(problem.activations[-1], problem.targets)
    widths = network.widths
    printed_13, exact_first_layer_13 = theorem_4_13_both(widths, problem.inputs, g)
    exact = -printed_13 / theorem_4_24(widths, problem.inputs, g, hess)
    refined = -exact_first_layer_13 / theorem_4_24_refined(widths, problem.inputs, g, hess)
    sub = _ratio_of_independent(theorem_4_13_subsampled(widths, problem.inputs, g, n_index_samples, seed),
                                theorem_4_24_subsampled(widths, problem.inputs, g, hess, n_index_samples,
                                                        seed + 1), seed)
    newton = d.newton_learning_rate if d.second > 0 else None
    opt = problem.optimal_learning_rate()
    return NetworkResult(float(exact), float(refined), sub, newton, opt.learning_rate, opt.at_boundary,
                         d.value, opt.loss, cancellation_ratio(problem.inputs, g))


class _ProgressPool(ThreadPoolExecutor):
    """A thread pool that calls ``progress`` as each submitted task finishes (the tasks, their
    seeds and the order of their results are untouched, so the numbers are the same bits)."""

    def __init__(self, total: int, progress: Callable[[str], None], label: str):
        super().__init__(max_workers=numba.config.NUMBA_NUM_THREADS)
        self._total, self._progress, self._label = total, progress, label
        self._done = 0
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._report)
        return future

    def _report(self, _future) -> None:
        with self._lock:
            self._done += 1
            self._progress(f"{self._label}: {self._done}/{self._total} chunks done")


def analyse_networks(widths, inputs, targets, loss: str = "mse", n_networks: int = 8, seed: int = 0,
                     progress: Callable[[str], None] | None = None) -> list[NetworkResult]:
    """:func:`analyse_network` on ``n_networks`` Hettinger initial networks (network k seeded by child k of
    ``SeedSequence(seed)``), two at a time with one BLAS thread each; results in network order."""
    widths = tuple(int(w) for w in _checks.widths("widths", widths))
    n_networks = _checks.positive_int("n_networks", n_networks)
    inputs = np.asarray(inputs, dtype=float)
    targets = np.asarray(targets, dtype=float)
    targets = targets[:, None] if targets.ndim == 1 else targets
    CReLUNetwork.hettinger(widths, 0).check_inputs(inputs, targets)
    children = np.random.SeedSequence(seed).spawn(n_networks)

    def one(k: int) -> NetworkResult:
        net = CReLUNetwork.hettinger(widths, np.random.default_rng(children[k]))
        return analyse_network(net, inputs, targets, loss, seed=seed + 2 * k)

    results = []
    with one_blas_thread(), ThreadPoolExecutor(max_workers=numba.config.NUMBA_NUM_THREADS) as pool:
        for k, result in enumerate(pool.map(one, range(n_networks))):
            results.append(result)
            if progress:
                progress(f"network {k + 1}/{n_networks} done")
    return results


def learning_rate_report(widths, inputs, targets, loss: str = "mse", n_networks: int = 8,
                         n_monte_carlo: int = 200, seed: int = 0, data_name: str = "data",
                         progress: Callable[[str], None] | None = None) -> LearningRateReport:
    """Analyse ``n_networks`` Hettinger initial networks and ``n_monte_carlo`` for the expectations;
    with the MSE loss also the analytic estimates (no network drawn)."""
    widths = tuple(int(w) for w in _checks.widths("widths", widths))
    networks = analyse_networks(widths, inputs, targets, loss, n_networks, seed, progress)
    label = f"Monte Carlo over {n_monte_carlo} initializations"
    pool = _ProgressPool(-(-n_monte_carlo // NETWORKS_PER_CHUNK), progress, label) if progress else None
    try:
        sample = sample_initializations(widths, inputs, targets, loss, n_monte_carlo, seed, executor=pool)
    finally:
        if pool is not None:
            pool.shutdown()
    thesis = sample.ratio("theorem_4_13", "theorem_4_24")
    refined = sample.ratio("theorem_4_13_exact_first_layer", "theorem_4_24_refined")
    analytic = expected = cancellation = None
    if loss == "mse":
        analytic = analytic_learning_rate(widths, inputs, targets)
        expected = expected_refined_estimate(widths, inputs, targets, seed=seed)
        cancellation = expected_cancellation(widths, inputs, targets)
    return LearningRateReport(widths, data_name, loss, seed, networks, sample.optimal_learning_rate(),
                              Estimate(-thesis.mean, thesis.stderr, thesis.n_samples, seed),
                              Estimate(-refined.mean, refined.stderr, refined.n_samples, seed),
                              analytic, expected, cancellation)


def _ratio_to_mean_true(report: LearningRateReport, value: float, stderr: float = 0.0) -> Estimate:
    """value / (mean true optimum over the networks), with a delta-method SE from both."""
    true = report.spread("true_optimum")
    r, se = delta_ratio(value, true.mean, stderr**2, true.stderr**2 if true.n > 1 else math.nan)
    return Estimate(r, se, true.n, report.seed)


def format_report(report: LearningRateReport) -> str:
    """The report as text."""
    def est(e: Estimate) -> str:
        return f"{e.mean:.5g} ± {e.stderr:.2g}" if math.isfinite(e.stderr) else f"{e.mean:.5g}"

    def spread(attribute: str, relative: bool = False) -> str:
        return report.spread(attribute, relative).text()

    first = report.networks[0]
    n = len(report.networks)
    lines = [
        f"architecture {list(report.widths)}, data {report.data}, loss {report.loss}, seed {report.seed}",
        "",
        "initial network 1 (as in the thesis's Chapter 5):",
        f"  thesis estimate, exact sums            {first.thesis_exact:.5g}",
        f"  refined estimate (angles kept)         {first.refined_exact:.5g}",
        f"  thesis estimate, 4,000-index subsample {est(first.thesis_subsampled)}",
        f"  Newton estimate -L'(0)/L''(0)           {first.newton:.5g}" if first.newton is not None
        else "  Newton estimate                        none: L''(0) <= 0",
        f"  true optimal learning rate             {first.true_optimum:.5g}"
        + ("  (at the end of the searched range)" if first.optimum_at_boundary else ""),
        f"  loss before / after the optimal step   {first.loss_before:.5g} / {first.loss_at_optimum:.5g}",
        "",
        f"over {n} initial networks: median [interquartile range]; mean ± SE",
        f"  thesis estimate, exact sums            {spread('thesis_exact')}",
        f"  refined estimate (angles kept)         {spread('refined_exact')}",
        f"  Newton estimate                        {spread('newton')}",
        f"  true optimal learning rate             {spread('true_optimum')}",
        "estimate / true optimum, network by network:",
        f"  thesis estimate, exact sums            {spread('thesis_exact', True)}",
        f"  refined estimate (angles kept)         {spread('refined_exact', True)}",
        f"  Newton estimate                        {spread('newton', True)}",
        f"  cancellation in Theorem 4.24's sum     {spread('cancellation')}",
        "",
        f"expectations over {report.expected_derivatives.n_samples} initializations (Monte Carlo; the "
        "ratios' delta-method SEs are lower bounds here, docs/calibration.md):",
        f"  -E[L'(0)] / E[L''(0)]                  {est(report.expected_derivatives)}",
        f"  -E[T4.13] / E[T4.24]                   {est(report.thesis_over_initializations)}",
        f"  -E[T4.13 refined] / E[T4.24 refined]   {est(report.refined_over_initializations)}",
    ]
    if report.analytic is not None:
        a, e = report.analytic, report.analytic_expected_refined
        lines += [
            "",
            "from the architecture and the data alone (no network drawn; / mean true optimum):",
            f"  -E[T4.13] / E[T4.24]                   {a.thesis:.5g}  "
            f"({est(_ratio_to_mean_true(report, a.thesis))})",
            f"  data angles kept in T4.24              {a.angles_kept:.5g}  "
            f"({est(_ratio_to_mean_true(report, a.angles_kept))})",
            f"  + exact layer 1 (refined)              {a.refined:.5g}  "
            f"({est(_ratio_to_mean_true(report, a.refined))})",
            f"  E[refined estimate] (end-to-end law)   {est(e)}  "
            f"({est(_ratio_to_mean_true(report, e.mean, e.stderr))})",
            f"  cancellation in Theorem 4.24 at E[G]   {report.analytic_cancellation:.4g}",
        ]
    return "\n".join(lines)


def report_dict(report: LearningRateReport) -> dict:
    """The report as JSON-able data."""
    def est(e: Estimate) -> dict:
        return {"estimate": e.mean, "stderr": None if math.isnan(e.stderr) else e.stderr,
                "n_samples": e.n_samples}

    out = {
        "widths": list(report.widths), "data": report.data, "loss": report.loss, "seed": report.seed,
        "networks": [{"thesis_exact": r.thesis_exact, "refined_exact": r.refined_exact,
                      "thesis_subsampled": est(r.thesis_subsampled),
                      "newton": r.newton, "true_optimum": r.true_optimum,
                      "optimum_at_boundary": r.optimum_at_boundary, "loss_before": r.loss_before,
                      "loss_at_optimum": r.loss_at_optimum, "cancellation": r.cancellation}
                     for r in report.networks],
        "summary": {name: report.spread(name).as_dict()
                    for name in ("thesis_exact", "refined_exact", "newton", "true_optimum", "cancellation")},
        "ratio_to_true_optimum": {name: report.spread(name, relative_to_true=True).as_dict()
                                  for name in ("thesis_exact", "refined_exact", "newton")},
        "expected_derivatives_learning_rate": est(report.expected_derivatives),
        "thesis_over_initializations": est(report.thesis_over_initializations),
        "refined_over_initializations": est(report.refined_over_initializations),
    }
    if report.analytic is not None:
        a = report.analytic
        out["analytic"] = {"thesis": a.thesis, "angles_kept": a.angles_kept, "refined": a.refined,
                           "expected_refined": est(report.analytic_expected_refined),
                           "cancellation": report.analytic_cancellation}
    return out
