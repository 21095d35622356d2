"""Command line: ``expectations validate``."""

from __future__ import annotations

import argparse
import os
import sys

from . import registry, validate


def _validate(args: argparse.Namespace) -> int:
    if args.list:
        for s in registry.STATEMENTS:
            print(f"{s.label:36s} {s.kind:13s} {len(s.cases)} cases  {s.summary}")
        return 0
    statements = [registry.get(label) for label in args.statement] if args.statement else None
    if args.json:
        directory = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(directory):
            raise ValueError(f"--json: directory {directory} does not exist")
    progress = None if args.quiet else validate.stderr_progress
    rows = validate.run(statements, args.samples, args.seed, progress)
    if progress and sys.stderr.isatty():
        sys.stderr.write("\n")
    print(validate.format_table(rows))
    print(f"\n{len(rows)} cases: {validate.summary(rows)}  (|z| threshold {validate.Z_THRESHOLD:g})")
    if args.json:
        validate.write_json(rows, args.json)
        print(f"wrote {args.json}")
    return 1 if any(r.verdict in ("DISAGREES", "IDENTITY FAILS") for r in rows) else 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
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
    val.add_argument("--samples", type=_positive, help="samples per case (default: per statement)")
    val.add_argument("--seed", type=_seed, default=0, help="master seed (default 0)")
    val.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    val.add_argument("--list", action="store_true", help="list the statements and exit")
    val.add_argument("--quiet", action="store_true", help="no progress on stderr")
    val.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:
        print(f"expectations: error: {exc}", file=sys.stderr)
        return 2
