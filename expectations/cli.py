"""Command line: ``expectations validate``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from . import figures, registry, validate
from .data import DATASET_NAMES, TARGET_TRANSFORMS, load_dataset
from .montecarlo.estimators import METHODS
from .sampling import Tolerance
from .scaleout import dask_executor


def _validate(args: argparse.Namespace) -> int:
    if args.list:
        for s in registry.STATEMENTS:
            print(f"{s.label:36s} {s.kind:13s} {len(s.cases)} cases  {s.summary}")
        return 0
    statements = [registry.get(label) for label in args.statement] if args.statement else None
    for path in (args.json, args.report):
        if path:
            _require_directory(path)
    scripts = figures.find_scripts() if args.figures else None
    progress = None if args.quiet else validate.stderr_progress
    tolerance = None
    if args.target_stderr is not None or args.target_rel_stderr is not None:
        tolerance = Tolerance(args.target_stderr, args.target_rel_stderr)
    with contextlib.ExitStack() as stack:
        executor = stack.enter_context(dask_executor(args.scheduler)) if args.scheduler else None
        rows = validate.run(statements, args.samples, args.seed, progress, executor, tolerance,
                            args.method)
    if progress and sys.stderr.isatty():
        sys.stderr.write("\n")
    print(validate.format_table(rows))
    print(f"\n{len(rows)} cases: {validate.summary(rows)}  (|z| threshold {validate.Z_THRESHOLD:g})")
    if args.method == "reduced":
        print(validate.sampler_summary(rows))
    if tolerance is not None:
        missed = [r for r in rows if r.kind != "identity" and not r.target_met]
        spent = ", ".join(sorted({r.statement for r in missed}))
        print(f"target standard error met in {len(rows) - len(missed)} of {len(rows)} cases"
              + (f"; budget spent first in: {spent}" if missed else ""))
    failed_figures = False
    if scripts is not None:
        runs = figures.regenerate(scripts, progress=progress)
        print("\nfigures:\n" + figures.format_runs(runs))
        failed_figures = any(r.status == "failed" for r in runs)
    if args.json:
        validate.write_json(rows, args.json)
        print(f"wrote {args.json}")
    if args.report:
        from .report import render

        command = "expectations " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""
        validate.write_text(render(rows, args.report, command=command), args.report)
        print(f"wrote {args.report}")
    return 1 if failed_figures or any(r.verdict in ("DISAGREES", "IDENTITY FAILS") for r in rows) else 0


def _learning_rate(args: argparse.Namespace) -> int:
    from .learning_rate import format_report, learning_rate_report, report_dict

    widths = [int(w) for w in args.widths.split(",")]
    if args.json:
        _require_directory(args.json)
    data = load_dataset(args.data, n_features=widths[0], n_outputs=widths[-1], seed=args.seed,
                        one_hot=args.loss == "cross-entropy", target=_target(args.target),
                        target_transform=args.target_transform)
    if data.n_features != widths[0] or data.n_outputs != widths[-1]:
        raise ValueError(f"--widths {args.widths} does not fit the data: it has {data.n_features} inputs "
                         f"and {data.n_outputs} target column(s)")
    progress = None if args.quiet else validate.stderr_progress
    report = learning_rate_report(widths, data.inputs, data.targets, args.loss, args.networks,
                                  args.monte_carlo, args.seed, data.name, progress)
    if progress and sys.stderr.isatty():
        sys.stderr.write("\n")
    print(format_report(report))
    if args.json:
        validate.write_json(report_dict(report), args.json)
        print(f"wrote {args.json}")
    return 0


def _target(text: str):
    try:
        return int(text)
    except ValueError:
        return text


def _require_directory(path: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"--json: directory {directory} does not exist")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _seed(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="expectations", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="closed forms of Chapter 4 against Monte Carlo")
    val.add_argument("--statement", action="append", metavar="LABEL",
                     help='run only this statement, e.g. "Lemma 4.19" (repeatable)')
    val.add_argument("--samples", type=_positive,
                     help="samples per case (default: per statement); with a target, the budget")
    val.add_argument("--target-stderr", type=_positive_float, metavar="SE",
                     help="sample each case until its standard error is at most SE (or the budget is spent)")
    val.add_argument("--target-rel-stderr", type=_positive_float, metavar="R",
                     help="sample until the standard error is at most R |estimate|")
    val.add_argument("--method", choices=METHODS, default="reference",
                     help="reference: draw every entry of every matrix (default); reduced: the exact "
                          "Gaussian reductions where a statement has one (the rest stay on reference)")
    val.add_argument("--seed", type=_seed, default=0, help="master seed (default 0)")
    val.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    val.add_argument("--report", metavar="PATH.md", help="also write a Markdown validation report")
    val.add_argument("--scheduler", metavar="ADDRESS",
                     help="run the chunks on this Dask scheduler (needs expectations[dask])")
    val.add_argument("--figures", action="store_true",
                     help="also regenerate the thesis's figures into figures/ (runs the scripts of "
                          "validation/ in a source checkout; about 6 minutes)")
    val.add_argument("--list", action="store_true", help="list the statements and exit")
    val.add_argument("--quiet", action="store_true", help="no progress on stderr")
    val.set_defaults(func=_validate)
    lr = sub.add_parser("learning-rate", help="thesis estimate vs Newton estimate vs true optimum")
    lr.add_argument("--widths", required=True, help="d_0,d_1,...,d_n, e.g. 8,64,64,1")
    lr.add_argument("--data", default="pima", metavar="NAME|FILE.csv",
                    help="the data set: " + "; ".join(f"{k}: {v}" for k, v in DATASET_NAMES.items())
                    + "; or a numeric CSV file (default: pima, as in the thesis)")
    lr.add_argument("--target", default="-1", help="a CSV's target column, by name or index (default: last)")
    lr.add_argument("--target-transform", choices=TARGET_TRANSFORMS, default="none",
                    help="centre or standardise the target before anything else (default: none)")
    lr.add_argument("--loss", choices=["mse", "cross-entropy"], default="mse")
    lr.add_argument("--networks", type=_positive, default=8,
                    help="initial networks for the true optimum (default 8)")
    lr.add_argument("--monte-carlo", type=_positive, default=200,
                    help="initializations for E[L'(0)] and E[L''(0)] (default 200)")
    lr.add_argument("--seed", type=_seed, default=0)
    lr.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    lr.add_argument("--quiet", action="store_true", help="no progress on stderr")
    lr.set_defaults(func=_learning_rate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, ConnectionError, ImportError) as exc:
        print(f"expectations: error: {exc}", file=sys.stderr)
        return 2
