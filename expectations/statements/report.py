"""The validation report: ``expectations validate --report PATH.md``.

A Markdown document with the verdict summary, the verdict table (statement,
kind, parameters, closed form, estimate ± SE, z, relative error ± SE,
verdict), the errata in brief and links to the figures that exist.
"""

from __future__ import annotations

import datetime
import os

from expectations.figures import FIGURES
from expectations.statements.errata import ERRATA
from expectations.statements.validate import (
    IDENTITY_TOLERANCE,
    Z_THRESHOLD,
    Row,
    row_cells,
    sampler_summary,
    summary,
)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _row(r: Row) -> str:
    cells = row_cells(r)
    return "| " + " | ".join(_cell(c) for c in (cells[0], r.kind, *cells[1:])) + " |"


def render(rows: list[Row], report_path: str, figures_dir: str | None = None, command: str = "") -> str:
    """The report as Markdown; figure links are relative to ``report_path``."""
    figures_dir = figures_dir or os.path.join(os.getcwd(), "figures")
    lines = [
        "# Validation report",
        "",
        f"Generated {datetime.date.today().isoformat()} by `{command or 'expectations validate --report'}`.",
        f"{len(rows)} cases: {summary(rows)}.",
        *([f"Samplers: {sampler_summary(rows)}."] if any(r.method == "reduced" for r in rows) else []),
        "",
        f"Identities hold when both sides agree network by network (root-mean-square relative difference "
        f"over the networks below {IDENTITY_TOLERANCE:g}); exact statements agree "
        f"when |z| < {Z_THRESHOLD:g}; for approximations (and cases that break an assumption on purpose) "
        "the relative error is closed form / estimate - 1, with a delta-method standard error, and it is "
        "*resolved* when |z| >= the threshold.  Paired rows (network-level theorems) estimate both sides "
        "from the same networks, so the closed form carries a standard error too; their z tests the "
        "difference of the two sides under the hypothesis that they are equal, while the relative error's "
        "standard error is that of the ratio at its estimate, which is smaller when the ratio is far "
        "from 1 (so a large relative error can still be *not resolved*).",
        "",
        "| statement | kind | parameters | closed form | estimate ± SE | z | rel. error ± SE | verdict |",
        "|---|---|---|---|---|---|---|---|",
        *(_row(r) for r in rows),
        "",
        "## Errata",
        "",
        "The package implements the corrected readings; the evidence is in `docs/errata.md`.",
        "",
        "| statement | printed | implemented |",
        "|---|---|---|",
        *(f"| {_cell(s)} | {_cell(p)} | {_cell(c)} |" for s, p, c in ERRATA),
    ]
    existing = [(f.png, f.caption) for f in FIGURES if os.path.exists(os.path.join(figures_dir, f.png))]
    if existing:
        lines += ["", "## Figures", ""]
        base = os.path.dirname(os.path.abspath(report_path))
        for name, caption in existing:
            link = os.path.relpath(os.path.join(figures_dir, name), base)
            lines.append(f"- [{caption}]({link})")
    return "\n".join(lines) + "\n"
