import math

import numpy as np
import pytest

from expectations.montecarlo.estimate import Estimate, SampleMoments, delta_ratio


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


def test_delta_ratio_of_independent_estimates_matches_the_spread_over_replicates():
    """The one delta method for independent estimates (cov = 0) against 400 replicates, with a twin."""
    rng = np.random.default_rng(8)
    ratios, ses = [], []
    for _ in range(400):
        a, b = rng.normal(3.0, 2.0, 500), rng.normal(5.0, 6.0, 700)  # independent samples
        est_a = SampleMoments.from_samples(a).estimate()
        est_b = SampleMoments.from_samples(b).estimate()
        r, se = delta_ratio(est_a.mean, est_b.mean, est_a.stderr**2, est_b.stderr**2)
        ratios.append(r)
        ses.append(se)
    assert np.std(ratios, ddof=1) == pytest.approx(np.mean(ses), rel=0.15)
    # twin: leaving out the denominator's error (b taken as exact) would be caught: 45 % too small
    exact_b = 2.0 / np.sqrt(500) / 5.0
    assert abs(np.std(ratios, ddof=1) / exact_b - 1) > 0.3


def test_delta_ratio_forms_agree_and_keep_the_callers_arithmetic():
    """An exact numerator (var_a None) takes |a| sd_b / b^2 in that order (Estimate.relative_error's
    pinned bits); otherwise SampleMoments.ratio's (Var a + r^2 Var b - 2 r Cov) / (b^2 n)."""
    r, se = delta_ratio(-2.0, 4.0, None, 0.09)
    assert (r, se) == (-0.5, 2.0 * 0.3 / 16.0)
    assert delta_ratio(-2.0, 4.0, 0.0, 0.09)[1] == pytest.approx(se, rel=1e-15)  # the general form
    est = Estimate(4.0, 0.3, 10)
    assert est.relative_error(-2.0) == (-1.5, se)
    values = np.random.default_rng(2).normal(size=(50, 2)) + [1.0, 3.0]
    moments = SampleMoments.from_samples(values)
    c = moments.covariance
    expected = math.sqrt((c[0, 0] + (moments.mean[0] / moments.mean[1]) ** 2 * c[1, 1]
                          - 2 * moments.mean[0] / moments.mean[1] * c[0, 1]) / (moments.mean[1] ** 2 * 50))
    assert moments.ratio(0, 1).stderr == pytest.approx(expected, rel=1e-14)
