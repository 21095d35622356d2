"""Section 10 of ``benchmarks/run.py``: the learning rate from the architecture and the data alone.

The analytic refined estimate (``expectations.analytic_learning_rate``, no network drawn) against
the routes it replaces, timed in interleaved rounds of one run on the thesis's Pima data
(s = 768, d_0 = 8): the refined estimate at one initial network (draw it, forward pass, output
gradients, the two theorems) and the Monte Carlo ratio -E[T4.13 refined] / E[T4.24 refined] over
200 initializations that the learning-rate report also prints.
"""

from __future__ import annotations

import numpy as np
from harness import time_calls

from expectations.data import load_pima
from expectations.network.analytic import analytic_learning_rate, expected_refined_estimate
from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem
from expectations.network.over_initializations import sample_initializations
from expectations.network.theorems import theorem_4_13, theorem_4_24_refined

WIDTHS = [8, 64, 64, 1]
TARGET_SECONDS = 0.05


def _row(name, value, unit="", target=None, met=None, timings=None):
    return dict(name=name, value=float(value), unit=unit, target=target,
                met=None if met is None else bool(met), timings=timings or {}, details={})


def bench_analytic(cfg) -> dict:
    data = load_pima()
    x, y = data.inputs, data.targets
    hess = np.full((x.shape[0], 1, 1), 2.0)

    def one_network():
        problem = OneStepProblem(CReLUNetwork.hettinger(WIDTHS, 1), x, y)
        g = problem.output_gradients
        return -theorem_4_13(WIDTHS, x, g, exact_first_layer=True) / theorem_4_24_refined(WIDTHS, x, g, hess)

    def monte_carlo():
        return sample_initializations(WIDTHS, x, y, "mse", 200, 0).ratio(
            "theorem_4_13_exact_first_layer", "theorem_4_24_refined")

    t = time_calls({"analytic": lambda: analytic_learning_rate(WIDTHS, x, y),
                    "one network": one_network, "monte carlo": monte_carlo,
                    "expected ratio": lambda: expected_refined_estimate(WIDTHS, x, y, 20000)},
                   cfg["repeats"], cfg["min_time"])
    analytic = t["analytic"]["median_s"]
    def pair(*names):
        return {k: t[k] for k in names}

    rows = [
        _row("analytic refined estimate (thesis's too), Pima s = 768, [8, 64, 64, 1]", analytic, "s",
             f"< {TARGET_SECONDS:g} s", analytic < TARGET_SECONDS, {"analytic": t["analytic"]}),
        _row("refined estimate at one initial network / analytic (time per network)",
             t["one network"]["median_s"] / analytic, "×", timings=pair("one network", "analytic")),
        _row("Monte Carlo -E[T4.13 ref]/E[T4.24 ref], 200 initializations / analytic",
             t["monte carlo"]["median_s"] / analytic, "×", timings=pair("monte carlo", "analytic")),
        _row("E[refined estimate] over 20,000 end-to-end draws / analytic",
             t["expected ratio"]["median_s"] / analytic, "×",
             timings=pair("expected ratio", "analytic")),
    ]
    return dict(title="10. The learning rate from the architecture and the data alone", rows=rows, setup=(
        "The thesis's Pima data (768 x 8, inputs standardised, Outcome 0/1), MSE, widths [8, 64, 64, 1]. "
        "`analytic_learning_rate` evaluates E[T4.13], E[T4.24] (printed, angles kept, refined) at the "
        "closed-form E[G] of the output gradients, O(s^2 d_0 + n^2); the per-network route draws a "
        "Hettinger network and evaluates the refined theorems at its own gradients; the Monte Carlo route "
        "is `sample_initializations` over 200 networks, as in `expectations learning-rate`."), notes=[])
