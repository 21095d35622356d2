"""Run the registry: closed form beside Monte Carlo estimate, with a verdict.

An identity *holds* when both sides agree to :data:`IDENTITY_TOLERANCE` relative, network by
network: its row shows the root-mean-square relative difference of the two sides over the draws.
An exact statement whose assumptions hold *agrees* when |z| < :data:`Z_THRESHOLD` (the standard
error in z is floored at :data:`ROUNDING` of the values compared).
For approximations (and exact statements whose assumptions a case breaks on
purpose) the relative error of the closed form against the estimate is
reported with its standard error, and whether it is *resolved* (|z| >= the
threshold, so the error is larger than the Monte Carlo noise can explain).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from expectations.montecarlo.sampling import reusing_results
from expectations.statements import registry
from expectations.statements.registry import Case, Statement

#: |z| below this counts as agreement.
Z_THRESHOLD = 5.0
#: Root-mean-square relative difference of an identity's two sides over the draws below which it
#: holds.  It is computed from the merged moments (E[(a - b)^2] = Var a + Var b - 2 Cov + (mean
#: difference)^2), whose cancellation leaves rounding of order sqrt(machine epsilon) ~ 1e-8, so the
#: tolerance sits above that; a 1e-4 error in any sizeable share of the networks is still caught.
IDENTITY_TOLERANCE = 1e-6
#: Width of the params column of the text table (longer parameter lists wrap).
PARAMS_WIDTH = 40
#: Floor of the standard error in z, relative to the compared values: a reduced sampler that
#: integrates out every random matrix (one layer) has zero variance, and its "standard error"
#: is rounding noise, against which a z-score would be meaningless.
ROUNDING = 1e-12


@dataclass(frozen=True)
class Row:
    """One line of the validation table (also the JSON record)."""

    statement: str
    kind: str
    params: dict
    closed_form: float
    closed_form_stderr: float | None
    estimate: float
    stderr: float
    n_samples: int
    seed: int
    z: float | None  # None for identities: both sides are the same numbers up to rounding
    rel_error: float | None
    rel_error_stderr: float | None
    verdict: str
    note: str
    target_met: bool | None = None
    method: str = "reference"  # the sampler: "reference" (every matrix entry drawn) or "reduced"


def verdict(kind: str, assumption_holds: bool, z: float | None, rel_error: float | None = None) -> str:
    """The verdict for a case, from the statement's kind and the z-score (or, for
    identities, the relative difference)."""
    if kind == "identity":
        holds = rel_error is not None and abs(rel_error) < IDENTITY_TOLERANCE
        return "identity holds" if holds else "IDENTITY FAILS"
    agrees = abs(z) < Z_THRESHOLD
    if kind == "exact" and assumption_holds:
        return "agrees" if agrees else "DISAGREES"
    prefix = "assumption broken" if not assumption_holds else "approximation"
    return f"{prefix}: error {'not resolved' if agrees else 'resolved'}"


def run_case(statement: Statement, case: Case, n_samples: int | None = None, seed: int = 0,
             executor=None, tolerance=None, method: str = "reference") -> Row:
    """Evaluate one case of one statement (with a ``tolerance``, ``n_samples`` is the budget;
    ``method="reduced"`` uses the statement's reduced sampler where it has one)."""
    n = statement.default_samples(method) if n_samples is None else n_samples
    if n < 2:
        raise ValueError(f"n_samples must be at least 2, got {n}: one sample has no standard error, "
                         "so no verdict can be drawn")
    method = statement.sampler(method)
    if statement.paired:
        moments = statement.estimate(case, n, seed, executor, tolerance, method)
        est, rhs = moments.estimate(0, seed), moments.estimate(1, seed)
        closed, closed_se = rhs.mean, rhs.stderr
        c = moments.covariance
        diff_se = math.sqrt(max(c[0, 0] + c[1, 1] - 2 * c[0, 1], 0.0) / moments.count)
        if statement.kind == "identity":
            # draw by draw: the root-mean-square relative difference of the two sides over the
            # networks, sqrt(E[(a - b)^2] / E[a^2]), so errors that cancel on average still show
            z = None
            mean_square = c[0, 0] + c[1, 1] - 2 * c[0, 1] + (est.mean - closed) ** 2
            scale = c[0, 0] + est.mean**2
            rel = math.sqrt(max(mean_square, 0.0) / scale) if scale > 0 else math.nan
            rel_se = 0.0
        else:
            z = (est.mean - closed) / diff_se if diff_se > 0 else (0.0 if est.mean == closed else math.inf)
            ratio = moments.ratio(1, 0) if est.mean != 0 else None
            rel, rel_se = (ratio.mean - 1, ratio.stderr) if ratio else (math.nan, math.nan)
    else:
        closed, closed_se = statement.evaluate(case), None
        est = statement.estimate(case, n, seed, executor, tolerance, method)
        floor = ROUNDING * max(abs(closed), abs(est.mean))
        z = replace(est, stderr=max(est.stderr, floor)).z(closed)
        rel, rel_se = est.relative_error(closed)
    finite = closed != 0 and math.isfinite(rel)  # relative to a zero closed form is meaningless
    rel, rel_se = (rel, rel_se) if finite else (None, None)
    return Row(statement.label, statement.kind, case.params, closed, closed_se, est.mean, est.stderr,
               est.n_samples, seed, z, rel, rel_se,
               verdict(statement.kind, case.assumption_holds, z, rel), case.note,
               None if tolerance is None else tolerance.satisfied_by(est), method)


def run(statements: Iterable[Statement] | None = None, n_samples: int | None = None,
        seed: int = 0, progress: Callable[[str], None] | None = None, executor=None,
        tolerance=None, method: str = "reference") -> list[Row]:
    """Run every case of ``statements`` (default: the whole registry); arguments as in :func:`run_case`."""
    statements = list(registry.STATEMENTS if statements is None else statements)
    jobs = [(s, c) for s in statements for c in s.cases]
    rows = []
    start = time.perf_counter()
    with reusing_results():  # statements sharing a left-hand side (Lemma 4.21, refined) sample it once
        for k, (statement, case) in enumerate(jobs, 1):
            if progress:
                progress(f"[{k}/{len(jobs)}] {statement.label} {_params(case.params)} "
                         f"({time.perf_counter() - start:.0f} s)")
            rows.append(run_case(statement, case, n_samples, seed, executor, tolerance, method))
    return rows


def _param_items(params: dict) -> list[str]:
    return [f"{k}={v if isinstance(v, str) else str(v).replace(' ', '')}" for k, v in params.items()]


def _params(params: dict) -> str:
    return " ".join(_param_items(params))


def _wrap_items(items: list[str], width: int) -> list[str]:
    """``items`` joined by blanks into lines of at most ``width`` characters (a longer item stays whole)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 1 + len(item) <= width:
            lines[-1] += " " + item
        else:
            lines.append(item)
    return lines or [""]


def _num(x: float | None, fmt: str = ".5g") -> str:
    return "" if x is None else format(x, fmt)


def row_cells(r: Row) -> tuple[str, ...]:
    """The printed cells of a row: statement, params, closed form, estimate ± SE, z, rel. error, verdict."""
    closed = _num(r.closed_form)
    if r.closed_form_stderr:  # paired rows: the right-hand side is random too
        closed += f" ± {r.closed_form_stderr:.2g}"
    if r.rel_error is None:
        rel = ""
    elif r.kind == "identity":
        rel = f"{r.rel_error:+.1e}"
    else:
        rel = f"{r.rel_error:+.2%} ± {r.rel_error_stderr:.2%}"
    return (r.statement, _params(r.params), closed, f"{r.estimate:.5g} ± {r.stderr:.2g}",
            "—" if r.z is None else f"{r.z:+.2f}",
            rel, r.verdict)


def sampler_summary(rows: list[Row]) -> str:
    """Which statements ran on reduced samplers and which on the reference kernels."""
    names = {"reduced": "reduced samplers", "reference": "reference kernels"}
    by_method = {name: sorted({r.statement for r in rows if r.method == m}) for m, name in names.items()}
    return "; ".join(f"{name}: {', '.join(labels)}" for name, labels in by_method.items() if labels)


def format_table(rows: list[Row]) -> str:
    """A plain-text table, one row per case; parameters longer than :data:`PARAMS_WIDTH` continue on
    the next lines of the params column."""
    header = ("statement", "params", "closed form", "estimate ± SE", "z", "rel. error ± SE", "verdict")
    lines = [header]
    for r in rows:
        first, *rest = _wrap_items(_param_items(r.params), PARAMS_WIDTH)
        cells = row_cells(r)
        lines.append((cells[0], first, *cells[2:]))
        lines += [("", more, "", "", "", "", "") for more in rest]
    widths = [max(len(line[c]) for line in lines) for c in range(len(header))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def summary(rows: list[Row]) -> str:
    """One line per verdict with its count."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    return ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
