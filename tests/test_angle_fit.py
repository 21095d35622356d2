"""Maximum-likelihood fit of the dimension n of Lemma 4.3 (thesis Section 4.4, Figure 4.2)."""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pytest

from expectations.lemmas.angle_fit import DimensionFit, PairwiseAngles, fit_dimension, pairwise_angles
from expectations.lemmas.closed_forms import GaussianAngle, angle_between

DIMENSIONS = (2.0, 3.0, 7.5, 14.9, 100.0)
SEEDS = range(12)
M = 10_000  # angles per fit; the Fisher SE is then about n * sqrt(2 / M), i.e. 1.4% of n


def _exact_fits(n):
    return [fit_dimension(GaussianAngle(n).rvs(M, random_state=seed)) for seed in SEEDS]


@pytest.mark.parametrize("n", DIMENSIONS)
def test_mle_recovers_n_from_exact_samples(n):
    fits = _exact_fits(n)
    covered = sum(f.ci[0] <= n <= f.ci[1] for f in fits)
    # 95% intervals: 12 seeds should miss at most a couple (P(>= 3 misses) ~ 2%; seeds are fixed).
    assert covered >= len(fits) - 2, [f.ci for f in fits]
    z = np.array([(f.n - n) / f.stderr for f in fits])
    assert abs(z.mean()) < 3 / np.sqrt(len(z)) * 1.5
    for f in fits:
        assert isinstance(f, DimensionFit)
        assert f.n_angles == M and f.confidence == 0.95
        assert f.ci[0] < f.n < f.ci[1]
        # The LR interval is close to n ± 1.96 SE at this sample size.
        assert f.ci[1] - f.ci[0] == pytest.approx(2 * 1.959964 * f.stderr, rel=0.05)


@pytest.mark.parametrize("n", DIMENSIONS)
def test_wrong_n_is_outside_the_interval_at_the_same_sample_size(n):
    for f in _exact_fits(n):
        assert not f.ci[0] <= 1.1 * n <= f.ci[1]
        assert not f.ci[0] <= n / 1.1 <= f.ci[1]


def test_mle_is_the_maximum_and_ci_is_the_likelihood_ratio_cut():
    theta = GaussianAngle(14.9).rvs(3000, random_state=5)
    f = fit_dimension(theta, confidence=0.9)

    def loglik(n):
        return GaussianAngle(n).logpdf(theta).sum()

    assert f.loglik == pytest.approx(loglik(f.n), rel=1e-10)
    assert loglik(f.n) > loglik(f.n * 1.001) and loglik(f.n) > loglik(f.n / 1.001)
    cut = 2.705543454095404  # chi2(1).ppf(0.9)
    for end in f.ci:
        assert 2 * (f.loglik - loglik(end)) == pytest.approx(cut, rel=1e-6)
    assert fit_dimension(theta, confidence=0.99).ci[0] < f.ci[0]


@pytest.mark.parametrize("n", (5, 30))
def test_mle_recovers_n_from_gaussian_vectors(n):
    independent, all_pairs = [], []
    for seed in SEEDS:
        rng = np.random.default_rng([n, seed])
        # Independent pairs of N(0, I_n) vectors: the setting of Lemma 4.3 verbatim.
        x, y = rng.standard_normal((2, M, n))
        independent.append(fit_dimension(angle_between(x, y)))
        # All pairs of 150 Gaussian rows. Pairs sharing a row have independent angles here (the direction
        # of the shared row is uniform), so the Fisher interval still applies.
        pa = pairwise_angles(rng.standard_normal((150, n)))
        assert pa.angles.size == 150 * 149 // 2
        all_pairs.append(fit_dimension(pa))
    for fits in (independent, all_pairs):
        assert sum(f.ci[0] <= n <= f.ci[1] for f in fits) >= len(fits) - 2, [f.ci for f in fits]
        for f in fits:
            assert not f.ci[0] <= 1.1 * n <= f.ci[1]


def test_row_bootstrap_is_honest_for_dependent_angles():
    # Rows with unequal column scales: a row's angles to the others depend on the row, so pairwise angles
    # are dependent. Over 40 independent data sets the MLE varies by more than the Fisher SE claims; the
    # row bootstrap matches the actual spread.
    scales = np.linspace(0.2, 3.0, 20)
    estimates, fisher, boot = [], [], []
    for seed in range(40):
        x = np.random.default_rng([0, seed]).standard_normal((200, 20)) * scales
        f = fit_dimension(pairwise_angles(x), bootstrap=40 if seed < 6 else None, seed=seed)
        estimates.append(f.n)
        fisher.append(f.stderr)
        if f.bootstrap_stderr is not None:
            boot.append(f.bootstrap_stderr)
            assert f.bootstrap_ci[1] - f.bootstrap_ci[0] > 1.5 * (f.ci[1] - f.ci[0])
    actual = np.std(estimates, ddof=1)
    assert np.mean(fisher) < 0.6 * actual
    assert 0.8 * actual < np.mean(boot) < 1.8 * actual

    # Gaussian rows (Lemma 4.3's setting): the Fisher SE is right and the bootstrap conservative (<~ sqrt 3).
    pa = pairwise_angles(np.random.default_rng(1).standard_normal((200, 20)))
    gauss = fit_dimension(pa, bootstrap=60, seed=2)
    assert gauss.n_bootstrap == 60
    assert gauss.bootstrap_ci[0] <= 20 <= gauss.bootstrap_ci[1]
    assert 1.0 < gauss.bootstrap_stderr / gauss.stderr < 2.5
    # Reproducible with a seed; plain angles plus pairs give the same as the PairwiseAngles.
    assert fit_dimension(pa.angles, bootstrap=60, seed=2, pairs=pa.pairs) == gauss
    assert "bootstrap" in str(gauss)


