"""Theorems 4.13 and 4.24: the thesis's estimates of E[L_M'(0)] and E[L_M''(0)].

Both keep the output gradients dL^k (and Hessians H^k) of the network in their
formulas; here they are arguments, evaluated wherever the caller chooses
(Chapter 5 uses the initial network).  The sums have n s^2 and n^2 s^3 terms;
they factorise, so :func:`theorem_4_13` and :func:`theorem_4_24` evaluate them
exactly in O(n s^2 + s^2 d_0) and O(n^2 + s d_n^2).  The evaluations are the
network kernel's (:mod:`expectations.network._kernel`), which the Monte Carlo over
initializations applies to every network; :func:`theorem_terms` gives it the
data's Gram matrices and the width coefficients.  The thesis's uniform
index subsampling (Chapter 5) is :func:`theorem_4_13_subsampled` and
:func:`theorem_4_24_subsampled`, with standard errors.
"""

from __future__ import annotations

import functools
import threading
from typing import NamedTuple

import numpy as np

from expectations import _checks
from expectations.lemmas.angles import dot_cross, pairwise_dot_cross
from expectations.lemmas.relu_products import arccos_form
from expectations.montecarlo.estimate import Estimate, SampleMoments
from expectations.network import _kernel


def _contiguous(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=float)


#: Data sets whose Gram matrices are remembered (the last ones asked for), and their largest size s.
_GRAMS_REMEMBERED, _GRAM_MAX_SAMPLES = 4, 4096


def _per_data_set(gram):
    """``gram(inputs)`` remembered for the last few data sets, keyed by their shape and bytes: the figures
    and the learning-rate report evaluate the theorems at many networks of one data set, where the s x s
    matrix costs far more than the sums.  Every call returns its own copy (same bits as computed)."""
    memo: dict = {}
    lock = threading.Lock()

    @functools.wraps(gram)
    def remembered(inputs) -> np.ndarray:
        try:
            x = np.ascontiguousarray(inputs, dtype=float)
        except (TypeError, ValueError):
            return gram(inputs)  # its own error message
        if x.ndim != 2 or x.shape[0] > _GRAM_MAX_SAMPLES:
            return gram(x)
        key = (x.shape, x.tobytes())
        with lock:
            found = memo.get(key)
        if found is None:
            found = gram(x)
            with lock:
                memo[key] = found
                while len(memo) > _GRAMS_REMEMBERED:
                    memo.pop(next(iter(memo)))
        return found.copy()

    return remembered


def _data(widths, inputs, output_gradients):
    d = _checks.widths("widths", widths).astype(float)
    x = _checks.finite_array("inputs", inputs, ndim=2)
    g = _checks.finite_array("output_gradients", output_gradients, ndim=2)
    if x.shape[1] != d[0]:
        raise ValueError(f"inputs must have d_0 = {int(d[0])} columns, got {x.shape[1]}")
    if g.shape != (x.shape[0], d[-1]):
        raise ValueError(f"output_gradients must have shape (s, d_n) = ({x.shape[0]}, {int(d[-1])}), "
                         f"got {g.shape}")
    return d, x, g


def _hessians(hessians, x, g) -> np.ndarray:
    """The output Hessians H^k of the s samples, shape (s, d_n, d_n): the one check of Theorem 4.24's
    forms (exact, refined, subsampled), so none accepts what another rejects."""
    h = _checks.finite_array("hessians", hessians, ndim=3)
    shape = (x.shape[0], g.shape[1], g.shape[1])
    if h.shape != shape:
        raise ValueError(f"hessians must have shape (s, d_n, d_n) = {shape}, got {h.shape}")
    return h


@_per_data_set
def arccos_gram(inputs) -> np.ndarray:
    """K_kl = |x^k||x^l| ((pi - theta_kl) cos theta_kl + sin theta_kl) / pi (Theorem 4.13).

    Lemma 4.11's arc-cosine form (:func:`~expectations.lemmas.relu_products.arccos_form`) of
    every pair of rows (:func:`~expectations.lemmas.angles.pairwise_dot_cross`: K is exactly symmetric).
    """
    return arccos_form(*pairwise_dot_cross(_checks.finite_array("inputs", inputs, ndim=2)))


@_per_data_set
def relu_gram(inputs) -> np.ndarray:
    """alpha_1kl = sum_m ReLU(x_m^k x_m^l): the exact (non-random) alpha of layer 1.

    ReLU(ab) = ReLU(a) ReLU(b) + ReLU(-a) ReLU(-b), so alpha_1 = X+ X+^T + X- X-^T (two matrix products).
    """
    x = _checks.finite_array("inputs", inputs, ndim=2)
    pos, neg = np.maximum(x, 0), np.minimum(x, 0)
    return pos @ pos.T + neg @ neg.T


def layer_coefficients_4_13(widths) -> np.ndarray:
    """c_i = sqrt(d_i d_{i-1} / (d_0 d_n)) for i = 1..n."""
    d = _checks.widths("widths", widths).astype(float)
    return np.sqrt(d[1:] * d[:-1] / (d[0] * d[-1]))


