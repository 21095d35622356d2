"""A learning rate from the architecture and the data alone (the goal of the thesis's Chapter 5).

At the symmetric Hettinger initialization (P_i = N_i) a CReLU layer computes
P_i ReLU(x) - P_i ReLU(-x) = P_i x, so the initial network is the linear map
x_n = W x_0 with W = P_n ... P_1 (the biases start at zero).  With the thesis's MSE
L = ||x_n - y||^2 / d_n the output gradients are g^k = 2 (W x^k - y^k) / d_n and
their Gram matrix G_kl = g^k . g^l has the closed-form expectation

    E[G_kl] = (4 / d_n^2) (sqrt(d_n / d_0) x^k . x^l + y^k . y^l)               (*)

because E[W] = 0 and E[W^T W] = prod_t d_t sigma_t^2 I = sqrt(d_n / d_0) I
(sigma_t^2 = 1 / sqrt(d_{t-1} d_t), the product telescopes); docs/analytic-learning-rate.md
has the derivation.  Theorems 4.13 and 4.24 (printed and refined) are linear in G once
the Hessians are fixed, and the MSE Hessian is the constant 2 I / d_n (trace 2), so their
expectations over initializations are the theorems evaluated at E[G]: no network is drawn.
E[G] = F F^T with F = (2 / d_n) [(d_n / d_0)^(1/4) X, Y], so every sum below costs
O(s^2 (d_0 + d_n)) once (:class:`_Forms`).

The plug-in estimate -E[T4.13] / E[T4.24] is a ratio of expectations; the optimum of a
network is (close to) the ratio at that network's own G.  :func:`expected_refined_estimate`
averages that ratio over the exact law of the end-to-end matrix W (no hidden layer is
drawn: rotation invariance reduces each layer to a d_0 x d_0 Wishart step), which is the
correction the learning-rate report shows in its own row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from expectations import _checks
from expectations.lemmas.hettinger import hettinger_sigmas
from expectations.montecarlo.estimate import Estimate, SampleMoments
from expectations.network.theorems import (
    arccos_gram,
    layer_coefficients_4_13,
    refined_coefficients,
    relu_gram,
    theorem_4_24_coefficients,
)

#: Second entropy word of the end-to-end draws' seed sequence (any fixed value apart from the networks').
_END_TO_END_STREAM = 0xE2E

__all__ = ["AnalyticLearningRate", "analytic_learning_rate", "cancellation_ratio", "end_to_end_matrices",
           "expected_cancellation", "expected_output_gram", "expected_refined_estimate", "output_gram_factor"]


def _problem(widths, inputs, targets, loss: str):
    if loss != "mse":
        raise ValueError(f"loss must be 'mse' for the analytic learning rate (its Hessian is constant); "
                         f"got {loss!r}")
    d = _checks.widths("widths", widths)
    x = _checks.finite_array("inputs", inputs, ndim=2)
    y = _checks.finite_array("targets", targets)
    y = y[:, None] if y.ndim == 1 else y
    if x.shape[1] != d[0]:
        raise ValueError(f"inputs must have d_0 = {d[0]} columns, got {x.shape[1]}")
    if y.shape != (x.shape[0], d[-1]):
        raise ValueError(f"targets must have shape (s, d_n) = ({x.shape[0]}, {d[-1]}), got {y.shape}")
    if x.shape[0] < 2:
        raise ValueError("the data set has one sample; need at least 2")
    return d, x, y


def output_gram_factor(widths, inputs, targets) -> np.ndarray:
    """F with E[G] = F F^T at the symmetric Hettinger initialization, MSE loss: (*) of the module doc."""
    d, x, y = _problem(widths, inputs, targets, "mse")
    return (2.0 / d[-1]) * np.hstack([(d[-1] / d[0]) ** 0.25 * x, y])


def expected_output_gram(widths, inputs, targets) -> np.ndarray:
    """E[G_kl] = E[g^k . g^l] = (4 / d_n^2) (sqrt(d_n / d_0) x^k . x^l + y^k . y^l) (MSE, symmetric
    Hettinger initialization; s x s)."""
    f = output_gram_factor(widths, inputs, targets)
    return f @ f.T


def expected_cancellation(widths, inputs, targets) -> float:
    """E||sum_l |x^l| g^l||^2 / E[sum_l |x^l|^2 |g^l|^2] at the symmetric Hettinger initialization (MSE).

    Theorem 4.24's A_klm is rank one in (l, m), so its sum over samples is a_k^2 ||sum_l a_l g^l||^2
    (a_l = |x^l|): this ratio says how much that sum cancels, from the data alone.  It is 1 when the
    terms add like independent random signs, s when they all point one way and near 0 when the output
    gradients average out (a centred target uncorrelated with |x|): docs/thesis-error-by-data.md.
    """
    d, x, y = _problem(widths, inputs, targets, "mse")
    return cancellation_ratio(x, output_gram_factor(d, x, y))  # G = F F^T: F's columns as gradients


def cancellation_ratio(inputs, output_gradients) -> float:
    """||sum_l |x^l| g^l||^2 / sum_l |x^l|^2 |g^l|^2 at one network's output gradients (rows g^l),
    or at any factor F of a Gram matrix G = F F^T (:func:`expected_cancellation`)."""
    a = np.linalg.norm(np.asarray(inputs, dtype=float), axis=1)
    g = np.asarray(output_gradients, dtype=float)
    u = a @ g
    return float(u @ u / np.sum(a**2 * np.sum(g * g, axis=1)))


@dataclass(frozen=True)
class _Forms:
    """The data's kernels as quadratic forms on a basis Z (s x r) of the output-gradient columns.

    Every output-gradient matrix here is f = Z c (c is r x q): E[G]'s factor, and a network's own
    g = (2 / d_n)(X W^T - Y) = [X, Y] c.  With K (Theorem 4.13), R = alpha_1 (exact layer 1) and
    a_k = |x^k|, the sums of the theorems are tr(c^T Z^T M Z c) for M in K, R, K K, R K, R R and
    |a^T Z c|^2, so Z^T M Z (r x r) is computed once, in O(s^2 r), and each f costs O(r^2 q).
    """

    K: np.ndarray
    R: np.ndarray
    KK: np.ndarray
    RK: np.ndarray
    RR: np.ndarray
    norms: np.ndarray  # a^T Z, shape (r,)
    norms_sq: float  # sum_k a_k^2

    @classmethod
    def of(cls, x: np.ndarray, basis: np.ndarray) -> _Forms:
        kz, rz = arccos_gram(x) @ basis, relu_gram(x) @ basis
        a = np.linalg.norm(x, axis=1)
        return cls(basis.T @ kz, basis.T @ rz, kz.T @ kz, rz.T @ kz, rz.T @ rz, a @ basis, float(a @ a))


def _sums(widths: np.ndarray, s: int, forms: _Forms, c: np.ndarray) -> dict[str, np.ndarray]:
    """Theorems 4.13 and 4.24 (printed, angles kept, refined; MSE Hessians) at G = f f^T, f = Z c_b.

    ``c`` is (B, r, q), a batch of coefficient matrices; sums over samples become traces, e.g.
    sum_kl G_kl K_kl = tr(c^T Z^T K Z c).  Returns arrays of shape (B,).
    """
    d = widths
    coef_13 = layer_coefficients_4_13(d)

    def trace(q: np.ndarray) -> np.ndarray:
        return np.einsum("bri,rt,bti->b", c, q, c)

    kk, rk = trace(forms.K), trace(forms.R)
    # Theorem 4.24 refined: sum_k (A g)_k^T H (B g)_k = tr(g^T A^T B g) with H = 2 I / d_n, Tr H = 2
    coef = np.array(refined_coefficients(d))
    weights = coef[:3] * 2.0 / d[-1] + coef[3:] * 2.0
    pairs = [trace(q) for q in (forms.KK, forms.RK, forms.RR)]
    phi, psi = theorem_4_24_coefficients(d)
    u = np.einsum("r,brq->bq", forms.norms, c)
    thesis_24 = (phi * 2.0 / d[-1] + psi * 2.0) * forms.norms_sq * np.sum(u * u, axis=1) / (math.pi**2 * s**3)
    return {"thesis_13": -coef_13.sum() * kk / s**2, "thesis_24": thesis_24,
            # angles kept but layer 1 by its expectation K as in the thesis: every pair of T4.24 on K K
            "angles_24": weights.sum() * pairs[0] / s**3,
            "refined_13": -(coef_13.sum() * kk + coef_13[0] * (rk - kk)) / s**2,
            "refined_24": sum(w * p for w, p in zip(weights, pairs)) / s**3}


@dataclass(frozen=True)
class AnalyticLearningRate:
    """The expectations of Theorems 4.13 and 4.24 over initializations, in closed form, and their ratios."""

    theorem_4_13: float
    theorem_4_24: float
    theorem_4_24_angles: float
    theorem_4_13_refined: float
    theorem_4_24_refined: float

    @property
    def thesis(self) -> float:
        """-E[T4.13] / E[T4.24]: the thesis's estimate with its expectations taken exactly."""
        return -self.theorem_4_13 / self.theorem_4_24

    @property
    def angles_kept(self) -> float:
        """-E[T4.13] / E[T4.24 with A_klm -> K_kl K_km]: the data's angles kept, layer 1 still by its
        expectation K (the first of the two refinements)."""
        return -self.theorem_4_13 / self.theorem_4_24_angles

    @property
    def refined(self) -> float:
        """-E[T4.13 refined] / E[T4.24 refined] (exact first layer, the data's angles kept)."""
        return -self.theorem_4_13_refined / self.theorem_4_24_refined


