"""One comparison of a statement's two sides at one case: every number a row of ``expectations
validate`` shows, computed here once.

For an :class:`~expectations.statements.model.Expectation` or a
:class:`~expectations.statements.model.Paired` statement, with ``a`` the Monte Carlo estimate of the
left-hand side and ``b`` the right-hand side (the closed form, or for a paired statement its estimate
from the same draws):

* ``SE(a - b)`` is the standard error of the estimate (closed form deterministic) or of the mean
  per-draw difference (paired), floored at :data:`ROUNDING` of ``max(|a|, |b|)``;
* ``z = (a - b) / SE(a - b)``;
* the relative error ``b / a - 1`` has the standard error ``SE(a - b) / |a|``: the delta-method
  standard error of ``b / a`` at ``b = a``, the hypothesis that ``z`` tests.  So
  ``|relative error| / SE = |z|``, and the verdict follows from the numbers the row shows.

An exact statement whose assumptions hold *agrees* when ``|z| <`` :data:`Z_THRESHOLD`; for
approximations (and cases that break an assumption on purpose) the error is *resolved* when
``|z| >=`` the threshold: larger than the Monte Carlo noise can explain.

An :class:`~expectations.statements.model.Identity` is checked draw by draw: its relative error is the
largest over the draws of ``|a - b| / max(|a|, |b|)``, and it *holds* when that is below
:data:`IDENTITY_TOLERANCE`; errors that cancel on average still show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from expectations.montecarlo.estimate import SampleMoments
from expectations.statements.model import Case, Expectation, Identity, Kind, Paired, Verdict

#: |z| below this counts as agreement.
Z_THRESHOLD = 5.0
#: Largest relative difference |a - b| / max(|a|, |b|) of an identity's two sides over the draws
#: below which it holds.  Rounding leaves 1e-16 to 1e-15 (the default run: at most 3.7e-16); the
#: tolerance is far above that and far below any algebraic error.
IDENTITY_TOLERANCE = 1e-9
#: Floor of SE(a - b), relative to the compared values: a reduced sampler that integrates out every
#: random matrix (one layer) has zero variance, and its "standard error" is rounding noise, against
#: which a z-score would be meaningless.
ROUNDING = 1e-12


@dataclass(frozen=True)
class Comparison:
    """One case of one statement compared: a row of the validation table and its JSON record.

    ``closed_form`` is the right-hand side (its mean over the draws for paired statements and
    identities, with ``closed_form_stderr``); ``estimate`` ± ``stderr`` the left-hand side; ``z``,
    ``rel_error`` and ``rel_error_stderr`` as in the module's docstring (``z`` None for identities,
    ``rel_error`` None where the right-hand side is 0).  ``target_met``: whether a target standard
    error was met (None without one); ``method``: the sampler, "reference" (every matrix entry drawn)
    or "reduced".
    """

    statement: str
    kind: Kind
    params: dict
    closed_form: float
    closed_form_stderr: float | None
    estimate: float
    stderr: float
    n_samples: int
    seed: int
    z: float | None
    rel_error: float | None
    rel_error_stderr: float | None
    verdict: Verdict
    note: str
    target_met: bool | None = None
    method: str = "reference"


def judge(kind: Kind, assumption_holds: bool, z: float | None = None,
          rel_error: float | None = None) -> Verdict:
    """The verdict from the statement's kind and ``z`` (identities: from ``rel_error``, the largest
    per-draw relative difference)."""
    if kind is Kind.IDENTITY:
        holds = rel_error is not None and abs(rel_error) < IDENTITY_TOLERANCE
        return Verdict.HOLDS if holds else Verdict.FAILS
    agrees = abs(z) < Z_THRESHOLD
    if kind is Kind.EXACT and assumption_holds:
        return Verdict.AGREES if agrees else Verdict.DISAGREES
    if assumption_holds:
        return Verdict.NOT_RESOLVED if agrees else Verdict.RESOLVED
    return Verdict.BROKEN_NOT_RESOLVED if agrees else Verdict.BROKEN_RESOLVED


def compare(statement: Expectation | Paired | Identity, case: Case, n_samples: int | None = None,
            seed: int = 0, executor=None, tolerance=None, method: str = "reference") -> Comparison:
    """Compare the two sides of ``statement`` at ``case`` from ``n_samples`` draws (default: the
    statement's) with master seed ``seed``.  With a
    :class:`~expectations.montecarlo.sampling.Tolerance`, ``n_samples`` is the budget (identities are
    checked draw by draw and take no target); ``method="reduced"`` uses the statement's reduced
    sampler where it has one."""
    n = statement.default_samples(method) if n_samples is None else n_samples
    if n < 2:
        raise ValueError(f"n_samples must be at least 2, got {n}: one sample has no standard error, "
                         "so no verdict can be drawn")
    method = statement.sampler(method)
    z = rel_se = closed_se = None
    if isinstance(statement, Identity):
        draws = statement.draws(case, n, seed)
        moments = SampleMoments.from_samples(draws)
        est, rhs = moments.estimate(0, seed), moments.estimate(1, seed)
        closed, closed_se, rel, rel_se = rhs.mean, rhs.stderr, _largest_relative_difference(draws), 0.0
        tolerance = None
    else:
        if isinstance(statement, Paired):
            moments = statement.estimate(case, n, seed, executor, tolerance, method)
            est, rhs = moments.estimate(0, seed), moments.estimate(1, seed)
            closed, closed_se = rhs.mean, rhs.stderr
            c = moments.covariance
            se = math.sqrt(max(c[0, 0] + c[1, 1] - 2 * c[0, 1], 0.0) / moments.count)
        else:
            closed = statement.evaluate(case)
            est = statement.estimate(case, n, seed, executor, tolerance, method)
            se = est.stderr
        se = max(se, ROUNDING * max(abs(closed), abs(est.mean)))
        z = _z(est.mean - closed, se)
        rel, rel_se = (closed / est.mean - 1.0, se / abs(est.mean)) if est.mean != 0 else (math.nan, math.nan)
        if closed == 0:  # relative to a zero right-hand side is meaningless
            rel = math.nan
    rel, rel_se = (rel, rel_se) if math.isfinite(rel) else (None, None)
    verdict = judge(statement.kind, case.assumption_holds, z, rel)
    return Comparison(statement.label, statement.kind, case.params, closed, closed_se, est.mean, est.stderr,
                      est.n_samples, seed, z, rel, rel_se, verdict, case.note,
                      None if tolerance is None else tolerance.satisfied_by(est), method)


def _z(difference: float, stderr: float) -> float:
    if stderr > 0:
        return difference / stderr
    return 0.0 if difference == 0 else math.copysign(math.inf, difference)


def _largest_relative_difference(draws: np.ndarray) -> float:
    """max over the draws of |a - b| / max(|a|, |b|) (0 where both sides are 0; NaN if any side is)."""
    a, b = draws[:, 0], draws[:, 1]
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(scale > 0, np.abs(a - b) / scale, 0.0)
    return float(np.max(ratio, initial=0.0)) if not np.isnan(draws).any() else math.nan
