"""Lemma 4.3: the angle between two independent standard Gaussian vectors in R^n.

The density is f(theta) = Gamma(n/2) / (sqrt(pi) Gamma((n-1)/2)) sin^(n-2)(theta)
on [0, pi].  Equivalently sin^2(theta/2) ~ Beta((n-1)/2, (n-1)/2), which gives
the CDF and an exact sampler through SciPy's beta distribution.  Any real
n > 1 is allowed (the thesis fits n = 14.9 to CIFAR-100).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from expectations import _checks


def angle_between(x, y) -> np.ndarray:
    """Angle in [0, pi] between ``x`` and ``y`` along the last axis.

    Uses arctan2(|x| |y| sin theta, x.y) with both from :func:`dot_cross`, which
    keeps full relative precision near 0 and pi, unlike arccos of the normalised
    dot product.
    """
    x = _checks.finite_array("x", x)
    y = _checks.finite_array("y", y)
    if x.shape[-1:] != y.shape[-1:]:
        raise ValueError(f"x and y must have the same length, got shapes {x.shape} and {y.shape}")
    if np.any(np.sum(x * x, axis=-1) == 0) or np.any(np.sum(y * y, axis=-1) == 0):
        raise ValueError("x or y is the zero vector, so the angle is undefined")
    dots, cross = dot_cross(x, y)
    return np.arctan2(cross, dots)


def dot_cross(x, y) -> tuple[np.ndarray, np.ndarray]:
    """(x.y, |x| |y| sin theta) along the last axis (broadcasting), unchecked; theta = arctan2 of them.

    |x|^2|y|^2 - (x.y)^2 by Lagrange's identity would cancel badly near parallel
    and antiparallel, so |x| |y| sin theta is |x| times the norm of the component
    of y orthogonal to x; it is 0 where x is the zero vector.
    """
    xx = np.sum(x * x, axis=-1)
    xy = np.sum(x * y, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        perp = y - (xy / xx)[..., None] * x
    return xy, np.where(xx > 0, np.sqrt(xx) * np.linalg.norm(perp, axis=-1), 0.0)


def pairwise_dot_cross(vectors) -> tuple[np.ndarray, np.ndarray]:
    """:func:`dot_cross` of every pair of rows of ``vectors`` (..., s, d): two (..., s, s) matrices,
    computed a row of the upper triangle at a time (O(s d) memory beside the result) and mirrored,
    so both are exactly symmetric."""
    v = np.asarray(vectors, dtype=float)
    s = v.shape[-2]
    dots, cross = np.empty(v.shape[:-1] + (s,)), np.empty(v.shape[:-1] + (s,))
    for k in range(s):
        dots[..., k, k:], cross[..., k, k:] = dot_cross(v[..., k:k + 1, :], v[..., k:, :])
        dots[..., k + 1:, k], cross[..., k + 1:, k] = dots[..., k, k + 1:], cross[..., k, k + 1:]
    return dots, cross


def _dimension(n) -> float:
    n = float(n)
    if not np.isfinite(n) or n <= 1:
        raise ValueError(f"n must be a real number > 1, got {n!r}")
    return n


class GaussianAngle:
    """The distribution of Lemma 4.3, in the style of a frozen scipy.stats distribution.

    Parameters
    ----------
    n : float
        Dimension, any real number > 1.
    """

    def __init__(self, n: float):
        self.n = _dimension(n)
        a = (self.n - 1) / 2
        from scipy import stats  # here, not at the top: importing it costs every script ~0.5 s

        self._half_sin2 = stats.beta(a, a)  # law of sin^2(theta / 2)

    def logpdf(self, theta) -> np.ndarray:
        """log f(theta); -inf outside [0, pi]."""
        theta = np.asarray(theta, dtype=float)
        n = self.n
        log_norm = special.gammaln(n / 2) - special.gammaln((n - 1) / 2) - 0.5 * np.log(np.pi)
        inside = (theta >= 0) & (theta <= np.pi)
        with np.errstate(divide="ignore"):
            log_sin = np.log(np.sin(np.where(inside, theta, 0.5)))
        val = log_norm + (0.0 if n == 2 else (n - 2) * log_sin)  # n = 2: uniform, also at 0 and pi
        return np.where(inside, val, -np.inf)

    def pdf(self, theta) -> np.ndarray:
        """f(theta) = Gamma(n/2) / (sqrt(pi) Gamma((n-1)/2)) sin^(n-2) theta (Lemma 4.3)."""
        return np.exp(self.logpdf(theta))

    def cdf(self, theta) -> np.ndarray:
        """P(angle <= theta) = P(Beta <= sin^2(theta/2))."""
        theta = np.clip(np.asarray(theta, dtype=float), 0.0, np.pi)
        return self._half_sin2.cdf(np.sin(theta / 2) ** 2)

    def sf(self, theta) -> np.ndarray:
        """P(angle > theta)."""
        theta = np.clip(np.asarray(theta, dtype=float), 0.0, np.pi)
        return self._half_sin2.sf(np.sin(theta / 2) ** 2)

    def ppf(self, q) -> np.ndarray:
        """Quantile function."""
        return 2 * np.arcsin(np.sqrt(self._half_sin2.ppf(q)))

    def rvs(self, size=None, random_state=None) -> np.ndarray:
        """Exact samples: theta = 2 arcsin(sqrt(B)), B ~ Beta((n-1)/2, (n-1)/2)."""
        return 2 * np.arcsin(np.sqrt(self._half_sin2.rvs(size=size, random_state=random_state)))

    def mean(self) -> float:
        """pi / 2, by the symmetry theta -> pi - theta."""
        return np.pi / 2

    def __repr__(self) -> str:
        return f"GaussianAngle(n={self.n:g})"


def angle_pdf(theta, n: float) -> np.ndarray:
    """Density of the angle between independent Gaussian vectors in R^n (Lemma 4.3)."""
    return GaussianAngle(n).pdf(theta)


def angle_cdf(theta, n: float) -> np.ndarray:
    """P(angle <= theta) for independent Gaussian vectors in R^n (Lemma 4.3)."""
    return GaussianAngle(n).cdf(theta)
