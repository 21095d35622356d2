"""Corrections to the analytic learning rate for gradients that belong to the network (issue 10).

:func:`expectations.network.analytic.analytic_learning_rate` evaluates the refined Theorems 4.13 and 4.24
at E[G], so it inherits their assumption that the output gradients g^k are independent of the
weights.  At the symmetric Hettinger initialization with the MSE loss they are not:
g^k = (2 / d_n)(W x^k - y^k) with W = P_n ... P_1.  This module computes what that assumption
drops (derivations in docs/analytic-learning-rate.md, section 8).

**E[L_M'(0)] exactly (Lemma 4.6, the alpha-g dependence of Theorem 4.13).**  Lemma 4.6 writes
L_M'(0) = -(1/s^2) sum_i sum_kl alpha_ikl omega_ikl.  Write z^k = M_{i-1} x^k for the layer-(i-1)
activations (M_{i-1} = P_{i-1} ... P_1, M_0 = I) and B_i = P_n ... P_{i+1} (B_n = I).  Then
W x^k = B_i P_i z^k, and P_i is independent of alpha_i (a function of M_{i-1}) and of B_i; taking
the expectation over P_i first (entries N(0, sigma_i^2); the cross terms are odd in P_i) gives

    E[alpha_ikl omega_ikl] = (4 / d_n^2) (sigma_i^2 tau_i E[alpha_ikl z^k . z^l]
                                          + sqrt(d_i / d_n) E[alpha_ikl] y^k . y^l),

    tau_i = E tr((B_i B_i^T)^2),

exactly.  The thesis's factorisation E[alpha] E[omega] with E[omega] = sqrt(d_i / d_n) E[G]
(Lemma 4.10) is this with tau_i replaced by d_i (the omega-g dependence) and E[alpha z.z] by
E[alpha] E[z.z] (the alpha-g dependence).  tau_i follows from the recursion, for
N -> A N A^T with A a p x q Gaussian matrix of variance sigma^2 (Wick's theorem),

    E(tr N')^2 = sigma^4 p (p E(tr N)^2 + 2 E tr N^2),
    E tr N'^2  = sigma^4 p (E(tr N)^2 + (p + 1) E tr N^2),

started at N = I_{d_i}.  E[alpha_1kl z^k . z^l] = R_kl x^k . x^l (layer 1 is not random).  For
i >= 2, z_u = sigma_{i-1} a_u . v with v = M_{i-2} x and rows a_u of P_{i-1} standard normal and
independent; pairs of distinct units u != u' factorise and the d = d_{i-1} units u = u' give the
bivariate-normal moment E[ReLU(ab) ab] = ((pi - theta)(1 + 2 cos^2 theta) + 3 cos theta sin theta)/pi
(unit variances, correlation cos theta), so

    E[alpha_ikl z^k . z^l | v] = sigma_{i-1}^4 (d (d - 1) K(v)_kl v^k . v^l + d F(v)_kl),
    F(v)_kl = ((pi - theta)(|v^k|^2 |v^l|^2 + 2 (v^k . v^l)^2) + 3 (v^k . v^l) |v^k| |v^l| sin theta) / pi,

with K(v) the arc-cosine kernel of Theorem 4.13 on v.  For i = 2, v = x and everything is in
closed form (one hidden layer: E[L_M'(0)] exactly, no draw).  For i >= 3, v = M_{i-2} x enters only
through its Gram matrix X S X^T, S = M_{i-2}^T M_{i-2}, whose exact law is the Wishart chain of
:func:`expectations.network.analytic.hidden_roots`; the expectation over it is a Monte Carlo mean with a
standard error (no hidden layer is drawn; O(s^2 d_0) a draw).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from expectations import _checks
from expectations.lemmas.angles import pairwise_dot_cross
from expectations.lemmas.hettinger import hettinger_sigmas
from expectations.lemmas.relu_products import arccos_form
from expectations.montecarlo.estimate import Estimate, SampleMoments, delta_ratio
from expectations.network.analytic import _problem, analytic_learning_rate, hidden_roots
from expectations.network.theorems import arccos_gram, relu_gram

#: Second entropy word of this module's Wishart-chain draws (any fixed value apart from the others).
_CORRECTION_STREAM = 0xC0F

__all__ = ["CorrectedLearningRate", "corrected_learning_rate", "expected_first_derivative",
           "expected_first_sum", "first_sum_given_lower_layers", "first_sum_one_hidden_layer",
           "output_chain_moment", "product_trace_moment", "relu_product_moment"]


def product_trace_moment(widths, layer: int) -> float:
    """tau_i = E tr((B_i B_i^T)^2), B_i = P_n ... P_{i+1} at the Hettinger initialization (B_n = I).

    Wick's theorem for N -> A N A^T (module docstring), started at N = I_{d_i}; i = ``layer``.
    """
    widths = _checks.widths("widths", widths)
    d, n = widths.astype(float), widths.size - 1
    if not 1 <= layer <= n:
        raise ValueError(f"layer must be in 1..{n}, got {layer}")
    sig2 = hettinger_sigmas(widths) ** 2
    tr_sq, sq_tr = d[layer], d[layer] ** 2  # E tr N^2, E (tr N)^2 for N = I
    for t in range(layer + 1, n + 1):
        p, s4 = d[t], sig2[t - 1] ** 2
        tr_sq, sq_tr = s4 * p * (sq_tr + (p + 1) * tr_sq), s4 * p * (p * sq_tr + 2 * tr_sq)
    return float(tr_sq)


def relu_product_moment(activations, units: int) -> np.ndarray:
    """Sum over k, l of E[alpha_kl z^k . z^l] / sigma^4 for z = sigma A v (A a ``units`` x d matrix of
    independent standard normals, rows v^k of ``activations``): the module docstring's
    units (units - 1) K(v)_kl v^k . v^l + units F(v)_kl, summed.  ``activations`` may carry leading
    batch axes (..., s, d); the sum is over the last two of the (..., s, s) kernels."""
    dots, cross = pairwise_dot_cross(activations)
    sq = np.einsum("...kk->...k", dots)
    kernel_dot = arccos_form(dots, cross) * dots
    fourth = _fourth_moment_form(dots, cross, sq[..., :, None] * sq[..., None, :])
    m = float(units)
    return m * (m - 1) * kernel_dot.sum(axis=(-1, -2)) + m * fourth.sum(axis=(-1, -2))


def _fourth_moment_form(dots, cross, squares) -> np.ndarray:
    """F(v)_kl = ((pi - theta) (|v^k|^2 |v^l|^2 + 2 (v^k.v^l)^2) + 3 v^k.v^l |v^k||v^l| sin theta) / pi,
    elementwise from dots, cross (as :func:`~expectations.lemmas.relu_products.arccos_form` takes
    them) and squares = |v^k|^2 |v^l|^2: the module docstring's diagonal-unit moment."""
    return (np.arctan2(cross, -dots) * (squares + 2 * dots**2) + 3 * dots * cross) / np.pi


