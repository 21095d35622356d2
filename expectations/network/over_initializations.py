"""Monte Carlo over symmetric Hettinger initializations, data held fixed.

Each sample is one network (P_i = N_i, entries N(0, 1/sqrt(d_{i-1} d_i))).  For
every network the kernel computes the exact L_M'(0) and L_M''(0), the two sums
of Lemma 4.16, and the right-hand sides of Theorems 4.13 and 4.24 evaluated
with that network's output gradients and Hessians.  Means over networks, with
standard errors and covariances, answer "does the theorem hold in
expectation?" and give the estimated optimal learning rate
-E[L_M'(0)] / E[L_M''(0)] with a delta-method standard error.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from expectations import _checks
from expectations.montecarlo.estimate import Estimate, SampleMoments
from expectations.montecarlo.sampling import Tolerance, run_chunked, run_to_tolerance
from expectations.network import _kernel
from expectations.network._kernel import NETWORK_COLUMNS, network_derivatives
from expectations.network.losses import Loss, MeanSquaredError, SoftmaxCrossEntropy, get_loss
from expectations.network.theorems import theorem_terms

#: Networks per chunk (fixed, so results do not depend on the thread count).
NETWORKS_PER_CHUNK = 4


@dataclass(frozen=True)
class InitializationSample:
    """Moments over initializations of the columns in :data:`COLUMNS`."""

    moments: SampleMoments
    seed: int
    target_met: bool | None = None

    COLUMNS = NETWORK_COLUMNS

    def _index(self, name: str) -> int:
        try:
            return self.COLUMNS.index(name)
        except ValueError:
            raise ValueError(f"unknown column {name!r}; columns: {self.COLUMNS}") from None

    def estimate(self, name: str) -> Estimate:
        """Mean over networks of one column, with its standard error."""
        return self.moments.estimate(self._index(name), self.seed)

    def ratio(self, numerator: str, denominator: str) -> Estimate:
        """E[numerator] / E[denominator] with a delta-method standard error."""
        return self.moments.ratio(self._index(numerator), self._index(denominator), self.seed)

    def optimal_learning_rate(self) -> Estimate:
        """-E[L_M'(0)] / E[L_M''(0)], the learning rate the thesis's expectations aim at."""
        r = self.ratio("first_derivative", "second_derivative")
        return Estimate(-r.mean, r.stderr, r.n_samples, r.seed)


def _loss_code(loss: Loss) -> int:
    if isinstance(loss, MeanSquaredError):
        return _kernel.MSE
    if isinstance(loss, SoftmaxCrossEntropy):
        return _kernel.CROSS_ENTROPY
    raise ValueError(f"Monte Carlo over initializations supports mse and cross-entropy, not {loss.name}")


def sample_initializations(widths, inputs, targets=None, loss: str | Loss = "mse", n_networks: int = 200,
                           seed: int = 0, executor: Executor | None = None, output_gradients=None,
                           hessians=None, tolerance: Tolerance | None = None) -> InitializationSample:
    """Draw ``n_networks`` Hettinger networks and return the moments of every column.

    Either ``targets`` and ``loss`` (the output gradients and Hessians are each
    network's own), or ``output_gradients`` (s, d_n) and ``hessians`` (s, d_n, d_n)
    held fixed: the thesis's assumption that they are independent of the weights.
    With a ``tolerance`` (on a column index of :data:`COLUMNS`), ``n_networks`` is the budget.
    """
    d = _checks.widths("widths", widths)
    x = _checks.finite_array("inputs", inputs, ndim=2)
    s = x.shape[0]
    if x.shape[1] != d[0]:
        raise ValueError(f"inputs have {x.shape[1]} columns but widths start with d_0 = {d[0]}")
    if s < 2:
        raise ValueError("the data set has one sample; need at least 2")
    if output_gradients is not None:
        if targets is not None or hessians is None:
            raise ValueError("give either targets (with a loss) or output_gradients with hessians")
        y = _checks.finite_array("output_gradients", output_gradients, ndim=2)
        fixed = _checks.finite_array("hessians", hessians, ndim=3)
        if fixed.shape != (s, d[-1], d[-1]):
            raise ValueError(f"hessians must have shape (s, d_n, d_n) = ({s}, {d[-1]}, {d[-1]}), "
                             f"got {fixed.shape}")
        code, name = _kernel.FIXED, "output_gradients"
    else:
        if targets is None:
            raise ValueError("targets are required unless output_gradients and hessians are given")
        y = _checks.finite_array("targets", targets)
        y = y[:, None] if y.ndim == 1 else y
        code, name = _loss_code(get_loss(loss)), "targets"
        fixed = np.zeros((1, 1, 1))
    if y.shape != (s, d[-1]):
        raise ValueError(f"{name} must have shape (s, d_n) = ({s}, {d[-1]}), got {y.shape}")
    args = (d, np.ascontiguousarray(x), np.ascontiguousarray(y), code, np.ascontiguousarray(fixed),
            *theorem_terms(d, x))
    if tolerance is None:
        moments = run_chunked(network_derivatives, args, n_networks, seed, executor,
                              chunk_size=NETWORKS_PER_CHUNK)
        return InitializationSample(moments, seed)
    moments, met = run_to_tolerance(network_derivatives, args, n_networks, seed, tolerance, executor,
                                    chunk_size=NETWORKS_PER_CHUNK)
    return InitializationSample(moments, seed, met)
