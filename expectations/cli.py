"""Closed forms of Moncur's Chapter 4 against Monte Carlo, and the learning rate they estimate.

  expectations validate        every statement's closed form beside its Monte Carlo estimate ± SE
  expectations learning-rate   for an architecture and a data set: the thesis's estimate, the
                               Newton estimate and the true optimal learning rate

Run "expectations COMMAND --help" for a command's options.  Mistakes in the options (an
output folder that cannot be written, a data file that cannot be read, a scheduler that
does not answer) are reported in one line with exit code 2 before any sampling starts;
Ctrl-C stops with exit code 130 and writes no file.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shlex
import sys
import tempfile
import textwrap

from expectations import __version__, _io, figures
from expectations.data import DATASET_NAMES, TARGET_TRANSFORMS, load_dataset
from expectations.montecarlo.scaleout import CONNECT_TIMEOUT, WORKER_TIMEOUT, check_address, dask_executor
from expectations.statements import registry
from expectations.statements.model import METHODS, Kind

#: Exit codes: a user's mistake (as argparse uses), and Ctrl-C (128 + SIGINT).
USAGE_ERROR = 2
INTERRUPTED = 130
#: The reader of the output closed the pipe (128 + SIGPIPE, as a shell reports a process it killed).
BROKEN_PIPE = 141
#: Samples a case at which validation/calibration.py showed the standard errors calibrated.
CALIBRATED_SAMPLES = 20480


def _validate(args: argparse.Namespace) -> int:
    if args.list:  # quick: builds no case and imports neither the closed forms nor the samplers
        for s in registry.STATEMENTS:
            print(f"{s.label:36s} {s.kind:13s} {s.summary}")
        return 0
    from expectations.montecarlo.sampling import Tolerance
    from expectations.statements import validate

    try:
        statements = [registry.get(label) for label in args.statement] if args.statement else None
    except ValueError as exc:
        raise ValueError(f"--statement: {exc} (list them with: expectations validate --list)") from None
    _check_outputs(args, ("json", "report"))
    scripts = figures.find_scripts() if args.figures else None
    progress = None if args.quiet else _io.stderr_progress
    tolerance = None
    if args.target_stderr is not None or args.target_rel_stderr is not None:
        tolerance = Tolerance(args.target_stderr, args.target_rel_stderr)
    with contextlib.ExitStack() as stack:
        executor = None
        if args.scheduler:
            executor = stack.enter_context(dask_executor(args.scheduler, args.scheduler_timeout,
                                                         args.worker_timeout))
        rows = validate.run(statements, args.samples, args.seed, progress, executor, tolerance,
                            args.method)
    if progress and sys.stderr.isatty():
        sys.stderr.write("\n")
    print(validate.format_table(rows))
    print()
    _say(f"{len(rows)} cases: {validate.summary(rows)}  (|z| threshold {validate.Z_THRESHOLD:g})")
    if args.samples is not None and args.samples < CALIBRATED_SAMPLES:
        _say(f"note: --samples {args.samples} is below the {CALIBRATED_SAMPLES} samples a case at which the "
             "standard errors were shown calibrated (docs/calibration.md); with heavy-tailed statements a "
             "verdict from so few samples can be wrong")
    if args.method == "reduced":
        _say(validate.sampler_summary(rows))
    if tolerance is not None:
        missed = [r for r in rows if r.kind is not Kind.IDENTITY and not r.target_met]
        spent = ", ".join(sorted({r.statement for r in missed}))
        _say(f"target standard error met in {len(rows) - len(missed)} of {len(rows)} cases"
             + (f"; budget spent first in: {spent}" if missed else ""))
    failed_figures = False
    if scripts is not None:
        runs = figures.regenerate(scripts, progress=progress)
        print("\nfigures:\n" + figures.format_runs(runs))
        failed_figures = any(r.status == "failed" for r in runs)
    if args.json:
        _write("--json", args.json, lambda: _io.write_json(rows, args.json))
    if args.report:
        from expectations.statements.report import render

        command = "expectations " + shlex.join(args.argv)
        _write("--report", args.report,
               lambda: _io.write_text(render(rows, args.report, command=command), args.report))
    return 1 if failed_figures or any(r.verdict.failed for r in rows) else 0


def _say(text: str) -> None:
    """A summary line after the table, wrapped at 100 characters (continuations indented)."""
    print(textwrap.fill(text, width=100, subsequent_indent="  ", break_on_hyphens=False))


def _learning_rate(args: argparse.Namespace) -> int:
    from expectations.network.learning_rate import format_report, learning_rate_report, report_dict

    widths = args.widths
    _check_outputs(args, ("json",))
    if args.data in DATASET_NAMES and args.target != "-1":
        raise ValueError(f"--target picks a column of a CSV file; the data set {args.data!r} has its own "
                         f"target ({_NAMED_TARGETS[args.data]})")
    try:
        data = load_dataset(args.data, n_features=widths[0], n_outputs=widths[-1], seed=args.seed,
                            one_hot=args.loss == "cross-entropy", target=_target(args.target),
                            target_transform=args.target_transform)
    except (OSError, ValueError) as exc:
        raise ValueError(f"--data: {_reason(exc)}") from None
    if data.n_features != widths[0] or data.n_outputs != widths[-1]:
        raise ValueError(f"--widths {','.join(map(str, widths))} does not fit the data: it has "
                         f"{data.n_features} inputs and {data.n_outputs} target column(s), so the widths "
                         f"must start with {data.n_features} and end with {data.n_outputs}")
    print(_describe_data(args, data))
    progress = None if args.quiet else _io.stderr_progress
    report = learning_rate_report(widths, data.inputs, data.targets, args.loss, args.networks,
                                  args.monte_carlo, args.seed, data.name, progress)
    if progress and sys.stderr.isatty():
        sys.stderr.write("\n")
    print(format_report(report))
    if args.json:
        _write("--json", args.json, lambda: _io.write_json(report_dict(report), args.json))
    return 0


#: What the target of each named data set is.
_NAMED_TARGETS = {
    "pima": "column Outcome (0/1)",
    "synthetic": "tanh(XW) + 0.1 noise",
    "diabetes": "disease progression after one year (scikit-learn's target)",
    "breast-cancer": "diagnosis (0 malignant, 1 benign)",
}


def _describe_data(args: argparse.Namespace, data) -> str:
    """Which rows, inputs, target and transformations the run uses, in one line."""
    if args.data in _NAMED_TARGETS:
        target = _NAMED_TARGETS[args.data]
    elif isinstance(_target(args.target), int):
        target = "the last column" if args.target == "-1" else f"column {args.target} (counting from 0)"
    else:
        target = f"column {args.target}"
    if args.loss == "cross-entropy":
        target += f", one-hot in {data.n_outputs} columns"
    if args.target_transform != "none":
        target += ", " + {"center": "centred", "standardize": "standardised"}[args.target_transform]
    return (f"data {data.name}: all {data.n_samples} rows; {data.n_features} inputs, each standardised to "
            f"mean 0 and SD 1; target {target}")


def _target(text: str):
    try:
        return int(text)
    except ValueError:
        return text


def _reason(exc: BaseException) -> str:
    """An exception's message without the errno prefix of an ``OSError``."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def _check_outputs(args: argparse.Namespace, options: tuple[str, ...]) -> None:
    """Every output file of the run can be written: refuse now, not after the run."""
    for name in options:
        path = getattr(args, name)
        if path:
            check_writable(f"--{name}", path)


