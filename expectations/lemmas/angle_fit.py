"""Fitting the dimension ``n`` of Lemma 4.3 to a sample of angles (thesis Section 4.4, Figure 4.2).

Lemma 4.3: the angle ``theta`` between two independent N(0, I_n) vectors has density

    f(theta; n) = Gamma(n/2) / (sqrt(pi) Gamma((n-1)/2)) sin^(n-2)(theta),   0 <= theta <= pi,

(:class:`expectations.lemmas.closed_forms.GaussianAngle`). The thesis fits this curve to the pairwise angles
of CIFAR-100 and reports n = 14.9 ("the dataset is approximately 15 dimensional", Figure 4.2). This
module makes that fit reproducible:

* :func:`pairwise_angles` computes the angles between distinct rows of a data matrix (all pairs, or a
  seeded random subset of pairs);
* :func:`fit_dimension` finds the maximum-likelihood ``n`` (any real ``n > 1``), with a standard error
  from the observed Fisher information, a likelihood-ratio (profile) confidence interval and, when
  the angles come from one data set, an optional bootstrap over the data rows.

The family is a one-parameter exponential family in ``n`` with sufficient statistic
``T = sum log sin(theta_i)``: the log-likelihood of ``m`` angles is

    l(n) = m [log Gamma(n/2) - log Gamma((n-1)/2) - log(pi)/2] + (n - 2) T,

which is strictly concave in ``n`` (trigamma is decreasing), so the MLE solves the score equation
``(m/2) [psi(n/2) - psi((n-1)/2)] = -T`` uniquely whenever ``T < 0`` (not every angle is exactly
pi/2), and does not exist when an angle is exactly 0 or pi (``T = -inf``: parallel rows, such as
duplicates).

Dependence between pairwise angles
----------------------------------
The likelihood treats the angles as independent. Pairwise angles of one data set are not: the
``s (s-1) / 2`` angles of ``s`` rows share rows, and for real data (where a row's angles to the
others depend on the row) their information grows like ``s``, not like ``s^2``. The MLE itself is
still a sensible estimate (a pairwise composite likelihood), but its Fisher-information standard
error and likelihood-ratio interval then understate the uncertainty, often by a large factor. Pass
``bootstrap=B`` (with the pairs, e.g. the :class:`PairwiseAngles` itself) for an interval from
resampling the data rows. For exactly Gaussian rows the angles of pairs sharing a row happen to be
independent, so there the Fisher interval is honest and the row bootstrap is conservative (its
standard error is up to about sqrt(3) times too large; see :func:`fit_dimension`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import optimize, special, stats

from expectations.lemmas.closed_forms import angle_between

__all__ = ["DimensionFit", "PairwiseAngles", "fit_dimension", "pairwise_angles"]

_LOG_SQRT_PI = 0.5 * math.log(math.pi)
#: Smallest n - 1 the fit considers; below this the MLE / interval end is reported as this bound.
_N_MIN_OFFSET = 1e-9
#: Pairs per chunk when computing angles (bounds the memory to about chunk * d floats).
_CHUNK = 1 << 15


@dataclass(frozen=True)
class DimensionFit:
    """Maximum-likelihood fit of the dimension ``n`` of Lemma 4.3 to a sample of angles.

    Attributes
    ----------
    n : float
        The maximum-likelihood estimate (any real ``n > 1``).
    stderr : float
        ``1 / sqrt(I(n))`` with ``I`` the observed Fisher information ``-l''(n)`` (for this exponential
        family it equals the expected information). Valid for independent angles only.
    ci : tuple of float
        Likelihood-ratio (profile) confidence interval: all ``n`` with
        ``2 [l(n_hat) - l(n)] <= chi2_1.ppf(confidence)``. Valid for independent angles only.
    confidence : float
        Confidence level of ``ci`` and ``bootstrap_ci``.
    loglik : float
        The log-likelihood ``l(n_hat)``.
    n_angles : int
        Number of angles ``m`` fitted.
    bootstrap_ci : tuple of float or None
        Percentile interval of the row-bootstrap estimates (``None`` without ``bootstrap``).
    bootstrap_stderr : float or None
        Standard deviation of the row-bootstrap estimates.
    n_bootstrap : int
        Number of bootstrap replicates (0 without ``bootstrap``).
    """

    n: float
    stderr: float
    ci: tuple[float, float]
    confidence: float
    loglik: float
    n_angles: int
    bootstrap_ci: tuple[float, float] | None = None
    bootstrap_stderr: float | None = None
    n_bootstrap: int = 0

    def __str__(self) -> str:
        text = (f"n = {self.n:.4g} ± {self.stderr:.2g} (Fisher SE), {self.confidence:.0%} LR interval "
                f"[{self.ci[0]:.4g}, {self.ci[1]:.4g}], {self.n_angles} angles")
        if self.bootstrap_ci is not None:
            text += (f"; row bootstrap ({self.n_bootstrap}) SE {self.bootstrap_stderr:.2g}, "
                     f"interval [{self.bootstrap_ci[0]:.4g}, {self.bootstrap_ci[1]:.4g}]")
        return text


class PairwiseAngles(NamedTuple):
    """Angles between distinct rows of a data matrix, as returned by :func:`pairwise_angles`.

    Attributes
    ----------
    angles : np.ndarray
        Shape ``(m,)``, in ``[0, pi]``.
    pairs : np.ndarray
        Shape ``(m, 2)``, int64: the rows ``(i, j)``, ``i < j``, of each angle (indices into the
        original ``inputs``).
    rows : np.ndarray
        Indices of the rows used (the non-zero ones).
    dropped_rows : np.ndarray
        Indices of the rows dropped because they are zero vectors (after centring, if ``centre``).
    n_possible_pairs : int
        ``len(rows) * (len(rows) - 1) / 2``; ``m`` is smaller when pairs were subsampled.
    n_parallel : int
        Pairs of parallel rows (angle exactly 0 or pi, e.g. duplicate rows) among those returned, or
        dropped when ``drop_parallel`` was set.
    """

    angles: np.ndarray
    pairs: np.ndarray
    rows: np.ndarray
    dropped_rows: np.ndarray
    n_possible_pairs: int
    n_parallel: int


def pairwise_angles(inputs, max_pairs: int | None = None, rng=None, centre: bool = False,
                    drop_parallel: bool = False) -> PairwiseAngles:
    """Angles between distinct rows of ``inputs`` (the sample of Figure 4.2, fitted by Lemma 4.3).

    Parameters
    ----------
    inputs : array_like
        Shape ``(s, d)``, one sample per row; finite.
    max_pairs : int or None
        If there are more than this many pairs of rows, use a random subset of ``max_pairs`` distinct
        pairs, drawn uniformly without replacement; ``None`` uses all pairs.
    rng : None, int or numpy.random.Generator
        Seed or generator for the subset (passed to :func:`numpy.random.default_rng`; ``None`` draws
        fresh entropy, so give a seed for a reproducible subset). Unused when all pairs are taken.
    centre : bool, default False
        Subtract the column means (over all rows) first. Raw non-negative data (pixels, counts) lie
        in the positive orthant, where no angle exceeds pi/2; centring removes that offset.
    drop_parallel : bool, default False
        Leave out pairs whose angle is exactly 0 or pi (parallel rows, e.g. duplicates), for which
        the likelihood of Lemma 4.3 is degenerate (:func:`fit_dimension` rejects them).

    Returns
    -------
    PairwiseAngles
        The angles, their row pairs and the bookkeeping. Zero rows (whose angle with anything is
        undefined) are dropped, listed in ``dropped_rows`` and announced by a ``UserWarning``.

    Raises
    ------
    ValueError
        If ``inputs`` is not a 2-d finite array, has fewer than 2 rows (or fewer than 2 non-zero rows),
        or ``max_pairs`` is not a positive integer.
    """
    x = np.array(inputs, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"inputs must be a 2-d array (rows are samples), got shape {x.shape}")
    if x.shape[0] < 2:
        raise ValueError(f"inputs has {x.shape[0]} row(s); angles between rows need at least 2")
    if x.shape[1] == 0:
        raise ValueError("inputs has no columns")
    if not np.all(np.isfinite(x)):
        raise ValueError("inputs has NaN or infinite entries")
    if max_pairs is not None and (isinstance(max_pairs, bool) or not isinstance(max_pairs, (int, np.integer))
                                  or max_pairs < 1):
        raise ValueError(f"max_pairs must be a positive integer or None, got {max_pairs!r}")
    if centre:
        x = x - x.mean(axis=0)

    nonzero = np.any(x != 0, axis=1)
    rows = np.flatnonzero(nonzero)
    dropped = np.flatnonzero(~nonzero)
    if dropped.size:
        warnings.warn(f"pairwise_angles: dropped {dropped.size} zero row(s) (angle undefined): "
                      f"{dropped[:10].tolist()}{' ...' if dropped.size > 10 else ''}",
                      UserWarning, stacklevel=2)
    s = rows.size
    if s < 2:
        raise ValueError(f"only {s} non-zero row(s) after dropping {dropped.size} zero row(s); "
                         "need at least 2")
    x = x[rows]

    total = s * (s - 1) // 2
    if max_pairs is None or total <= max_pairs:
        i, j = np.triu_indices(s, k=1)
    else:
        k = np.random.default_rng(rng).choice(total, size=int(max_pairs), replace=False)
        k.sort()
        i, j = _unrank_pairs(k)

    # Normalising first is harmless (the angle ignores lengths) and keeps angle_between's arithmetic
    # in range for data with very large or small entries.
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    angles = np.empty(i.size)
    for start in range(0, i.size, _CHUNK):
        sl = slice(start, start + _CHUNK)
        angles[sl] = angle_between(x[i[sl]], x[j[sl]])

    parallel = (angles == 0) | (angles == np.pi)
    n_parallel = int(parallel.sum())
    pairs = np.stack([rows[i], rows[j]], axis=1).astype(np.int64)
    if drop_parallel and n_parallel:
        keep = ~parallel
        angles, pairs = angles[keep], pairs[keep]
    return PairwiseAngles(angles, pairs, rows, dropped, total, n_parallel)


def _unrank_pairs(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``(i, j)``, ``i < j``, of pair ranks ``k = j (j - 1) / 2 + i``."""
    j = np.floor((1 + np.sqrt(1 + 8 * k.astype(np.float64))) / 2).astype(np.int64)
    # Guard against rounding in the square root.
    j -= (j * (j - 1) // 2 > k)
    j += ((j + 1) * j // 2 <= k)
    i = k - j * (j - 1) // 2
    return i, j


def _loglik(n: float, m: float, t: float) -> float:
    """l(n) for total weight ``m`` and ``t = sum log sin theta``."""
    return m * (special.gammaln(n / 2) - special.gammaln((n - 1) / 2) - _LOG_SQRT_PI) + (n - 2) * t


def _score(n: float, m: float, t: float) -> float:
    return 0.5 * m * (special.digamma(n / 2) - special.digamma((n - 1) / 2)) + t


def _information(n: float, m: float) -> float:
    """-l''(n) > 0 (independent of the data: an exponential family)."""
    return 0.25 * m * (special.polygamma(1, (n - 1) / 2) - special.polygamma(1, n / 2))


def _upper_bracket(f, start: float) -> float:
    """A point above ``start`` where the decreasing ``f`` is negative."""
    hi = max(2.0 * start, start + 1.0)
    while f(hi) >= 0:
        hi *= 2.0
        if hi > 1e15:
            raise ValueError("the fit diverges (the angles are all essentially pi/2); n is unbounded")
    return hi


def _mle(m: float, t: float) -> float:
    """The root of the decreasing score, in (1, inf); requires -inf < t < 0."""
    lo = 1.0 + _N_MIN_OFFSET
    if _score(lo, m, t) <= 0:
        return lo
    hi = _upper_bracket(lambda n: _score(n, m, t), 3.0)
    return optimize.brentq(_score, lo, hi, args=(m, t), xtol=1e-12, rtol=1e-12, maxiter=500)


def _profile_interval(n_hat: float, m: float, t: float, confidence: float) -> tuple[float, float]:
    """{n : 2 [l(n_hat) - l(n)] <= chi2_1.ppf(confidence)} (an interval, as l is concave)."""
    target = _loglik(n_hat, m, t) - 0.5 * stats.chi2.ppf(confidence, df=1)

    def excess(n):
        return _loglik(n, m, t) - target

    lo_bound = 1.0 + _N_MIN_OFFSET
    if n_hat <= lo_bound or excess(lo_bound) >= 0:
        lower = lo_bound
    else:
        lower = optimize.brentq(excess, lo_bound, n_hat, xtol=1e-12, rtol=1e-12, maxiter=500)
    hi = _upper_bracket(excess, n_hat)
    upper = optimize.brentq(excess, n_hat, hi, xtol=1e-12, rtol=1e-12, maxiter=500)
    return float(lower), float(upper)


def _check_angles(angles) -> np.ndarray:
    try:
        theta = np.array(angles, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"angles must be a 1-d array of numbers: {err}") from None
    if theta.ndim != 1:
        raise ValueError(f"angles must be 1-dimensional, got shape {theta.shape}")
    if theta.size == 0:
        raise ValueError("angles is empty")
    if np.any(np.isnan(theta)):
        raise ValueError(f"angles has {int(np.isnan(theta).sum())} NaN entries")
    outside = (theta < 0) | (theta > np.pi)
    if np.any(outside):
        bad = theta[outside][0]
        raise ValueError(f"{int(outside.sum())} angle(s) lie outside [0, pi] (e.g. {bad!r}); "
                         "angles are in radians")
    edge = (theta == 0) | (theta == np.pi)
    if np.any(edge):
        raise ValueError(
            f"{int(edge.sum())} angle(s) are exactly 0 or pi (parallel vectors, e.g. duplicate rows); the "
            "Lemma 4.3 likelihood is degenerate there. Drop them (pairwise_angles(..., drop_parallel=True))"
        )
    return theta


def fit_dimension(angles, confidence: float = 0.95, *, bootstrap: int | None = None, pairs=None,
                  seed=None) -> DimensionFit:
    """Maximum-likelihood dimension ``n`` of Lemma 4.3 for a sample of angles (Figure 4.2's fit).

    Parameters
    ----------
    angles : array_like or PairwiseAngles
        Angles in radians, in ``[0, pi]``; a :class:`PairwiseAngles` supplies its ``pairs`` and
        ``rows`` for the bootstrap as well.
    confidence : float, default 0.95
        Level of the confidence intervals, in ``(0, 1)``.
    bootstrap : int or None
        Number ``B`` of bootstrap replicates over the data rows (needs the row pairs). Each replicate
        draws the rows with replacement (counts ``c ~ Multinomial(s, 1/s)``) and refits with pair
        ``(i, j)`` weighted ``c_i c_j`` -- exactly the refit on all pairs of distinct original rows of
        the resampled data (a subsample of pairs stays fixed). The interval is the percentile one.
    pairs : array_like or None
        Shape ``(m, 2)`` row indices of each angle, if ``angles`` is a plain array and a bootstrap is
        wanted; the rows resampled are those occurring in ``pairs``.
    seed : None, int or numpy.random.Generator
        Seed for the bootstrap.

    Returns
    -------
    DimensionFit
        ``n``; ``stderr`` from the observed Fisher information; ``ci`` from the likelihood-ratio test
        (profile likelihood, cut at the ``chi2(1)`` quantile), which unlike ``n ± z stderr`` respects
        ``n > 1`` and the skewness of the likelihood; and the bootstrap results if asked for.

    Notes
    -----
    ``stderr`` and ``ci`` assume independent angles, as from :meth:`GaussianAngle.rvs` or from
    disjoint pairs of vectors. Pairwise angles of one data set are dependent (pairs share rows), and
    for real data the Fisher standard error and LR interval then understate the uncertainty, by a
    factor growing like ``sqrt(s)`` for ``s`` rows: use ``bootstrap`` for an honest interval. (For
    i.i.d. Gaussian rows, the case of Lemma 4.3, angles of pairs sharing a row are independent, the
    Fisher interval is right, and the row bootstrap is conservative: the resampling weights
    ``c_i c_j`` have variance about 3, inflating its standard error by up to about ``sqrt(3)``.)

    Raises
    ------
    ValueError
        If ``angles`` is empty, not 1-d, has NaN entries or entries outside ``[0, pi]``, or entries of
        exactly 0 or pi (parallel vectors); if every angle is exactly pi/2 (the MLE is infinite);
        if ``confidence`` is not in ``(0, 1)``; or if ``bootstrap`` is not a positive integer, or is
        given without row pairs.
    """
    rows = None
    if isinstance(angles, PairwiseAngles):
        if pairs is None:
            pairs, rows = angles.pairs, angles.rows
        angles = angles.angles
    theta = _check_angles(angles)
    if isinstance(confidence, bool) or not isinstance(confidence, (float, int)) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number in (0, 1), got {confidence!r}")
    confidence = float(confidence)

    log_sin = np.log(np.sin(theta))
    m = theta.size
    t = float(log_sin.sum())
    if t == 0:
        raise ValueError("every angle is pi/2 to double precision, so the MLE of n is infinite")
    n_hat = _mle(m, t)
    stderr = 1.0 / math.sqrt(_information(n_hat, m))
    ci = _profile_interval(n_hat, m, t, confidence)
    fit = DimensionFit(n=float(n_hat), stderr=float(stderr), ci=ci, confidence=confidence,
                       loglik=float(_loglik(n_hat, m, t)), n_angles=int(m))
    if bootstrap is None:
        return fit

    if isinstance(bootstrap, bool) or not isinstance(bootstrap, (int, np.integer)) or bootstrap < 1:
        raise ValueError(f"bootstrap must be a positive integer or None, got {bootstrap!r}")
    if pairs is None:
        raise ValueError("bootstrap resamples data rows, so it needs the row pairs of the angles: pass the "
                         "PairwiseAngles from pairwise_angles, or pairs=")
    pairs = np.asarray(pairs)
    if pairs.shape != (m, 2) or not np.issubdtype(pairs.dtype, np.integer):
        raise ValueError(f"pairs must be an integer array of shape ({m}, 2), got {pairs.dtype} {pairs.shape}")
    if np.any(pairs[:, 0] == pairs[:, 1]):
        raise ValueError("pairs must join distinct rows")
    if rows is None:
        rows = np.unique(pairs)
    # Positions of each pair's rows among `rows`.
    a = np.searchsorted(rows, pairs[:, 0])
    b = np.searchsorted(rows, pairs[:, 1])
    s = rows.size
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(int(bootstrap)):
        counts = rng.multinomial(s, np.full(s, 1.0 / s)).astype(np.float64)
        w = counts[a] * counts[b]
        total = w.sum()
        tw = float(w @ log_sin)
        if total == 0 or tw == 0:
            continue  # no usable pair in this replicate (only possible for tiny data)
        estimates.append(_mle(total, tw))
    if len(estimates) < 2:
        raise ValueError("too few usable bootstrap replicates (the data have too few rows)")
    est = np.asarray(estimates)
    alpha = 1 - confidence
    lo, hi = np.quantile(est, [alpha / 2, 1 - alpha / 2])
    return DimensionFit(n=fit.n, stderr=fit.stderr, ci=fit.ci, confidence=confidence, loglik=fit.loglik,
                        n_angles=fit.n_angles, bootstrap_ci=(float(lo), float(hi)),
                        bootstrap_stderr=float(est.std(ddof=1)), n_bootstrap=len(estimates))