def theorem_4_13(widths, inputs, output_gradients, exact_first_layer: bool = False) -> float:
    """E[L_M'(0)] ~ -(1/s^2) sum_i c_i sum_{k,l} dL^l . dL^k K_kl (Theorem 4.13).

    With ``exact_first_layer=True`` the i = 1 term uses alpha_1kl itself, which is
    not random (W_{0,1} is the identity), instead of its "expectation" K_kl.
    """
    printed, exact = theorem_4_13_both(widths, inputs, output_gradients)
    return exact if exact_first_layer else printed


def theorem_4_13_both(widths, inputs, output_gradients) -> tuple[float, float]:
    """:func:`theorem_4_13` as printed and with the exact first layer, from one pass over the sums."""
    d, x, g = _data(widths, inputs, output_gradients)
    c = layer_coefficients_4_13(d.astype(int))
    printed, exact = _kernel.theorem_4_13(_contiguous(g), _contiguous(arccos_gram(x)),
                                          _contiguous(relu_gram(x)), float(c.sum()), float(c[0]))
    return float(printed), float(exact)


def phi_psi(widths, c: int, d: int) -> tuple[float, float]:
    """phi_cd and psi_cd of Definition 4.23 (products over q = c..d-1; empty products are 1)."""
    w = _checks.widths("widths", widths).astype(float)[c:d]
    up, down = np.prod(1 + 2 / w), np.prod(1 - 1 / w)
    return float(2 * up / 3 + down / 3), float(up / 3 - down / 3)


def _pair_tables(widths) -> tuple[np.ndarray, np.ndarray]:
    """n x n tables of c_ij B_ij phi_bn and c_ij B_ij psi_bn (Definition 4.23, Theorem 4.24)."""
    d = _checks.widths("widths", widths)
    n = d.size - 1
    c = layer_coefficients_4_13(d)
    phi_table, psi_table = np.zeros((n, n)), np.zeros((n, n))
    for i in range(1, n + 1):
        for j in range(1, n + 1):
            a, b = min(i, j), max(i, j)
            phi_ab, psi_ab = phi_psi(d, a, b)
            phi_bn, psi_bn = phi_psi(d, b, n)
            weight = c[i - 1] * c[j - 1] * (phi_ab - psi_ab)
            phi_table[i - 1, j - 1], psi_table[i - 1, j - 1] = weight * phi_bn, weight * psi_bn
    return phi_table, psi_table


def theorem_4_24_coefficients(widths) -> tuple[float, float]:
    """(sum_ij c_ij B_ij phi_bn, sum_ij c_ij B_ij psi_bn), c_ij = sqrt(d_{i-1} d_i d_{j-1} d_j)/(d_0 d_n)."""
    phi_table, psi_table = _pair_tables(widths)
    return float(phi_table.sum()), float(psi_table.sum())


def theorem_4_24(widths, inputs, output_gradients, hessians, printed_reading: bool = False) -> float:
    """E[L_M''(0)] ~ sum_ij c_ij (1/s^3) sum_klm A_klm B_ij C_ijklm (Theorem 4.24, Definition 4.23).

    Corrected reading (docs/errata.md): A_klm = |x^k|^2 |x^l| |x^m| / pi^2 and
    C_ijklm = phi_bn dL^l^T H^k dL^m + psi_bn Tr(H^k) dL^l^T dL^m.  The printed
    reading has C_ijklm = phi_bn dL^l^T H^k dL^k + psi_bn Tr(H^l) dL^l^T dL^m.
    Factorised: with a_k = |x^k| and u = sum_l a_l dL^l the corrected sum is
    (1/(pi^2 s^3)) (Phi sum_k a_k^2 u^T H^k u + Psi sum_k a_k^2 Tr(H^k) |u|^2).
    """
    d, x, g = _data(widths, inputs, output_gradients)
    h = _hessians(hessians, x, g)
    s = x.shape[0]
    phi, psi = theorem_4_24_coefficients(d.astype(int))
    a = np.linalg.norm(x, axis=1)
    if not printed_reading:
        return float(_kernel.theorem_4_24(_contiguous(g), _contiguous(h), a, phi, psi))
    u = a @ g
    traces = np.trace(h, axis1=1, axis2=2)
    first = a.sum() * np.einsum("k,p,kpq,kq->", a**2, u, h, g)
    second = (a**2).sum() * np.sum(a * traces * (g @ u))
    return float((phi * first + psi * second) / (np.pi**2 * s**3))


def refined_coefficients(widths) -> tuple[float, ...]:
    """Sums of the Theorem 4.24 tables by which layers are 1: (phi_KK, phi_RK, phi_RR, psi_KK,
    psi_RK, psi_RR) for pairs with both i, j >= 2, exactly one of them 1, and both 1."""
    phi_table, psi_table = _pair_tables(widths)
    first = np.zeros(phi_table.shape[0], bool)
    first[0] = True
    masks = (~first[:, None] & ~first[None, :], first[:, None] ^ first[None, :],
             first[:, None] & first[None, :])
    return tuple(float(t[m].sum()) for t in (phi_table, psi_table) for m in masks)


