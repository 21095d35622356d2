"""The learning rate from the architecture and the data alone (expectations.network.analytic).

Statistical tests: fixed seeds, |z| < 5, each with a twin showing that an error of a few
per cent in the closed form would be caught at the same sample size.
"""

import functools
import math

import numpy as np
import pytest

from expectations.montecarlo.estimate import SampleMoments
from expectations.network import analytic, theorems
from expectations.network.over_initializations import sample_initializations

Z = 5.0


def small_problem(s=10, widths=(3, 5, 4, 1), seed=0, offset=0.3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((s, widths[0]))
    y = rng.standard_normal((s, widths[-1])) + offset
    return widths, x, y


def network_output_gradients(widths, x, y, n, seed):
    """g = 2 (x_n - y) / d_n for n honest CReLU networks (P_i = N_i, every entry drawn), batched.

    Written out independently of the package: the CReLU forward pass with both halves.
    """
    rng = np.random.default_rng(seed)
    h = np.broadcast_to(x, (n, *x.shape))
    for a, b in zip(widths[:-1], widths[1:]):
        p = rng.standard_normal((n, b, a)) * (a * b) ** -0.25
        h = np.maximum(h, 0) @ p.transpose(0, 2, 1) - np.maximum(-h, 0) @ p.transpose(0, 2, 1)
    return 2 * (h - y) / widths[-1]


def test_sums_match_the_theorems_at_a_fixed_gram():
    widths, x, y = small_problem(s=9, widths=(3, 6, 5, 4, 2))
    g = np.random.default_rng(3).standard_normal((9, 2))
    hess = np.broadcast_to(np.eye(2), (9, 2, 2))  # MSE: 2 I / d_n with d_n = 2
    sums = analytic._sums(np.array(widths), 9, analytic._Forms.of(x, g), np.eye(2)[None])
    assert sums["thesis_13"][0] == pytest.approx(theorems.theorem_4_13(widths, x, g), rel=1e-12)
    assert sums["thesis_24"][0] == pytest.approx(theorems.theorem_4_24(widths, x, g, hess), rel=1e-12)
    assert sums["refined_13"][0] == pytest.approx(
        theorems.theorem_4_13(widths, x, g, exact_first_layer=True), rel=1e-12)
    refined = theorems.theorem_4_24_refined(widths, x, g, hess)
    assert sums["refined_24"][0] == pytest.approx(refined, rel=1e-12)


def test_angles_kept_is_the_refined_theorem_with_layer_one_by_its_expectation(monkeypatch):
    widths, x, _ = small_problem(s=8, widths=(3, 6, 5, 1))
    g = np.random.default_rng(4).standard_normal((8, 1))
    hess = np.broadcast_to(2 * np.eye(1), (8, 1, 1))
    sums = analytic._sums(np.array(widths), 8, analytic._Forms.of(x, g), np.eye(1)[None])
    monkeypatch.setattr(theorems, "relu_gram", theorems.arccos_gram)
    assert sums["angles_24"][0] == pytest.approx(theorems.theorem_4_24_refined(widths, x, g, hess), rel=1e-12)


@functools.cache
def _gram_statistic_samples() -> np.ndarray:
    """sum_kl G_kl K_kl for 200,000 honest networks (drawn once for the test and its twin)."""
    widths, x, y = small_problem()
    g = network_output_gradients(widths, x, y, 200000, seed=11)
    return np.einsum("nkr,kl,nlr->n", g, theorems.arccos_gram(x), g)


def _gram_statistic_z(scale: float) -> float:
    """z of sum_kl G_kl K_kl over 200,000 networks against the closed form with sqrt(d_n/d_0) x scale."""
    widths, x, y = small_problem()
    values = _gram_statistic_samples()
    kern = theorems.arccos_gram(x)
    d0, dn = widths[0], widths[-1]
    closed = (4 / dn**2) * np.sum(kern * (scale * math.sqrt(dn / d0) * x @ x.T + y @ y.T))
    if scale == 1:
        assert closed == pytest.approx(np.sum(kern * analytic.expected_output_gram(widths, x, y)), rel=1e-12)
    return (values.mean() - closed) / (values.std(ddof=1) / math.sqrt(values.size))


def test_expected_output_gram_against_monte_carlo_over_initializations():
    assert abs(_gram_statistic_z(1.0)) < Z


def test_expected_output_gram_twin_three_percent_off_is_caught():
    assert abs(_gram_statistic_z(1.03)) > Z


def test_expected_output_gram_every_entry():
    widths, x, y = small_problem(s=6)
    g = network_output_gradients(widths, x, y, 20000, seed=12)
    grams = np.einsum("nkr,nlr->nkl", g, g)
    se = grams.std(0, ddof=1) / math.sqrt(20000)
    z = (grams.mean(0) - analytic.expected_output_gram(widths, x, y)) / se
    assert np.max(np.abs(z)) < Z


def test_expected_cancellation_against_monte_carlo():
    widths, x, y = small_problem(s=8, offset=0.3)
    g = network_output_gradients(widths, x, y, 100000, seed=14)
    a = np.linalg.norm(x, axis=1)
    num = np.sum(np.einsum("l,nlr->nr", a, g) ** 2, axis=1)
    den = np.einsum("l,nlr->n", a**2, g**2)
    moments = SampleMoments.from_samples(np.column_stack([num, den]))
    ratio = moments.ratio(0, 1)
    closed = analytic.expected_cancellation(widths, x, y)
    assert abs(ratio.mean - closed) < Z * ratio.stderr
    assert abs(ratio.mean - 1.03 * closed) > Z * ratio.stderr


@pytest.mark.parametrize("widths", [(8, 4, 16, 3), (5, 7, 1)])
def test_end_to_end_matrices_follow_the_law_of_the_product(widths):
    n = 40000
    reduced = analytic.end_to_end_matrices(widths, n, seed=1)
    rng = np.random.default_rng(2)
    direct = np.broadcast_to(np.eye(widths[0]), (n, widths[0], widths[0]))
    for a, b in zip(widths[:-1], widths[1:]):
        direct = rng.standard_normal((n, b, a)) * (a * b) ** -0.25 @ direct
    assert reduced.shape == direct.shape == (n, widths[-1], widths[0])

    def fourth(w):
        return np.sum(w**2, axis=(1, 2)) ** 2

    for stat in (fourth, lambda w: w[:, 0, 0] ** 2 * w[:, -1, 1] ** 2, lambda w: w[:, 0, 0] * w[:, -1, -1]):
        a, b = stat(reduced), stat(direct)
        se = math.hypot(a.std() / math.sqrt(n), b.std() / math.sqrt(n))
        assert abs(a.mean() - b.mean()) < Z * se
    # twin: a Gaussian W with the same covariance has a 4th moment the chain does not
    gauss = rng.standard_normal(direct.shape) * math.sqrt(math.sqrt(widths[-1] / widths[0]) / widths[-1])
    a, b = fourth(gauss), fourth(direct)
    assert abs(a.mean() - b.mean()) > Z * math.hypot(a.std(), b.std()) / math.sqrt(n)


def test_analytic_estimate_equals_the_monte_carlo_ratio_of_expectations():
    # a target offset like Pima's uncentred 0/1 outcome: the W-independent part of G is large,
    # so 12,000 networks resolve a 3 % error
    widths, x, y = small_problem(s=12, widths=(3, 6, 6, 1), offset=2.0)
    exact = analytic.analytic_learning_rate(widths, x, y)
    sample = sample_initializations(widths, x, y, "mse", 12000, seed=5)
    for name, value in (("theorem_4_13", exact.theorem_4_13), ("theorem_4_24", exact.theorem_4_24),
                        ("theorem_4_13_exact_first_layer", exact.theorem_4_13_refined),
                        ("theorem_4_24_refined", exact.theorem_4_24_refined)):
        est = sample.estimate(name)
        assert abs(est.mean - value) < Z * est.stderr, name
        assert abs(est.mean - 1.03 * value) > Z * est.stderr, f"{name}: twin not caught"
    ratio = sample.ratio("theorem_4_13_exact_first_layer", "theorem_4_24_refined")
    assert abs(-ratio.mean - exact.refined) < Z * ratio.stderr
    assert abs(-ratio.mean - 1.03 * exact.refined) > Z * ratio.stderr
    ratio = sample.ratio("theorem_4_13", "theorem_4_24")
    assert abs(-ratio.mean - exact.thesis) < Z * ratio.stderr


def test_expected_refined_estimate_is_the_mean_of_the_per_network_estimates():
    widths, x, y = small_problem(s=12, widths=(3, 6, 6, 1))
    est = analytic.expected_refined_estimate(widths, x, y, n_matrices=20000, seed=3)
    g = network_output_gradients(widths, x, y, 4000, seed=13)
    # each honest network's refined estimate, its gradients on the identity basis (the sums are
    # held to the theorems' functions by test_sums_match_the_theorems_at_a_fixed_gram)
    sums = analytic._sums(np.array(widths), 12, analytic._Forms.of(x, np.eye(12)), g)
    per_network = -sums["refined_13"] / sums["refined_24"]
    se = math.hypot(est.stderr, per_network.std(ddof=1) / math.sqrt(per_network.size))
    assert abs(est.mean - per_network.mean()) < Z * se
    assert abs(1.03 * est.mean - per_network.mean()) > Z * se
    again = analytic.expected_refined_estimate(widths, x, y, n_matrices=20000, seed=3)
    assert again.mean == est.mean  # same seed, same numbers


def test_bad_input():
    widths, x, y = small_problem()
    with pytest.raises(ValueError, match="loss must be 'mse'"):
        analytic.analytic_learning_rate(widths, x, y, loss="cross-entropy")
    with pytest.raises(ValueError, match="inputs must have d_0 = 4 columns"):
        analytic.analytic_learning_rate((4, 5, 1), x, y)
    with pytest.raises(ValueError, match=r"targets must have shape \(s, d_n\)"):
        analytic.analytic_learning_rate((3, 5, 2), x, y)
    with pytest.raises(ValueError, match="n_matrices must be a positive integer"):
        analytic.expected_refined_estimate(widths, x, y, n_matrices=0)


def test_end_to_end_draws_are_kept_for_the_next_data_set_with_the_same_bits():
    """The draws behind expected_refined_estimate do not depend on the data: a second data set with
    the same architecture and seed reuses them, and the first comes back bit for bit afterwards."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 4))
    y = rng.standard_normal((40, 1))
    first = analytic.expected_refined_estimate([4, 8, 1], x, y, n_matrices=3000, seed=5)
    analytic._kept_batches.clear()
    other = analytic.expected_refined_estimate([4, 8, 1], x, y + 1.0, n_matrices=3000, seed=5)
    kept = analytic._kept_batches[((4, 8, 1), 3000, 5, 2000)]
    assert analytic.expected_refined_estimate([4, 8, 1], x, y, n_matrices=3000, seed=5) == first
    assert analytic._kept_batches[((4, 8, 1), 3000, 5, 2000)] is kept and other != first
    assert all(not w.flags.writeable for w in kept)
