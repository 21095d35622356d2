"""The README's example rows of ``expectations validate`` are those of a run at the stated seed
(regenerate them with ``python validation/readme_example.py --write``)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "validation"))
readme_example = pytest.importorskip("readme_example")

from expectations.statements import validate  # noqa: E402


def test_readme_example_rows_match_a_run():
    text = Path(readme_example.README).read_text()
    start, end = readme_example.readme_block(text)
    shown = text.splitlines()[start:end]
    assert shown == validate.format_table(readme_example.example_rows()).splitlines()
