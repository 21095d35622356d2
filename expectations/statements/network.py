"""The network-level statements of Chapter 4 (Lemmas 4.6, 4.16, 4.17 and
Theorems 4.13, 4.24), with their cases.

Lemmas 4.6 and 4.16 are identities, checked network by network.  The others
are statements in expectation over the symmetric Hettinger initialization,
with the data held fixed; their right-hand sides contain the output gradients
(and Hessians), which are evaluated either

* held fixed, independent of the weights: the thesis's stated assumption
  (``assumption_holds``), or
* as each network's own, for MSE or cross-entropy targets: how Chapter 5
  uses the theorems (the assumption is broken, and the registry shows the cost).

Both sides then come from the same networks (paired statements).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from expectations.data import synthetic
from expectations.statements.model import Case, Expectation, Identity, Kind, Paired

# The network machinery (SciPy, the Numba kernel) is imported inside the estimators: listing the
# registry needs none of it.


def _classification(s: int, d0: int, classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    data = synthetic(s, d0, classes, seed=seed)
    return data.inputs, np.eye(classes)[np.argmax(data.targets, axis=1)]


def _own(widths, s, loss, seed):
    """Inputs for a case whose output gradients are each network's own."""
    if loss == "mse":
        data = synthetic(s, widths[0], widths[-1], seed=seed)
        x, y = data.inputs, data.targets
    else:
        x, y = _classification(s, widths[0], widths[-1], seed)
    params = {"widths": widths, "s": s, "loss": loss, "output_gradients": "network's own"}
    return params, dict(widths=widths, inputs=x, targets=y, loss=loss)


def _fixed(widths, s, seed):
    """Inputs for a case with output gradients and Hessians held fixed (the thesis's assumption)."""
    rng = np.random.default_rng([4130, seed])
    x = synthetic(s, widths[0], 1, seed=seed).inputs
    g = rng.standard_normal((s, widths[-1]))
    a = rng.standard_normal((widths[-1], widths[-1]))
    h = np.broadcast_to(a @ a.T / widths[-1] + np.eye(widths[-1]), (s, widths[-1], widths[-1])).copy()
    params = {"widths": widths, "s": s, "output_gradients": "fixed"}
    return params, dict(widths=widths, inputs=x, output_gradients=g, hessians=h)


def _initialization_cases(own_loss=("mse",)) -> tuple[Case, ...]:
    cases = []
    for widths, s, seed in [([8, 16, 1], 32, 1), ([8, 32, 32, 2], 32, 2), ([8, 64, 64, 64, 2], 64, 3)]:
        params, inputs = _fixed(widths, s, seed)
        cases.append(Case(params, inputs))
    for widths, s, loss, seed in [([8, 16, 1], 32, "mse", 4), ([8, 32, 32, 1], 64, "mse", 5),
                                  ([8, 32, 32, 3], 64, "cross-entropy", 6)]:
        if loss in own_loss:
            params, inputs = _own(widths, s, loss, seed)
            cases.append(Case(params, inputs, False, "output gradients depend on the weights"))
    return tuple(cases)


def _sample(lhs: str, widths, inputs, n_samples, seed, executor, targets, loss, output_gradients,
            hessians, tolerance):
    """The Monte Carlo over initializations, sampling to ``tolerance`` on column ``lhs``."""
    from expectations.montecarlo.sampling import Tolerance
    from expectations.network.over_initializations import InitializationSample, sample_initializations

    if tolerance is not None:
        tolerance = Tolerance(tolerance.stderr, tolerance.rel_stderr, InitializationSample.COLUMNS.index(lhs))
    return sample_initializations(widths, inputs, targets, loss, n_samples, seed, executor,
                                  output_gradients=output_gradients, hessians=hessians, tolerance=tolerance)


def _paired(lhs: str, rhs: str):
    """An estimator returning the moments of (lhs, rhs) over initializations."""
    def estimator(widths, inputs, n_samples, seed, executor=None, targets=None, loss="mse",
                  output_gradients=None, hessians=None, tolerance=None):
        sample = _sample(lhs, widths, inputs, n_samples, seed, executor, targets, loss, output_gradients,
                         hessians, tolerance)
        return sample.moments.select([sample.COLUMNS.index(lhs), sample.COLUMNS.index(rhs)])
    return estimator


