"""Lemma 4.21 exactly at every (i, j) with 2 <= i <= j, for any x, y, z.

The thesis's f_ij g_ij h_ij replaces every Lemma 4.19 factor by its value for
orthogonal inputs and orthogonal unit vectors e_k, B^T e_l.  Here the sum over units
is done exactly (derivations in docs/beyond-the-thesis.md); the result multiplies
the thesis's value, so the g_ij h_ij factor and Corollary 4.22's sigma scaling are
kept (g h is E[X] at i = j and sum_l E[|B_{j-1,i}^T e_l|^2 X] / m_{i-1} at i < j in every
cell checked against Monte Carlo).  F(r; c) is Lemma 4.19's factor
(:mod:`.relu_pair_general`) at cosine r between u and v and input cosines c.

* (2, 2): alpha_2 alpha_2' = sum_{k,l} of Lemma 4.19 terms with u = e_k, v = e_l, so
  E = |x|^2|y||z| [m_1 (m_1 - 1) kappa(c_xy) kappa(c_xz) + m_1 F(1; c)] (u perp v for k != l, u = v
  for k = l).
* (2, j > 2): given A_2, ..., A_n the l-th term has v_l = A_2^T B_{j-1,3}^T e_l, whose direction
  is uniform on the sphere of R^{m_1} and independent of |v_l| and of X.  So the sum over k
  becomes m_1 E[F(cos T; c)], T the angle between a fixed and a uniform direction (Lemma 4.3's
  law), where the thesis has m_1 / pi^2.  For orthogonal x, y, z, pi^2 E[F0(cos T)] =
  E[sqrt(1 - U^2) + U arcsin U] = (m_1 / (m_1 - 1)) Gamma(m_1/2)^2 / (Gamma((m_1+1)/2)
  Gamma((m_1-1)/2)) =: psi(m_1) (integrate by parts), psi(1) = pi/2.
* i >= 3: condition on the two rows g = A_{i-1}^T e_k, g' = A_{i-1}^T v_l (coordinate-wise
  correlation U = cos(e_k, v_l)) and push them back through A_{i-2}^T, ..., A_2^T to (h, h'); the
  mean over A_1 is then Lemma 4.19 with u = h, v = h': |h|^2 |h'|^2 F(cos(h, h'); c).  Each
  A_t^T redraws the 2 x 2 Gram matrix of the pair as Wishart(m_{t-1}, Gram) and the function
  is homogeneous of degree 2 in each norm, so the chain acts on a function of one cosine
  (:func:`_row_pair_moment`, :func:`chain_functional`).  Units k != l have U = 0 and k = l
  U = 1 when i = j; for i < j, U is a uniform coordinate in R^{m_{i-1}}, as at (2, j).
  At (3, 3) with orthogonal inputs this is m_2 (m_2 - 1) m_1 mu_{m_1}^2 psi(m_1)^2 / pi^2 +
  m_2 m_1 (m_1 + 2) / (2 pi) (per |x|^2|y||z|), using mu_m^2 psi(m) = m.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from expectations import _checks
from expectations.lemmas.double_sum import relu_double_sum
from expectations.lemmas.relu_pair_general import _snap, aligned_factor, kappa, quadrature_factor
from expectations.lemmas.relu_products import relu_pair_form

#: The cells (i, j) where :func:`relu_double_sum_exact` is exact.
EXACT_CELLS = "every (i, j) with 2 <= i <= j, any x, y, z"


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


def _beta_nodes(n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights for beta = arccos r on [0, pi]."""
    tb, wb = np.polynomial.legendre.leggauss(n_nodes)
    return np.pi * (tb + 1) / 2, wb * np.pi / 2


def _pi2_factor(c, n_nodes: int) -> tuple[float, np.ndarray]:
    """pi^2 F(r; c) at r = +-1 and at r = cos(beta) on the beta nodes (F0's closed form at c = 0)."""
    beta, _ = _beta_nodes(n_nodes)
    r = np.cos(beta)
    if c == (0.0, 0.0, 0.0):
        return np.pi / 2, np.pi**2 * relu_pair_form(r, np.sin(beta))
    at_one = np.pi**2 * float(aligned_factor(*c))
    return at_one, np.pi**2 * np.array([quadrature_factor(float(a), *c).value for a in r])


