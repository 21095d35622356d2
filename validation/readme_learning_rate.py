"""The README's example of ``expectations learning-rate`` output, regenerated from a run.

Runs the command shown in the README (between the ``learning-rate example`` markers) and
prints its output; with ``--write`` it puts the command and its output into README.md.
``tests/test_readme_learning_rate.py`` checks that the README's block is that of a run.

    python validation/readme_learning_rate.py [--write]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex

from expectations import cli

COMMAND = "expectations learning-rate --widths 8,32,1 --networks 8 --monte-carlo 100"
README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
BEGIN, END = "<!-- learning-rate example: begin -->", "<!-- learning-rate example: end -->"


def example_block() -> str:
    """The command and its output as the README shows them (a fenced code block)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(shlex.split(COMMAND)[1:] + ["--quiet"])
    if code != 0:
        raise RuntimeError(f"{COMMAND} exited with {code}")
    return f"```\n$ {COMMAND}\n{out.getvalue().rstrip()}\n```"


def readme_block(text: str) -> str:
    """What the README holds between the markers (without them)."""
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip("\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the block into README.md")
    args = parser.parse_args(argv)
    block = example_block()
    print(block)
    if args.write:
        with open(README) as fh:
            text = fh.read()
        start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
        with open(README, "w") as fh:
            fh.write(text[:start] + "\n" + block + "\n" + text[end:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
