"""Heavy-tail summaries (expectations.spread)."""

import math

import numpy as np
import pytest

from expectations.spread import Spread


def test_fields_on_a_small_sample():
    s = Spread.of([3.0, 1.0, 2.0, np.nan, 100.0])
    assert s.n == 4 and s.median == 2.5 and s.mean == pytest.approx(26.5)
    assert (s.q25, s.q75) == (1.75, 27.25)
    assert math.isnan(s.median_low)  # 4 values cannot give a 95 % interval for the median
    assert Spread.of([]).n == 0 and Spread.of([]).text() == "none"
    assert math.isnan(Spread.of([1.0]).stderr)
    assert Spread.of([1.0, 2.0]).as_dict()["median_low"] is None


def test_median_interval_covers_at_its_level():
    # order-statistic interval: coverage >= 95 % for any continuous law (here a heavy-tailed one);
    # over 2,000 samples of 20 the miss rate must stay below 5 % + 5 binomial SE
    rng = np.random.default_rng(0)
    true_median = 1.0  # lognormal(0, 2) has median e^0
    misses = narrower_misses = 0
    for _ in range(2000):
        v = np.sort(rng.lognormal(0, 2, size=20))
        s = Spread.of(v)
        misses += not (s.median_low <= true_median <= s.median_high)
        j = int(np.searchsorted(v, s.median_low))  # twin: one order statistic narrower on each side
        narrower_misses += not (v[j + 1] <= true_median <= v[-j - 2])
    bound = 0.05 + 5 * math.sqrt(0.05 * 0.95 / 2000)
    assert misses / 2000 < bound
    assert narrower_misses / 2000 > bound  # 11.5 % in theory: a too-narrow interval is caught


def test_text_reports_median_and_mean():
    text = Spread.of([1.0, 2.0, 3.0, 4.0, 50.0]).text()
    assert text.startswith("3 [2, 4]; mean 12") and "±" in text


def test_the_binomial_quantile_is_scipy_stats_own():
    """The order-statistic interval's index, computed through scipy.special, equals scipy.stats's
    binom.ppf for every n up to 3000 and the usual confidence levels."""
    from scipy import stats

    from expectations.spread import _binomial_half_ppf

    for alpha in (0.01, 0.05, 0.1, 0.5):
        for n in range(1, 3001):
            assert _binomial_half_ppf(alpha / 2, n) == int(stats.binom.ppf(alpha / 2, n, 0.5)), (alpha, n)
