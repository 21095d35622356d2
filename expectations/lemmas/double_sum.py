"""Lemma 4.21 and Corollary 4.22: the double sum with X.

    S_ij = sum_{k=1}^{m_{i-1}} sum_{l=1}^{m_{j-1}} E[ ReLU(x^T B_{i-1,1}^T e_k e_k^T B_{i-1,1} y)
                                                     ReLU(x^T B_{j-1,1}^T e_l e_l^T B_{j-1,1} z) X ],
    X = w^T B_{n,j+1} B_{n,j+1}^T P B_{n,i+1} B_{n,i+1}^T v,

for 1 <= i <= j <= n.  The thesis approximates S_ij by f_ij g_ij h_ij,
assuming the propagated inputs stay orthogonal, that e_k and B_{j-1,i}^T e_l are
orthogonal, and E||a|| ~ sqrt(q).  :func:`relu_double_sum_refined` removes
the last approximation and the k = l terms' error when i = j; it is exact for
i = j = 2 with orthogonal x, y, z.
"""

from __future__ import annotations

import numpy as np

from expectations import _checks
from expectations.lemmas.gaussian_products import a13_coefficient, expected_frobenius_pair
from expectations.lemmas.hettinger import layer_sigmas
from expectations.lemmas.norm_products import chi_mean


def _inputs(x, y, z, widths, i, j):
    m = _checks.widths("widths", widths)
    n = m.size - 1
    i, j = _checks.layer_pair(i, j, n)
    x = _checks.vector("x", x, int(m[0]))
    y = _checks.vector("y", y, int(m[0]))
    z = _checks.vector("z", z, int(m[0]))
    return m, i, j, float(np.linalg.norm(x) ** 2 * np.linalg.norm(y) * np.linalg.norm(z))


def _scale(sigmas, m, i, j) -> float:
    """sigma_1^4 ... sigma_n^4 / (sigma_i^2 sigma_j^2), Corollary 4.22."""
    sig = layer_sigmas(sigmas, m)
    return float(np.prod(sig**4) / (sig[i - 1] ** 2 * sig[j - 1] ** 2))


def relu_double_sum(x, y, z, w, v, P, widths, i: int, j: int, sigmas=None) -> float:
    """The thesis's approximation f_ij g_ij h_ij of S_ij (Lemma 4.21, Corollary 4.22).

    Parameters
    ----------
    x, y, z : vectors in R^{m_0};  w, v : vectors in R^{m_n};  P : symmetric m_n x m_n
    widths : (m_0, ..., m_n)
    i, j : layers with 1 <= i <= j <= n
    sigmas : None (Lemma 4.21), "hettinger" or one value per matrix (Corollary 4.22:
        the result is multiplied by sigma_1^4 ... sigma_n^4 / (sigma_i^2 sigma_j^2)).
    """
    m, i, j, norms = _inputs(x, y, z, widths, i, j)
    f = norms / np.pi**2 * np.prod(m[1:i].astype(float) ** 2)
    g = a13_coefficient(w, P, v, m[j:])
    h = expected_frobenius_pair(m[i - 1:j + 1])
    return f * g * h * _scale(sigmas, m, i, j)


def relu_double_sum_refined(x, y, z, w, v, P, widths, i: int, j: int, sigmas=None) -> float:
    """f_ij g_ij h_ij with two of the thesis's approximations removed.

    * each Lemma 4.20 step uses the exact m_p E||a||^2 = m_p (sqrt(2) Gamma((m_p+1)/2) / Gamma(m_p/2))^2
      instead of m_p^2;
    * for i = j the k = l terms have e_k = e_l (angle 0, not pi/2), so Lemma 4.19 gives
      1/(2 pi) instead of 1/pi^2 for them: m_{i-1}^2 becomes m_{i-1} (m_{i-1} - 1 + pi/2).

    Exact for i = j = 2 with mutually orthogonal x, y, z, and measured closer to S_ij than the
    thesis's form only on the diagonal i = j <= 3; at (3, 4) and (4, 4) it is further off (e.g.
    (4, 4) at widths [4, 4, 4, 4, 4]: -54 % against the thesis's -48 %), so the registry uses it
    only on the diagonal.  :func:`~expectations.lemmas.double_sum_exact.relu_double_sum_exact`
    is exact at every cell with i >= 2 (docs/beyond-the-thesis.md).  Same parameters as
    :func:`relu_double_sum`.
    """
    m, i, j, norms = _inputs(x, y, z, widths, i, j)
    mf = m.astype(float)
    steps = np.prod(mf[1:i - 1] * chi_mean(mf[1:i - 1]) ** 2) if i > 2 else 1.0
    if i == 1:
        last = 1.0
    elif i == j:
        last = mf[i - 1] * (mf[i - 1] - 1 + np.pi / 2)
    else:
        last = mf[i - 1] ** 2
    f = norms / np.pi**2 * steps * last
    g = a13_coefficient(w, P, v, m[j:])
    h = expected_frobenius_pair(m[i - 1:j + 1])
    return f * g * h * _scale(sigmas, m, i, j)