def _layer_terms(d: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per layer i: the deterministic part of sum_kl E[alpha_ikl omega_ikl] d_n^2 / 4 and the
    coefficient sigma_i^2 tau_i sigma_{i-1}^4 of the random part (i >= 3; 0 for i <= 2)."""
    n = d.size - 1
    sig2 = hettinger_sigmas(d) ** 2
    yy = y @ y.T
    k_gram = arccos_gram(x)
    fixed, random_coef = np.zeros(n), np.zeros(n)
    for i in range(1, n + 1):
        tau = product_trace_moment(d, i)
        alpha_mean = relu_gram(x) if i == 1 else math.sqrt(d[i - 1] / d[0]) * k_gram
        fixed[i - 1] = math.sqrt(d[i] / d[-1]) * np.sum(alpha_mean * yy)
        if i == 1:
            fixed[0] += sig2[0] * tau * np.sum(relu_gram(x) * (x @ x.T))
        elif i == 2:
            fixed[1] += sig2[1] * tau * sig2[0] ** 2 * relu_product_moment(x, int(d[1]))
        else:
            random_coef[i - 1] = sig2[i - 1] * tau * sig2[i - 2] ** 2
    return fixed, random_coef


def expected_first_derivative(widths, inputs, targets, n_matrices: int = 400, seed: int = 0,
                              batch: int = 8) -> Estimate:
    """E[L_M'(0)] over symmetric Hettinger initializations with the network's own MSE gradients.

    Lemma 4.6 with the dependence between alpha, omega and the output gradients kept (module
    docstring): exact in closed form for one hidden layer (standard error 0, ``n_matrices`` unused);
    with more, the layers i >= 3 are averaged over ``n_matrices`` draws of the exact law of
    M_{i-2}^T M_{i-2} (seeded by ``SeedSequence([seed, ...]).spawn``), with their standard error.
    Compare :func:`expectations.network.analytic.analytic_learning_rate`'s ``theorem_4_13_refined``, the
    same expectation under the thesis's independence assumption.
    """
    d, x, y = _problem(widths, inputs, targets, "mse")
    n_matrices = _checks.positive_int("n_matrices", n_matrices)
    batch = _checks.positive_int("batch", batch)
    s, n = x.shape[0], d.size - 1
    scale = -4.0 / (d[-1] ** 2 * s**2)
    fixed, random_coef = _layer_terms(d, x, y)
    if n <= 2:
        return Estimate(float(scale * fixed.sum()), 0.0, 1, seed)
    children = np.random.SeedSequence([seed, _CORRECTION_STREAM]).spawn(-(-n_matrices // batch))
    moments = None
    for c, child in enumerate(children):
        size = min(batch, n_matrices - c * batch)
        total = np.zeros(size)
        # root after layers 1..t stands in for M_t; layer i = t + 2 needs M_{i-2}
        for t, root in enumerate(hidden_roots(d[:n], size, np.random.default_rng(child)), start=1):
            i = t + 2
            total += random_coef[i - 1] * relu_product_moment(x @ root, int(d[i - 1]))
        part = SampleMoments.from_samples(scale * (fixed.sum() + total))
        moments = part if moments is None else moments.merge(part)
    return moments.estimate(seed=seed)


def output_chain_moment(widths, layer: int, order: int) -> float:
    """mu_r = E[c^r], c = B_i B_i^T, B_i = P_n ... P_{i+1} at the Hettinger initialization, d_n = 1.

    B_i^T = P_{i+1}^T ... P_n^T applied to the scalar 1: by rotation invariance each P_t^T multiplies
    the squared norm by an independent sigma_t^2 chi^2_{d_{t-1}}, so
    mu_r = prod_{t > i} sigma_t^{2r} E[(chi^2_{d_{t-1}})^r], E[(chi^2_k)^r] = k (k + 2) ... (k + 2r - 2).
    """
    widths = _checks.widths("widths", widths)
    d, n = widths.astype(float), widths.size - 1
    if d[-1] != 1:
        raise ValueError(f"widths must end with d_n = 1 for the output-chain moments, got {int(d[-1])}")
    if not 1 <= layer <= n:
        raise ValueError(f"layer must be in 1..{n}, got {layer}")
    sig2 = hettinger_sigmas(widths) ** 2
    out = 1.0
    for t in range(layer + 1, n + 1):
        out *= sig2[t - 1] ** order * np.prod(d[t - 1] + 2.0 * np.arange(order))
    return float(out)


def _masked(a: np.ndarray, b: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """sum_r a_kr b_lr [z_r^k z_r^l > 0] as an s x s matrix (pos, neg: the signs of z, as 0/1)."""
    return (a * pos) @ (b * pos).T + (a * neg) @ (b * neg).T


def first_sum_given_lower_layers(widths, inputs, targets, layers) -> float:
    """E[first sum of Lemma 4.16 | P_1, ..., P_{n-1}] with the network's own MSE gradients (d_n = 1).

    Lemma 4.16's first sum is (2/s^3) sum_{j<i} sum_klm alpha_jkm gamma_ijklm omega_ikl.  With
    g = (2 / d_n)(B_i P_i z - y), z = x_{i-1}, and w_kl = V V^T Mask_kl z^l (V = W_{i-1,j+1},
    Mask_kl = Hv(z^l) Hv(z^k) + Hv(-z^l) Hv(-z^k)), gamma_ijklm = w_kl^T P_i^T B_i^T g^m.  Given the
    lower layers, Wick's theorem over P_i (terms odd in P_i vanish, which is Lemma 4.17 when g is
    held fixed) and the moments mu_r of c = B_i B_i^T (:func:`output_chain_moment`) give

        E[omega_ikl gamma_ijklm | lower] = 8 {sigma_i^2 mu_2 [(z^k.w_kl) y^l y^m + (z^l.w_kl) y^k y^m
                                                      + (w_kl.z^m) y^k y^l]
                                          + sigma_i^4 mu_3 [(z^k.z^l)(w_kl.z^m) + (z^k.w_kl)(z^l.z^m)
                                                      + (z^k.z^m)(z^l.w_kl)]}

    (docs/analytic-learning-rate.md, section 9).  Every sum over k, l, m is a masked matrix
    product, O(s^2 d) a pair (j, i).  ``layers``: the matrices P_1 .. P_{n-1}.
    """
    d, x, y = _problem(widths, inputs, targets, "mse")
    if d[-1] != 1:
        raise ValueError(f"widths must end with d_n = 1 (one output), got {int(d[-1])}")
    n, s = d.size - 1, x.shape[0]
    if len(layers) != n - 1:
        raise ValueError(f"layers must hold P_1 .. P_{n - 1}, got {len(layers)} matrices")
    y = y[:, 0]
    sig2 = hettinger_sigmas(d) ** 2
    acts = [x]
    for p in layers:
        acts.append(acts[-1] @ p.T)
    alphas = {}
    total = 0.0
    for i in range(2, n + 1):
        z = acts[i - 1]
        pos, neg = (z > 0).astype(float), (z < 0).astype(float)
        mu2, mu3 = output_chain_moment(d, i, 2), output_chain_moment(d, i, 3)
        v = np.eye(z.shape[1])
        for j in range(i - 1, 0, -1):  # V = W_{i-1,j+1} = P_{i-1} ... P_{j+1}, one layer more each step
            if j < i - 1:
                v = v @ layers[j]
            alpha = alphas.setdefault(j, relu_gram(acts[j - 1]))
            total += _pair_terms(z, y, alpha, v @ v.T, pos, neg, sig2[i - 1], mu2, mu3)
    return float(16.0 * total / s**3)


def _pair_terms(z, y, alpha, vv, pos, neg, sig2, mu2, mu3) -> float:
    """sum_klm alpha_jkm E[omega_ikl gamma_ijklm | lower] / 8 for one pair (j, i)
    (:func:`first_sum_given_lower_layers`); vv = V V^T."""
    zv = z @ vv  # rows V V^T z^k
    za = alpha @ z  # rows sum_m alpha_jkm z^m
    a = alpha @ y  # sum_m alpha_jkm y^m
    zw = _masked(zv, z, pos, neg)  # z^k . w_kl
    lw = _masked(np.ones_like(z), zv * z, pos, neg)  # z^l . w_kl
    wa = _masked(za @ vv, z, pos, neg)  # w_kl . sum_m alpha_jkm z^m
    gram = z @ z.T
    second = a @ zw @ y + (y * a) @ lw.sum(axis=1) + y @ wa @ y
    fourth = (np.sum(gram * wa) + np.sum(zw * (za @ z.T))
              + np.sum(np.einsum("kr,kr->k", z, za) * lw.sum(axis=1)))
    return float(sig2 * mu2 * second + sig2**2 * mu3 * fourth)


def expected_first_sum(widths, inputs, targets, n_networks: int = 200, seed: int = 0) -> Estimate:
    """E[first sum of Lemma 4.16] over symmetric Hettinger initializations with the network's own MSE
    gradients (d_n = 1): the term Lemma 4.17 sets to zero for gradients independent of the weights.

    The last layer P_n and the chain above each layer are integrated exactly
    (:func:`first_sum_given_lower_layers`); the layers P_1 .. P_{n-1} are drawn (``n_networks`` draws,
    seeded by ``SeedSequence([seed, ...]).spawn``), so the result carries a standard error.  With one
    hidden layer it is :func:`first_sum_one_hidden_layer`, exact and without draws.
    """
    d, x, y = _problem(widths, inputs, targets, "mse")
    n_networks = _checks.positive_int("n_networks", n_networks)
    if d.size == 3:
        return Estimate(first_sum_one_hidden_layer(d, x, y), 0.0, 1, seed)
    sig = hettinger_sigmas(d)
    values = np.empty(n_networks)
    for k, child in enumerate(np.random.SeedSequence([seed, _CORRECTION_STREAM, 1]).spawn(n_networks)):
        rng = np.random.default_rng(child)
        layers = [sig[t - 1] * rng.standard_normal((int(d[t]), int(d[t - 1]))) for t in range(1, d.size - 1)]
        values[k] = first_sum_given_lower_layers(d, x, y, layers)
    return SampleMoments.from_samples(values).estimate(seed=seed)


def first_sum_one_hidden_layer(widths, inputs, targets) -> float:
    """E[first sum of Lemma 4.16] in closed form for one hidden layer (widths d_0, d_1, 1), own MSE gradients.

    :func:`first_sum_given_lower_layers` with the expectation over P_1 taken too: z = P_1 x has
    independent units, alpha_1 = R is not random and V = I, so every sum is over pairs of units
    r != r' (factorising, d_1 (d_1 - 1) of them) and r = r' (d_1).  Per unit, with (a, b, c) =
    (z^k_r, z^l_r, z^m_r) Gaussian of covariance sigma_1^2 G (G = X X^T) and E[c | a, b] =
    beta_a a + beta_b b (linear regression, beta from G), the moments needed are
    E[ReLU(ab)] = K_kl, E[b^2 [ab > 0]] = |x^l|^2 h, E[a^2 b^2 [ab > 0]] = |x^k|^2 |x^l|^2 f,
    E[a b^3 [ab > 0]] = |x^k| |x^l|^3 g (sigma_1 = 1), with, at the angle theta between x^k and x^l,

        h = ((pi - theta) + sin theta cos theta) / pi,
        f = ((pi - theta)(1 + 2 cos^2 theta) + 3 cos theta sin theta) / pi,
        g = (8 / pi) (cos theta (3 (pi - theta) / 8 + sin 2 theta / 4 - sin 4 theta / 32) + sin^5 theta / 4)

    (polar coordinates; docs/analytic-learning-rate.md, section 9), and E[b c [ab > 0]] and
    E[a b^2 c [ab > 0]] follow by the regression.  Cost O(s^2 d_0).
    """
    d, x, y = _problem(widths, inputs, targets, "mse")
    if d.size != 3 or d[-1] != 1:
        raise ValueError(f"widths must be (d_0, d_1, 1) for the one-hidden-layer closed form, "
                         f"got {d.tolist()}")
    s, m = x.shape[0], float(d[1])
    y = y[:, 0]
    sig2 = hettinger_sigmas(d) ** 2
    gram, cross = pairwise_dot_cross(x)
    sq = np.diag(gram).copy()
    norms = np.sqrt(sq)
    outer = np.outer(norms, norms)
    det = cross**2
    theta = np.arctan2(cross, gram)
    cos, sin = np.cos(theta), np.sin(theta)
    kern = arccos_form(gram, cross)
    h_mat = sq[None, :] * ((np.pi - theta) + sin * cos) / np.pi
    f_mat = _fourth_moment_form(gram, cross, np.outer(sq, sq))
    bracket = 3 * (np.pi - theta) / 8 + np.sin(2 * theta) / 4 - np.sin(4 * theta) / 32
    g_mat = outer * sq[None, :] * (8 / np.pi) * (cos * bracket + sin**5 / 4)
    relu = relu_gram(x)
    q = relu @ gram  # Q_kl = sum_m R_km G_ml
    p = np.diag(q).copy()  # p_k = sum_m R_km G_mk
    num_a = p[:, None] * sq[None, :] - q * gram  # beta_a's numerator summed over m with R_km
    num_b = q * sq[:, None] - p[:, None] * gram
    collinear = det <= 1e-10 * np.outer(sq, sq)
    safe = np.where(collinear, 1.0, det)
    same_side = gram > 0
    e3 = np.where(collinear, np.where(same_side, q, 0.0), (num_a * kern + num_b * h_mat) / safe)
    e4 = np.where(collinear, np.where(same_side, 3 * sq[None, :] * p[:, None], 0.0),
                  (num_a * f_mat + num_b * g_mat) / safe)
    a = relu @ y
    second = m * sig2[0] * (a @ kern @ y + (y * a) @ h_mat.sum(axis=1) + y @ e3 @ y)
    fourth = sig2[0] ** 2 * (m * (m - 1) * np.sum(gram * e3 + kern * q + p[:, None] * h_mat)
                             + 3 * m * np.sum(e4))
    return float(16.0 * (sig2[1] * second + sig2[1] ** 2 * fourth) / s**3)


@dataclass(frozen=True)
class CorrectedLearningRate:
    """The analytic refined estimate with the corrections of this module added cumulatively.

    ``theorem_4_13_refined`` and ``theorem_4_24_refined`` are E[T4.13 refined] and E[T4.24 refined]
    at E[G] (:func:`expectations.analytic_learning_rate`); ``first_derivative`` is E[L_M'(0)] with
    the network's own gradients and ``first_sum`` E[first sum of Lemma 4.16], each an
    :class:`~expectations.montecarlo.estimate.Estimate` (standard error 0 where exact).
    """

    theorem_4_13_refined: float
    theorem_4_24_refined: float
    first_derivative: Estimate
    first_sum: Estimate

    @property
    def refined(self) -> float:
        """-E[T4.13 refined] / E[T4.24 refined] (no correction)."""
        return -self.theorem_4_13_refined / self.theorem_4_24_refined

    @property
    def exact_first_derivative(self) -> Estimate:
        """-E[L_M'(0)] / E[T4.24 refined]: Theorem 4.13's independence assumption removed."""
        return self._ratio(0.0, 0.0, self.first_derivative.n_samples)

    @property
    def plus_first_sum(self) -> Estimate:
        """-E[L_M'(0)] / (E[T4.24 refined] + E[first sum]): Lemma 4.17's zero replaced as well."""
        return self._ratio(self.first_sum.mean, self.first_sum.stderr,
                           min(self.first_derivative.n_samples, self.first_sum.n_samples))

    def _ratio(self, added: float, added_stderr: float, n_samples: int) -> Estimate:
        """-E[L_M'(0)] / (E[T4.24 refined] + added), the two estimates independent (delta method)."""
        r, se = delta_ratio(-self.first_derivative.mean, self.theorem_4_24_refined + added,
                            self.first_derivative.stderr**2, added_stderr**2)
        return Estimate(r, se, n_samples, self.first_derivative.seed)


def corrected_learning_rate(widths, inputs, targets, n_draws: int = 100,
                            seed: int = 0) -> CorrectedLearningRate:
    """The refined analytic estimate and its corrections (:class:`CorrectedLearningRate`), MSE, d_n = 1.

    Exact without draws for one hidden layer; with more, ``4 n_draws`` Wishart-chain draws for
    E[L_M'(0)] and ``n_draws`` lower-layer draws for the first sum (seeded from ``seed``).
    """
    d, x, y = _problem(widths, inputs, targets, "mse")
    n_draws = _checks.positive_int("n_draws", n_draws)
    plain = analytic_learning_rate(d, x, y)
    return CorrectedLearningRate(plain.theorem_4_13_refined, plain.theorem_4_24_refined,
                                 expected_first_derivative(d, x, y, n_matrices=4 * n_draws, seed=seed),
                                 expected_first_sum(d, x, y, n_networks=n_draws, seed=seed))
