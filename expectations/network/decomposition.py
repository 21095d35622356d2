"""The thesis's decompositions of L_M'(0) and L_M''(0) at the symmetric
initialization (P_i = N_i, no bias), as literal sums over their indices.

Definition 4.5, Lemma 4.6 (first derivative), Definition 4.15 and Lemma 4.16
(second derivative).  These are identities; the package evaluates them with
the corrected index readings (docs/errata.md) and keeps the printed reading of
Lemma 4.16's first sum for comparison.  The literal sums cost n^2 s^3 and are
meant for small checks; :mod:`expectations.network.one_step` computes the same
derivatives in O(n s d^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from expectations.network.crelu import CReLUNetwork


@dataclass(frozen=True)
class Decomposition:
    """The scalars of Definitions 4.5 and 4.15 for one network and data set.

    alpha[i-1, k, l] = sum over the d_{i-1} units of ReLU(x_{i-1}^l x_{i-1}^k)  (Definition 4.5)
    omega[i-1, k, l] = dL^k^T W_{n,i+1} W_{n,i+1}^T dL^l                       (Definition 4.5)
    delta[i-1]       = W_{n,i+1}^T dL, rows are samples (backward signal at layer i)
    """

    activations: list[np.ndarray]
    output_gradients: np.ndarray
    hessians: np.ndarray
    alpha: np.ndarray
    omega: np.ndarray
    delta: list[np.ndarray]
    network: CReLUNetwork


def decompose(network: CReLUNetwork, inputs, output_gradients, hessians) -> Decomposition:
    """Compute alpha, omega and the backward signals; requires P_i = N_i and no bias."""
    if network.b is not None or any(p is not q and not np.array_equal(p, q)
                                    for p, q in zip(network.P, network.N)):
        raise ValueError("the decomposition assumes the symmetric initialization: P_i = N_i, no bias")
    acts = network.forward(np.asarray(inputs, dtype=float))
    n = network.depth
    alpha = np.stack([np.maximum(acts[i][None, :, :] * acts[i][:, None, :], 0).sum(-1) for i in range(n)])
    delta = [None] * n
    d = output_gradients
    for i in range(n - 1, -1, -1):
        delta[i] = d
        d = d @ network.P[i]
    omega = np.stack([dl @ dl.T for dl in delta])
    return Decomposition(acts, output_gradients, hessians, alpha, omega, delta, network)


def lemma_4_6(dec: Decomposition) -> float:
    """L_M'(0) = -(1/s^2) sum_i sum_k sum_l alpha_ikl omega_ikl (Lemma 4.6)."""
    s = dec.output_gradients.shape[0]
    return float(-np.sum(dec.alpha * dec.omega) / s**2)


def _forward_through(network, vectors, first, last):
    """Rows of ``vectors`` mapped by W_{last,first} = P_last ... P_first (identity if last < first)."""
    for t in range(first, last + 1):
        vectors = vectors @ network.P[t - 1].T
    return vectors


def gamma(dec: Decomposition, i: int, j: int) -> np.ndarray:
    """gamma_ijklm as a (s, s, s) array [k, l, m] (Definition 4.15), 1 <= j < i <= n.

    (x_{i-1}^l)^T (Hv(x_{i-1}^l) Hv(x_{i-1}^k) + Hv(-x_{i-1}^l) Hv(-x_{i-1}^k)) W_{i-1,j+1} W_{n,j+1}^T dL^m
    """
    x = dec.activations[i - 1]
    t = _forward_through(dec.network, dec.delta[j - 1], j + 1, i - 1)  # rows m: W_{i-1,j+1} delta_j^m
    pos, neg = (x > 0).astype(float), (x < 0).astype(float)
    return (np.einsum("lu,ku,mu->klm", x * pos, pos, t) + np.einsum("lu,ku,mu->klm", x * neg, neg, t))


def chi_vectors(dec: Decomposition) -> list[np.ndarray]:
    """r_i^l = W_{n,i+1} W_{n,i+1}^T dL^l (rows l), so chi_ijklm = r_j^m^T H^k r_i^l (Definition 4.15)."""
    n = dec.network.depth
    return [_forward_through(dec.network, dec.delta[i], i + 2, n) for i in range(n)]


def lemma_4_16(dec: Decomposition, printed_reading: bool = False) -> tuple[float, float]:
    """The two sums of Lemma 4.16, whose total is L_M''(0).

    First:  (2/s^3) sum_i sum_{j<i} sum_{k,l,m} alpha_jkm gamma_ijklm omega_ikl
            (printed: alpha_jkl, which is not an identity; see docs/errata.md)
    Second: (1/s^3) sum_{i,j} sum_{k,l,m} alpha_jkm chi_ijklm alpha_ikl
    """
    s = dec.output_gradients.shape[0]
    n = dec.network.depth
    first = 0.0
    for i in range(2, n + 1):
        for j in range(1, i):
            g = gamma(dec, i, j)
            a = dec.alpha[j - 1]
            weight = a[:, :, None] if printed_reading else a[:, None, :]  # alpha_jkl or alpha_jkm
            first += np.sum(weight * g * dec.omega[i - 1][:, :, None])
    r = chi_vectors(dec)
    second = 0.0
    for i in range(1, n + 1):
        for j in range(1, n + 1):
            chi = np.einsum("mp,kpq,lq->klm", r[j - 1], dec.hessians, r[i - 1])
            second += np.sum(dec.alpha[j - 1][:, None, :] * chi * dec.alpha[i - 1][:, :, None])
    return float(2 * first / s**3), float(second / s**3)