def analytic_learning_rate(widths, inputs, targets, loss: str = "mse") -> AnalyticLearningRate:
    """The thesis's and the refined learning-rate estimates from the architecture and the data alone.

    E[T4.13], E[T4.24] (Theorem 4.24 as corrected in docs/errata.md) and their refined forms
    (:func:`expectations.network.theorems.theorem_4_24_refined`) over symmetric Hettinger
    initializations, evaluated exactly at E[G] (:func:`expected_output_gram`); no network is drawn.
    Cost O(s^2 d_0 + n^2).  Only the MSE loss (constant Hessian) is supported.
    """
    d, x, y = _problem(widths, inputs, targets, loss)
    f = output_gram_factor(d, x, y)
    sums = _sums(d, x.shape[0], _Forms.of(x, f), np.eye(f.shape[1])[None])
    return AnalyticLearningRate(*(float(sums[k][0]) for k in ("thesis_13", "thesis_24", "angles_24",
                                                                "refined_13", "refined_24")))


def end_to_end_matrices(widths, n_matrices: int, seed: int = 0) -> np.ndarray:
    """Draws of W = P_n ... P_1 (d_n x d_0) at the Hettinger initialization, without the hidden layers.

    Rotation invariance: given M = P_{t-1} ... P_1, the rows of P_t M are independent
    N(0, sigma_t^2 M^T M), so only S_t = M_t^T M_t (d_0 x d_0) is carried:
    S_t = sigma_t^2 L Z^T Z L^T with L L^T = S_{t-1} and Z a d_t x d_0 standard normal
    matrix, whose Z^T Z is drawn by the Bartlett decomposition when d_t >= d_0.  Finally
    W = sigma_n Z L^T with Z d_n x d_0.  Returns an (n_matrices, d_n, d_0) array.
    """
    d = _checks.widths("widths", widths)
    n_matrices = _checks.positive_int("n_matrices", n_matrices)
    sig = hettinger_sigmas(d)
    rng = np.random.default_rng(seed)
    root = np.broadcast_to(np.eye(int(d[0])), (n_matrices, int(d[0]), int(d[0])))
    for last in hidden_roots(d, n_matrices, rng):  # the chain is drawn in order; W needs its last root
        root = last
    z = rng.standard_normal((n_matrices, int(d[-1]), int(d[0])))
    return sig[-1] * z @ root.transpose(0, 2, 1)