def _row_pair_moment(u: float, m: int, factor, n_nodes: int) -> float:
    """H(u) = E[|g|^2 |g'|^2 pi^2 F(r; c)], g, g' in R^m standard normal with coordinate-wise
    correlation u and r their cosine; ``factor`` = :func:`_pi2_factor` (F is even in r).

    (|g|^2, |g'|^2, g.g') is Wishart(m, [[1, u], [u, 1]]); in coordinates |g| = s1, |g'| = s2,
    r = cos(beta) its density is ~ (s1 s2)^(m-1) sin^(m-2)(beta) exp(-(s1^2 + s2^2 - 2 u r s1 s2) /
    (2 (1 - u^2))), and the radial integral of (s1, s2) = rho (cos t, sin t) is a Gamma function,
    leaving Gauss-Legendre rules in beta and t.  The normalisation cancels against the same
    integral of |g|^2 |g'|^2 alone, whose mean is m^2 + 2 m u^2.
    """
    at_one, on_nodes = factor
    if m == 1:  # r = +-1
        return (1 + 2 * u * u) * at_one
    if abs(u) == 1:  # g' = +-g
        return m * (m + 2) * at_one
    beta, wb = _beta_nodes(n_nodes)
    tt, wt = np.polynomial.legendre.leggauss(n_nodes)
    t, wt = np.pi * (tt + 1) / 8, wt * np.pi / 8  # [0, pi/4]: sin 2t is symmetric about pi/4,
    # where the integrand peaks as u r -> 1, so the peak sits at an end, where the nodes cluster
    r = np.cos(beta)[:, None]
    sin2t = np.sin(2 * t)[None, :]
    radial = (sin2t ** (m + 1) * ((1 - u * u) / (1 - u * r * sin2t)) ** (m + 2)) @ wt
    weight = wb * np.sin(beta) ** (m - 2) * radial
    return float((m * m + 2 * m * u * u) * (weight @ on_nodes) / weight.sum())


def _pushed_back(factor, inner_widths, n_nodes: int):
    """Phi before its last step: ``factor`` (an even function of the cosine r, as its value at
    r = +-1 and its values on the beta nodes, e.g. :func:`_pi2_factor`) pushed back through
    Wishart steps of the widths ``inner_widths`` (m_1 first), in the same representation.

    One step maps f to T_m f(u) = E[|g|^2 |g'|^2 f(r)] over (|g|^2, |g'|^2, g.g') ~
    Wishart(m, [[1, u], [u, 1]]) (:func:`_row_pair_moment`): a chain A_2^T ... A_t^T applied to
    two vectors multiplies their squared norms and redraws their cosine this way, and the
    result is homogeneous of degree 2 in each norm, so only the cosine needs tracking.
    """
    beta, _ = _beta_nodes(n_nodes)
    for m in inner_widths:
        factor = (m * (m + 2) * factor[0],
                  np.array([_row_pair_moment(float(np.cos(b)), int(m), factor, n_nodes) for b in beta]))
    return factor


def _uniform_coordinate_mean(fn, m: int, n_nodes: int) -> float:
    """E[fn(U)], U one coordinate of a uniform unit vector in R^m, fn even."""
    if m == 1:
        return fn(1.0)
    tg, wg = np.polynomial.legendre.leggauss(n_nodes)
    gamma, wg = np.pi * (tg + 1) / 4, wg * np.pi / 4  # U = cos(gamma) on [0, pi/2]
    weight = wg * np.sin(gamma) ** (m - 2)
    return float(weight @ np.array([fn(float(np.cos(a))) for a in gamma]) / weight.sum())


