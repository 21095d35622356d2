"""The validation report: ``expectations validate --report PATH.md``.

A Markdown document with the verdict summary, the verdict table (statement,
kind, parameters, closed form, estimate ± SE, z, relative error ± SE,
verdict), the errata in brief and links to the figures that exist.
"""

from __future__ import annotations

import datetime
import os

from expectations.statements.errata import ERRATA
from expectations.statements.validate import (
    IDENTITY_TOLERANCE,
    Z_THRESHOLD,
    Row,
    row_cells,
    sampler_summary,
    summary,
)

#: Figures the project's scripts write, with what they show.
FIGURES = (
    ("figure_4_1.png", "Figure 4.1: angle between Gaussian vectors (Lemma 4.3) over sampled angles"),
    ("figure_4_2_digits.png", "Figure 4.2: angles of the digits data set with the fitted n"),
    ("figure_4_2_breast_cancer.png", "Figure 4.2: angles of the breast-cancer data set with the fitted n"),
    ("figure_4_2_wine.png", "Figure 4.2: angles of the wine data set with the fitted n"),
    ("figure_5_1_pima.png", "Figure 5.1: estimated vs true optimal learning rates (the thesis's Pima data)"),
    ("figure_5_1_synthetic.png", "Figure 5.1: estimated vs true optimal learning rates (synthetic data)"),
    ("figure_5_1_diabetes_standardize.png",
     "Figure 5.1: estimated vs true optimal learning rates (scikit-learn's diabetes regression, "
     "target standardised)"),
    ("figure_5_2_pima.png", "Figure 5.2: loss over five steps at multiples of the optimal rate (Pima data)"),
    ("thesis_error_by_data.png", "Why the thesis's learning-rate error depends on the data (by data set, "
     "target-shift dose response)"),
    ("approximation_error.png", "Relative error of Lemmas 4.19, 4.20 and Corollary 4.22 against size"),
    ("theorem_error.png", "Relative error of Theorems 4.13 and 4.24 by depth, width and data size"),
    ("benchmark_scaling.png", "How the cost of the kernels grows with width, depth and data size"),
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
    existing = [(name, caption) for name, caption in FIGURES
                if os.path.exists(os.path.join(figures_dir, name))]
    if existing:
        lines += ["", "## Figures", ""]
        base = os.path.dirname(os.path.abspath(report_path))
        for name, caption in existing:
            link = os.path.relpath(os.path.join(figures_dir, name), base)
            lines.append(f"- [{caption}]({link})")
    return "\n".join(lines) + "\n"