def hidden_roots(widths, n_matrices: int, rng: np.random.Generator):
    """Yield, for t = 1 .. n - 1 in turn, roots L_t (n_matrices x d_0 x d_0) with L_t L_t^T = M_t^T M_t,
    M_t = P_t ... P_1 at the Hettinger initialization (the Wishart chain of :func:`end_to_end_matrices`).

    The Gram matrix of the layer-t activations of a linear initial network is X M_t^T M_t X^T =
    (X L_t)(X L_t)^T, so X L_t stands in for them wherever only their Gram matrix matters.
    """
    d = _checks.widths("widths", widths)
    sig = hettinger_sigmas(d)
    d0 = int(d[0])
    root = np.broadcast_to(np.eye(d0), (n_matrices, d0, d0)).copy()  # L with L L^T = S
    for t in range(1, d.size - 1):
        wishart = _wishart_identity(rng, int(d[t]), d0, n_matrices)
        s_t = sig[t - 1] ** 2 * root @ wishart @ root.transpose(0, 2, 1)
        root = _cholesky_psd(s_t)
        yield root


def _wishart_identity(rng: np.random.Generator, dof: int, dim: int, n: int) -> np.ndarray:
    """n draws of Z^T Z, Z a dof x dim standard normal matrix (Bartlett when dof >= dim)."""
    if dof < dim:
        z = rng.standard_normal((n, dof, dim))
        return z.transpose(0, 2, 1) @ z
    lower = np.zeros((n, dim, dim))
    rows, cols = np.tril_indices(dim, -1)
    lower[:, rows, cols] = rng.standard_normal((n, rows.size))
    idx = np.arange(dim)
    lower[:, idx, idx] = np.sqrt(rng.chisquare(dof - idx, size=(n, dim)))
    return lower @ lower.transpose(0, 2, 1)


