"""expectations.network.training.train: a few full-batch steps at a constant rate (Section 5.2)."""

import math

import numpy as np
import pytest

from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem
from expectations.network.training import train


def _data(s=20, d0=4, dn=2, seed=0, classes=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(s, d0))
    y = np.eye(dn)[rng.integers(0, dn, s)] if classes else rng.normal(size=(s, dn))
    return x, y


@pytest.mark.parametrize("loss, classes, bias", [("mse", False, False), ("mse", False, True),
                                                 ("cross-entropy", True, False)])
def test_first_step_is_the_one_step_loss(loss, classes, bias):
    x, y = _data(classes=classes)
    net = CReLUNetwork.hettinger([4, 6, 5, 2], 1, bias=bias)
    problem = OneStepProblem(net, x, y, loss)
    lam = 0.5 * problem.optimal_learning_rate().learning_rate
    losses = train(net, x, y, loss, lam, 3)
    assert losses.shape == (4,)
    assert losses[0] == problem.derivatives().value
    assert losses[1] == problem.loss_at(lam)


def test_later_steps_are_one_step_losses_of_the_stepped_network():
    x, y = _data()
    net = CReLUNetwork.hettinger([4, 8, 2], 2)
    lam = 0.05
    losses = train(net, x, y, "mse", lam, 2)
    once = net.step(lam, OneStepProblem(net, x, y).grads)
    assert losses[2] == OneStepProblem(once, x, y).loss_at(lam)


def test_small_rate_decreases_the_loss():
    x, y = _data()
    net = CReLUNetwork.hettinger([4, 8, 8, 2], 3)
    lam = OneStepProblem(net, x, y).optimal_learning_rate().learning_rate / 4
    losses = train(net, x, y, "mse", lam, 5)
    assert np.all(np.diff(losses) < 0)


def test_zero_rate_keeps_the_loss():
    x, y = _data()
    net = CReLUNetwork.hettinger([4, 8, 2], 4)
    losses = train(net, x, y, "mse", 0.0, 4)
    assert np.all(losses == losses[0])


def test_one_dimensional_targets():
    x, y = _data(dn=1)
    net = CReLUNetwork.hettinger([4, 8, 1], 5)
    np.testing.assert_array_equal(train(net, x, y[:, 0], "mse", 0.1, 2), train(net, x, y, "mse", 0.1, 2))


def test_divergence_gives_non_finite_losses_not_errors():
    x, y = _data()
    net = CReLUNetwork.hettinger([4, 8, 2], 6)
    losses = train(net, x, y, "mse", 1e150, 5)
    assert losses.shape == (6,) and math.isfinite(losses[0]) and not math.isfinite(losses[-1])


@pytest.mark.parametrize("kwargs", [dict(steps=0), dict(steps=-1), dict(steps=1.5), dict(steps=True),
                                    dict(learning_rate=math.nan), dict(learning_rate=math.inf),
                                    dict(learning_rate=-0.1), dict(learning_rate="0.1")])
def test_bad_input_raises(kwargs):
    x, y = _data()
    net = CReLUNetwork.hettinger([4, 8, 2], 7)
    args = dict(learning_rate=0.1, steps=3) | kwargs
    with pytest.raises(ValueError):
        train(net, x, y, "mse", **args)


def test_bad_data_raises():
    x, y = _data()
    net = CReLUNetwork.hettinger([4, 8, 2], 8)
    with pytest.raises(ValueError):
        train(net, x[:, :3], y, "mse", 0.1, 2)
    with pytest.raises(ValueError):
        train(net, x, y, "no-such-loss", 0.1, 2)
