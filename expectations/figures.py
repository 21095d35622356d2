"""``expectations validate --figures``: run the figure scripts of ``validation/``.

The scripts live in the source checkout (``validation/figure_4_1.py`` ...), not
in the installed package, and each writes its PNG into the checkout's
``figures/`` only after it has succeeded.  This module finds them and runs each
in its own process, in a fixed order, with progress; a failure is reported and
the others still run.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: (script, arguments, needs scikit-learn) for every committed figure, at default settings.
JOBS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("figure_4_1.py", (), False),
    ("figure_4_2.py", ("--dataset", "digits"), True),
    ("figure_4_2.py", ("--dataset", "breast_cancer"), True),
    ("figure_4_2.py", ("--dataset", "wine"), True),
    ("figure_5_1.py", ("--data", "synthetic"), False),
    ("figure_5_1.py", ("--data", "diabetes"), True),
    ("figure_5_2.py", (), False),
    ("approximation_error.py", (), False),
    ("theorem_error.py", (), False),
)


@dataclass(frozen=True)
class FigureRun:
    """How one script run ended: ``status`` is "ok", "failed" or "skipped"."""

    command: str
    status: str
    seconds: float
    message: str = ""


def find_scripts(*candidates: str | os.PathLike) -> Path:
    """The first of ``candidates`` (default: ``validation/`` under the working directory, then
    beside the package, as in an editable install) that holds the figure scripts; ``ValueError``
    if none does."""
    candidates = tuple(Path(c) for c in candidates) or (
        Path.cwd() / "validation", Path(__file__).resolve().parent.parent / "validation")
    for folder in candidates:
        if (folder / "_figures.py").is_file():
            return folder
    raise ValueError("the figure scripts are in validation/ of a source checkout of expectations; run "
                     "`expectations validate --figures` from the checkout (looked in "
                     + ", ".join(str(c) for c in candidates) + ")")


def regenerate(folder: Path, jobs=None, progress: Callable[[str], None] | None = None) -> list[FigureRun]:
    """Run every job ``(script, args, needs_sklearn)`` (default :data:`JOBS`) of ``folder`` with this
    Python, in order."""
    jobs = JOBS if jobs is None else jobs
    has_sklearn = importlib.util.find_spec("sklearn") is not None
    runs = []
    for k, (script, args, needs_sklearn) in enumerate(jobs, 1):
        command = " ".join(["python", f"{folder.name}/{script}", *args])
        if needs_sklearn and not has_sklearn:
            runs.append(FigureRun(command, "skipped", 0.0, "needs scikit-learn: pip install '.[sklearn]'"))
            continue
        if progress:
            progress(f"[figure {k}/{len(jobs)}] {command}")
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(folder / script), *args], cwd=folder.parent,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode == 0:
            wrote = [line.split(" ", 1)[1] for line in proc.stderr.splitlines() if line.startswith("wrote ")]
            runs.append(FigureRun(command, "ok", seconds, ", ".join(wrote)))
        else:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            runs.append(FigureRun(command, "failed", seconds, f"exit code {proc.returncode}: {last}"))
    return runs


def format_runs(runs: list[FigureRun]) -> str:
    """One line per script: status, time, what it wrote (or why not)."""
    lines = (f"{r.status:7s} {r.seconds:6.1f} s  {r.command}" + (f"  ({r.message})" if r.message else "")
             for r in runs)
    return "\n".join(lines)
