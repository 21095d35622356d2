"""The blog posts' alpha_* against the package's exact one-step derivatives, and the
appendix's Gauss-Newton reduction, with finite differences as the arbiter.

Conventions (see tests/blog_oracle.py): the blog's network applies sigma after
the affine map, output included, and its loss is (1/2M) sum ||y_hat - y||^2.
* A CReLU network is the blog network with input CReLU(x_0), W_l = [P_l, -N_l],
  CReLU activations on hidden layers and an identity output (``crelu_as_blog``);
  the thesis's MSE is (2/d_n) times the blog's loss, so alpha_*(MSE) = (d_n/2) alpha_*(blog).
* A one-layer blog network sigma(W x + b) is a one-layer CReLU network with P = W,
  provided x >= 0 (then ReLU(x) = x and ReLU(-x) = 0, so N neither acts nor gets a
  gradient), with the output activation and the blog's 1/2 folded into the
  per-sample loss ``HalfSquaredActivated``.
* A plain multi-layer ReLU network is NOT a CReLU network with N_i = 0 for one-step
  purposes: the step gives N_i the gradient -delta_i^T ReLU(-x_{i-1}) / s != 0.  Those
  networks are checked against finite differences of an independent forward pass.

Finite differences: 5-point central stencils in lambda with h = 1e-3 times the Newton
step (truncation O(h^4), rounding ~1e-10 relative); tolerance 1e-6 relative.  Each
test asserts that no activation changes sign inside the stencil, so the derivatives
being compared are those of one smooth piece.
"""

import blog_oracle as blog
import numpy as np
import pytest

from expectations.network.crelu import CReLUNetwork, Gradients
from expectations.network.losses import Loss
from expectations.network.one_step import OneStepProblem

EXACT = 1e-10  # two exact formulas for the same number
FD = 1e-6  # exact formula against finite differences
FD_STEP = 1e-3  # stencil step, relative to the Newton step


class HalfSquaredActivated(Loss):
    """Per-sample ||sigma(x_n) - y||^2 / 2, sigma = leaky ReLU: the blog's loss with its output activation.

    Piecewise quadratic, so away from the kinks its Hessian is diag(sigma'(x_n)^2) exactly.
    """

    name = "blog-half-squares"

    def __init__(self, slope: float):
        self.slope = slope

    def value(self, outputs, targets):
        a, _ = blog.leaky_relu(outputs, self.slope)
        return 0.5 * np.sum((a - targets) ** 2, axis=-1)

    def gradient(self, outputs, targets):
        a, d = blog.leaky_relu(outputs, self.slope)
        return d * (a - targets)

    def hessian(self, outputs, targets):
        _, d = blog.leaky_relu(outputs, self.slope)
        return (d * d)[:, :, None] * np.eye(outputs.shape[1])


def derivatives_by_fd(f, h):
    """f'(0), f''(0) by 5-point central differences."""
    fm2, fm1, f0, f1, f2 = (f(k * h) for k in (-2, -1, 0, 1, 2))
    first = (fm2 - 8 * fm1 + 8 * f1 - f2) / (12 * h)
    second = (-fm2 + 16 * fm1 - 30 * f0 + 16 * f1 - f2) / (12 * h * h)
    return first, second


def random_crelu(widths, rng, bias=True, symmetric=False, scale=0.6):
    shapes = [(widths[i + 1], widths[i]) for i in range(len(widths) - 1)]
    P = tuple(scale * rng.standard_normal(s) for s in shapes)
    N = P if symmetric else tuple(scale * rng.standard_normal(s) for s in shapes)
    b = tuple(0.3 * rng.standard_normal(s[0]) for s in shapes) if bias else None
    return CReLUNetwork(P, N, b)


def sign_patterns(net, inputs):
    return [np.sign(x) for x in net.forward(inputs)[:-1]]


def assert_pattern_fixed(net, grads, inputs, h):
    """No unit of any layer input changes sign for lambda in [-2h, 2h]."""
    base = sign_patterns(net, inputs)
    for lam in (-2 * h, 2 * h):
        for p, q in zip(base, sign_patterns(net.step(lam, grads), inputs)):
            np.testing.assert_array_equal(p, q)


def assert_mixed(z):
    """The activation pattern is non-trivial (both signs occur), so the masks matter."""
    assert np.any(z > 0) and np.any(z < 0)


# --- Part 1: one layer ---------------------------------------------------------------------------