def _cholesky_psd(s: np.ndarray) -> np.ndarray:
    """A root L L^T = S of each PSD matrix (eigen-decomposition: S may be singular)."""
    vals, vecs = np.linalg.eigh(s)
    return vecs * np.sqrt(np.maximum(vals, 0.0))[:, None, :]


def _end_to_end_batches(widths: tuple[int, ...], n_matrices: int, seed: int,
                        batch: int) -> tuple[np.ndarray, ...]:
    """The end-to-end draws of :func:`expected_refined_estimate`, ``batch`` at a time, each batch
    from its own child of SeedSequence([seed, _END_TO_END_STREAM]) (entropy of its own, so they are
    independent of networks seeded by SeedSequence(seed).spawn).  They do not depend on the data, so
    up to :data:`_KEPT_DRAWS` floats of them are kept for the next data set with the same
    architecture and seed (a dose response over target shifts draws them once)."""
    key = (widths, n_matrices, seed, batch)
    if key in _kept_batches:
        return _kept_batches[key]
    children = np.random.SeedSequence([seed, _END_TO_END_STREAM]).spawn(-(-n_matrices // batch))
    batches = tuple(end_to_end_matrices(widths, min(batch, n_matrices - c * batch),
                                        np.random.default_rng(child)) for c, child in enumerate(children))
    for w in batches:
        w.flags.writeable = False
    if n_matrices * widths[0] * widths[-1] <= _KEPT_DRAWS:
        _kept_batches.clear()  # one architecture at a time: enough for a dose response, bounded memory
        _kept_batches[key] = batches
    return batches


#: The largest set of end-to-end draws kept between calls, in floats (16 MB).
_KEPT_DRAWS = 2_000_000
_kept_batches: dict[tuple, tuple[np.ndarray, ...]] = {}


def expected_refined_estimate(widths, inputs, targets, n_matrices: int = 20000, seed: int = 0,
                              batch: int = 2000) -> Estimate:
    """E over initializations of the refined estimate -T4.13 refined / T4.24 refined at each network's
    own output gradients, with its standard error.

    At the initialization the network is x -> W x, so a network's G (and with it its refined
    estimate) depends on W alone; W is drawn from its exact law by :func:`end_to_end_matrices`.
    This is the expectation of a ratio, the quantity the mean true optimum is compared with,
    where :func:`analytic_learning_rate` gives the ratio of expectations.
    """
    d, x, y = _problem(widths, inputs, targets, "mse")
    n_matrices = _checks.positive_int("n_matrices", n_matrices)
    forms = _Forms.of(x, np.hstack([x, y]))  # g = (2 / d_n) [X, Y] [W^T; -I]
    minus_identity = -np.eye(d[-1])
    moments = None
    for w in _end_to_end_batches(tuple(int(v) for v in d), n_matrices, seed, batch):
        size = w.shape[0]
        minus = np.broadcast_to(minus_identity, (size, d[-1], d[-1]))
        coef = (2.0 / d[-1]) * np.concatenate([w.transpose(0, 2, 1), minus], axis=1)
        sums = _sums(d, x.shape[0], forms, coef)
        part = SampleMoments.from_samples(-sums["refined_13"] / sums["refined_24"])
        moments = part if moments is None else moments.merge(part)
    return moments.estimate(seed=seed)
