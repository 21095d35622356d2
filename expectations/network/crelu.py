"""CReLU networks (thesis Section 3.3) with the symmetric Hettinger initialization (Section 4.1).

Layer i computes x_i = P_i ReLU(x_{i-1}) - N_i ReLU(-x_{i-1}) + b_i for i = 1..n;
the biases b_i are the bias trick of Section 3.2 in explicit form (``bias=True``;
they start at zero).  Rows of every activation array are samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from expectations import _checks
from expectations.lemmas.hettinger import hettinger_sigmas


@dataclass(frozen=True)
class Gradients:
    """Gradients of the data-set loss L_M in P_i, N_i (and b_i), one array per layer."""

    P: tuple[np.ndarray, ...]
    N: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...] | None


@dataclass(frozen=True)
class CReLUNetwork:
    """A CReLU network: ``P[i-1]``, ``N[i-1]`` are the d_i x d_{i-1} matrices of layer i."""

    P: tuple[np.ndarray, ...]
    N: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...] | None = None

    @classmethod
    def hettinger(cls, widths, rng: np.random.Generator | int | None = None,
                  bias: bool = False) -> CReLUNetwork:
        """Symmetric Hettinger initialization: P_i = N_i with N(0, 1/sqrt(d_{i-1} d_i)) entries."""
        m = _checks.widths("widths", widths)
        rng = np.random.default_rng(rng)
        sig = hettinger_sigmas(m)
        P = tuple(s * rng.standard_normal((m[t + 1], m[t])) for t, s in enumerate(sig))
        b = tuple(np.zeros(d) for d in m[1:]) if bias else None
        return cls(P, P, b)

    @property
    def widths(self) -> tuple[int, ...]:
        """(d_0, d_1, ..., d_n)."""
        return (self.P[0].shape[1],) + tuple(p.shape[0] for p in self.P)

    @property
    def depth(self) -> int:
        """n, the number of layers."""
        return len(self.P)

    def check_inputs(self, inputs: np.ndarray, targets: np.ndarray | None = None) -> None:
        """Clear errors for data that does not fit the network."""
        d0, dn = self.widths[0], self.widths[-1]
        if inputs.ndim != 2 or inputs.shape[1] != d0:
            raise ValueError(f"inputs must have shape (s, d_0) = (s, {d0}), got {inputs.shape}")
        if not np.all(np.isfinite(inputs)):
            raise ValueError("inputs have NaN or infinite entries")
        if targets is not None:
            if targets.shape != (inputs.shape[0], dn):
                raise ValueError(f"targets must have shape (s, d_n) = ({inputs.shape[0]}, {dn}), "
                                 f"got {targets.shape}")
            if not np.all(np.isfinite(targets)):
                raise ValueError("targets have NaN or infinite entries")

    def forward(self, inputs: np.ndarray) -> list[np.ndarray]:
        """Activations x_0, ..., x_n, each (s, d_i)."""
        xs = [inputs]
        for i, (P, N) in enumerate(zip(self.P, self.N)):
            x = xs[-1]
            out = np.maximum(x, 0) @ P.T - np.maximum(-x, 0) @ N.T
            if self.b is not None:
                out = out + self.b[i]
            xs.append(out)
        return xs

    def gradients(self, activations: list[np.ndarray], output_gradients: np.ndarray) -> Gradients:
        """Gradients of L_M = (1/s) sum_k L(x_n^k) by backpropagation (Lemma 3.4).

        ``output_gradients`` holds dL/dx_n per sample, shape (s, d_n).
        """
        s = output_gradients.shape[0]
        delta = output_gradients
        gP, gN, gb = [], [], []
        for i in range(self.depth - 1, -1, -1):
            x = activations[i]
            gP.append(delta.T @ np.maximum(x, 0) / s)
            gN.append(-(delta.T @ np.maximum(-x, 0)) / s)
            gb.append(delta.mean(axis=0))
            delta = (x > 0) * (delta @ self.P[i]) + (x < 0) * (delta @ self.N[i])
        return Gradients(tuple(gP[::-1]), tuple(gN[::-1]), tuple(gb[::-1]) if self.b is not None else None)

    def step(self, learning_rate: float, grads: Gradients) -> CReLUNetwork:
        """The network after one gradient step with rate ``learning_rate`` on every parameter."""
        lam = learning_rate
        P = tuple(p - lam * g for p, g in zip(self.P, grads.P))
        N = tuple(p - lam * g for p, g in zip(self.N, grads.N))
        b = None if self.b is None else tuple(p - lam * g for p, g in zip(self.b, grads.b))
        return CReLUNetwork(P, N, b)