@pytest.mark.parametrize("slope", [0.0, 0.25, 1.0])
@pytest.mark.parametrize("bias", [True, False])
def test_single_layer_closed_form_is_the_newton_step(slope, bias):
    rng = np.random.default_rng(11)
    net = random_crelu((4, 3), rng, bias=bias)
    X = np.abs(rng.standard_normal((7, 4)))  # x >= 0: the CReLU layer is W x + b with W = P
    Y = rng.standard_normal((7, 3))
    W, b = net.P[0], None if net.b is None else net.b[0]
    assert_mixed(X @ W.T + (0 if b is None else b))
    alpha = blog.single_layer_alpha(W, b, X, Y, slope)

    problem = OneStepProblem(net, X, Y, HalfSquaredActivated(slope))
    assert np.all(problem.grads.N[0] == 0)
    assert alpha == pytest.approx(problem.derivatives().newton_learning_rate, rel=EXACT)
    assert alpha == pytest.approx(blog.multi_layer_alpha([W], None if b is None else [b], X, Y, [slope]),
                                  rel=EXACT)  # Part 2's own L = 1 sanity check

    # Part 1 proves script-L is exactly quadratic along the step: alpha_* is the exact minimiser.
    h = FD_STEP * alpha
    assert_pattern_fixed(net, problem.grads, X, h)
    first, second = derivatives_by_fd(problem.loss_at, h)
    assert -first / second == pytest.approx(alpha, rel=FD)


def test_single_layer_identity_output_with_mse_scaling():
    """sigma = identity, thesis MSE: alpha_*(MSE) = (d_n / 2) alpha_*(blog)."""
    rng = np.random.default_rng(12)
    net = random_crelu((5, 4), rng)
    X = np.abs(rng.standard_normal((6, 5)))
    Y = rng.standard_normal((6, 4))
    alpha_blog = blog.single_layer_alpha(net.P[0], net.b[0], X, Y, slope=1.0)
    newton = OneStepProblem(net, X, Y, "mse").derivatives().newton_learning_rate
    assert blog.mse_learning_rate(alpha_blog, 4) == pytest.approx(newton, rel=EXACT)
    assert alpha_blog != pytest.approx(newton, rel=0.1)  # the factor d_n / 2 = 2 is really there


@pytest.mark.parametrize("slope", [0.0, 0.3])
def test_single_layer_sgd_special_case(slope):
    rng = np.random.default_rng(13)
    W, b = rng.standard_normal((6, 3)), rng.standard_normal(6)
    x, y = rng.standard_normal(3), rng.standard_normal(6)
    assert_mixed(W @ x + b)
    general = blog.single_layer_alpha(W, b, x[None], y[None], slope)
    assert blog.single_layer_sgd_alpha(W, b, x, y, slope) == pytest.approx(general, rel=EXACT)
    if slope == 0.0:
        assert general == pytest.approx(1 / (1 + x @ x), rel=EXACT)  # ReLU: 1 / (1 + x^t x)


# --- Part 2: L layers ----------------------------------------------------------------------------


@pytest.mark.parametrize("widths, bias, symmetric", [
    ((3, 5, 4, 2), True, False),  # CReLU with P != N and biases
    ((4, 6, 3), False, False),
    ((3, 4, 4, 4, 3), True, False),
    ((5, 5, 2), False, True),  # the thesis's symmetric start P = N, no bias
])
def test_multi_layer_formula_matches_exact_one_step_derivatives(widths, bias, symmetric):
    rng = np.random.default_rng(sum(widths) + 100 * bias)
    net = random_crelu(widths, rng, bias=bias, symmetric=symmetric)
    X = rng.standard_normal((6, widths[0]))  # any sign: the mapping feeds CReLU(x_0) to the blog net
    Y = rng.standard_normal((6, widths[-1]))
    for x in net.forward(X)[1:-1]:
        assert_mixed(x)

    weights, biases, blog_inputs, activations = blog.crelu_as_blog(net, X)
    terms = blog.multi_layer_terms(weights, biases, blog_inputs, Y, activations)
    problem = OneStepProblem(net, X, Y, "mse")
    d = problem.derivatives()
    c = 2.0 / widths[-1]  # L_M = c * script-L; L_M(lam) = c script-L(c lam)
    assert terms.numerator * c**2 == pytest.approx(-d.first, rel=EXACT)
    assert terms.numerator * c**2 == pytest.approx(problem.gradient_norm_sq(), rel=EXACT)
    assert terms.denominator * c**3 == pytest.approx(d.second, rel=EXACT)
    assert blog.mse_learning_rate(terms.alpha, widths[-1]) == pytest.approx(d.newton_learning_rate, rel=EXACT)

    h = FD_STEP * d.newton_learning_rate
    assert_pattern_fixed(net, problem.grads, X, h)
    first, second = derivatives_by_fd(problem.loss_at, h)
    assert first == pytest.approx(d.first, rel=FD)
    assert second == pytest.approx(d.second, rel=FD)


