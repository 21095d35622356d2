"""``expectations validate --figures``: run the figure scripts of ``validation/``.

The scripts live in the source checkout (``validation/figure_4_1.py`` ...), not
in the installed package, and each writes its PNG into the checkout's
``figures/`` only after it has succeeded.  This module finds them and runs each
in its own process, with progress; a failure is reported and the others still
run.  The scripts are independent, so as many run at once as there are cores,
each with one BLAS thread (several processes each starting a BLAS thread per
core would oversubscribe the cores); the report lists them in a fixed order.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

#: (script, arguments, needs scikit-learn) for every committed figure, at default settings.
JOBS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("figure_4_1.py", (), False),
    ("figure_4_2.py", ("--dataset", "digits"), True),
    ("figure_4_2.py", ("--dataset", "breast_cancer"), True),
    ("figure_4_2.py", ("--dataset", "wine"), True),
    ("figure_5_1.py", ("--data", "pima"), False),
    ("figure_5_1.py", ("--data", "synthetic"), False),
    ("figure_5_1.py", ("--data", "diabetes:standardize"), True),
    ("figure_5_2.py", ("--data", "pima"), False),
    ("thesis_error_by_data.py", (), True),
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


#: The scripts that take minutes at default settings: started first, so that the cores stay busy
#: until the end.
SLOW = ("figure_5_1.py", "approximation_error.py")
#: Environment of a script run beside others: one BLAS thread per process.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def regenerate(folder: Path, jobs=None, progress: Callable[[str], None] | None = None,
               workers: int | None = None) -> list[FigureRun]:
    """Run every job ``(script, args, needs_sklearn)`` (default :data:`JOBS`) of ``folder`` with this
    Python, ``workers`` at a time (default: one per core; each with one BLAS thread when more than
    one run at once; ``workers=1`` runs them one after the other as they were run before), and
    report them in the order of ``jobs``."""
    jobs = list(JOBS if jobs is None else jobs)
    workers = min(os.cpu_count() or 1, len(jobs) or 1) if workers is None else workers
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    env = dict(os.environ, **ONE_BLAS_THREAD) if workers > 1 else None
    has_sklearn = importlib.util.find_spec("sklearn") is not None

    def run(k: int) -> FigureRun:
        script, args, needs_sklearn = jobs[k]
        command = " ".join(["python", f"{folder.name}/{script}", *args])
        if needs_sklearn and not has_sklearn:
            return FigureRun(command, "skipped", 0.0, "needs scikit-learn: pip install '.[sklearn]'")
        if progress:
            progress(f"[figure {k + 1}/{len(jobs)}] {command}")
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(folder / script), *args], cwd=folder.parent,
                              capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
        if proc.returncode == 0:
            wrote = [line.split(" ", 1)[1] for line in proc.stderr.splitlines() if line.startswith("wrote ")]
            return FigureRun(command, "ok", seconds, ", ".join(wrote))
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        return FigureRun(command, "failed", seconds, f"exit code {proc.returncode}: {last}")

    order = sorted(range(len(jobs)), key=lambda k: jobs[k][0] not in SLOW)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = dict(zip(order, pool.map(run, order)))
    return [done[k] for k in range(len(jobs))]


def format_runs(runs: list[FigureRun]) -> str:
    """One line per script: status, time, what it wrote (or why not)."""
    lines = (f"{r.status:7s} {r.seconds:6.1f} s  {r.command}" + (f"  ({r.message})" if r.message else "")
             for r in runs)
    return "\n".join(lines)
