"""Fixtures shared by several test files."""

import pytest

from expectations.statements import validate


@pytest.fixture(scope="session")
def default_rows():
    """The rows of a default ``expectations validate`` run (seed 0, reduced samplers), run once."""
    return validate.run(method="reduced")