def test_plain_relu_is_not_crelu_with_zero_n():
    """Same forward pass, different one-step problem: the step moves N_i off zero."""
    rng = np.random.default_rng(21)
    relu_net = random_crelu((3, 5, 2), rng)
    net = CReLUNetwork(relu_net.P, tuple(np.zeros_like(p) for p in relu_net.P), relu_net.b)
    X = np.abs(rng.standard_normal((6, 3)))
    Y = rng.standard_normal((6, 2))
    weights, biases = list(net.P), list(net.b)
    blog_output = np.maximum(X @ weights[0].T + biases[0], 0) @ weights[1].T + biases[1]
    np.testing.assert_allclose(net.forward(X)[-1], blog_output, rtol=1e-13)
    problem = OneStepProblem(net, X, Y, "mse")
    assert np.abs(problem.grads.N[1]).max() > 1e-3
    relu_alpha = blog.mse_learning_rate(blog.multi_layer_alpha(weights, biases, X, Y, ["relu", 1.0]), 2)
    assert relu_alpha != pytest.approx(problem.derivatives().newton_learning_rate, rel=1e-3)


# Independent blog-convention network for elementwise (leaky) ReLU layers: forward pass, loss and a
# finite-difference gradient, so the multi-layer formula is checked without any package code.

def _unpack(theta, shapes):
    out, at = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(theta[at:at + size].reshape(shape))
        at += size
    return out


def _blog_pre_activations(params, X, slopes):
    a, zs = X, []
    for (W, b), c in zip(zip(params[::2], params[1::2]), slopes):
        z = a @ W.T + b
        zs.append(z)
        a = np.where(z > 0, z, c * z)
    return a, zs


@pytest.mark.parametrize("widths, slopes", [
    ((3, 5, 4, 2), [0.0, 0.0, 1.0]),  # ReLU hidden layers, linear read-out
    ((3, 4, 3), [0.1, 0.2]),  # leaky ReLU everywhere, output included
    ((2, 4, 4, 3, 2), [0.0, 0.5, 0.0, 0.0]),  # ReLU on the output too
])
def test_multi_layer_formula_against_finite_differences(widths, slopes):
    rng = np.random.default_rng(31 + len(widths))
    shapes = []
    for i in range(len(widths) - 1):
        shapes += [(widths[i + 1], widths[i]), (widths[i + 1],)]
    theta = np.concatenate([0.7 * rng.standard_normal(int(np.prod(s))) for s in shapes])
    X = rng.standard_normal((5, widths[0]))
    Y = rng.standard_normal((5, widths[-1]))

    def loss(t):
        out, _ = _blog_pre_activations(_unpack(t, shapes), X, slopes)
        return 0.5 * np.mean(np.sum((out - Y) ** 2, axis=1))

    eps = 1e-6
    grad = np.array([(loss(theta + eps * u) - loss(theta - eps * u)) / (2 * eps) for u in np.eye(theta.size)])

    params = _unpack(theta, shapes)
    _, zs = _blog_pre_activations(params, X, slopes)
    for z, c in zip(zs, slopes):
        if c != 1.0:
            assert_mixed(z)
    terms = blog.multi_layer_terms(params[::2], params[1::2], X, Y, slopes)
    assert terms.numerator == pytest.approx(grad @ grad, rel=FD)

    h = FD_STEP * terms.alpha
    for k in (-2, 2):
        _, zk = _blog_pre_activations(_unpack(theta - k * h * grad, shapes), X, slopes)
        for z0, z1 in zip(zs, zk):
            np.testing.assert_array_equal(np.sign(z0), np.sign(z1))
    first, second = derivatives_by_fd(lambda lam: loss(theta - lam * grad), h)
    assert first == pytest.approx(-terms.numerator, rel=FD)
    assert second == pytest.approx(terms.denominator, rel=FD)
    assert abs(terms.residual) > 1e-3 * terms.denominator  # the cross-layer term is really exercised


# --- Appendix: the Gauss-Newton reduction ------------------------------------------------------


