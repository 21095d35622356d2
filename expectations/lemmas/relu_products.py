"""Expectations of ReLU of Gaussian products: Lemmas 4.11, 4.18, 4.19 and Corollary 4.12."""

from __future__ import annotations

import numpy as np

from expectations import _checks
from expectations.lemmas.angles import dot_cross
from expectations.lemmas.hettinger import layer_sigmas


def arccos_form(dots, cross) -> np.ndarray:
    """((pi - theta) dots + cross) / pi, elementwise, from dots = |x||y| cos theta, cross = |x||y| sin theta.

    With dots = x.y and cross >= 0 from :func:`~expectations.lemmas.angles.dot_cross` this is
    |x| |y| ((pi - theta) cos theta + sin theta) / pi, the arc-cosine kernel E[ReLU(U V)] for
    U = a.x, V = a.y with a standard normal (Lemma 4.11): the one NumPy copy, which
    :func:`arccos_kernel`, the Gram matrix of Theorem 4.13 and kappa of Lemma 4.19 call.
    pi - theta is arctan2(cross, -dots) itself, not pi minus the angle, so that near
    theta = pi, where the kernel is |x||y| (pi - theta)^3 / (3 pi), no digits are lost to it.
    """
    return (np.arctan2(cross, -dots) * dots + cross) / np.pi


def relu_pair_form(dots, cross) -> np.ndarray:
    """((pi/2 - theta) dots + cross) / pi^2, elementwise, = |u||v| F0(theta) (Lemma 4.19).

    F0(theta) = ((pi - 2 theta) cos theta + 2 sin theta) / (2 pi^2) with dots = |u||v| cos theta,
    cross = |u||v| sin theta as in :func:`arccos_form` (F0 is (arccos_form - dots / 2) / pi);
    pi/2 - theta is arctan2(dots, cross) itself.  The one copy: :func:`expected_relu_pair` and
    relu_pair_general.thesis_factor call it.
    """
    return (np.arctan2(dots, cross) * dots + cross) / np.pi**2


def arccos_kernel(x, y) -> float:
    """|x| |y| ((pi - theta) cos theta + sin theta) / pi, theta the angle between x and y.

    The arc-cosine form of Lemma 4.11 and Corollary 4.12 (:func:`arccos_form`).
    """
    x = _checks.nonzero_vector("x", x)
    y = _checks.nonzero_vector("y", y, len(x))
    return float(arccos_form(*dot_cross(x, y)))


def expected_relu_chain_sum(x, y, widths, sigmas=None) -> float:
    """sum_k E[ReLU(x^T B_{s,1}^T e_k e_k^T B_{s,1} y)] (Lemma 4.11, Corollary 4.12).

    Equals sigma_1^2 ... sigma_s^2 m_1 ... m_s |x||y| ((pi - theta) cos theta + sin theta) / pi,
    and sqrt(m_s / m_0) |x||y| (...) / pi with the Hettinger scaling.  The sum
    over k = 1..m_s is needed: Corollary 4.12 as printed omits it (docs/errata.md).

    Parameters
    ----------
    x, y : non-zero vectors in R^{m_0}
    widths : (m_0, m_1, ..., m_s)
    sigmas : None, "hettinger" or one value per matrix.
    """
    m = _checks.widths("widths", widths)
    sig = layer_sigmas(sigmas, m)
    x = _checks.vector("x", x, int(m[0]))
    y = _checks.vector("y", y, int(m[0]))
    return float(np.prod(sig**2) * np.prod(m[1:].astype(float)) * arccos_kernel(x, y))


def expected_relu_product_given(a) -> np.ndarray:
    """E[ReLU(a b) | a] = |a| / sqrt(2 pi) for b ~ N(0, 1) (Lemma 4.18)."""
    a = _checks.finite_array("a", a)
    return np.abs(a) / np.sqrt(2 * np.pi)


def expected_relu_pair(x, y, z, u, v, check_orthogonal: bool = True) -> float:
    """E[ReLU(x^T A^T u u^T A y) ReLU(x^T A^T v v^T A z)] (Lemma 4.19).

    = |x|^2 |y| |z| |u|^2 |v|^2 ((pi - 2 theta) cos theta + 2 sin theta) / (2 pi^2),
    theta the angle between u and v, for A (len(u) x len(x)) standard normal and
    x, y, z mutually orthogonal.  With ``check_orthogonal=False`` the formula is
    evaluated for any x, y, z, which is how the registry shows what the
    orthogonality assumption costs.
    """
    x = _checks.nonzero_vector("x", x)
    y = _checks.nonzero_vector("y", y, len(x))
    z = _checks.nonzero_vector("z", z, len(x))
    u = _checks.nonzero_vector("u", u)
    v = _checks.nonzero_vector("v", v, len(u))
    if check_orthogonal:
        _checks.orthogonal(("x", "y", "z"), (x, y, z))
    norms = (np.linalg.norm(x) ** 2 * np.linalg.norm(y) * np.linalg.norm(z)
             * np.linalg.norm(u) * np.linalg.norm(v))
    return float(norms * relu_pair_form(*dot_cross(u, v)))
