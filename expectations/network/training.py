"""A few full-batch gradient steps at a constant learning rate (thesis Section 5.2).

Section 5.2 ("More steps") trains each architecture for the first 5 steps with
a constant learning rate -- the optimal rate of the first step, and that rate
multiplied or divided by powers of two -- and compares the loss curves
(Figure 5.2).  :func:`train` produces one such curve.
"""

from __future__ import annotations

import math

import numpy as np

from expectations import _checks
from expectations.network.crelu import CReLUNetwork
from expectations.network.losses import Loss, get_loss


def train(network: CReLUNetwork, inputs, targets, loss: str | Loss, learning_rate: float,
          steps: int = 5) -> np.ndarray:
    """The data-set loss before and after each of ``steps`` full-batch gradient steps (Section 5.2).

    Every step is the network's own :meth:`~expectations.network.crelu.CReLUNetwork.gradients`
    of L_M = (1/s) sum_k L(x_n^k) followed by
    :meth:`~expectations.network.crelu.CReLUNetwork.step` with the same constant
    ``learning_rate`` on every parameter, so entry 1 equals
    ``OneStepProblem(network, inputs, targets, loss).loss_at(learning_rate)``.

    Parameters
    ----------
    network : CReLUNetwork
        The initial network (not modified).
    inputs : (s, d_0) array;  targets : (s, d_n) array (or (s,) when d_n = 1)
    loss : "mse", "cross-entropy" or a :class:`~expectations.network.losses.Loss`
    learning_rate : float
        A finite constant rate >= 0 (0 keeps the network, so the loss, unchanged).
    steps : int
        Number of steps, at least 1.

    Returns
    -------
    numpy.ndarray
        ``steps + 1`` losses: entry 0 is the initial loss L_M, entry t the loss after t steps.
        Entries are ``inf`` or ``nan`` once training diverges numerically.
    """
    steps = _checks.positive_int("steps", steps)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.number)) \
            or not math.isfinite(learning_rate) or learning_rate < 0:
        raise ValueError(f"learning_rate must be a finite number >= 0, got {learning_rate!r}")
    learning_rate = float(learning_rate)
    inputs = np.asarray(inputs, dtype=float)
    targets = np.asarray(targets, dtype=float)
    if targets.ndim == 1:
        targets = targets[:, None]
    network.check_inputs(inputs, targets)
    loss = get_loss(loss)

    losses = np.empty(steps + 1)
    net = network
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            activations = net.forward(inputs)
            outputs = activations[-1]
            losses[t] = float(loss.value(outputs, targets).mean())
            if t == steps:
                break
            if not math.isfinite(losses[t]):
                losses[t + 1:] = losses[t]
                break
            grads = net.gradients(activations, loss.gradient(outputs, targets))
            net = net.step(learning_rate, grads)
    return losses
