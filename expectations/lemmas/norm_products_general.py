"""Lemma 4.20 at any inputs: E[||Ax||^2 ||Ay|| ||Az||] when x, y, z are not orthogonal.

For unit inputs the rows of (A x^, A y^, A z^) are N(0, C), C the Gram matrix of
cosines, and the expectation is |x|^2 |y| |z| G(q; c_xy, c_xz, c_yz).  With
mu_q = E||a|| = sqrt(2) Gamma((q+1)/2) / Gamma(q/2) (derivations in
docs/beyond-the-thesis.md):

* orthogonal inputs: G = q mu_q^2 (the exact form inside the thesis's proof);
* only c_xy = c non-zero (or only c_xz): A z^ is independent of (A x^, A y^) and
  E[||a||^2 | b] = c^2 ||b||^2 + (1 - c^2) q, so G = mu_q^2 (q + c^2), using
  E||b||^3 = (q + 1) mu_q;
* only c_yz = r non-zero: G = q E[||b|| ||c||] = q mu_q^2 2F1(-1/2, -1/2; q/2; r^2);
* x = y = z: G = E||a||^4 = q (q + 2);
* to second order: G = mu_q^2 (q + c_xy^2 + c_xz^2 + c_yz^2 / 2) + O(c^3).  There is
  no first-order term: flipping the sign of x, y or z leaves G unchanged and flips
  two of the three cosines, which forbids every linear term (and every product of two).

:func:`norm_product_factor` evaluates G at any cosines by one-dimensional
Gauss-Laguerre quadrature over ||A y^||, the rest in closed form through
noncentral chi moments E||n + lambda e_1||^p = 2^(p/2) Gamma((q+p)/2) / Gamma(q/2)
1F1(-p/2; q/2; -lambda^2 / 2).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from expectations import _checks
from expectations.lemmas.angles import angle_between
from expectations.lemmas.norm_products import chi_mean
from expectations.lemmas.relu_pair_general import _cosine, _snap


def _cosines(c_xy, c_xz, c_yz) -> tuple[float, float, float]:
    c = tuple(_cosine(n, v) for n, v in (("c_xy", c_xy), ("c_xz", c_xz), ("c_yz", c_yz)))
    gram = np.array([[1, c[0], c[1]], [c[0], 1, c[2]], [c[1], c[2], 1]])
    if np.linalg.eigvalsh(gram)[0] < -1e-12:
        raise ValueError(f"cosines (c_xy, c_xz, c_yz) = {c} are not those of three vectors")
    return c


def _chi_moment(q: int, p: float) -> float:
    """E||a||^p for a standard normal a in R^q."""
    return float(2 ** (p / 2) * np.exp(special.gammaln((q + p) / 2) - special.gammaln(q / 2)))


def norm_product_second_order(q: int, c_xy, c_xz, c_yz) -> float:
    """G to second order in the cosines: mu_q^2 (q + c_xy^2 + c_xz^2 + c_yz^2 / 2)."""
    q = _checks.positive_int("q", q)
    c_xy, c_xz, c_yz = _cosines(c_xy, c_xz, c_yz)
    return float(chi_mean(q)) ** 2 * (q + c_xy**2 + c_xz**2 + c_yz**2 / 2)


def norm_product_exact(q: int, c_xy, c_xz, c_yz) -> float:
    """G where a closed form is known (module docstring); ValueError elsewhere."""
    q = _checks.positive_int("q", q)
    c_xy, c_xz, c_yz = _cosines(c_xy, c_xz, c_yz)
    mu2 = float(chi_mean(q)) ** 2
    if c_xy == c_xz == c_yz == 1:
        return float(q * (q + 2))
    nonzero = [c for c in (c_xy, c_xz, c_yz) if c != 0]
    if len(nonzero) > 1:
        raise ValueError("no closed form known with more than one non-zero cosine "
                         "(except x = y = z); use norm_product_factor")
    if c_yz != 0:
        return q * mu2 * float(special.hyp2f1(-0.5, -0.5, q / 2, c_yz**2))
    return mu2 * (q + (c_xy + c_xz) ** 2)


def norm_product_factor(q: int, c_xy, c_xz, c_yz, n_nodes: int = 60) -> float:
    """G(q; c_xy, c_xz, c_yz) = E[||A x^||^2 ||A y^|| ||A z^||] at any cosines (Lemma 4.20).

    Regress a = A x^ on (b, c) = (A y^, A z^): a = alpha b + beta c + sigma e, so
    E[||a||^2 | b, c] = alpha^2 ||b||^2 + 2 alpha beta b.c + beta^2 ||c||^2 + q sigma^2.
    Given b (R = ||b||), c = r b + s n with r = c_yz, s = sqrt(1 - r^2), and the
    moments of ||c|| are noncentral chi moments in lambda = r R / s; the last
    expectation over R ~ chi_q is an ``n_nodes``-point generalised Gauss-Laguerre
    rule, exact up to rounding for these analytic integrands (tests check it by
    refinement).
    """
    q = _checks.positive_int("q", q)
    c_xy, c_xz, c_yz = _cosines(c_xy, c_xz, c_yz)
    r = c_yz
    if abs(r) > 1 - 1e-12:  # z = +-y: regress a on b alone
        return c_xy**2 * q * (q + 2) + (1 - c_xy**2) * q * q
    alpha, beta = np.linalg.solve([[1, r], [r, 1]], [c_xy, c_xz])
    sigma2 = max(1 - alpha * c_xy - beta * c_xz, 0.0)
    s = np.sqrt(1 - r * r)
    # E f(R) for R ~ chi_q with f(R) = R h(R^2): t = R^2 / 2 has weight t^(q/2 - 1) e^-t,
    # and R = sqrt(2 t) puts the odd power into the weight: t^((q-1)/2) e^-t.
    t, w = special.roots_genlaguerre(n_nodes, (q - 1) / 2)
    radius = np.sqrt(2 * t)
    lam2 = (r * radius / s) ** 2
    mu = float(chi_mean(q))
    m1 = mu * special.hyp1f1(-0.5, q / 2, -lam2 / 2)
    m3 = _chi_moment(q, 3) * special.hyp1f1(-1.5, q / 2, -lam2 / 2)
    lam = r * radius / s
    m1_slope = mu * lam / q * special.hyp1f1(0.5, q / 2 + 1, -lam2 / 2)  # d M1 / d lambda
    bc_c = radius * s * s * (lam * m1 + m1_slope)  # E[(b.c) ||c|| | R]
    inner = (alpha**2 * radius**2 * s * m1 + 2 * alpha * beta * bc_c
             + beta**2 * s**3 * m3 + q * sigma2 * s * m1)
    # f(R) = R inner(R): the factor R = sqrt(2 t) is in the weight
    norm = np.sqrt(2.0) / special.gamma(q / 2)
    return float(norm * (w @ inner))


#: How :func:`expected_norm_product_any` evaluates G.
NORM_METHODS = ("quadrature", "exact", "second_order", "thesis")


def expected_norm_product_any(x, y, z, q: int, method: str = "quadrature") -> float:
    """E[||Ax||^2 ||Ay|| ||Az||] for any x, y, z, A q x len(x) standard normal (Lemma 4.20 generalised).

    ``method``: "quadrature" (:func:`norm_product_factor`, any inputs), "exact" (the closed
    forms of :func:`norm_product_exact`; ValueError elsewhere), "second_order"
    (:func:`norm_product_second_order`) or "thesis" (the orthogonal value |x|^2 |y| |z| q mu_q^2,
    the exact form inside the thesis's proof).
    """
    if method not in NORM_METHODS:
        raise ValueError(f"method must be one of {NORM_METHODS}, got {method!r}")
    x = _checks.nonzero_vector("x", x)
    y = _checks.nonzero_vector("y", y, len(x))
    z = _checks.nonzero_vector("z", z, len(x))
    q = _checks.positive_int("q", q)
    scale = float(np.linalg.norm(x) ** 2 * np.linalg.norm(y) * np.linalg.norm(z))
    c = [_snap(float(np.cos(angle_between(a, b)))) for a, b in ((x, y), (x, z), (y, z))]
    if method == "quadrature":
        return scale * norm_product_factor(q, *c)
    if method == "exact":
        return scale * norm_product_exact(q, *c)
    if method == "second_order":
        return scale * norm_product_second_order(q, *c)
    return scale * q * float(chi_mean(q)) ** 2
