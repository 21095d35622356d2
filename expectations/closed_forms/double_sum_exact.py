"""Lemma 4.21 exactly at (i, j) = (2, 2), (2, j > 2) and (3, 3).

The thesis's f_ij g_ij h_ij replaces every Lemma 4.19 factor by its value for
orthogonal inputs and orthogonal unit vectors e_k, B^T e_l.  Three cells can be
done exactly (derivations in docs/beyond-the-thesis.md; all multiply the
thesis's or the refined value, so the g_ij h_ij factor and Corollary 4.22's
sigma scaling are kept as they are):

* (2, 2), any x, y, z: alpha_2 alpha_2' = sum_{k,l} of Lemma 4.19 terms with
  u = e_k, v = e_l, so E = |x|^2|y||z| [m_1 (m_1 - 1) kappa(c_xy) kappa(c_xz) + m_1 F(1; c)]
  (u orthogonal to v for k != l, u = v for k = l).
* (2, j > 2), any x, y, z: given A_2, ..., A_n the l-th term has v_l = A_2^T B_{j-1,3}^T e_l,
  whose direction is uniform on the sphere of R^{m_1} and independent of |v_l| and
  of X.  So the sum over k of Lemma 4.19 factors becomes m_1 E[F(cos T; c)], T the
  angle between a fixed and a uniform direction (density ~ sin^(m_1 - 2), Lemma 4.3),
  where the thesis has m_1 F0(pi/2) = m_1 / pi^2.  For orthogonal x, y, z,
  pi^2 E[F0(cos T)] = E[sqrt(1 - U^2) + U arcsin U] = (m_1 / (m_1 - 1))
  Gamma(m_1/2)^2 / (Gamma((m_1+1)/2) Gamma((m_1-1)/2)) =: psi(m_1) (U = cos T; integrate
  by parts), and psi(1) = pi/2.
* (3, 3), orthogonal x, y, z: a, b, c = A_1 x, A_1 y, A_1 z are independent Gaussian
  vectors; Lemma 4.19 over A_2 with inputs (a, b, c) gives for k != l
  |a|^2 |b| |c| kappa(a^.b^) kappa(a^.c^), whose mean is m_1 mu_{m_1}^2 (psi(m_1) / pi)^2, and
  for k = l E|g|^4 / (2 pi) = m_1 (m_1 + 2) / (2 pi) (g a row of A_2).  The refined
  form has m_1 mu^2 / pi^2 and m_1 mu^2 / (2 pi) in their place.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .. import _checks
from .double_sum import relu_double_sum, relu_double_sum_refined
from .norm_products import chi_mean
from .relu_pair_general import _snap, kappa, quadrature_factor

#: The cells (i, j) where :func:`relu_double_sum_exact` is exact.
EXACT_CELLS = "(2, 2) and (2, j > 2) for any x, y, z; (3, 3) for orthogonal x, y, z"


def uniform_arcsin_mean(m: int) -> float:
    """psi(m) = E[sqrt(1 - U^2) + U arcsin U], U one coordinate of a uniform unit vector in R^m.

    = pi^2 E[F0(angle)] for Lemma 4.19's F0 at a uniformly random angle; psi(1) = pi/2,
    psi(2) = 4/pi, psi(m) = 1 + 1/(2m) + O(m^-2).
    """
    m = _checks.positive_int("m", m)
    if m == 1:
        return np.pi / 2
    ratio = np.exp(2 * special.gammaln(m / 2) - special.gammaln((m + 1) / 2) - special.gammaln((m - 1) / 2))
    return float(m / (m - 1) * ratio)


def _cosines(x, y, z) -> tuple[float, float, float]:
    def cos(a, b):
        return _snap(float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))
    return cos(x, y), cos(x, z), cos(y, z)


def _random_angle_mean(m: int, c, n_nodes: int = 24) -> float:
    """E[F(cos T; c)] for T the angle between a fixed and a uniform direction in R^m."""
    if m == 1:  # the direction is +-e: cos T = +-1
        return 0.5 * (quadrature_factor(1.0, *c).value + quadrature_factor(-1.0, *c).value)
    t, w = np.polynomial.legendre.leggauss(n_nodes)
    theta = np.pi * (t + 1) / 2
    dens = np.sin(theta) ** (m - 2)
    vals = np.array([quadrature_factor(float(np.cos(a)), *c).value for a in theta])
    return float((w * dens) @ vals / (w @ dens))


def relu_double_sum_exact(x, y, z, w, v, P, widths, i: int, j: int, sigmas=None) -> float:
    """The exact S_ij of Lemma 4.21 (Corollary 4.22 with ``sigmas``) in the cells of :data:`EXACT_CELLS`.

    Same parameters as :func:`~expectations.closed_forms.relu_double_sum`; ValueError in
    other cells (where no exact form is known).
    """
    m = _checks.widths("widths", widths)
    i, j = _checks.layer_pair(i, j, m.size - 1)
    x = _checks.nonzero_vector("x", x, int(m[0]))
    y = _checks.nonzero_vector("y", y, int(m[0]))
    z = _checks.nonzero_vector("z", z, int(m[0]))
    c = _cosines(x, y, z)
    thesis = relu_double_sum(x, y, z, w, v, P, widths, i, j, sigmas)
    m1 = int(m[1]) if m.size > 2 else 0
    if i == 2 and j == 2:  # thesis: m_1^2 / pi^2
        return thesis * np.pi**2 * ((m1 - 1) * float(kappa(c[0]) * kappa(c[1]))
                                    + quadrature_factor(1.0, *c).value) / m1
    if i == 2:
        if c == (0.0, 0.0, 0.0):
            return thesis * uniform_arcsin_mean(m1)
        return thesis * np.pi**2 * _random_angle_mean(m1, c)
    if i == 3 and j == 3:
        if c != (0.0, 0.0, 0.0):
            raise ValueError("the exact (3, 3) form needs mutually orthogonal x, y, z")
        m2 = float(m[2])
        mu2 = float(chi_mean(m1)) ** 2
        exact = (m2 * (m2 - 1) * m1 * mu2 * uniform_arcsin_mean(m1) ** 2 / np.pi**2
                 + m2 * m1 * (m1 + 2) / (2 * np.pi))
        refined = m1 * mu2 * m2 * (m2 - 1 + np.pi / 2) / np.pi**2
        return relu_double_sum_refined(x, y, z, w, v, P, widths, i, j, sigmas) * exact / refined
    raise ValueError(f"no exact form known at (i, j) = ({i}, {j}); exact cells: {EXACT_CELLS}")
