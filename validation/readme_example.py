"""The README's example of ``expectations validate`` output, regenerated from a run.

Runs the README's example cases at seed 0, each statement's default sample size and the
command's default method (as ``expectations validate`` does) and prints their rows as the
command prints them; with ``--write`` it puts them into README.md, in the code block after the
line that names this script.  ``tests/test_readme_example.py`` checks that the README's rows
are those of a run.

    python validation/readme_example.py [--write]
"""

from __future__ import annotations

import argparse
import os

from expectations import cli
from expectations.statements import registry, validate

#: (statement, parameters that pick the case) of each example row, in the README's order.
EXAMPLES = (
    ("Lemma 4.11", {"widths": [5, 7, 4]}),
    ("Lemma 4.20", {"q": 3}),
    ("Lemma 4.21", {"widths": [6, 5, 4, 3], "i": 2, "j": 2}),
    ("Lemma 4.21 (refined)", {"widths": [6, 5, 4, 3], "i": 2, "j": 2}),
)
SEED = 0
#: The sampler ``expectations validate`` uses by default.
METHOD = cli.build_parser().parse_args(["validate"]).method
README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
MARKER = "validation/readme_example.py"


def example_rows(seed: int = SEED, method: str = METHOD) -> list[validate.Comparison]:
    """The example cases, run as ``expectations validate --seed SEED`` runs them."""
    rows = []
    for label, params in EXAMPLES:
        statement = registry.get(label)
        cases = [c for c in statement.cases if all(c.params.get(k) == v for k, v in params.items())]
        if len(cases) != 1:
            raise ValueError(f"{label} {params}: {len(cases)} matching cases, expected 1")
        rows.append(validate.compare(statement, cases[0], None, seed, method=method))
    return rows


def readme_block(text: str) -> tuple[int, int]:
    """Line indices (start, end) of the code block's contents after the line naming this script."""
    lines = text.splitlines()
    marker = next(k for k, line in enumerate(lines) if MARKER in line and not line.startswith("python"))
    start = next(k for k in range(marker, len(lines)) if lines[k].startswith("```")) + 1
    end = next(k for k in range(start, len(lines)) if lines[k].startswith("```"))
    return start, end


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the example rows in README.md")
    args = parser.parse_args(argv)
    table = validate.format_table(example_rows())
    print(table)
    if args.write:
        with open(README) as fh:
            text = fh.read()
        lines = text.splitlines()
        start, end = readme_block(text)
        lines[start:end] = table.splitlines()
        with open(README, "w") as fh:
            fh.write("\n".join(lines) + "\n")
        print(f"wrote {README}")


if __name__ == "__main__":
    main()