def chain_functional(widths, i: int, j: int, factor, n_nodes: int = 48) -> float:
    """The linear functional of Lemma 4.21's exact form at 3 <= i <= j, applied to ``factor``
    (an even function f of the cosine: (f(+-1), f on the beta nodes)); with f = pi^2 F(r; c) it
    is S_ij / (the thesis's f_ij g_ij h_ij) (:func:`exact_to_thesis`).

    With Phi_i(U) = E[|h|^2 |h'|^2 f(cos(h, h'))] for (h, h') = A_2^T ... A_{i-1}^T (e_k, v_l)
    (coordinate-wise correlation U = cos(e_k, v_l) at the start; :func:`_pushed_back`):
    i = j: (m (m - 1) Phi_i(0) + m Phi_i(1)) / prod_{p < i} m_p^2 with m = m_{i-1} (units k != l
    and k = l); i < j: m^2 E_U[Phi_i(U)] / prod_{p < i} m_p^2 with U a coordinate of a uniform
    unit vector in R^{m_{i-1}} (the direction of B_{j-1,i}^T e_l).
    """
    m = _checks.widths("widths", widths).astype(int)
    i, j = _checks.layer_pair(i, j, m.size - 1)
    if i < 3:
        raise ValueError(f"chain_functional covers i >= 3, got i = {i}")
    inner = _pushed_back(factor, m[1:i - 2], n_nodes)

    def phi(u):
        return _row_pair_moment(u, int(m[i - 2]), inner, n_nodes)

    last = float(m[i - 1])
    scale = float(np.prod(m[1:i].astype(float) ** 2))
    if i == j:
        return (last * (last - 1) * phi(0.0) + last * phi(1.0)) / scale
    return last**2 * _uniform_coordinate_mean(phi, int(m[i - 1]), n_nodes) / scale


def exact_to_thesis(widths, i: int, j: int, cosines=(0.0, 0.0, 0.0), n_nodes: int = 48) -> float:
    """S_ij / (the thesis's f_ij g_ij h_ij) for 3 <= i <= j and x, y, z with these cosines
    (Lemma 4.21): :func:`chain_functional` of pi^2 F(r; c).  Changing ``n_nodes`` from 48 to 64
    moves it by < 1e-7 (tests)."""
    return chain_functional(widths, i, j, _pi2_factor(tuple(cosines), n_nodes), n_nodes)


def _cosines(x, y, z) -> tuple[float, float, float]:
    def cos(a, b):
        return _snap(float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))
    return cos(x, y), cos(x, z), cos(y, z)


def _random_angle_mean(m: int, c, n_nodes: int = 40) -> float:
    """E[F(cos T; c)] for T the angle between a fixed and a uniform direction in R^m.

    Gauss-Legendre in T (F is analytic in T) on pi/2 -+ min(pi/2, 10/sqrt(m)), outside of
    which the density ~ sin^(m-2) T is below e^-45 of its peak.
    """
    if m == 1:  # the direction is +-e: cos T = +-1
        return 0.5 * (quadrature_factor(1.0, *c).value + quadrature_factor(-1.0, *c).value)
    half = min(np.pi / 2, 10 / np.sqrt(m))
    t, w = np.polynomial.legendre.leggauss(n_nodes)
    theta = np.pi / 2 + half * t
    dens = np.sin(theta) ** (m - 2)
    vals = np.array([quadrature_factor(float(np.cos(a)), *c).value for a in theta])
    return float((w * dens) @ vals / (w @ dens))


def relu_double_sum_exact(x, y, z, w, v, P, widths, i: int, j: int, sigmas=None) -> float:
    """The exact S_ij of Lemma 4.21 (Corollary 4.22 with ``sigmas``) in the cells of :data:`EXACT_CELLS`.

    Same parameters as :func:`~expectations.lemmas.closed_forms.relu_double_sum`; ValueError at
    i = 1.  The g_ij h_ij factor is taken as the thesis's: it equals E[X] at i = j and
    sum_l E[|B_{j-1,i}^T e_l|^2 X] / m_{i-1} at i < j in every cell checked (docs/beyond-the-thesis.md).
    """
    m = _checks.widths("widths", widths)
    i, j = _checks.layer_pair(i, j, m.size - 1)
    x = _checks.nonzero_vector("x", x, int(m[0]))
    y = _checks.nonzero_vector("y", y, int(m[0]))
    z = _checks.nonzero_vector("z", z, int(m[0]))
    c = _cosines(x, y, z)
    thesis = relu_double_sum(x, y, z, w, v, P, widths, i, j, sigmas)
    if i == 1:
        raise ValueError("no exact form known at i = 1 (there is no A_{i-1} for Lemma 4.19 to act on)")
    m1 = int(m[1])
    if i == 2 and j == 2:  # thesis: m_1^2 / pi^2
        return thesis * np.pi**2 * ((m1 - 1) * float(kappa(c[0]) * kappa(c[1]))
                                    + quadrature_factor(1.0, *c).value) / m1
    if i == 2:
        if c == (0.0, 0.0, 0.0):
            return thesis * uniform_arcsin_mean(m1)
        return thesis * np.pi**2 * _random_angle_mean(m1, c)
    return thesis * exact_to_thesis(m, i, j, c)