def appendix_gauss_newton(problem, layers):
    """The appendix's Claims 4-5 for the step direction restricted to ``layers`` (1-based):

    v = D_{x_k} x_n . (D_{theta_k} x_k . g_k) summed over the layers, then mean_i v_i^T H_i v_i with
    H_i the per-sample loss Hessian in the output.  Built from explicit per-sample Jacobian matrices
    (D_{x_{m-1}} x_m = P_m diag[x_{m-1} > 0] + N_m diag[x_{m-1} < 0]), not by forward mode.
    """
    net, xs, g = problem.network, problem.activations, problem.grads
    s, n = problem.n_samples, net.depth
    jac = {n: np.broadcast_to(np.eye(xs[n].shape[1]), (s, xs[n].shape[1], xs[n].shape[1]))}
    for m in range(n, 0, -1):
        x = xs[m - 1]
        local = net.P[m - 1][None] * (x > 0)[:, None, :] + net.N[m - 1][None] * (x < 0)[:, None, :]
        jac[m - 1] = jac[m] @ local
    v = np.zeros_like(xs[n])
    for k in layers:
        x = xs[k - 1]
        dx_k = np.maximum(x, 0) @ g.P[k - 1].T - np.maximum(-x, 0) @ g.N[k - 1].T
        if g.b is not None:
            dx_k = dx_k + g.b[k - 1]
        v += np.einsum("iab,ib->ia", jac[k], dx_k)
    H = problem.loss.hessian(xs[n], problem.targets)
    return float(np.mean(np.einsum("ia,iab,ib->i", v, H, v)))


def restricted(grads, k):
    """The gradient with every layer but layer k (1-based) set to zero."""
    def keep(arrays):
        return tuple(a if i == k - 1 else np.zeros_like(a) for i, a in enumerate(arrays))
    return Gradients(keep(grads.P), keep(grads.N), None if grads.b is None else keep(grads.b))


@pytest.mark.parametrize("loss", ["mse", "cross-entropy"])
def test_appendix_reduction_is_exact_for_one_layer(loss):
    rng = np.random.default_rng(41)
    net = random_crelu((4, 3), rng)
    X = rng.standard_normal((8, 4))
    Y = rng.standard_normal((8, 3)) if loss == "mse" else np.eye(3)[rng.integers(0, 3, 8)]
    problem = OneStepProblem(net, X, Y, loss)
    d = problem.derivatives()
    gn = appendix_gauss_newton(problem, [1])
    assert gn == pytest.approx(d.second, rel=EXACT)
    h = FD_STEP * d.newton_learning_rate
    assert_pattern_fixed(net, problem.grads, X, h)
    assert derivatives_by_fd(problem.loss_at, h)[1] == pytest.approx(gn, rel=FD)


def test_appendix_reduction_is_exact_per_layer_but_not_across_layers():
    """Per layer (the appendix's D^2_{w^(k)} L) the term H_2 vanishes identically for piecewise-linear
    activations.  Along the full gradient the cross-layer second derivatives of x_n do not vanish:
    L_M''(0) = Gauss-Newton + the blog's "lambda > l" residual."""
    rng = np.random.default_rng(42)
    widths = (3, 5, 4, 2)
    net = random_crelu(widths, rng)
    X = rng.standard_normal((7, 3))
    Y = rng.standard_normal((7, 2))
    problem = OneStepProblem(net, X, Y, "mse")
    d = problem.derivatives()
    h = FD_STEP * d.newton_learning_rate

    for k in range(1, net.depth + 1):
        gk = restricted(problem.grads, k)
        assert_pattern_fixed(net, gk, X, h)

        def loss_k(lam, gk=gk):
            return float(problem.loss.value(net.step(lam, gk).forward(X)[-1], Y).mean())

        assert derivatives_by_fd(loss_k, h)[1] == pytest.approx(appendix_gauss_newton(problem, [k]), rel=FD)

    gn = appendix_gauss_newton(problem, range(1, net.depth + 1))
    weights, biases, blog_inputs, activations = blog.crelu_as_blog(net, X)
    terms = blog.multi_layer_terms(weights, biases, blog_inputs, Y, activations)
    c = 2.0 / widths[-1]
    assert gn == pytest.approx(terms.gauss_newton * c**3, rel=EXACT)
    # The Gauss-Newton form alone misses L_M''(0) by ~0.6% here, 4 orders above the FD tolerance.
    assert abs(d.second - gn) > 1e-3 * d.second
    assert d.second - gn == pytest.approx(terms.residual * c**3, rel=1e-8)
    assert_pattern_fixed(net, problem.grads, X, h)
    assert derivatives_by_fd(problem.loss_at, h)[1] == pytest.approx(d.second, rel=FD)