def check_writable(option: str, path: str) -> None:
    """A ``ValueError`` naming ``option`` unless a file can be written at ``path`` (by a temporary file
    in its folder and a rename, as the results are written)."""
    target = os.path.abspath(path)
    if os.path.isdir(target):
        raise ValueError(f"{option} {path}: is a folder; give a file name inside it, "
                         f"e.g. {os.path.join(path, 'results' + (os.path.splitext(path)[1] or '.json'))}")
    directory = os.path.dirname(target)
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise ValueError(f"{option} {path}: {directory} is a file, not a folder; choose another path")
    if not os.path.isdir(directory):
        raise ValueError(f"{option} {path}: folder {directory} does not exist; "
                         "create it or choose another path")
    try:
        fd, probe = tempfile.mkstemp(dir=directory, suffix=".tmp")
    except OSError as exc:
        raise ValueError(f"{option} {path}: cannot write in folder {directory} ({exc.strerror}); "
                         "choose a folder you can write to") from None
    os.close(fd)
    os.unlink(probe)


def _write(option: str, path: str, write) -> None:
    try:
        write()
    except OSError as exc:
        raise ValueError(f"{option} {path}: could not be written ({exc.strerror or exc}); "
                         "the results are printed above") from None
    print(f"wrote {path}")


def _count(minimum: int, why: str = "", example: str = "20000 or 2e4"):
    """An argparse type: an integer count of at least ``minimum``, written as 1000000, 1_000_000 or 1e6."""
    def parse(text: str) -> int:
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value != int(value) or value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}, e.g. {example}{why}; "
                                             f"got {text!r}")
        return int(value)
    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value > 0 or value == math.inf:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def _seed(text: str) -> int:
    return _count(0, example="7")(text)


def _widths(text: str) -> list[int]:
    parts = text.split(",")
    try:
        widths = [int(p) for p in parts]
    except ValueError:
        widths = []
    if len(widths) < 2 or min(widths) < 1:
        raise argparse.ArgumentTypeError(
            f"must be at least two positive whole numbers separated by commas, d_0,d_1,...,d_n "
            f"(e.g. 8,64,64,1), got {text!r}")
    return widths


