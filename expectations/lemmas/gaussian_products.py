"""Second moments of products of Gaussian matrices: Lemmas 4.7-4.10 and
Hettinger's Lemmas A.12 and A.13 as the proof of Lemma 4.21 uses them.

Chains are described by ``widths`` (m_0, ..., m_L), the t-th matrix being
m_t x m_{t-1} with independent N(0, sigma_t^2) entries.
"""

from __future__ import annotations

import numpy as np

from expectations import _checks
from expectations.lemmas.hettinger import layer_sigmas


def expected_gram(p: int, q: int, sigma: float = 1.0) -> np.ndarray:
    """E[A^T A] = p sigma^2 I_q for a p x q matrix A with N(0, sigma^2) entries (Lemma 4.7)."""
    p = _checks.positive_int("p", p)
    q = _checks.positive_int("q", q)
    (sigma,) = _checks.sigmas("sigma", [sigma], 1)
    return p * sigma**2 * np.eye(q)


def expected_gram_bilinear(x, y, p: int, sigma: float = 1.0) -> float:
    """E[x^T A^T A y] = p sigma^2 x^T y, A p x len(x) (Lemma 4.8)."""
    x = _checks.vector("x", x)
    y = _checks.vector("y", y, len(x))
    p = _checks.positive_int("p", p)
    (sigma,) = _checks.sigmas("sigma", [sigma], 1)
    return float(p * sigma**2 * (x @ y))


def expected_chain_outer_bilinear(x, y, widths, sigmas=None) -> float:
    """E[x^T B_{s,q} B_{s,q}^T y] (Lemmas 4.9 and 4.10).

    Parameters
    ----------
    x, y : vectors in R^{m_s}
        (The thesis prints R^{m_0}; B_{s,q} has m_s rows, see docs/errata.md.)
    widths : (m_{q-1}, m_q, ..., m_s)
    sigmas : None, "hettinger" or one value per matrix A_q, ..., A_s.

    Returns sigma_q^2 ... sigma_s^2 m_{q-1} ... m_{s-1} x^T y; with the
    Hettinger scaling this is sqrt(m_{q-1} / m_s) x^T y.
    """
    m = _checks.widths("widths", widths)
    sig = layer_sigmas(sigmas, m)
    x = _checks.vector("x", x, int(m[-1]))
    y = _checks.vector("y", y, int(m[-1]))
    return float(np.prod(sig**2) * np.prod(m[:-1].astype(float)) * (x @ y))


def hettinger_chain_factor(widths) -> float:
    """The printed factor sqrt(m_{q-1}) / sqrt(m_s) of Lemma 4.10."""
    m = _checks.widths("widths", widths)
    return float(np.sqrt(m[0] / m[-1]))


def expected_frobenius_pair(widths) -> float:
    """Hettinger's Lemma A.12 as used in Lemma 4.21 (corrected reading, docs/errata.md).

    E[ ||B_{j,i+1}||_F^2 ||B_{j-1,i}||_F^2 / (m_j m_{i-1}) ] = h_ij, with

        h_ij = 1/3 prod_{r=i}^{j-1} m_r (m_r + 2) + 2/3 prod_{r=i}^{j-1} m_r (m_r - 1),

    for standard normal A_i, ..., A_j.

    Parameters
    ----------
    widths : (m_{i-1}, m_i, ..., m_j)
    """
    m = _checks.widths("widths", widths).astype(float)
    inner = m[1:-1]
    return float(np.prod(inner * (inner + 2)) / 3 + 2 * np.prod(inner * (inner - 1)) / 3)


def a13_coefficient(w, P, v, widths) -> float:
    """g_ij of Lemma 4.21 (Hettinger's Lemma A.13).

    g = (2 w^T P v + Tr(P) w^T v)/3 prod_{r=j}^{n-1} m_r (m_r + 2)
        + (w^T P v - Tr(P) w^T v)/3 prod_{r=j}^{n-1} m_r (m_r - 1).

    Parameters
    ----------
    w, v : vectors in R^{m_n};  P : symmetric m_n x m_n matrix
    widths : (m_j, ..., m_n)
    """
    m = _checks.widths("widths", widths, min_length=1).astype(float)
    w = _checks.vector("w", w, int(m[-1]))
    v = _checks.vector("v", v, int(m[-1]))
    P = _checks.symmetric_matrix("P", P, int(m[-1]))
    wPv, trP_wv = w @ P @ v, np.trace(P) * (w @ v)
    inner = m[:-1]
    return float((2 * wPv + trP_wv) / 3 * np.prod(inner * (inner + 2))
                 + (wPv - trP_wv) / 3 * np.prod(inner * (inner - 1)))


def expected_x_form(w, P, v, widths, split: int) -> float:
    """Hettinger's Lemma A.13 as used in Lemma 4.21, averaged over B_{j,i+1}.

    For X = w^T B_{n,j+1} B_{n,j+1}^T P B_{n,i+1} B_{n,i+1}^T v with standard
    normal matrices, A.13 gives E[X | B_{j,i+1}] = g_ij ||B_{j,i+1}||_F^2 / m_j
    and hence E[X] = g_ij m_i m_{i+1} ... m_{j-1}.

    Parameters
    ----------
    widths : (m_i, ..., m_n)
    split : j - i, with 0 <= split <= n - i.
    """
    m = _checks.widths("widths", widths, min_length=1)
    if isinstance(split, bool) or not isinstance(split, (int, np.integer)) or not 0 <= split < m.size:
        raise ValueError(f"split = j - i must be an integer in [0, {m.size - 1}], got {split!r}")
    return a13_coefficient(w, P, v, m[split:]) * float(np.prod(m[:split].astype(float)))