def _first_sum(widths, inputs, n_samples, seed, executor=None, targets=None, loss="mse",
               output_gradients=None, hessians=None, tolerance=None):
    sample = _sample("lemma_4_16_first_sum", widths, inputs, n_samples, seed, executor, targets, loss,
                     output_gradients, hessians, tolerance)
    return replace(sample.estimate("lemma_4_16_first_sum"), target_met=sample.target_met)


def _identity(which: str):
    """Per network: (forward-mode derivative, the thesis's decomposition of it), one row a network."""
    def sides(widths, inputs, targets, loss, n_samples, seed) -> np.ndarray:
        from expectations.network import decomposition
        from expectations.network.crelu import CReLUNetwork
        from expectations.network.losses import get_loss
        from expectations.network.one_step import OneStepProblem

        rows = []
        for child in np.random.SeedSequence(seed).spawn(n_samples):
            net = CReLUNetwork.hettinger(widths, np.random.default_rng(child))
            problem = OneStepProblem(net, inputs, targets, loss)
            d = problem.derivatives()
            hess = get_loss(loss).hessian(problem.activations[-1], problem.targets)
            dec = decomposition.decompose(net, inputs, problem.output_gradients, hess)
            if which == "Lemma 4.6":
                rows.append((d.first, decomposition.lemma_4_6(dec)))
            else:
                rows.append((d.second, sum(decomposition.lemma_4_16(dec))))
        return np.array(rows)
    return sides


def _identity_cases() -> tuple[Case, ...]:
    cases = []
    for widths, s, loss, seed in [([5, 7, 6, 2], 9, "mse", 11), ([4, 6, 3], 7, "cross-entropy", 12),
                                  ([3, 5, 5, 5, 1], 6, "mse", 13)]:
        params, inputs = _own(widths, s, loss, seed)
        params.pop("output_gradients")
        cases.append(Case(params, inputs))
    return tuple(cases)


def _theorem(label: str, summary: str, lhs: str, rhs: str) -> Paired:
    """A theorem approximating ``lhs`` by ``rhs``, both over 400 initializations at the same networks."""
    return Paired(label, Kind.APPROXIMATION, summary, _paired(lhs, rhs), _initialization_cases, 400)


def statements() -> tuple[Expectation | Paired | Identity, ...]:
    """The network-level statements, in the thesis's order."""
    return (
        Identity("Lemma 4.6", "L_M'(0) = -(1/s^2) sum_ikl alpha_ikl omega_ikl",
                 _identity("Lemma 4.6"), _identity_cases, 5),
        _theorem("Theorem 4.13",
                 "E[L_M'(0)] ~ -(1/s^2) sum_i c_i sum_kl dL^l.dL^k |x^k||x^l|((pi-t)cos t + sin t)/pi",
                 "first_derivative", "theorem_4_13"),
        _theorem("Theorem 4.13 (exact first layer)",
                 "Theorem 4.13 with the non-random alpha_1kl in the i = 1 term",
                 "first_derivative", "theorem_4_13_exact_first_layer"),
        Identity("Lemma 4.16", "L_M''(0) = the two sums (corrected: alpha_jkm in the first)",
                 _identity("Lemma 4.16"), _identity_cases, 5),
        Expectation("Lemma 4.17", Kind.EXACT, "E[first sum of Lemma 4.16] = 0", lambda **inputs: 0.0,
                    _first_sum, partial(_initialization_cases, ("mse", "cross-entropy")), 400),
        _theorem("Theorem 4.24",
                 "E[L_M''(0)] ~ sum_ij c_ij (1/s^3) sum_klm A_klm B_ij C_ijklm (corrected reading)",
                 "second_derivative", "theorem_4_24"),
        _theorem("Theorem 4.24 (refined)",
                 "Theorem 4.24 with A_klm -> K_kl K_km (the data's angles kept; exact alpha_1)",
                 "second_derivative", "theorem_4_24_refined"),
    )
