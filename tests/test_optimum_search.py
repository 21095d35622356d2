"""The true optimal learning rate's search (OneStepProblem.optimal_learning_rate) at its default
coarse grid finds the optimum of the former 256-point grid, network by network, on the data sets
of the figures (targets raw, centred and shifted as validation/thesis_error_by_data.py does)."""

import numpy as np
import pytest

from expectations.data import load_dataset
from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem

#: Relative agreement of two searches for the same minimum: L_M is flat to rounding within
#: about sqrt(machine epsilon) of its minimiser, so the last digits are not defined.
RTOL = 1e-7


def _problems(n_networks=18, rows=192, seed=5):
    rng = np.random.default_rng(seed)
    sets = [load_dataset("pima"), load_dataset("pima", target_transform="center"), load_dataset("synthetic")]
    problems = []
    for k in range(n_networks):
        data = sets[k % len(sets)]
        keep = np.sort(rng.choice(data.inputs.shape[0], rows, replace=False))
        x, y = data.inputs[keep], data.targets[keep]
        if k % 4 == 3:  # the dose response's targets: centred, then shifted by c standard deviations
            y = y - y.mean() + rng.uniform(0, 1) * y.std()
        widths = [x.shape[1]] + [int(rng.choice([4, 8, 16, 32]))] * int(rng.integers(1, 4)) + [1]
        problems.append(OneStepProblem(CReLUNetwork.hettinger(widths, rng), x, y))
    return problems


@pytest.fixture(scope="module")
def problems():
    return _problems()


def _disagreements(problems, **coarse) -> list[float]:
    out = []
    for p in problems:
        fine, fast = p.optimal_learning_rate(n_grid=256), p.optimal_learning_rate(**coarse)
        out.append(abs(fast.learning_rate - fine.learning_rate) / fine.learning_rate)
    return out


def test_default_search_finds_the_256_point_grids_optimum(problems):
    rel = _disagreements(problems)
    assert max(rel) < RTOL, rel


def test_twin_a_search_that_stops_early_is_caught(problems):
    """Twin: Brent stopped at 1e-5 lambda_max instead of 1e-10 lands visibly off the optimum."""
    rel = _disagreements(problems, xtol=1e-5)
    assert max(rel) > 10 * RTOL, rel


def test_default_search_evaluates_the_loss_far_fewer_times(problems):
    def evaluations(p, **kwargs):
        calls = []
        original = p.loss_at
        p.loss_at = lambda lam: calls.append(lam) or original(lam)
        try:
            p.optimal_learning_rate(**kwargs)
        finally:
            del p.loss_at
        return len(calls)

    fine = sum(evaluations(p, n_grid=256) for p in problems[:6])
    fast = sum(evaluations(p) for p in problems[:6])
    assert fast * 4 < fine


def test_grid_size_is_checked():
    p = _problems(1)[0]
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="n_grid"):
            p.optimal_learning_rate(n_grid=bad)
