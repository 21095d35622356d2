"""Plain NumPy baselines the benchmarks compare the package against.

Each is a straightforward implementation of the same quantity as the package
routine it is timed against; :mod:`run` checks that they agree before timing.
:func:`variate_draws` is not a baseline but a floor: the random variates a
reduced sampler consumes per sample, drawn by a bare Numba loop.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from expectations.network import theorems as th
from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem


def naive_theorem_4_24(widths, x, g, h) -> float:
    """Theorem 4.24 (corrected reading) as the literal n^2 s^3-term sum.

    For each layer pair (i, j) the sum over (k, l, m) is one vectorised NumPy
    evaluation of sum_klm A_klm B_ij C_ijklm on (s, s, s) arrays, with
    A_klm = |x^k|^2 |x^l| |x^m| / pi^2 and
    C_ijklm = phi_bn dL^l^T H^k dL^m + psi_bn Tr(H^k) dL^l^T dL^m.
    The (i, j)-independent (s, s, s) factors are built once, outside the pair
    loop, which makes this baseline faster (the reported ratios conservative).
    """
    d = np.asarray(widths, dtype=float)
    n, s = d.size - 1, x.shape[0]
    a = np.linalg.norm(x, axis=1)
    big_a = (a**2)[:, None, None] * a[None, :, None] * a[None, None, :] / np.pi**2
    quad = np.einsum("lp,kpq,mq->klm", g, h, g)                      # dL^l^T H^k dL^m
    trace = np.trace(h, axis1=1, axis2=2)[:, None, None] * (g @ g.T)[None, :, :]

    def phi_psi(c, e):
        up, down = np.prod(1 + 2 / d[c:e]), np.prod(1 - 1 / d[c:e])
        return 2 * up / 3 + down / 3, up / 3 - down / 3

    total = 0.0
    for i in range(1, n + 1):
        for j in range(1, n + 1):
            lo, hi = min(i, j), max(i, j)
            phi_ab, psi_ab = phi_psi(lo, hi)
            phi_bn, psi_bn = phi_psi(hi, n)
            c_ij = np.sqrt(d[i - 1] * d[i] * d[j - 1] * d[j]) / (d[0] * d[n])
            big_c = phi_bn * quad + psi_bn * trace
            total += c_ij * (phi_ab - psi_ab) * np.sum(big_a * big_c) / s**3
    return float(total)


def numpy_network_columns(widths, x, y, rng: np.random.Generator) -> np.ndarray:
    """One Hettinger network through the package's NumPy route: (L_M'(0), Theorem 4.13, L_M''(0),
    Theorem 4.24), the last two theorems with the network's own output gradients and MSE Hessians."""
    problem = OneStepProblem(CReLUNetwork.hettinger(widths, rng), x, y, "mse")
    derivs = problem.derivatives()
    g = problem.output_gradients
    h = problem.loss.hessian(problem.activations[-1], problem.targets)
    return np.array([derivs.first, th.theorem_4_13(widths, x, g), derivs.second,
                     th.theorem_4_24(widths, x, g, h)])


def numpy_relu_chain_samples(x, y, widths, n_samples: int, rng: np.random.Generator,
                             batch: int) -> np.ndarray:
    """Samples of sum_k ReLU((B x)_k (B y)_k), B = A_L ... A_1 with standard normal entries,
    drawing ``batch`` chains at a time with ``rng.standard_normal((batch, m_t, m_{t-1}))``."""
    m = [int(w) for w in widths]
    xy = np.stack([x, y], axis=1)                                     # (m_0, 2)
    out = np.empty(n_samples)
    for start in range(0, n_samples, batch):
        b = min(batch, n_samples - start)
        v = rng.standard_normal((b, m[1], m[0])) @ xy                 # (b, m_1, 2)
        for t in range(2, len(m)):
            v = rng.standard_normal((b, m[t], m[t - 1])) @ v
        out[start:start + b] = np.maximum(v[:, :, 0] * v[:, :, 1], 0.0).sum(axis=1)
    return out


@njit(nogil=True)
def variate_draws(gen, n, chi_dofs, n_normals, beta_a):
    """The variates one sample of a reduced sampler consumes, and nothing else: per sample a
    chi-square draw for each entry of ``chi_dofs``, ``n_normals`` standard normals and, if
    ``beta_a > 0``, one Beta(beta_a, beta_a) draw, summed (so that none is optimised away)."""
    out = np.empty((n, 1))
    for s in range(n):
        acc = 0.0
        for dof in chi_dofs:
            acc += gen.chisquare(dof)
        for _ in range(n_normals):
            acc += gen.standard_normal()
        if beta_a > 0:
            acc += gen.beta(beta_a, beta_a)
        out[s, 0] = acc
    return out


@njit(nogil=True)
def small_products(n, k, through_matmul):
    """n products of two k x k matrices, either with ``@`` (which Numba hands to BLAS dgemm, as the
    reduced kernels' ``_wishart`` does) or written out as loops; returns a checksum."""
    a = np.full((k, k), 0.5)
    acc = 0.0
    for i in range(n):
        a[0, 0] = 1.0 / (i + 1.0)
        if through_matmul:
            c = a @ a
        else:
            c = np.zeros((k, k))
            for r in range(k):
                for q in range(k):
                    for j in range(k):
                        c[r, q] += a[r, j] * a[j, q]
        acc += c[k - 1, 0]
    return acc