def _address(text: str) -> str:
    try:
        return check_address(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--scheduler {text!r} ")) from None


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong, and where to read more."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of both commands."""
    parser = _Parser(prog="expectations", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    val = sub.add_parser("validate", help="closed forms of Chapter 4 against Monte Carlo",
                         description="Each statement of Chapter 4: closed form beside a Monte Carlo estimate "
                                     "± SE, z and a verdict (exact statements agree when |z| < 5).")
    val.add_argument("--statement", action="append", metavar="LABEL",
                     help='run only this statement, e.g. "Lemma 4.19" (repeatable; see --list)')
    val.add_argument("--samples", type=_count(2, " (one sample has no standard error)"), metavar="N",
                     help="samples per case, e.g. 2000000 or 2e6 (default: per statement); with a target, "
                          "the budget")
    val.add_argument("--target-stderr", type=_positive_float, metavar="SE",
                     help="sample each case until its standard error is at most SE (or the budget is spent)")
    val.add_argument("--target-rel-stderr", type=_positive_float, metavar="R",
                     help="sample until the standard error is at most R |estimate|")
    val.add_argument("--method", choices=METHODS, default="reduced",
                     help="reduced (default): the exact Gaussian reductions where a statement has one "
                          "(the rest stay on reference); reference: draw every entry of every matrix")
    val.add_argument("--seed", type=_seed, default=0, help="master seed, a whole number >= 0 (default 0)")
    val.add_argument("--json", metavar="PATH", help="also write the rows as JSON (checked writable first)")
    val.add_argument("--report", metavar="PATH.md",
                     help="also write a Markdown validation report (checked writable first)")
    val.add_argument("--scheduler", metavar="HOST:PORT", type=_address,
                     help="run the chunks on this Dask scheduler, e.g. tcp://127.0.0.1:8786 "
                          "(needs the dask extra: pip install '.[dask]' in the checkout)")
    val.add_argument("--scheduler-timeout", type=_positive_float, default=CONNECT_TIMEOUT, metavar="SECONDS",
                     help="give up if the scheduler does not answer within this time "
                          f"(default {CONNECT_TIMEOUT:g})")
    val.add_argument("--worker-timeout", type=_positive_float, default=WORKER_TIMEOUT, metavar="SECONDS",
                     help="give up if the scheduler has no worker for this long, at the start or after "
                          f"losing all of them (default {WORKER_TIMEOUT:g})")
    val.add_argument("--figures", action="store_true",
                     help="also regenerate the thesis's figures into figures/ (runs the scripts of "
                          "validation/ in a source checkout; about 6 minutes)")
    val.add_argument("--list", action="store_true", help="list the statements and exit")
    val.add_argument("--quiet", action="store_true", help="no progress on stderr")
    val.set_defaults(func=_validate)
    lr = sub.add_parser("learning-rate", help="thesis estimate vs Newton estimate vs true optimum",
                        description="For Hettinger-initialized CReLU networks of an architecture on a data "
                                    "set: the thesis's estimate -T4.13/T4.24, the refined estimate, the "
                                    "Newton estimate and the true optimal learning rate.")
    lr.add_argument("--widths", required=True, type=_widths, metavar="D0,...,DN",
                    help="layer widths d_0,d_1,...,d_n, e.g. 8,64,64,1 (d_0 = the data's inputs, d_n = its "
                         "target columns)")
    lr.add_argument("--data", default="pima", metavar="NAME|FILE.csv",
                    help="the data set: " + "; ".join(f"{k}: {v}" for k, v in DATASET_NAMES.items())
                    + "; or a numeric, comma-separated UTF-8 CSV file (default: pima, as in the thesis)")
    lr.add_argument("--target", default="-1", help="a CSV's target column, by name or index (default: last)")
    lr.add_argument("--target-transform", choices=TARGET_TRANSFORMS, default="none",
                    help="centre or standardise the target before anything else (default: none)")
    lr.add_argument("--loss", choices=["mse", "cross-entropy"], default="mse",
                    help="mean squared error (default), or softmax cross-entropy on one-hot classes")
    lr.add_argument("--networks", type=_count(1), default=8, metavar="N",
                    help="initial networks for the true optimum (default 8)")
    lr.add_argument("--monte-carlo", type=_count(2, " (one sample has no standard error)"), default=200,
                    metavar="N", help="initializations for E[L'(0)] and E[L''(0)] (default 200)")
    lr.add_argument("--seed", type=_seed, default=0,
                    help="seed of the initial networks, the Monte Carlo and the synthetic data (default 0)")
    lr.add_argument("--json", metavar="PATH", help="also write the report as JSON (checked writable first)")
    lr.add_argument("--quiet", action="store_true", help="no progress on stderr")
    lr.set_defaults(func=_learning_rate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a one-line usage error
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR
    args.argv = argv
    try:
        return args.func(args)
    except BrokenPipeError:  # the reader went away (`expectations validate --list | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush cannot fail
        return BROKEN_PIPE
    except (ValueError, ConnectionError, ImportError) as exc:
        print(f"expectations: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print(("\n" if sys.stderr.isatty() else "") + "expectations: interrupted; no file written",
              file=sys.stderr)
        return INTERRUPTED
