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
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One committed PNG of ``figures/``: what it shows, and the script of ``validation/`` (with its
    arguments) that makes it, if ``expectations validate --figures`` regenerates it."""

    png: str
    caption: str
    script: str | None = None
    args: tuple[str, ...] = ()
    needs_sklearn: bool = False


#: Every committed figure, in the report's order: the one table the runner and the report read.
FIGURES: tuple[Figure, ...] = (
    Figure("figure_4_1.png", "Figure 4.1: angle between Gaussian vectors (Lemma 4.3) over sampled angles",
           "figure_4_1.py"),
    *(Figure(f"figure_4_2_{name}.png", f"Figure 4.2: angles of the {name.replace('_', '-')} data set with "
             "the fitted n", "figure_4_2.py", ("--dataset", name), True)
      for name in ("digits", "breast_cancer", "wine")),
    Figure("figure_5_1_pima.png", "Figure 5.1: estimated vs true optimal learning rates (the thesis's Pima "
           "data)", "figure_5_1.py", ("--data", "pima")),
    Figure("figure_5_1_synthetic.png", "Figure 5.1: estimated vs true optimal learning rates (synthetic "
           "data)", "figure_5_1.py", ("--data", "synthetic")),
    Figure("figure_5_1_diabetes_standardize.png", "Figure 5.1: estimated vs true optimal learning rates "
           "(scikit-learn's diabetes regression, target standardised)", "figure_5_1.py",
           ("--data", "diabetes:standardize"), True),
    Figure("figure_5_2_pima.png", "Figure 5.2: loss over five steps at multiples of the optimal rate (Pima "
           "data)", "figure_5_2.py", ("--data", "pima")),
    Figure("thesis_error_by_data.png", "Why the thesis's learning-rate error depends on the data (by data "
           "set, target-shift dose response)", "thesis_error_by_data.py", (), True),
    Figure("approximation_error.png", "Relative error of Lemmas 4.19, 4.20 and Corollary 4.22 against size",
           "approximation_error.py"),
    Figure("theorem_error.png", "Relative error of Theorems 4.13 and 4.24 by depth, width and data size",
           "theorem_error.py"),
    Figure("calibration.png", "Calibration of the standard errors: z-scores over seeds against the normal "
           "law (validation/calibration.py, minutes; not rerun by --figures)"),
    Figure("benchmark_scaling.png", "How the cost of the kernels grows with width, depth and data size "
           "(benchmarks/run.py)"),
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


#: The scripts that take longest at default settings: started first, so that the cores stay busy
#: until the end.
SLOW = ("figure_5_1.py", "thesis_error_by_data.py", "approximation_error.py")
#: Environment of a script run beside others: one BLAS thread per process.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def regenerate(folder: Path, jobs: Iterable[Figure] | None = None,
               progress: Callable[[str], None] | None = None, workers: int | None = None) -> list[FigureRun]:
    """Run the script of every :class:`Figure` in ``jobs`` (default: those of :data:`FIGURES` that have
    one) from ``folder`` with this Python, ``workers`` at a time (default: one per core; each with one
    BLAS thread when more than one run at once; ``workers=1`` runs them one after the other), and
    report them in the order of ``jobs``."""
    jobs = [f for f in (FIGURES if jobs is None else jobs) if f.script]
    workers = min(os.cpu_count() or 1, len(jobs) or 1) if workers is None else workers
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    env = dict(os.environ, **ONE_BLAS_THREAD) if workers > 1 else None
    has_sklearn = importlib.util.find_spec("sklearn") is not None

    def run(k: int) -> FigureRun:
        script, args = jobs[k].script, jobs[k].args
        command = " ".join(["python", f"{folder.name}/{script}", *args])
        if jobs[k].needs_sklearn and not has_sklearn:
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

    order = sorted(range(len(jobs)), key=lambda k: jobs[k].script not in SLOW)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = dict(zip(order, pool.map(run, order)))
    return [done[k] for k in range(len(jobs))]


def format_runs(runs: list[FigureRun]) -> str:
    """One line per script: status, time, what it wrote (or why not)."""
    lines = (f"{r.status:7s} {r.seconds:6.1f} s  {r.command}" + (f"  ({r.message})" if r.message else "")
             for r in runs)
    return "\n".join(lines)
