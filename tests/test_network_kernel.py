"""The network kernel held to the NumPy route, field by field (issue 11).

:func:`expectations.network._kernel.network_fields` computes one symmetric network's fields with
backpropagation and forward mode specialised to P_i = N_i and no bias.  The NumPy route is the
general statement: :class:`OneStepProblem` (L_M'(0), L_M''(0)), :func:`decomposition.lemma_4_16`
(the two sums, as literal sums over their indices) and the theorems with the network's own output
gradients and Hessians.  The networks are drawn in NumPy (``CReLUNetwork.hettinger``) and handed to
the kernel as its flat buffer of matrices.
"""

import numpy as np
import pytest

from expectations.network import _kernel, decomposition
from expectations.network import theorems as th
from expectations.network.crelu import CReLUNetwork
from expectations.network.losses import Loss, MeanSquaredError, SoftmaxCrossEntropy
from expectations.network.one_step import OneStepProblem
from expectations.network.over_initializations import InitializationSample

#: Relative tolerance per field (the two routes sum in different orders; agreement is ~1e-14).
RTOL = 1e-10

#: (widths, s, loss, seed): depths 1 to 4, the three modes of the kernel.
CASES = [([4, 6, 3], 7, "cross-entropy", 1), ([5, 7, 6, 2], 9, "mse", 2), ([3, 5, 5, 5, 1], 6, "mse", 3),
         ([4, 8, 8, 3], 6, "fixed", 4), ([6, 5, 4, 3, 3], 8, "cross-entropy", 5), ([3, 4], 5, "fixed", 6),
         ([5, 16, 2], 10, "mse", 7)]


class FixedDerivatives(Loss):
    """Output gradients and Hessians that do not depend on the network (the thesis's assumption)."""

    name = "fixed"

    def __init__(self, gradients, hessians):
        self.gradients, self.hessians = gradients, hessians

    def value(self, outputs, targets):
        return np.zeros(outputs.shape[0])

    def gradient(self, outputs, targets):
        return self.gradients

    def hessian(self, outputs, targets):
        return self.hessians


def _case(widths, s, loss, seed):
    """The kernel's fields and the NumPy route's, by name, for one random network."""
    rng = np.random.default_rng([1100, seed])
    d0, dn = widths[0], widths[-1]
    x = rng.standard_normal((s, d0))
    net = CReLUNetwork.hettinger(widths, rng)
    fixed_hessians = np.zeros((1, 1, 1))
    if loss == "fixed":
        targets = rng.standard_normal((s, dn))
        a = rng.standard_normal((s, dn, dn))
        fixed_hessians = a @ a.transpose(0, 2, 1) / dn + np.eye(dn)
        route_loss, code = FixedDerivatives(targets, fixed_hessians), _kernel.FIXED
    elif loss == "mse":
        targets = rng.standard_normal((s, dn))
        route_loss, code = loss, _kernel.MSE
    else:
        targets = np.eye(dn)[rng.integers(0, dn, s)]
        route_loss, code = loss, _kernel.CROSS_ENTROPY
    buf = np.concatenate([p.ravel() for p in net.P])
    fields = _kernel.network_fields(buf, np.array(widths), x, targets, code, fixed_hessians,
                                    *th.theorem_terms(widths, x))

    problem = OneStepProblem(net, x, targets, route_loss)
    d = problem.derivatives()
    g = problem.output_gradients
    h = problem.loss.hessian(problem.activations[-1], problem.targets)
    first_sum, second_sum = decomposition.lemma_4_16(decomposition.decompose(net, x, g, h))
    expected = {"first_derivative": d.first, "second_derivative": d.second,
                "theorem_4_13": th.theorem_4_13(widths, x, g),
                "theorem_4_13_exact_first_layer": th.theorem_4_13(widths, x, g, exact_first_layer=True),
                "lemma_4_16_first_sum": first_sum, "lemma_4_16_second_sum": second_sum,
                "theorem_4_24": th.theorem_4_24(widths, x, g, h),
                "theorem_4_24_refined": th.theorem_4_24_refined(widths, x, g, h)}
    return dict(zip(_kernel.NETWORK_COLUMNS, fields)), expected


def _mismatches(kernel: dict, expected: dict) -> list[str]:
    """Fields whose kernel value is not within RTOL of the NumPy route's (an absolute floor of RTOL
    times the case's largest field covers a field that is zero, as Lemma 4.16's first sum at n = 1)."""
    scale = max(abs(v) for v in expected.values())
    return [name for name in expected
            if not abs(kernel[name] - expected[name]) <= RTOL * max(abs(expected[name]), 1e-3 * scale)]


@pytest.fixture(scope="module")
def cases():
    return [_case(*case) for case in CASES]


def test_every_kernel_field_has_a_numpy_counterpart(cases):
    kernel, expected = cases[0]
    assert set(expected) == set(_kernel.NETWORK_COLUMNS) == set(kernel)
    assert InitializationSample.COLUMNS == _kernel.NETWORK_COLUMNS
    assert [_kernel.NETWORK_COLUMNS[c] for c in (_kernel.THEOREM_4_24, _kernel.SECOND_DERIVATIVE)] == [
        "theorem_4_24", "second_derivative"]


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_kernel_fields_equal_the_numpy_route(cases, index):
    kernel, expected = cases[index]
    assert _mismatches(kernel, expected) == [], {n: (kernel[n], expected[n]) for n in expected}


def test_a_field_off_by_one_percent_is_caught(cases):
    """Twin: each field in turn perturbed by 1 % in every case is caught, and only that field."""
    for kernel, expected in cases:
        for name in expected:
            if expected[name] == 0:
                continue  # Lemma 4.16's first sum at depth 1: the other cases perturb it
            assert _mismatches({**kernel, name: 1.01 * kernel[name]}, expected) == [name]


@pytest.mark.parametrize("loss", [MeanSquaredError(), SoftmaxCrossEntropy()])
def test_losses_check_the_shapes_the_kernel_functions_do_not(loss):
    """The njit loss functions index without bounds checks, so losses.py rejects what does not fit."""
    with pytest.raises(ValueError, match="targets must have the outputs' shape"):
        loss.gradient(np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="outputs must be an"):
        loss.hessian(np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(loss.gradient(np.zeros((2, 2), np.float32), np.eye(2, dtype=int)),
                                  loss.gradient(np.zeros((2, 2)), np.eye(2)))
