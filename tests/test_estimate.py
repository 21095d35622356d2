import math

import numpy as np
import pytest

from expectations.montecarlo.estimate import Estimate, SampleMoments


def test_merged_chunks_equal_one_batch():
    values = np.random.default_rng(1).normal(size=(1000, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0], [0, 0, 2]])
    whole = SampleMoments.from_samples(values)
    merged = SampleMoments.from_samples(values[:137])
    for lo, hi in [(137, 500), (500, 501), (501, 1000)]:
        merged = merged.merge(SampleMoments.from_samples(values[lo:hi]))
    assert merged.count == 1000
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-13)
    np.testing.assert_allclose(merged.comoment, whole.comoment, rtol=1e-12)
    np.testing.assert_allclose(merged.covariance, np.cov(values.T), rtol=1e-12)


def test_estimate_stderr_is_sample_sd_over_root_n():
    values = np.array([1.0, 2.0, 4.0, 7.0])
    est = SampleMoments.from_samples(values).estimate(seed=3)
    assert est.mean == pytest.approx(3.5)
    assert est.stderr == pytest.approx(np.std(values, ddof=1) / 2)
    assert (est.n_samples, est.seed) == (4, 3)


def test_z_and_relative_error():
    est = Estimate(10.0, 0.5, 100)
    assert est.z(9.0) == pytest.approx(2.0)
    rel, se = est.relative_error(11.0)
    assert rel == pytest.approx(0.1)
    assert se == pytest.approx(11.0 * 0.5 / 100)
    assert Estimate(1.0, 0.0, 5).z(1.0) == 0.0
    assert math.isinf(Estimate(1.0, 0.0, 5).z(2.0))
    assert all(math.isnan(v) for v in Estimate(0.0, 1.0, 5).relative_error(1.0))
    assert str(est) == "10 ± 0.5"


def test_ratio_stderr_matches_the_spread_of_ratios_over_replicates():
    """The delta-method SE of mean(a)/mean(b), a and b correlated, against 400 replicates."""
    rng = np.random.default_rng(7)
    cov = [[1.0, 0.6], [0.6, 2.0]]
    ratios, ses = [], []
    for _ in range(400):
        values = rng.multivariate_normal([3.0, 5.0], cov, size=500)
        r = SampleMoments.from_samples(values).ratio(0, 1)
        ratios.append(r.mean)
        ses.append(r.stderr)
    # the SE of a sample SD over 400 replicates is about 3.5 %; allow 15 %
    assert np.std(ratios, ddof=1) == pytest.approx(np.mean(ses), rel=0.15)
    # and ignoring the correlation would be caught: it changes the SE by 30 %
    naive = np.sqrt(1.0 / 25 + (0.6**2) * 2.0 / 25) / np.sqrt(500)
    assert abs(np.mean(ses) / naive - 1) > 0.2


def test_ratio_with_zero_denominator():
    with pytest.raises(ZeroDivisionError):
        SampleMoments.from_samples(np.array([[1.0, 0.0], [2.0, 0.0]])).ratio(0, 1)
