"""Lemma 4.19 terms beyond the thesis inside the refined Theorem 4.24 (docs/beyond-the-thesis.md).

:func:`~expectations.network.theorems.theorem_4_24_refined` replaces the thesis's
A_klm = |x^k|^2 |x^l| |x^m| / pi^2 by K_kl K_km = E[alpha_ikl] E[alpha_jkm] (layer-2
units), which drops pieces of E[alpha_ikl alpha_jkm] that are known exactly:

* coincident samples k = l = m, any layers i, j >= 2: alpha_ikk = ||y||^2 and
  alpha_jkk = ||C y||^2 with y = B_{i-1,1} x^k (i <= j), and E[||C y||^2 X | y] depends on
  y only through |y|^2 (A_i y / |y| is standard normal whatever y's direction), so
  E[alpha_ikk alpha_jkk X] / (E[alpha_ikk] E[alpha_jkk X]) = E||y||^4 / (E||y||^2)^2
  = prod_{p < min(i, j)} (1 + 2 / d_p)  (Wishart fourth moments; Lemma 4.19 case x = y = z);
* the pair (i, j) = (2, 2) at every (k, l, m): alpha_2kl alpha_2km sums Lemma 4.19 terms over
  units p, p' of layer 1; p != p' (u perp v) gives exactly K_kl K_km / d_1^2 per pair,
  p = p' (u = v) gives |x^k|^2 |x^l| |x^m| F(1; c_kl, c_km, c_lm)
  (:func:`~expectations.lemmas.relu_pair_general.aligned_factor`), not the
  K_kl K_km / d_1^2 the refined form uses;
* the pairs (2, j > 2) and (j > 2, 2) at every (k, l, m), to second order: the layer-2 factor is
  E[F(cos T; c)] with T the angle between e_k and the uniformly random direction of
  B_{j-1,2}^T e_l in R^{d_1} (Lemma 4.21 at (2, j), docs/beyond-the-thesis.md), not F(0; c) =
  kappa_kl kappa_km; F is even in cos T and E[cos^2 T] = 1/d_1, so the difference is
  |x^k|^2 |x^l| |x^m| F''(0; c) / (2 d_1) + O(d_1^-2)
  (:func:`~expectations.lemmas.relu_pair_general.curvature_in_rho`).  Not exact;
* every pair (i, j) with i, j >= 2 ("all_pairs", replacing the three above): Lemma 4.21's exact
  form (:mod:`~expectations.lemmas.double_sum_exact`) is a linear functional L_ij of
  F(r; c), F the Lemma 4.19 factor at cosine r between the two unit directions.  Per triple F is
  replaced by the quartic in r that matches its value and curvature at r = 0 and its value at
  r = +-1 (all three in closed form; the quartic is within 0.5 % of F's maximum), so
  A_klm = |x^k|^2 |x^l| |x^m| (a L_ij[1] + b L_ij[r^2] + d L_ij[r^4]) / pi^2 and the L_ij of the
  three monomials are computed once per architecture.  Approximate only through the quartic
  and through Lemma 4.21's g h factor, which is kept.

All enter additively: :func:`theorem_4_24_corrections` returns each correction and
:func:`theorem_4_24_refined_exact_terms` the refined form plus the ones chosen.
The independence of alpha alpha and X elsewhere, and Definition 4.23's B_ij,
phi and psi, are kept as in the refined form.
"""

from __future__ import annotations

import numpy as np

from expectations.lemmas.double_sum_exact import _beta_nodes, chain_functional
from expectations.lemmas.relu_pair_general import aligned_factor, curvature_in_rho
from expectations.network.theorems import _data, _hessians, _pair_tables, arccos_gram, theorem_4_24_refined


