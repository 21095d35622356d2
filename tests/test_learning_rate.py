"""The network, its exact one-step derivatives, the true optimum, the thesis's
decompositions (Lemmas 4.6, 4.16) and Theorems 4.13/4.24 (exact and subsampled)."""

import itertools

import numpy as np
import pytest

from expectations.montecarlo.sampling import chunk_generators
from expectations.network import _kernel as _kernels
from expectations.network import decomposition as dc
from expectations.network import theorems as th
from expectations.network.crelu import CReLUNetwork
from expectations.network.losses import Loss, MeanSquaredError, SoftmaxCrossEntropy
from expectations.network.one_step import Derivatives, OneStepProblem
from expectations.network.over_initializations import sample_initializations


def _data(s=12, d0=5, dn=3, seed=0, classes=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(s, d0))
    y = np.eye(dn)[rng.integers(0, dn, s)] if classes else rng.normal(size=(s, dn))
    return x, y


def _asymmetric(widths, seed, bias=False):
    rng = np.random.default_rng(seed)
    net = CReLUNetwork.hettinger(widths, rng, bias=bias)
    N = tuple(p + 0.3 * rng.normal(size=p.shape) for p in net.N)
    b = None if not bias else tuple(0.2 * rng.normal(size=v.shape) for v in net.b)
    return CReLUNetwork(net.P, N, b)


PROBLEMS = [
    ("symmetric mse", lambda: OneStepProblem(CReLUNetwork.hettinger([5, 7, 6, 3], 1), *_data())),
    ("asymmetric mse with bias", lambda: OneStepProblem(_asymmetric([5, 7, 6, 3], 2, True), *_data())),
    ("asymmetric cross-entropy", lambda: OneStepProblem(_asymmetric([5, 8, 3], 3),
                                                        *_data(classes=True), "cross-entropy")),
]


