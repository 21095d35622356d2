"""The README's example of ``expectations learning-rate`` is the output of a run at the stated command
(regenerate it with ``python validation/readme_learning_rate.py --write``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "validation"))
import readme_learning_rate  # noqa: E402


def test_readme_learning_rate_example_matches_a_run():
    text = Path(readme_learning_rate.README).read_text()
    assert readme_learning_rate.readme_block(text) == readme_learning_rate.example_block()
