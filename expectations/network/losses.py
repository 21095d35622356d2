"""Per-sample losses with their gradient and Hessian in the network output.

Rows are samples: ``outputs`` and ``targets`` are (s, d_n) arrays.  The thesis
(Section 4.2) averages per-sample losses over the data set; the one-step
derivatives need each sample's gradient and Hessian in the output.  The
gradients and Hessians are the network kernel's (:mod:`expectations.network._kernel`),
which the Monte Carlo over initializations applies to every network.
"""

from __future__ import annotations

import numpy as np

from expectations.network import _kernel


def _rows(outputs, targets=None):
    """Contiguous float (s, d_n) arrays for the kernel's loss functions, which do not check bounds."""
    outputs = np.ascontiguousarray(outputs, dtype=float)
    if outputs.ndim != 2:
        raise ValueError(f"outputs must be an (s, d_n) array, got shape {outputs.shape}")
    if targets is None:
        return outputs
    targets = np.ascontiguousarray(targets, dtype=float)
    if targets.shape != outputs.shape:
        raise ValueError(f"targets must have the outputs' shape {outputs.shape}, got {targets.shape}")
    return outputs, targets


class Loss:
    """Interface: ``value``, ``gradient`` and (if it has one) ``hessian`` per sample."""

    name = "loss"
    has_hessian = True

    def value(self, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Per-sample loss, shape (s,)."""
        raise NotImplementedError

    def gradient(self, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Per-sample gradient in the output, shape (s, d_n)."""
        raise NotImplementedError

    def hessian(self, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Per-sample Hessian in the output, shape (s, d_n, d_n)."""
        raise NotImplementedError(f"the {self.name} loss has no Hessian, so L_M''(0) is not available")


class MeanSquaredError(Loss):
    """L(x_n, y) = ||x_n - y||^2 / d_n: the thesis's MSE, with the constant 1/d_n (no 1/2).

    Gradient 2 (x_n - y) / d_n; Hessian 2 I / d_n.
    """

    name = "mse"

    def value(self, outputs, targets):
        return np.sum((outputs - targets) ** 2, axis=-1) / outputs.shape[-1]

    def gradient(self, outputs, targets):
        return _kernel.mse_gradient(*_rows(outputs, targets))

    def hessian(self, outputs, targets):
        return _kernel.mse_hessian(_rows(outputs))


class SoftmaxCrossEntropy(Loss):
    """L(x_n, y) = -sum_c y_c log softmax(x_n)_c, for targets y that are (soft) one-hot rows.

    Gradient t p - y and Hessian t (diag p - p p^T), with p = softmax(x_n), t = sum_c y_c.
    """

    name = "cross-entropy"

    @staticmethod
    def _log_softmax(outputs):
        shifted = outputs - outputs.max(axis=-1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))

    def value(self, outputs, targets):
        return -np.sum(targets * self._log_softmax(outputs), axis=-1)

    def gradient(self, outputs, targets):
        return _kernel.cross_entropy_gradient(*_rows(outputs, targets))

    def hessian(self, outputs, targets):
        return _kernel.cross_entropy_hessian(*_rows(outputs, targets))


LOSSES = {"mse": MeanSquaredError, "cross-entropy": SoftmaxCrossEntropy}


def get_loss(name: str | Loss) -> Loss:
    """A loss object from its name ("mse" or "cross-entropy") or the object itself."""
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]()
    except KeyError:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {name!r}") from None
