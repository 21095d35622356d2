"""Monte Carlo estimates with their standard errors.

:class:`SampleMoments` holds the count, mean vector and co-moment matrix of a
batch of vector-valued samples; two of them merge exactly (Chan, Golub and
LeVeque's pairwise update), so chunks computed anywhere combine into the same
numbers as one long run.  :class:`Estimate` is the scalar result a user sees:
mean, standard error, sample count and seed, with z-scores and relative errors
against a reference value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo mean with its standard error.

    Attributes
    ----------
    mean, stderr : float
        The sample mean and the standard error of the mean.
    n_samples : int
        Number of independent samples behind the mean.
    seed : int or None
        The seed of the run that produced it, for reproduction.
    target_met : bool or None
        For runs to a target standard error: whether the target was met
        (False: the budget was spent first).  None for fixed-size runs.
    """

    mean: float
    stderr: float
    n_samples: int
    seed: int | None = None
    target_met: bool | None = None

    def z(self, reference: float) -> float:
        """(mean - reference) / stderr; infinite if the stderr is zero and they differ."""
        diff = self.mean - reference
        if self.stderr > 0:
            return diff / self.stderr
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)

    def relative_error(self, closed_form: float) -> tuple[float, float]:
        """Relative error of ``closed_form`` against this estimate, with its stderr.

        Returns ``(closed_form / mean - 1, stderr)``; the standard error comes
        from the delta method (:func:`delta_ratio`), ``|closed_form| * stderr / mean**2``.
        Both are NaN when the mean is zero.
        """
        if self.mean == 0:
            return math.nan, math.nan
        ratio, stderr = delta_ratio(closed_form, self.mean, None, self.stderr**2)
        return ratio - 1.0, stderr

    def __str__(self) -> str:
        return f"{self.mean:.6g} ± {self.stderr:.2g}"


@dataclass(frozen=True)
class SampleMoments:
    """Count, mean and co-moment matrix of K-dimensional samples.

    ``comoment`` is the sum over samples of ``(x - mean)(x - mean)^T``, so the
    sample covariance is ``comoment / (count - 1)``.
    """

    count: int
    mean: np.ndarray
    comoment: np.ndarray

    @classmethod
    def from_samples(cls, values: np.ndarray) -> SampleMoments:
        """Moments of an ``(n, K)`` array of samples (a 1-d array is K = 1)."""
        values = np.asarray(values, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        mean = values.mean(axis=0)
        centred = values - mean
        return cls(values.shape[0], mean, centred.T @ centred)

    def merge(self, other: SampleMoments) -> SampleMoments:
        """Exact moments of the union of two sample sets (Chan et al. 1979)."""
        if self.count == 0:
            return other
        if other.count == 0:
            return self
        n = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.count / n)
        comoment = (
            self.comoment + other.comoment + np.outer(delta, delta) * (self.count * other.count / n)
        )
        return SampleMoments(n, mean, comoment)

    def select(self, columns) -> SampleMoments:
        """The moments of a subset of the components, in the given order."""
        idx = np.asarray(columns)
        return SampleMoments(self.count, self.mean[idx], self.comoment[np.ix_(idx, idx)])

    @property
    def covariance(self) -> np.ndarray:
        """Sample covariance matrix (denominator count - 1)."""
        return self.comoment / max(self.count - 1, 1)

    def estimate(self, k: int = 0, seed: int | None = None) -> Estimate:
        """The mean of component ``k`` with its standard error."""
        var = self.covariance[k, k]
        return Estimate(float(self.mean[k]), math.sqrt(max(var, 0.0) / self.count), self.count, seed)

    def ratio(self, numerator: int, denominator: int, seed: int | None = None) -> Estimate:
        """mean[numerator] / mean[denominator] with a delta-method standard error.

        Var(a/b) ~ (Var a + r^2 Var b - 2 r Cov(a, b)) / (b^2 n), r = a/b, which
        accounts for both means coming from the same draws.
        """
        a, b = self.mean[numerator], self.mean[denominator]
        if b == 0:
            raise ZeroDivisionError("the denominator's mean is zero")
        c = self.covariance
        r, stderr = delta_ratio(a, b, c[numerator, numerator], c[denominator, denominator],
                                c[numerator, denominator], self.count)
        return Estimate(float(r), stderr, self.count, seed)


def delta_ratio(a: float, b: float, var_a: float | None, var_b: float, cov: float = 0.0,
                count: int = 1) -> tuple[float, float]:
    """a / b with its delta-method standard error: the one copy of the delta method.

    Var(a/b) ~ (Var a + r^2 Var b - 2 r Cov(a, b)) / (b^2 count), r = a / b.  The
    (co)variances are those of one draw when a and b are means of ``count`` paired draws
    (:meth:`SampleMoments.ratio`), or those of the estimates themselves with count = 1
    (independent estimates: cov = 0).  ``var_a=None`` says a is exact (a closed form); the
    standard error is then |a| sqrt(Var b / count) / b^2, evaluated in that form.
    """
    r = a / b
    if var_a is None:
        return r, abs(a) * math.sqrt(var_b / count) / b**2
    var = (var_a + r * r * var_b - 2 * r * cov) / (b * b * count)
    return r, math.sqrt(max(var, 0.0))