@pytest.mark.parametrize("name, make", PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_derivatives_match_finite_differences(name, make):
    problem = make()
    d = problem.derivatives()
    h = 1e-4 * d.newton_learning_rate
    f = problem.loss_at
    assert d.value == pytest.approx(f(0.0), rel=1e-14)
    assert d.first == pytest.approx((f(h) - f(-h)) / (2 * h), rel=1e-6)
    assert d.second == pytest.approx((f(h) - 2 * f(0) + f(-h)) / h**2, rel=1e-4)


@pytest.mark.parametrize("name, make", PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_first_derivative_is_minus_the_squared_gradient(name, make):
    """Independent route: along -grad, L_M'(0) = -||grad L_M||^2."""
    problem = make()
    assert problem.derivatives().first == pytest.approx(-problem.gradient_norm_sq(), rel=1e-12)


def test_true_optimum_beats_a_grid_400_times_finer():
    for _, make in PROBLEMS:
        problem = make()
        opt = problem.optimal_learning_rate()
        assert not opt.at_boundary
        grid = np.linspace(0, opt.lambda_max, 25_601)
        best = min(problem.loss_at(lam) for lam in grid[::4])  # 6,401 points: 400 times the default grid
        assert opt.loss <= best + 1e-12 * abs(best)
        assert opt.loss < problem.loss_at(0.0)


def test_optimum_at_the_end_of_a_given_range_is_reported():
    problem = PROBLEMS[0][1]()
    newton = problem.derivatives().newton_learning_rate
    opt = problem.optimal_learning_rate(lambda_max=0.01 * newton)
    assert opt.at_boundary
    assert opt.learning_rate == pytest.approx(0.01 * newton, rel=1e-6)


def test_no_newton_estimate_without_positive_curvature():
    with pytest.raises(ValueError, match="no Newton estimate"):
        _ = Derivatives(1.0, -2.0, 0.0).newton_learning_rate
    with pytest.raises(ValueError, match="no Newton estimate"):
        _ = Derivatives(1.0, -2.0, -3.0).newton_learning_rate


def test_bad_input_to_the_one_step_problem():
    net = CReLUNetwork.hettinger([5, 4, 3], 0)
    x, y = _data()
    with pytest.raises(ValueError, match=r"inputs must have shape \(s, d_0\) = \(s, 5\)"):
        OneStepProblem(net, x[:, :4], y)
    with pytest.raises(ValueError, match="targets must have shape"):
        OneStepProblem(net, x, y[:, :2])
    bad = x.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="inputs have NaN"):
        OneStepProblem(net, bad, y)
    with pytest.raises(ValueError, match="one sample"):
        OneStepProblem(net, x[:1], y[:1])
    with pytest.raises(ValueError, match="loss must be one of"):
        OneStepProblem(net, x, y, "hinge")

    class NoHessian(Loss):
        name = "no-hessian"
        value = MeanSquaredError.value
        gradient = MeanSquaredError.gradient

    problem = OneStepProblem(net, x, y, NoHessian())
    with pytest.raises(NotImplementedError, match="has no Hessian"):
        problem.derivatives()


def test_losses_gradients_and_hessians_by_finite_differences():
    rng = np.random.default_rng(4)
    out, y = rng.normal(size=(3, 4)), np.eye(4)[[0, 2, 3]]
    for loss in (MeanSquaredError(), SoftmaxCrossEntropy()):
        h = 1e-6
        num = np.stack([(loss.value(out + h * e, y) - loss.value(out - h * e, y)) / (2 * h)
                        for e in np.eye(4)], axis=1)
        np.testing.assert_allclose(loss.gradient(out, y), num, rtol=1e-6, atol=1e-9)
        num_h = np.stack([(loss.gradient(out + h * e, y) - loss.gradient(out - h * e, y)) / (2 * h)
                          for e in np.eye(4)], axis=2)
        np.testing.assert_allclose(loss.hessian(out, y), num_h, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss", ["mse", "cross-entropy"])
def test_lemma_4_6_and_4_16_are_identities(loss):
    x, y = _data(s=7, d0=4, dn=3, classes=loss != "mse")
    for seed in range(3):
        net = CReLUNetwork.hettinger([4, 5, 6, 3], seed)
        problem = OneStepProblem(net, x, y, loss)
        d = problem.derivatives()
        hess = problem.loss.hessian(problem.activations[-1], problem.targets)
        dec = dc.decompose(net, x, problem.output_gradients, hess)
        assert dc.lemma_4_6(dec) == pytest.approx(d.first, rel=1e-10)
        first, second = dc.lemma_4_16(dec)
        assert first + second == pytest.approx(d.second, rel=1e-10)
        # the printed reading alpha_jkl of the first sum is not an identity
        printed, _ = dc.lemma_4_16(dec, printed_reading=True)
        assert abs(printed - first) > 1e-3 * abs(d.second)


def test_decomposition_requires_the_symmetric_initialization():
    x, y = _data(s=4, d0=5)
    net = _asymmetric([5, 4, 3], 0)
    with pytest.raises(ValueError, match="P_i = N_i"):
        dc.decompose(net, x, y, np.zeros((4, 3, 3)))


def _naive_theorem_4_24(widths, x, g, h, printed=False):
    d = np.array(widths, float)
    n, s = len(widths) - 1, x.shape[0]
    a = np.linalg.norm(x, axis=1)

    def phi_psi(c, e):
        up, down = np.prod(1 + 2 / d[c:e]), np.prod(1 - 1 / d[c:e])
        return 2 * up / 3 + down / 3, up / 3 - down / 3

    total = 0.0
    for i, j in itertools.product(range(1, n + 1), repeat=2):
        lo, hi = min(i, j), max(i, j)
        b_ij = phi_psi(lo, hi)[0] - phi_psi(lo, hi)[1]
        phi, psi = phi_psi(hi, n)
        c_ij = np.sqrt(d[i - 1] * d[i] * d[j - 1] * d[j]) / (d[0] * d[n])
        for k, l, m in itertools.product(range(s), repeat=3):
            big_a = a[k] ** 2 * a[l] * a[m] / np.pi**2
            if printed:
                c = phi * g[l] @ h[k] @ g[k] + psi * np.trace(h[l]) * g[l] @ g[m]
            else:
                c = phi * g[l] @ h[k] @ g[m] + psi * np.trace(h[k]) * g[l] @ g[m]
            total += c_ij * big_a * b_ij * c / s**3
    return total


def test_refined_theorem_4_24_equals_its_literal_sum():
    """A_klm replaced by K^(i)_kl K^(j)_km (K^(1) the exact layer-1 alpha, else the arc-cosine form)."""
    x, _ = _data(s=5, d0=3)
    rng = np.random.default_rng(2)
    g = rng.normal(size=(5, 3))
    h = SoftmaxCrossEntropy().hessian(rng.normal(size=(5, 3)), np.eye(3)[[0, 1, 2, 0, 1]])
    widths = [3, 4, 5, 3]
    phi_t, psi_t = th._pair_tables(widths)
    big_k, big_r = th.arccos_gram(x), th.relu_gram(x)
    total = 0.0
    for i, j in itertools.product(range(3), repeat=2):
        ki, kj = (big_r if i == 0 else big_k), (big_r if j == 0 else big_k)
        for k, l, m in itertools.product(range(5), repeat=3):
            c = phi_t[i, j] * g[l] @ h[k] @ g[m] + psi_t[i, j] * np.trace(h[k]) * g[l] @ g[m]
            total += ki[k, l] * kj[k, m] * c / 125
    assert th.theorem_4_24_refined(widths, x, g, h) == pytest.approx(total, rel=1e-12)


def test_refined_theorem_4_24_is_exact_for_one_layer():
    """n = 1: alpha_1 is not random and L_M''(0) is the second sum of Lemma 4.16 alone, which
    the refined form reproduces; the printed theorem does not."""
    x, y = _data(s=10, d0=4, dn=3, classes=True)
    problem = OneStepProblem(CReLUNetwork.hettinger([4, 3], 0), x, y, "cross-entropy")
    hess = problem.loss.hessian(problem.activations[-1], problem.targets)
    refined = th.theorem_4_24_refined([4, 3], x, problem.output_gradients, hess)
    assert refined == pytest.approx(problem.derivatives().second, rel=1e-10)
    assert abs(th.theorem_4_24([4, 3], x, problem.output_gradients, hess) / refined - 1) > 0.1


def test_theorems_factorised_equal_their_literal_sums():
    x, _ = _data(s=5, d0=3)
    rng = np.random.default_rng(9)
    g = rng.normal(size=(5, 3))
    h = SoftmaxCrossEntropy().hessian(rng.normal(size=(5, 3)), np.eye(3)[[0, 1, 2, 0, 1]])
    widths = [3, 4, 5, 3]
    for printed in (False, True):
        assert th.theorem_4_24(widths, x, g, h, printed_reading=printed) == pytest.approx(
            _naive_theorem_4_24(widths, x, g, h, printed), rel=1e-12)
    c = np.sqrt(np.array([3 * 4, 4 * 5, 5 * 3]) / (3 * 3))
    naive = 0.0
    for k, l in itertools.product(range(5), repeat=2):
        cos = x[k] @ x[l] / (np.linalg.norm(x[k]) * np.linalg.norm(x[l]))
        t = np.arccos(np.clip(cos, -1, 1))
        naive += (g[l] @ g[k]) * np.linalg.norm(x[k]) * np.linalg.norm(x[l]) * (
            (np.pi - t) * np.cos(t) + np.sin(t)) / np.pi
    assert th.theorem_4_13(widths, x, g) == pytest.approx(-c.sum() * naive / 25, rel=1e-10)


def test_subsampled_sums_agree_with_the_exact_ones_and_see_a_3_percent_error():
    x, _ = _data(s=10, d0=4)
    rng = np.random.default_rng(3)
    g = rng.normal(size=(10, 2)) + 1.0  # a common component keeps the sums away from zero
    h = np.broadcast_to(np.eye(2), (10, 2, 2))
    widths = [4, 8, 8, 2]
    for exact, est in [
        (th.theorem_4_13(widths, x, g), th.theorem_4_13_subsampled(widths, x, g, 2_000_000, seed=1)),
        (th.theorem_4_24(widths, x, g, h), th.theorem_4_24_subsampled(widths, x, g, h, 2_000_000, seed=1)),
    ]:
        assert abs(est.z(exact)) < 5
        assert abs(est.z(1.03 * exact)) > 5


def test_network_kernel_matches_the_numpy_route():
    """The Numba kernel's first network is the Hettinger network drawn from the same stream."""
    x, y = _data(s=9, d0=5, dn=2)
    widths = np.array([5, 6, 4, 2])
    for loss, code in (("mse", 0), ("cross-entropy", 1)):
        targets = y if loss == "mse" else np.eye(2)[[0, 1, 1, 0, 1, 0, 0, 1, 1]]
        c = th.layer_coefficients_4_13(widths)
        phi, psi = th.theorem_4_24_coefficients(widths)
        out = _kernels.network_derivatives(chunk_generators(5, 1)[0], 1, widths, x, targets, code,
                                           np.zeros((1, 1, 1)), th.arccos_gram(x), th.relu_gram(x),
                                           c.sum(), c[0], phi, psi,
                                           np.array(th.refined_coefficients(widths)))[0]
        gen = chunk_generators(5, 1)[0]
        sig = (widths[1:] * widths[:-1]) ** -0.25
        P = tuple(sig[t] * np.array([gen.standard_normal() for _ in range(widths[t + 1] * widths[t])])
                  .reshape(widths[t + 1], widths[t]) for t in range(3))
        problem = OneStepProblem(CReLUNetwork(P, P), x, targets, loss)
        d = problem.derivatives()
        hess = problem.loss.hessian(problem.activations[-1], problem.targets)
        g = problem.output_gradients
        dx, ddx = problem.output_derivatives()
        expected = [d.first, th.theorem_4_13(widths, x, g), th.theorem_4_13(widths, x, g, True), d.second,
                    np.mean(np.sum(g * ddx, 1)), d.second - np.mean(np.sum(g * ddx, 1)),
                    th.theorem_4_24(widths, x, g, hess), th.theorem_4_24_refined(widths, x, g, hess)]
        np.testing.assert_allclose(out, expected, rtol=1e-10)


def test_optimal_learning_rate_over_initializations_has_a_delta_method_error():
    x, y = _data(s=16, d0=4, dn=1)
    sample = sample_initializations([4, 8, 1], x, y, "mse", n_networks=64, seed=2)
    lr = sample.optimal_learning_rate()
    first, second = sample.estimate("first_derivative"), sample.estimate("second_derivative")
    assert lr.mean == pytest.approx(-first.mean / second.mean)
    assert 0 < lr.stderr < lr.mean
    with pytest.raises(ValueError, match="unknown column"):
        sample.estimate("third_derivative")


def test_network_kernel_at_width_1024_matches_the_numpy_route():
    """Scale: widths up to 1024 without materialising any n^2 s^3 object."""
    x, y = _data(s=16, d0=4, dn=1)
    widths = np.array([4, 1024, 1024, 1])
    sample = sample_initializations(widths, x, y, "mse", n_networks=1, seed=9)
    gen = chunk_generators(9, 1)[0]
    sig = (widths[1:] * widths[:-1]) ** -0.25
    P = tuple(sig[t] * gen.standard_normal(widths[t + 1] * widths[t]).reshape(widths[t + 1], widths[t])
              for t in range(3))
    d = OneStepProblem(CReLUNetwork(P, P), x, y).derivatives()
    np.testing.assert_allclose(sample.moments.mean[[0, 3]], [d.first, d.second], rtol=1e-9)


def test_report_progress_covers_the_monte_carlo_phase_and_changes_no_number():
    from expectations.network.learning_rate import learning_rate_report, report_dict

    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((16, 3)), rng.standard_normal(16)
    messages = []
    with_progress = learning_rate_report([3, 4, 1], x, y, n_networks=2, n_monte_carlo=12, seed=1,
                                         progress=messages.append)
    quiet = learning_rate_report([3, 4, 1], x, y, n_networks=2, n_monte_carlo=12, seed=1)
    assert messages[:2] == ["network 1/2 done", "network 2/2 done"]
    assert messages[2:] == [f"Monte Carlo over 12 initializations: {k}/3 chunks done" for k in (1, 2, 3)]
    assert report_dict(with_progress) == report_dict(quiet)