def theorem_4_24_refined(widths, inputs, output_gradients, hessians) -> float:
    """Theorem 4.24 with the data's angles kept: a better approximation beside the thesis's.

    The thesis's A_klm = |x^k|^2 |x^l| |x^m| / pi^2 is what E[alpha_ikl] E[alpha_jkm] becomes
    when x^k, x^l, x^m are mutually orthogonal.  Here A_klm is replaced by K_kl K_km, the
    arc-cosine forms of Lemma 4.11 / Corollary 4.12 that Theorem 4.13 already uses (exact for
    every angle, and K_kk = |x^k|^2 for coincident samples), with the non-random alpha_1kl for
    layer 1; B_ij, phi and psi stay as in Definition 4.23.  This keeps the thesis's independence
    approximation E[alpha alpha X] ~ E[alpha] E[alpha] (...), and is not derived further: the
    registry and validation/theorem_error.py measure it (a few per cent at widths >= 64 with
    fixed output gradients, where the printed theorem is off by 98 %).
    """
    d, x, g = _data(widths, inputs, output_gradients)
    h = _hessians(hessians, x, g)
    coef = np.array(refined_coefficients(d.astype(int)))
    return float(_kernel.theorem_4_24_refined(_contiguous(g), _contiguous(h), _contiguous(arccos_gram(x)),
                                              _contiguous(relu_gram(x)), coef))


class TheoremTerms(NamedTuple):
    """What Theorems 4.13, 4.24 and the refined 4.24 need besides the output gradients and
    Hessians, in the order of the network kernel's arguments (``network_fields(..., *terms)``)."""

    arccos_gram: np.ndarray  # K of Theorem 4.13
    relu_gram: np.ndarray  # the exact layer-1 alpha
    c_sum: float  # sum_i c_i (Theorem 4.13)
    c_first: float  # c_1
    phi_sum: float  # Theorem 4.24's Phi and Psi (theorem_4_24_coefficients)
    psi_sum: float
    refined: np.ndarray  # the six refined_coefficients


def theorem_terms(widths, inputs) -> TheoremTerms:
    """The data's Gram matrices and the width coefficients of the theorems, for evaluating them on
    many networks at once (:func:`expectations.network.over_initializations.sample_initializations`)."""
    d = _checks.widths("widths", widths)
    x = _checks.finite_array("inputs", inputs, ndim=2)
    c = layer_coefficients_4_13(d)
    phi, psi = theorem_4_24_coefficients(d)
    return TheoremTerms(_contiguous(arccos_gram(x)), _contiguous(relu_gram(x)), float(c.sum()), float(c[0]),
                        phi, psi, np.array(refined_coefficients(d)))


def _estimate(terms: np.ndarray, scale: float, seed) -> Estimate:
    est = SampleMoments.from_samples(terms).estimate(seed=seed)
    return Estimate(scale * est.mean, abs(scale) * est.stderr, est.n_samples, seed)


def theorem_4_13_subsampled(widths, inputs, output_gradients, n_index_samples: int = 4000,
                            seed: int = 0) -> Estimate:
    """Theorem 4.13's sum by uniform index subsampling (Chapter 5): n s^2 / #samples times the
    sum of the sampled terms, with the standard error of that estimate."""
    d, x, g = _data(widths, inputs, output_gradients)
    n_index_samples = _checks.positive_int("n_index_samples", n_index_samples)
    s, n = x.shape[0], d.size - 1
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, n_index_samples)
    ks, ls = rng.integers(0, s, n_index_samples), rng.integers(0, s, n_index_samples)
    c = layer_coefficients_4_13(d.astype(int))
    xk, xl = x[ks], x[ls]
    terms = c[i] * np.sum(g[ks] * g[ls], axis=1) * arccos_form(*dot_cross(xk, xl))
    return _estimate(terms, -n, seed)  # n s^2 samples-scale times the 1/s^2 prefactor


def theorem_4_24_subsampled(widths, inputs, output_gradients, hessians, n_index_samples: int = 4000,
                            seed: int = 0) -> Estimate:
    """Theorem 4.24's sum (corrected reading) by uniform index subsampling (Chapter 5):
    n^2 s^3 / #samples times the sum of the sampled terms, with its standard error."""
    d, x, g = _data(widths, inputs, output_gradients)
    h = _hessians(hessians, x, g)
    n_index_samples = _checks.positive_int("n_index_samples", n_index_samples)
    s, n = x.shape[0], d.size - 1
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, n, n_index_samples), rng.integers(0, n, n_index_samples)
    ks, ls, ms = (rng.integers(0, s, n_index_samples) for _ in range(3))
    phi_table, psi_table = _pair_tables(d.astype(int))
    a = np.linalg.norm(x, axis=1)
    big_a = a[ks] ** 2 * a[ls] * a[ms] / np.pi**2
    lhm = np.einsum("np,npq,nq->n", g[ls], h[ks], g[ms])
    trace_term = np.trace(h[ks], axis1=1, axis2=2) * np.sum(g[ls] * g[ms], 1)
    c_term = phi_table[i, j] * lhm + psi_table[i, j] * trace_term
    return _estimate(big_a * c_term / s**3, n**2 * s**3, seed)