def _cosines(x: np.ndarray, norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cosines of the angles between the rows (0 beside a zero row) and kappa of them, Lemma 4.11's
    arc-cosine form at unit norms (the one kernel, through :func:`theorems.arccos_gram`)."""
    safe = np.where(norms > 0, norms, 1.0)
    unit = x / safe[:, None]
    cos = np.clip(unit @ unit.T, -1.0, 1.0) * np.outer(norms > 0, norms > 0)
    return cos, arccos_gram(x) / np.outer(safe, safe)


def theorem_4_24_corrections(widths, inputs, output_gradients, hessians) -> dict[str, float]:
    """The additive corrections to the refined Theorem 4.24 (module docstring), by name.

    Returns ``{"coincident": ..., "pair_2_2": ..., "pair_2_j": ..., "all_pairs": ...}``; the pair
    corrections leave out the k = l = m triples, which "coincident" covers, so the first three
    add; "all_pairs" covers every triple and pair i, j >= 2 and replaces them.
    """
    d, x, g = _data(widths, inputs, output_gradients)
    s, n = x.shape[0], d.size - 1
    h = _hessians(hessians, x, g)
    phi_table, psi_table = _pair_tables(d.astype(int))
    norms = np.linalg.norm(x, axis=1)
    traces = np.trace(h, axis1=1, axis2=2)

    # coincident samples: Delta A_kkk = |x^k|^4 (prod_{p < min(i,j)} (1 + 2/d_p) - 1), i, j >= 2
    growth = np.cumprod(1 + 2 / d[1:])  # growth[t - 1] = prod_{p <= t}
    coincident_phi = coincident_psi = 0.0
    for i in range(2, n + 1):
        for j in range(2, n + 1):
            excess = growth[min(i, j) - 2] - 1
            coincident_phi += phi_table[i - 1, j - 1] * excess
            coincident_psi += psi_table[i - 1, j - 1] * excess
    fourth = norms**4
    coincident = (coincident_phi * np.einsum("k,kp,kpq,kq->", fourth, g, h, g)
                  + coincident_psi * np.sum(fourth * traces * np.sum(g * g, axis=1)))

    pair = pair_j = 0.0
    if n >= 2:
        cos, kap = _cosines(x, norms)
        gram = g @ g.T
        # phi and psi weights of the pairs (2, j > 2) and (j > 2, 2)
        phi_j = phi_table[1, 2:].sum() + phi_table[2:, 1].sum()
        psi_j = psi_table[1, 2:].sum() + psi_table[2:, 1].sum()
        sums = np.zeros(4)  # quad and trace sums of the (2, 2) and (2, j) deltas
        for k in range(s):
            scale = norms[k] ** 2 * np.outer(norms, norms) / d[1]
            ckl, ckm = cos[k][:, None], cos[k][None, :]
            # (2, 2): Delta A_klm = |x^k|^2 |x^l| |x^m| (F(1; c) - kappa_kl kappa_km) / d_1
            # (2, j): Delta A_klm = |x^k|^2 |x^l| |x^m| F''(0; c) / (2 d_1)
            deltas = ((aligned_factor(ckl, ckm, cos) - kap[k][:, None] * kap[k][None, :]) * scale,
                      curvature_in_rho(ckl, ckm, cos) * scale / 2)
            for t, delta in enumerate(deltas):
                delta[k, k] = 0.0  # the k = l = m triple is in "coincident"
                sums[2 * t] += float(np.sum(h[k] * (g.T @ delta @ g)))
                sums[2 * t + 1] += traces[k] * float(np.sum(delta * gram))
        pair = phi_table[1, 1] * sums[0] + psi_table[1, 1] * sums[1]
        pair_j = phi_j * sums[2] + psi_j * sums[3]
    out = {"coincident": float(coincident / s**3), "pair_2_2": float(pair / s**3),
           "pair_2_j": float(pair_j / s**3)}
    out["all_pairs"] = _all_pairs(d, x, g, h, phi_table, psi_table) / s**3 if n >= 2 else 0.0
    return out


def _monomial_functionals(d: np.ndarray, i: int, j: int) -> np.ndarray:
    """L_ij[1], L_ij[r^2], L_ij[r^4] / pi^2 for the pair (i, j), i, j >= 2 (per the thesis's A)."""
    a, b = min(i, j), max(i, j)
    m1 = float(d[1])
    if a == 2 and b == 2:  # (m_1 - 1) f(0) + f(1), over m_1
        return np.array([1.0, 1 / m1, 1 / m1])
    if a == 2:  # E f(U), U a coordinate of a uniform unit vector in R^{m_1}
        return np.array([1.0, 1 / m1, 3 / (m1 * (m1 + 2))])
    beta, _ = _beta_nodes(48)
    r = np.cos(beta)
    return np.array([chain_functional(d.astype(int), a, b, (np.pi**2, np.pi**2 * r**p)) / np.pi**2
                     for p in (0, 2, 4)])


def _all_pairs(d, x, g, h, phi_table, psi_table) -> float:
    """s^3 times the "all_pairs" correction (module docstring)."""
    s, n = x.shape[0], d.size - 1
    weights = np.zeros((2, 3))  # (phi, psi) x (a, b, d) aggregated over the pairs i, j >= 2
    for i in range(2, n + 1):
        for j in range(2, n + 1):
            functional = _monomial_functionals(d, i, j) - np.array([1.0, 0.0, 0.0])  # minus K K
            weights[0] += phi_table[i - 1, j - 1] * functional
            weights[1] += psi_table[i - 1, j - 1] * functional
    norms = np.linalg.norm(x, axis=1)
    cos, kap = _cosines(x, norms)
    traces = np.trace(h, axis1=1, axis2=2)
    gram = g @ g.T
    total = 0.0
    for k in range(s):
        ckl, ckm = cos[k][:, None], cos[k][None, :]
        at_zero = kap[k][:, None] * kap[k][None, :]
        half_curvature = curvature_in_rho(ckl, ckm, cos) / 2
        quartic = aligned_factor(ckl, ckm, cos) - at_zero - half_curvature
        scale = norms[k] ** 2 * np.outer(norms, norms)
        for row, weight in enumerate(weights):
            delta = scale * (weight[0] * at_zero + weight[1] * half_curvature + weight[2] * quartic)
            total += (float(np.sum(h[k] * (g.T @ delta @ g))) if row == 0
                      else traces[k] * float(np.sum(delta * gram)))
    return total


#: The corrections :func:`theorem_4_24_refined_exact_terms` can add.
CORRECTIONS = ("coincident", "pair_2_2", "pair_2_j", "all_pairs")


def theorem_4_24_refined_exact_terms(widths, inputs, output_gradients, hessians,
                                     corrections=("all_pairs",)) -> float:
    """The refined Theorem 4.24 with the exact Lemma 4.19 terms of ``corrections`` put in.

    ``corrections``: "all_pairs" (the default, the most complete) or any of the other three of
    :data:`CORRECTIONS`, which "all_pairs" replaces and must not be combined with; an empty tuple
    gives :func:`~expectations.network.theorems.theorem_4_24_refined`.
    """
    unknown = set(corrections) - set(CORRECTIONS)
    if unknown:
        raise ValueError(f"corrections must be among {CORRECTIONS}, got {sorted(unknown)}")
    if "all_pairs" in corrections and len(set(corrections)) > 1:
        raise ValueError("corrections: 'all_pairs' replaces the other three; pass it alone")
    base = theorem_4_24_refined(widths, inputs, output_gradients, hessians)
    if not corrections:
        return base
    parts = theorem_4_24_corrections(widths, inputs, output_gradients, hessians)
    return base + sum(parts[c] for c in corrections)
