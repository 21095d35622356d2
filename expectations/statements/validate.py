"""Run the registry: each case's two sides compared by
:func:`~expectations.statements.compare.compare` (closed form beside Monte Carlo estimate, z, relative
error, verdict), and the rows as a text table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from expectations.montecarlo.sampling import reusing_results
from expectations.statements import registry
from expectations.statements.compare import IDENTITY_TOLERANCE, ROUNDING, Z_THRESHOLD, Comparison, compare
from expectations.statements.model import Kind, Statement, Verdict

__all__ = ["IDENTITY_TOLERANCE", "PARAMS_WIDTH", "ROUNDING", "Z_THRESHOLD", "Comparison", "compare",
           "format_table", "row_cells", "run", "sampler_summary", "summary"]

#: Width of the params column of the text table (longer parameter lists wrap).
PARAMS_WIDTH = 33


def run(statements: Iterable[Statement] | None = None, n_samples: int | None = None,
        seed: int = 0, progress: Callable[[str], None] | None = None, executor=None,
        tolerance=None, method: str = "reference") -> list[Comparison]:
    """Compare every case of ``statements`` (default: the whole registry); arguments as in
    :func:`~expectations.statements.compare.compare`."""
    statements = list(registry.STATEMENTS if statements is None else statements)
    jobs = [(s, c) for s in statements for c in s.cases]
    rows = []
    start = time.perf_counter()
    with reusing_results():  # statements sharing a left-hand side (Lemma 4.21, refined) sample it once
        for k, (statement, case) in enumerate(jobs, 1):
            if progress:
                progress(f"[{k}/{len(jobs)}] {statement.label} {_params(case.params)} "
                         f"({time.perf_counter() - start:.0f} s)")
            rows.append(compare(statement, case, n_samples, seed, executor, tolerance, method))
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


def row_cells(r: Comparison) -> tuple[str, ...]:
    """The printed cells of a row: statement, params, closed form, estimate ± SE, z, rel. error, verdict."""
    closed = _num(r.closed_form)
    if r.closed_form_stderr:  # paired rows: the right-hand side is random too
        closed += f" ± {r.closed_form_stderr:.2g}"
    if r.rel_error is None:
        rel = ""
    elif r.kind == Kind.IDENTITY:
        rel = f"{r.rel_error:+.1e}"
    else:
        rel = f"{r.rel_error:+.2%} ± {r.rel_error_stderr:.2%}"
    return (r.statement, _params(r.params), closed, f"{r.estimate:.5g} ± {r.stderr:.2g}",
            "—" if r.z is None else f"{r.z:+.2f}",
            rel, str(r.verdict))


def sampler_summary(rows: list[Comparison]) -> str:
    """Which statements ran on reduced samplers and which on the reference kernels."""
    names = {"reduced": "reduced samplers", "reference": "reference kernels"}
    by_method = {name: sorted({r.statement for r in rows if r.method == m}) for m, name in names.items()}
    return "; ".join(f"{name}: {', '.join(labels)}" for name, labels in by_method.items() if labels)


def format_table(rows: list[Comparison]) -> str:
    """A plain-text table: each statement's label on a line of its own, then one line per case;
    parameters longer than :data:`PARAMS_WIDTH` continue on the next lines of the params column."""
    header = ("params", "closed form", "estimate ± SE", "z", "rel. error ± SE", "verdict")
    lines: list[str | tuple[str, ...]] = []
    for k, r in enumerate(rows):
        if k == 0 or rows[k - 1].statement != r.statement:
            lines.append(r.statement)
        first, *rest = _wrap_items(_param_items(r.params), PARAMS_WIDTH)
        cells = row_cells(r)[2:-1]
        lines.append(("  " + first, *cells, Verdict(r.verdict).short))
        lines += [("  " + more, *[""] * len(cells), "") for more in rest]
    cells = [header] + [line for line in lines if isinstance(line, tuple)]
    widths = [max(len(line[c]) for line in cells) for c in range(len(header))]

    def text(line: str | tuple[str, ...]) -> str:
        return line if isinstance(line, str) else "  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()

    return "\n".join([text(header), "  ".join("-" * w for w in widths), *map(text, lines)])


def summary(rows: list[Comparison]) -> str:
    """One line per verdict with its count."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    return ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
