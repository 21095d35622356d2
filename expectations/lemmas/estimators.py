"""Monte Carlo estimates of the left-hand sides of Chapter 4's statements.

Each function mirrors a closed form in :mod:`expectations.lemmas.closed_forms`, takes
the same parameters plus ``n_samples``, ``seed``, an optional
``concurrent.futures.Executor`` and an optional
:class:`~expectations.montecarlo.sampling.Tolerance` (then ``n_samples`` is the budget and
sampling stops once the target standard error is met) and a ``method``
(:data:`METHODS`), and returns an :class:`~expectations.montecarlo.estimate.Estimate`.  They run
the reference kernels of :mod:`._kernels`, which draw every entry of every matrix.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import replace

import numpy as np

from expectations import _checks
from expectations.lemmas import _kernels, _reduced_kernels
from expectations.lemmas.hettinger import layer_sigmas
from expectations.montecarlo.estimate import Estimate
from expectations.montecarlo.sampling import Tolerance, run_chunked, run_to_tolerance

#: Sampling methods: "reference" draws every entry of every matrix; "reduced" uses
#: the exact Gaussian reductions of ``_reduced_kernels`` where one exists.
METHODS = ("reference", "reduced")


def _kernel(name: str, method: str):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    module = _kernels if method == "reference" else _reduced_kernels
    try:
        return getattr(module, name)
    except AttributeError:
        raise ValueError(f"there is no reduced sampler for {name}; use method='reference'") from None


def _run(name, args, n_samples, seed, executor, column=0, tolerance: Tolerance | None = None,
         method: str = "reference") -> Estimate:
    """Estimate component ``column`` with kernel ``name`` (``n_samples`` is the budget with a tolerance)."""
    kernel = _kernel(name, method)
    if tolerance is None:
        return run_chunked(kernel, args, n_samples, seed, executor).estimate(column, seed=seed)
    tolerance = Tolerance(tolerance.stderr, tolerance.rel_stderr, column)
    moments, met = run_to_tolerance(kernel, args, n_samples, seed, tolerance, executor)
    return replace(moments.estimate(column, seed=seed), target_met=met)


def _chain(widths, sigmas):
    m = _checks.widths("widths", widths)
    return m, np.ascontiguousarray(layer_sigmas(sigmas, m))


def estimate_angle_cdf(theta0: float, n: int, n_samples: int, seed: int = 0,
                       executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """P(angle <= theta0) for two independent N(0, I_n) vectors (Lemma 4.3); n an integer >= 2."""
    n = _checks.positive_int("n", n)
    if n < 2:
        raise ValueError("n must be at least 2 for sampled vectors to have an angle")
    (theta0,) = _checks.finite_array("theta0", [theta0])
    return _run("angle_below", (n, float(theta0)), n_samples, seed, executor,
                tolerance=tolerance, method=method)


def estimate_gram_bilinear(x, y, p: int, n_samples: int, seed: int = 0, sigma: float = 1.0,
                           executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """E[x^T A^T A y], A p x len(x) with N(0, sigma^2) entries (Lemmas 4.7, 4.8)."""
    x = _checks.vector("x", x)
    y = _checks.vector("y", y, len(x))
    m, sig = _chain([len(x), p], [sigma])
    return _run("chain_bilinear", (m, sig, x, y, False), n_samples, seed, executor,
                tolerance=tolerance, method=method)


def estimate_chain_outer_bilinear(x, y, widths, n_samples: int, seed: int = 0, sigmas=None,
                                  executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """E[x^T B_{s,q} B_{s,q}^T y], widths (m_{q-1}, ..., m_s), x, y in R^{m_s} (Lemmas 4.9, 4.10)."""
    m, sig = _chain(widths, sigmas)
    x = _checks.vector("x", x, int(m[-1]))
    y = _checks.vector("y", y, int(m[-1]))
    return _run("chain_bilinear", (m, sig, x, y, True), n_samples, seed, executor,
                tolerance=tolerance, method=method)


def estimate_relu_chain_sum(x, y, widths, n_samples: int, seed: int = 0, sigmas=None,
                            single_unit: bool = False,
                            executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """sum_k E[ReLU((B_{s,1} x)_k (B_{s,1} y)_k)] (Lemma 4.11, Corollary 4.12).

    With ``single_unit=True``, the k = 1 term alone (the printed left-hand side
    of Corollary 4.12).
    """
    m, sig = _chain(widths, sigmas)
    x = _checks.vector("x", x, int(m[0]))
    y = _checks.vector("y", y, int(m[0]))
    return _run("relu_chain", (m, sig, x, y), n_samples, seed, executor,
                column=1 if single_unit else 0, tolerance=tolerance, method=method)


def estimate_relu_product_given(a: float, n_samples: int, seed: int = 0,
                                executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """E[ReLU(a b) | a] for b ~ N(0, 1) (Lemma 4.18)."""
    (a,) = _checks.finite_array("a", [a])
    return _run("relu_times_normal", (float(a),), n_samples, seed, executor,
                tolerance=tolerance, method=method)


def _three(x, y, z):
    x = _checks.vector("x", x)
    return x, _checks.vector("y", y, len(x)), _checks.vector("z", z, len(x))


def estimate_relu_pair(x, y, z, u, v, n_samples: int, seed: int = 0,
                       executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """E[ReLU(x^T A^T u u^T A y) ReLU(x^T A^T v v^T A z)], A len(u) x len(x) (Lemma 4.19).

    No orthogonality is required: this is the left-hand side for any inputs.
    """
    x, y, z = _three(x, y, z)
    u = _checks.vector("u", u)
    v = _checks.vector("v", v, len(u))
    return _run("relu_pair", (len(u), x, y, z, u, v), n_samples, seed, executor,
                tolerance=tolerance, method=method)


def estimate_norm_product(x, y, z, q: int, n_samples: int, seed: int = 0,
                          executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """E[||Ax||^2 ||Ay|| ||Az||], A q x len(x) standard normal (Lemma 4.20)."""
    x, y, z = _three(x, y, z)
    q = _checks.positive_int("q", q)
    return _run("norm_product", (q, x, y, z), n_samples, seed, executor, tolerance=tolerance, method=method)


def estimate_frobenius_pair(widths, n_samples: int, seed: int = 0, printed_reading: bool = False,
                            executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """Hettinger's Lemma A.12 as used in Lemma 4.21.

    Default (corrected reading): E[||B_{j,i+1}||^2 ||B_{j-1,i}||^2 / (m_j m_{i-1})],
    widths (m_{i-1}, ..., m_j).  With ``printed_reading=True``:
    E[||B_{j,i+1}||^2 ||B_{j,i-1}||^2 / (m_j m_{j-1})], widths (m_{i-2}, ..., m_j).
    """
    m = _checks.widths("widths", widths, min_length=3 if printed_reading else 2)
    if not printed_reading:
        m = np.concatenate([[1], m])  # a 1-column A_{i-1}, drawn but unused
    return _run("frobenius_pair", (m,), n_samples, seed, executor,
                column=1 if printed_reading else 0, tolerance=tolerance, method=method)


def _x_form_inputs(w, P, v, m_n):
    w = _checks.vector("w", w, m_n)
    v = _checks.vector("v", v, m_n)
    return w, np.ascontiguousarray(_checks.symmetric_matrix("P", P, m_n)), v


def estimate_x_form(w, P, v, widths, split: int, n_samples: int, seed: int = 0,
                    executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """E[w^T B_{n,j+1} B_{n,j+1}^T P B_{n,i+1} B_{n,i+1}^T v], widths (m_i, ..., m_n), split = j - i.

    Hettinger's Lemma A.13 as used in Lemma 4.21.
    """
    m = _checks.widths("widths", widths, min_length=1)
    if isinstance(split, bool) or not isinstance(split, (int, np.integer)) or not 0 <= split < m.size:
        raise ValueError(f"split = j - i must be an integer in [0, {m.size - 1}], got {split!r}")
    w, P, v = _x_form_inputs(w, P, v, int(m[-1]))
    return _run("x_form", (m, int(split), w, P, v), n_samples, seed, executor,
                tolerance=tolerance, method=method)


def estimate_relu_double_sum(x, y, z, w, v, P, widths, i: int, j: int, n_samples: int,
                             seed: int = 0, sigmas=None,
                             executor: Executor | None = None,
        tolerance: Tolerance | None = None, method: str = "reference") -> Estimate:
    """The left-hand side S_ij of Lemma 4.21 (Corollary 4.22 with ``sigmas``)."""
    m, sig = _chain(widths, sigmas)
    i, j = _checks.layer_pair(i, j, m.size - 1)
    x = _checks.vector("x", x, int(m[0]))
    y = _checks.vector("y", y, int(m[0]))
    z = _checks.vector("z", z, int(m[0]))
    w, P, v = _x_form_inputs(w, P, v, int(m[-1]))
    return _run("relu_double_sum", (m, sig, i, j, x, y, z, w, P, v),
                n_samples, seed, executor, tolerance=tolerance, method=method)
