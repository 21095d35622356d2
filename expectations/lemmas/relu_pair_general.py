"""Lemma 4.19 at any inputs: E[ReLU(x^T A^T u u^T A y) ReLU(x^T A^T v v^T A z)] off orthogonality.

With P = A^T u / |u| and Q = A^T v / |v| (standard normal vectors, coordinate-wise
correlation rho = cos theta, theta the angle between u and v), the four numbers
W = (P.x^, P.y^, Q.x^, Q.z^) (hats: unit vectors) are jointly Gaussian with unit
variances and correlations

    r(W1,W2) = c_xy, r(W1,W3) = rho, r(W1,W4) = rho c_xz,
    r(W2,W3) = rho c_xy, r(W2,W4) = rho c_yz, r(W3,W4) = c_xz,

so the expectation is |u|^2 |v|^2 |x|^2 |y| |z| F(rho; c_xy, c_xz, c_yz) with
F = E[(W1 W2)^+ (W3 W4)^+].  The thesis's Lemma 4.19 is F at c = 0:
F0(theta) = ((pi - 2 theta) cos theta + 2 sin theta) / (2 pi^2).  Exact forms
(derivations in docs/beyond-the-thesis.md):

* u orthogonal to v (rho = 0): (W1, W2) and (W3, W4) are independent, so
  F = kappa(c_xy) kappa(c_xz), kappa(c) = (sqrt(1 - c^2) + c (pi - arccos c)) / pi
  (Lemma 4.11's arc-cosine form at unit norms);
* x orthogonal to y and to z (c_xy = c_xz = 0, any c_yz, so y = z orthogonal to x
  included): (W1, W3) and (W2, W4) are independent pairs and
  (ab)^+ = (ab + |ab|) / 2 gives F = (rho rho' + e(rho) e(rho')) / 4 with
  rho' = rho c_yz and e(t) = E|N N'| = 2 (sqrt(1 - t^2) + t arcsin t) / pi;
* x = y = z: (W1 W1)^+ = W1^2 and F = E[W1^2 W3^2] = 1 + 2 rho^2.

Everywhere else :func:`relu_pair_quadrature` integrates F deterministically:
conditioning on (W1, W3) leaves a bivariate normal (W2, W4) whose E[X^+ Y^+] is
closed (bivariate normal CDF through Owen's T), and the remaining integral over
the (W1, W3) plane is done in polar coordinates, split at the rays where W1, W3
or the conditional means vanish (the integrand is analytic between them), by
Gauss-Legendre rules in angle and radius.  The error estimate is the change on
doubling both rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from expectations import _checks
from expectations.lemmas.angles import angle_between
from expectations.lemmas.relu_products import arccos_form, relu_pair_form

_SQRT2PI = np.sqrt(2 * np.pi)
_RADIUS = 11.0  # r^5 exp(-r^2 / 2) < 1e-20 beyond it
_PIVOT = 1e-14  # squared pivots below this (relative to 1) are zero: a covariance change < 1e-14


def _phi(t):
    return np.exp(-0.5 * t * t) / _SQRT2PI


def _cdf(t):
    return special.ndtr(t)


def _cosine(name: str, value) -> float:
    c = float(value)
    if not np.isfinite(c) or abs(c) > 1 + 1e-12:
        raise ValueError(f"{name} must be a cosine in [-1, 1], got {value!r}")
    return min(max(c, -1.0), 1.0)  # rounding of computed cosines


def _cosines(rho, c_xy, c_xz, c_yz) -> tuple[float, float, float, float]:
    rho, c_xy, c_xz, c_yz = (_cosine(n, v) for n, v in
                             (("rho", rho), ("c_xy", c_xy), ("c_xz", c_xz), ("c_yz", c_yz)))
    gram = np.array([[1, c_xy, c_xz], [c_xy, 1, c_yz], [c_xz, c_yz, 1]])
    if np.linalg.eigvalsh(gram)[0] < -1e-12:
        raise ValueError(f"cosines (c_xy, c_xz, c_yz) = ({c_xy}, {c_xz}, {c_yz}) are not those of "
                         "three vectors (their Gram matrix is not positive semi-definite)")
    return rho, c_xy, c_xz, c_yz


def correlation(rho, c_xy, c_xz, c_yz) -> np.ndarray:
    """The correlation matrix of (W1, W2, W3) = (P.x^, P.y^, Q.x^, Q.z^) (module docstring)."""
    rho, c_xy, c_xz, c_yz = _cosines(rho, c_xy, c_xz, c_yz)
    return np.array([[1, c_xy, rho, rho * c_xz],
                     [c_xy, 1, rho * c_xy, rho * c_yz],
                     [rho, rho * c_xy, 1, c_xz],
                     [rho * c_xz, rho * c_yz, c_xz, 1]])


def thesis_factor(rho) -> float:
    """F0 = ((pi - 2 theta) cos theta + 2 sin theta) / (2 pi^2), theta = arccos rho (Lemma 4.19)."""
    rho = _cosine("rho", rho)
    return float(relu_pair_form(rho, np.sqrt(1 - rho**2)))


def kappa(c) -> np.ndarray:
    """E[(N N')^+] for standard normals with correlation c: (sqrt(1 - c^2) + c (pi - arccos c)) / pi."""
    c = np.clip(np.asarray(c, dtype=float), -1.0, 1.0)
    return arccos_form(c, np.sqrt(1 - c**2))  # only the cosine is known here


def abs_product_mean(t) -> np.ndarray:
    """e(t) = E|N N'| = 2 (sqrt(1 - t^2) + t arcsin t) / pi for correlation t."""
    t = np.clip(np.asarray(t, dtype=float), -1.0, 1.0)
    return 2 * np.pi * relu_pair_form(t, np.sqrt(1 - t**2))  # 2 pi F0(t)


def aligned_factor(c_xy, c_xz, c_yz) -> np.ndarray:
    """F at rho = +-1 (u parallel to v) for any cosines, vectorised: 2 E[V1^2 V2 V3; V > 0].

    V = (P.x^, P.y^, P.z^) is trivariate normal with correlations r_12 = c_xy, r_13 = c_xz,
    r_23 = c_yz.  Stein's lemma twice reduces the orthant moment to orthant probabilities:
    E[V1^2 V2 V3; +] = E[V2 V3; +] + c_xy E[V1 V3; +] + c_xz E[V1 V2; +],
    E[Vi Vj; +] = r_ij P + sum_{k != j} r_ik sqrt(1 - r_jk^2) (1 + r_jl.k) / (4 pi),
    with P = 1/8 + (asin r_12 + asin r_13 + asin r_23) / (4 pi), l the third index and
    r_jl.k the partial correlation.  Cosines are shrunk by 1e-12 so that equal vectors
    (r = 1) take the continuous limit; F moves by less than 1e-11.
    """
    shrink = 1 - 1e-12
    r = {(0, 1): np.asarray(c_xy, float) * shrink, (0, 2): np.asarray(c_xz, float) * shrink,
         (1, 2): np.asarray(c_yz, float) * shrink}

    def cor(a, b):
        return 1.0 if a == b else r[(min(a, b), max(a, b))]

    orthant = 0.125 + (np.arcsin(r[(0, 1)]) + np.arcsin(r[(0, 2)]) + np.arcsin(r[(1, 2)])) / (4 * np.pi)

    def pair_moment(i, j):
        out = cor(i, j) * orthant
        for k in (0, 1, 2):
            if k == j:
                continue
            l = 3 - j - k
            rjk, rlk = cor(j, k), cor(l, k)
            partial = (cor(j, l) - rjk * rlk) / np.sqrt((1 - rjk**2) * (1 - rlk**2))
            out = out + cor(i, k) * np.sqrt(1 - rjk**2) * (1 + np.clip(partial, -1, 1)) / (4 * np.pi)
        return out

    return 2 * (pair_moment(1, 2) + r[(0, 1)] / shrink * pair_moment(0, 2)
                + r[(0, 2)] / shrink * pair_moment(0, 1))


def curvature_in_rho(c_xy, c_xz, c_yz) -> np.ndarray:
    """d^2 F / d rho^2 at rho = 0 for any cosines, vectorised (F is even in rho).

    Price's theorem twice: the cross-covariance of (W1, W2) and (W3, W4) is rho M,
    M = [[1, c_xz], [c_xy, c_yz]], and at rho = 0 the pairs are independent, so
    F'' = sum_{ikjl} M_ij M_kl E[d_i d_k (W1 W2)^+] E[d_j d_l (W3 W4)^+] with
    E[d_1 d_1 (W1 W2)^+] = E[|W2| delta(W1)] = sqrt(1 - c^2) / pi and
    E[d_1 d_2 (W1 W2)^+] = P(W1 W2 > 0) = 1/2 + arcsin(c) / pi (c the pair's correlation).
    Used for the average of F over a random angle: E[F(cos T)] = F(0) + F'' / (2 m) + O(m^-2)
    when cos T is a coordinate of a uniform unit vector in R^m.
    """
    c_xy, c_xz, c_yz = (np.clip(np.asarray(c, float), -1.0, 1.0) for c in (c_xy, c_xz, c_yz))

    def hessian(c):
        diag, off = np.sqrt(1 - c**2) / np.pi, 0.5 + np.arcsin(c) / np.pi
        return ((diag, off), (off, diag))

    ha, hb = hessian(c_xy), hessian(c_xz)
    m = ((1.0, c_xz), (c_xy, c_yz))
    total = 0.0
    for i in range(2):
        for k in range(2):
            for j in range(2):
                for l in range(2):
                    total = total + m[i][j] * m[k][l] * ha[i][k] * hb[j][l]
    return total


def exact_factor(rho, c_xy, c_xz, c_yz) -> float:
    """F where a closed form is known (module docstring); ValueError elsewhere.

    Cases, checked in this order: x = y = z (all cosines 1), u parallel to v (rho = +-1,
    :func:`aligned_factor`), rho = 0, c_xy = c_xz = 0.
    """
    rho, c_xy, c_xz, c_yz = _cosines(rho, c_xy, c_xz, c_yz)
    if c_xy == c_xz == c_yz == 1:
        return 1 + 2 * rho**2
    if abs(rho) == 1:
        return float(aligned_factor(c_xy, c_xz, c_yz))
    if rho == 0:
        return float(kappa(c_xy) * kappa(c_xz))
    if c_xy == 0 and c_xz == 0:
        inner = rho * c_yz
        return float((rho * inner + abs_product_mean(rho) * abs_product_mean(inner)) / 4)
    raise ValueError("no closed form known at these cosines: exact cases are u orthogonal or "
                     "parallel to v (rho = 0, +-1), x orthogonal to y and z, and x = y = z; "
                     "use the quadrature")


def first_order_factor(rho, c_xy, c_xz, c_yz) -> float:
    """F to first order in the cosines about the orthogonal point (Price's theorem):

    F0(rho) + (1 + rho^2) (c_xy + c_xz) / (2 pi) + rho^2 c_yz / 4.
    """
    rho, c_xy, c_xz, c_yz = _cosines(rho, c_xy, c_xz, c_yz)
    return thesis_factor(rho) + (1 + rho**2) * (c_xy + c_xz) / (2 * np.pi) + rho**2 * c_yz / 4


# ------------------------------------------------------------------ quadrature

def _root(cov: np.ndarray) -> np.ndarray:
    """Lower-triangular L with L L^T = cov, zero pivots allowed (rank-deficient inputs)."""
    k = cov.shape[0]
    low = np.zeros((k, k))
    for j in range(k):
        d = cov[j, j] - low[j, :j] @ low[j, :j]
        if d <= _PIVOT:
            continue
        low[j, j] = np.sqrt(d)
        low[j + 1:, j] = (cov[j + 1:, j] - low[j + 1:, :j] @ low[j, :j]) / low[j, j]
    return low


def _bvn_cdf(h, k, rho: float):
    """P(N1 < h, N2 < k) for standard normals with correlation |rho| < 1 (Owen's T form)."""
    s = np.sqrt(1 - rho * rho)
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    out = np.empty(h.shape)
    hz, kz = h == 0, k == 0
    both = hz & kz
    out[both] = 0.25 + np.arcsin(rho) / (2 * np.pi)
    only_h = hz & ~kz
    out[only_h] = 0.5 * _cdf(k[only_h]) + special.owens_t(k[only_h], rho / s)
    only_k = kz & ~hz
    out[only_k] = 0.5 * _cdf(h[only_k]) + special.owens_t(h[only_k], rho / s)
    rest = ~(hz | kz)
    hr, kr = h[rest], k[rest]
    beta = np.where(hr * kr > 0, 0.0, 0.5)
    out[rest] = (0.5 * (_cdf(hr) + _cdf(kr)) - special.owens_t(hr, (kr - rho * hr) / (hr * s))
                 - special.owens_t(kr, (hr - rho * kr) / (kr * s)) - beta)
    return out


def positive_part_product(mx, my, sx: float, sy: float, tau: float):
    """E[X^+ Y^+] for (X, Y) bivariate normal: means mx, my, sds sx, sy > 0, correlation |tau| < 1.

    sx sy [(tau + hx hy) Phi2(hx, hy; tau) + hy phi(hx) Phi((hy - tau hx)/s)
           + hx phi(hy) Phi((hx - tau hy)/s) + s phi(hx) phi((hy - tau hx)/s)],
    hx = mx/sx, hy = my/sy, s = sqrt(1 - tau^2) (Stein's lemma, docs/beyond-the-thesis.md).
    """
    hx, hy = np.asarray(mx, float) / sx, np.asarray(my, float) / sy
    s = np.sqrt(1 - tau * tau)
    u, w = (hy - tau * hx) / s, (hx - tau * hy) / s
    val = ((tau + hx * hy) * _bvn_cdf(hx, hy, tau) + hy * _phi(hx) * _cdf(u)
           + hx * _phi(hy) * _cdf(w) + s * _phi(hx) * _phi(u))
    return sx * sy * val


def ramp_product(a, b, c, d):
    """E[(a + b N)^+ (c + d N)^+] for N standard normal (any real a, b, c, d, broadcast)."""
    a, b, c, d = np.broadcast_arrays(*(np.asarray(t, float) for t in (a, b, c, d)))
    lo = np.full(a.shape, -np.inf)
    hi = np.full(a.shape, np.inf)
    empty = np.zeros(a.shape, bool)
    for p, q in ((a, b), (c, d)):  # {z : p + q z > 0}
        with np.errstate(divide="ignore", invalid="ignore"):
            root = -p / q
        lo = np.where(q > 0, np.maximum(lo, root), lo)
        hi = np.where(q < 0, np.minimum(hi, root), hi)
        empty |= (q == 0) & (p <= 0)
    empty |= lo >= hi

    def bracket(f):
        return f(hi) - f(lo)

    def pdf(t):
        return np.where(np.isfinite(t), _phi(np.where(np.isfinite(t), t, 0.0)), 0.0)

    def tail(t):  # t phi(t), 0 at +-inf
        return np.where(np.isfinite(t), np.where(np.isfinite(t), t, 0.0) * pdf(t), 0.0)

    val = (a * c * bracket(_cdf) - (a * d + b * c) * bracket(pdf)
           + b * d * (bracket(_cdf) - bracket(tail)))
    return np.where(empty, 0.0, val)


def _breaks(forms) -> np.ndarray:
    """Angles in [0, 2 pi) where some linear form f0 cos(phi) + f1 sin(phi) vanishes."""
    out = [0.0, 2 * np.pi]
    for f0, f1 in forms:
        if abs(f0) + abs(f1) > 1e-12:
            base = np.arctan2(-f0, f1) % np.pi
            out += [base, base + np.pi]
    return np.unique(np.round(np.array(out), 15))


def _inner(low, mu2, mu4, s1, s3):
    """E[(s1 W2)^+ (s3 W4)^+ | W1, W3] from the root ``low`` of (W1, W3, W2, W4)."""
    l22, l32, l33 = low[2, 2], low[3, 2], low[3, 3]
    sy = np.hypot(l32, l33)
    if l22 == 0.0 or sy == 0.0 or l33 <= 1e-7 * sy:
        # one noise (or none) drives (W2, W4): Z3 if l22 > 0, else Z4
        if l22 > 0:
            return ramp_product(s1 * mu2, s1 * l22, s3 * mu4, s3 * l32)
        return ramp_product(s1 * mu2, 0.0, s3 * mu4, s3 * l33)
    tau = l32 / sy
    out = np.empty(mu2.shape)
    for sign in (-1.0, 1.0):  # tau changes sign with s1 s3
        sel = s1 * s3 == sign
        out[sel] = positive_part_product(s1[sel] * mu2[sel], s3[sel] * mu4[sel], l22, sy, sign * tau)
    return out


def _integrate(low, n_angle: int, n_radius: int) -> float:
    forms = [(low[0, 0], 0.0), (low[1, 0], low[1, 1]), (low[2, 0], low[2, 1]), (low[3, 0], low[3, 1])]
    edges = _breaks(forms)
    ta, wa = np.polynomial.legendre.leggauss(n_angle)
    tr, wr = np.polynomial.legendre.leggauss(n_radius)
    r = _RADIUS * (tr + 1) / 2
    wr = wr * _RADIUS / 2 * r * np.exp(-r * r / 2) / (2 * np.pi)  # polar density of (Z1, Z2)
    total = 0.0
    for left, right in zip(edges[:-1], edges[1:]):
        if right - left < 1e-15:
            continue
        phi = left + (right - left) * (ta + 1) / 2
        wphi = wa * (right - left) / 2
        cos, sin = np.cos(phi)[:, None], np.sin(phi)[:, None]
        z1, z2 = r[None, :] * cos, r[None, :] * sin
        w1 = low[0, 0] * z1
        w3 = low[1, 0] * z1 + low[1, 1] * z2
        mu2 = low[2, 0] * z1 + low[2, 1] * z2
        mu4 = low[3, 0] * z1 + low[3, 1] * z2
        s1, s3 = np.where(w1 >= 0, 1.0, -1.0), np.where(w3 >= 0, 1.0, -1.0)
        vals = np.abs(w1 * w3) * _inner(low, mu2, mu4, s1, s3)
        total += float(wphi @ vals @ wr)
    return total


@dataclass(frozen=True)
class Quadrature:
    """F by quadrature: ``value`` and ``error`` (|change| on doubling both rules)."""

    value: float
    error: float
    n_angle: int
    n_radius: int


def quadrature_factor(rho, c_xy, c_xz, c_yz, n_angle: int = 24, n_radius: int = 40) -> Quadrature:
    """F(rho; c_xy, c_xz, c_yz) = E[(W1 W2)^+ (W3 W4)^+] by deterministic quadrature.

    ``n_angle`` Gauss-Legendre nodes on each arc between breaks and ``n_radius`` on
    [0, 11] radially; the value returned is the doubled rule's, the error its
    difference from the undoubled rule's (a conservative bound for the doubled one).
    """
    n_angle = _checks.positive_int("n_angle", n_angle)
    n_radius = _checks.positive_int("n_radius", n_radius)
    cov = correlation(rho, c_xy, c_xz, c_yz)[np.ix_([0, 2, 1, 3], [0, 2, 1, 3])]  # (W1, W3, W2, W4)
    low = _root(cov)
    coarse = _integrate(low, n_angle, n_radius)
    fine = _integrate(low, 2 * n_angle, 2 * n_radius)
    return Quadrature(fine, abs(fine - coarse), 2 * n_angle, 2 * n_radius)


# ------------------------------------------------------------------ vectors

#: How :func:`expected_relu_pair_any` evaluates F.
PAIR_METHODS = ("quadrature", "exact", "first_order", "thesis")


def pair_cosines(x, y, z, u, v) -> tuple[float, float, float, float, float]:
    """(rho, c_xy, c_xz, c_yz, scale): the cosines and |u|^2 |v|^2 |x|^2 |y| |z| of Lemma 4.19."""
    x = _checks.nonzero_vector("x", x)
    y = _checks.nonzero_vector("y", y, len(x))
    z = _checks.nonzero_vector("z", z, len(x))
    u = _checks.nonzero_vector("u", u)
    v = _checks.nonzero_vector("v", v, len(u))
    rho, c_xy, c_xz, c_yz = (float(np.cos(angle_between(a, b))) for a, b in
                             ((u, v), (x, y), (x, z), (y, z)))
    scale = float(np.linalg.norm(u) ** 2 * np.linalg.norm(v) ** 2 * np.linalg.norm(x) ** 2
                  * np.linalg.norm(y) * np.linalg.norm(z))
    return rho, c_xy, c_xz, c_yz, scale


def _snap(c: float) -> float:
    """Cosines within 1e-12 of 0 or +-1 are those values (exact cases are read off them)."""
    for target in (0.0, 1.0, -1.0):
        if abs(c - target) < 1e-12:
            return target
    return c


def expected_relu_pair_any(x, y, z, u, v, method: str = "quadrature") -> float:
    """E[ReLU(x^T A^T u u^T A y) ReLU(x^T A^T v v^T A z)] for any x, y, z (Lemma 4.19 generalised).

    ``method``: "quadrature" (deterministic, any inputs; error ~1e-10 relative, see
    :func:`quadrature_factor`), "exact" (closed forms of :func:`exact_factor`; ValueError
    elsewhere), "first_order" (:func:`first_order_factor`) or "thesis" (the printed form,
    which assumes x, y, z orthogonal).
    """
    if method not in PAIR_METHODS:
        raise ValueError(f"method must be one of {PAIR_METHODS}, got {method!r}")
    rho, c_xy, c_xz, c_yz, scale = pair_cosines(x, y, z, u, v)
    rho, c_xy, c_xz, c_yz = (_snap(c) for c in (rho, c_xy, c_xz, c_yz))
    if method == "quadrature":
        return scale * quadrature_factor(rho, c_xy, c_xz, c_yz).value
    if method == "exact":
        return scale * exact_factor(rho, c_xy, c_xz, c_yz)
    if method == "first_order":
        return scale * first_order_factor(rho, c_xy, c_xz, c_yz)
    return scale * thesis_factor(rho)
