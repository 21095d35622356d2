"""The README's numbers about the thesis's learning-rate estimate, at the README's settings.

Each claim is a median over 20 Hettinger networks of 8-64-64-1 (seed 0, as
``validation/thesis_error_by_data.py`` computes them).  The test recomputes the networks
and requires the README's number to lie inside the distribution-free 95 % interval of
the median (order statistics, ``Spread``), and the README text must state the number as
written here.  With 20 heavy-tailed ratios that interval is wide (a factor of about 2 for
the thesis's ratios), so each claim is also a regression pin: the networks are seeded, so
the median is reproducible, and a change that moves it by more than the 2 % to which the
README rounds fails.
"""

import sys
from pathlib import Path

import pytest

from expectations.data import load_dataset
from expectations.network.learning_rate import analyse_networks
from expectations.spread import Spread

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "validation"))
import analytic_learning_rate  # noqa: E402

#: (data set, target transform, attribute, README's median, how the README writes it)
CLAIMS = [
    ("pima", "none", "thesis_exact", 2.71, "**2.7 times**"),
    ("pima", "none", "refined_exact", 0.983, "0.98 of its true optimum on Pima"),
    ("pima", "center", "thesis_exact", 10.8, "it is 10.8 times"),
    ("synthetic", "none", "thesis_exact", 3.7e4, "3.7e4 times"),
    ("diabetes", "none", "thesis_exact", 2.33, "target 2.3 times"),
    ("diabetes", "none", "newton", 1.71, "Newton's estimate is 1.71 times the true optimum"),
]


#: The analytic estimates over the mean true optimum on Pima, 8-64-64-1 (README: value ± SE).
ANALYTIC_CLAIMS = [("refined", 0.92, 0.05, "0.92 ± 0.05 of the mean true optimum"),
                   ("expected_refined", 0.95, 0.05, "expected ratio) 0.95 ± 0.05"),
                   ("thesis", 2.71, 0.14, "2.71 ± 0.14 times it")]


@pytest.fixture(scope="module")
def networks():
    cache = {}

    def get(name, transform):
        if (name, transform) not in cache:
            if name == "diabetes":
                pytest.importorskip("sklearn")
            data = load_dataset(name, target_transform=transform)
            widths = [data.n_features, 64, 64, 1]
            cache[name, transform] = analyse_networks(widths, data.inputs, data.targets, "mse", 20, 0)
        return cache[name, transform]

    return get


def test_readme_analytic_claims_on_pima(networks):
    """The same 20 networks; the ratios by the paired estimator of validation/analytic_learning_rate.py.
    Regression pins at the README's rounding (seeded networks and end-to-end draws)."""
    data = load_dataset("pima")
    nets = networks("pima", "none")
    row = analytic_learning_rate.cell("pima", data, 64, 2, 0, 0, nets=nets)
    summary = analytic_learning_rate.summarise(row)
    for column, value, stderr, text in ANALYTIC_CLAIMS:
        assert text in README
        got, got_se = summary[column]
        assert got == pytest.approx(value, abs=0.005 * max(1, value))
        assert got_se == pytest.approx(stderr, abs=0.005)


@pytest.mark.parametrize("name, transform, attribute, claim, text", CLAIMS)
def test_readme_median_ratio_claims(networks, name, transform, attribute, claim, text):
    assert text in README
    nets = networks(name, transform)
    spread = Spread.of([getattr(r, attribute) / r.true_optimum for r in nets])
    assert spread.median_low <= claim <= spread.median_high
    assert spread.median == pytest.approx(claim, rel=0.02)  # regression pin (seeded networks)


def test_readme_spread_of_the_thesis_ratio_on_pima(networks):
    """'interquartile range 1.7-8.4, mean 6.7 ± 2.0': regression pins at the README's rounding."""
    assert "interquartile range 1.7-8.4, mean\n  6.7 ± 2.0" in README
    nets = networks("pima", "none")
    spread = Spread.of([r.thesis_exact / r.true_optimum for r in nets])
    assert round(spread.q25, 1) == 1.7 and round(spread.q75, 1) == 8.4
    assert round(spread.mean, 1) == 6.7 and round(spread.stderr, 1) == 2.0