def test_pairwise_angles_all_pairs_and_subset():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 6))
    pa = pairwise_angles(x)
    assert isinstance(pa, PairwiseAngles)
    assert pa.angles.shape == (780,) and pa.n_possible_pairs == 780 and pa.n_parallel == 0
    i, j = pa.pairs.T
    assert np.all(i < j)
    assert np.allclose(pa.angles, angle_between(x[i], x[j]), atol=1e-12)

    sub = pairwise_angles(x, max_pairs=100, rng=7)
    assert sub.angles.shape == (100,) and sub.n_possible_pairs == 780
    assert len({tuple(p) for p in sub.pairs.tolist()}) == 100 and np.all(sub.pairs[:, 0] < sub.pairs[:, 1])
    assert np.allclose(sub.angles, angle_between(x[sub.pairs[:, 0]], x[sub.pairs[:, 1]]), atol=1e-12)
    assert np.array_equal(pairwise_angles(x, max_pairs=100, rng=7).pairs, sub.pairs)
    assert not np.array_equal(pairwise_angles(x, max_pairs=100, rng=8).pairs, sub.pairs)
    assert pairwise_angles(x, max_pairs=780).angles.size == 780  # not more pairs than max_pairs: all


def test_pairwise_angles_centring_zero_rows_and_duplicates():
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, size=(30, 5))
    assert pairwise_angles(x).angles.max() < np.pi / 2  # the positive orthant
    assert pairwise_angles(x, centre=True).angles.max() > np.pi / 2

    with_zero = np.vstack([x[:3], np.zeros(5), x[3:]])
    with pytest.warns(UserWarning, match="dropped 1 zero row"):
        pa = pairwise_angles(with_zero)
    assert pa.dropped_rows.tolist() == [3] and pa.rows.size == 30 and 3 not in pa.pairs
    assert np.allclose(np.sort(pa.angles), np.sort(pairwise_angles(x).angles))

    dup = np.vstack([x, x[0], -x[1]])
    pa = pairwise_angles(dup)
    assert pa.n_parallel == 2 and pa.angles.size == 32 * 31 // 2
    with pytest.raises(ValueError, match="exactly 0 or pi"):
        fit_dimension(pa)
    kept = pairwise_angles(dup, drop_parallel=True)
    assert kept.n_parallel == 2 and kept.angles.size == pa.angles.size - 2
    fit_dimension(kept, bootstrap=5, seed=0)


@pytest.mark.parametrize(
    ("angles", "match"),
    [
        ([], "empty"),
        ([0.5, np.nan, 1.0], "NaN"),
        ([0.5, 4.0], r"outside \[0, pi\]"),
        ([-0.1, 1.0], r"outside \[0, pi\]"),
        ([0.0, 1.0], "exactly 0 or pi"),
        ([np.pi, 1.0], "exactly 0 or pi"),
        ([np.pi / 2] * 3, "infinite"),
        ([[0.5, 1.0]], "1-dimensional"),
        (1.0, "1-dimensional"),
        (["a"], "numbers"),
    ],
)
def test_fit_dimension_rejects_bad_angles(angles, match):
    with pytest.raises(ValueError, match=match):
        fit_dimension(angles)


def test_fit_dimension_rejects_bad_options():
    theta = GaussianAngle(5).rvs(100, random_state=0)
    for confidence in (0, 1, 1.5, -0.1, True):
        with pytest.raises(ValueError, match="confidence"):
            fit_dimension(theta, confidence=confidence)
    with pytest.raises(ValueError, match="pairs"):
        fit_dimension(theta, bootstrap=10)
    for bootstrap in (0, -1, 2.5):
        with pytest.raises(ValueError, match="bootstrap"):
            fit_dimension(theta, bootstrap=bootstrap, pairs=np.zeros((100, 2), int))
    with pytest.raises(ValueError, match="shape"):
        fit_dimension(theta, bootstrap=10, pairs=np.zeros((99, 2), int))
    with pytest.raises(ValueError, match="distinct"):
        fit_dimension(theta, bootstrap=10, pairs=np.zeros((100, 2), int))


@pytest.mark.parametrize(
    ("inputs", "kwargs", "match"),
    [
        (np.zeros((0, 3)), {}, "at least 2"),
        (np.ones((1, 3)), {}, "at least 2"),
        (np.ones(5), {}, "2-d"),
        (np.array([[1.0, np.nan], [1.0, 2.0]]), {}, "NaN"),
        (np.array([[1.0, np.inf], [1.0, 2.0]]), {}, "NaN or infinite"),
        (np.array([[1.0, 2.0], [0.0, 0.0]]), {}, "non-zero row"),
        (np.array([[1.0, 2.0], [1.0, 2.0]]), {"centre": True}, "non-zero row"),
        (np.ones((3, 2)), {"max_pairs": 0}, "max_pairs"),
        (np.ones((3, 2)), {"max_pairs": 2.5}, "max_pairs"),
        (np.ones((3, 0)), {}, "no columns"),
    ],
)
def test_pairwise_angles_rejects_bad_input(inputs, kwargs, match):
    with pytest.warns(UserWarning, match="zero row") if "non-zero" in match else nullcontext():
        with pytest.raises(ValueError, match=match):
            pairwise_angles(inputs, **kwargs)
