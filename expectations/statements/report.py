"""The validation report: ``expectations validate --report PATH.md``.

A Markdown document with the verdict summary, the verdict table (statement,
kind, parameters, closed form, estimate ± SE, z, relative error ± SE,
verdict), the errata in brief and links to the figures that exist.
"""

from __future__ import annotations

import datetime
import os

from expectations.figures import FIGURES
from expectations.statements.compare import IDENTITY_TOLERANCE, Z_THRESHOLD, Comparison
from expectations.statements.errata import ERRATA
from expectations.statements.validate import row_cells, sampler_summary, summary


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _row(r: Comparison) -> str:
    cells = row_cells(r)
    return "| " + " | ".join(_cell(c) for c in (cells[0], r.kind, *cells[1:])) + " |"


def render(rows: list[Comparison], report_path: str, figures_dir: str | None = None,
           command: str = "") -> str:
    """The report as Markdown; figure links are relative to ``report_path``."""
    figures_dir = figures_dir or os.path.join(os.getcwd(), "figures")
    lines = [
        "# Validation report",
        "",
        f"Generated {datetime.date.today().isoformat()} by `{command or 'expectations validate --report'}`.",
        f"{len(rows)} cases: {summary(rows)}.",
        *([f"Samplers: {sampler_summary(rows)}."] if any(r.method == "reduced" for r in rows) else []),
        "",
        f"Identities hold when both sides agree network by network (the row shows the largest relative "
        f"difference |a - b| / max(|a|, |b|) over the networks; it must be below {IDENTITY_TOLERANCE:g}). "
        "Otherwise z = (estimate - closed form) / SE(estimate - closed form), and exact statements agree "
        f"when |z| < {Z_THRESHOLD:g}; for approximations (and cases that break an assumption on purpose) "
        "the relative error is closed form / estimate - 1 with the standard error SE(estimate - closed "
        "form) / |estimate| (the delta method at ratio 1, the hypothesis z tests), so relative error / SE "
        "is -z and the error is *resolved* when it is at least the threshold times its SE.  Paired rows "
        "(network-level theorems) estimate both sides from the same networks, so the closed form carries "
        "a standard error too, and SE(estimate - closed form) is that of the per-network difference.",
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
