"""The network kernel (Numba): Monte Carlo over symmetric Hettinger initializations."""

from __future__ import annotations

import numpy as np
from numba import njit

_JIT = dict(cache=True, nogil=True)


@njit(**_JIT)
def _dot(a, b):
    """a . b in a fixed summation order (no BLAS, whose threading could reorder sums)."""
    acc = 0.0
    for k in range(a.size):
        acc += a[k] * b[k]
    return acc


@njit(**_JIT)
def _matvec(M, vec):
    """M @ vec in a fixed summation order."""
    out = np.empty(M.shape[0])
    for r in range(M.shape[0]):
        out[r] = _dot(M[r], vec)
    return out


@njit(**_JIT)
def _chain_offsets(dims):
    n_layers = dims.size - 1
    offsets = np.zeros(n_layers + 1, np.int64)
    for t in range(n_layers):
        offsets[t + 1] = offsets[t] + dims[t + 1] * dims[t]
    return offsets


@njit(**_JIT)
def _fill_chain(gen, sigmas, offsets, buf):
    """Draw every entry of every matrix: A_t entries ~ N(0, sigmas[t-1]^2)."""
    _fill_layers(gen, sigmas, offsets, buf, 1, offsets.size - 1)


@njit(**_JIT)
def _fill_layers(gen, sigmas, offsets, buf, first, last):
    """Draw every entry of A_first, ..., A_last (the other layers are left as they are)."""
    for t in range(first - 1, last):
        s = sigmas[t]
        for e in range(offsets[t], offsets[t + 1]):
            buf[e] = s * gen.standard_normal()


# ------------------------------------------------------------------ networks
# Monte Carlo over symmetric Hettinger initializations (P_i = N_i, no bias):
# one sample is one network; the data set is fixed.  The matrix products go
# through BLAS (np.dot): every network is computed by one thread, and the chunk
# pools run BLAS on one thread (sampling._run_chunks), so the bits do not depend
# on the pool's size.

#: Columns of :func:`network_derivatives`.
NETWORK_COLUMNS = ("first_derivative", "theorem_4_13", "theorem_4_13_exact_first_layer",
                   "second_derivative", "lemma_4_16_first_sum", "lemma_4_16_second_sum",
                   "theorem_4_24", "theorem_4_24_refined")


@njit(**_JIT)
def _masked_gradient_apply(gp, gn, x, vectors):
    """Per sample k: G_P (pos_k * v_k) + G_N (neg_k * v_k), pos/neg the signs of x_k."""
    return np.dot(vectors * (x > 0), gp.T) + np.dot(vectors * (x < 0), gn.T)


@njit(**_JIT)
def _output_loss_derivatives(out, targets, loss_code, fixed_hessians):
    """Per-sample gradient and Hessian of MSE (code 0, ||x - y||^2 / d), softmax cross-entropy
    (1), or fixed ones that do not depend on the network (2: ``targets`` holds the gradients)."""
    if loss_code == 2:
        return targets.copy(), fixed_hessians.copy()
    s, d = out.shape
    grad = np.zeros((s, d))
    hess = np.zeros((s, d, d))
    for k in range(s):
        if loss_code == 0:
            for p in range(d):
                grad[k, p] = 2.0 * (out[k, p] - targets[k, p]) / d
                hess[k, p, p] = 2.0 / d
        else:
            top = out[k].max()
            prob = np.exp(out[k] - top)
            prob /= prob.sum()
            t = targets[k].sum()
            for p in range(d):
                grad[k, p] = t * prob[p] - targets[k, p]
                for q in range(d):
                    hess[k, p, q] = t * ((prob[p] if p == q else 0.0) - prob[p] * prob[q])
    return grad, hess


@njit(**_JIT)
def network_derivatives(gen, n, dims, inputs, targets, loss_code, fixed_hessians, arccos_gram, relu_gram,
                        c_sum, c_first, phi_sum, psi_sum, refined):
    """Per Hettinger network: L_M'(0), Theorem 4.13 (as printed and with the exact layer-1
    alpha), L_M''(0), the two sums of Lemma 4.16, Theorem 4.24 (corrected reading) and its
    refined form (``refined``: the six coefficients of theorems.refined_coefficients), each
    with the network's own output gradients and Hessians; see NETWORK_COLUMNS."""
    n_layers = dims.size - 1
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    sigmas = np.empty(n_layers)
    for t in range(n_layers):
        sigmas[t] = (dims[t] * dims[t + 1]) ** -0.25
    s = inputs.shape[0]
    norms = np.sqrt((inputs * inputs).sum(axis=1))
    out = np.empty((n, 8))
    for sample in range(n):
        _fill_chain(gen, sigmas, offsets, buf)
        matrices = [buf[offsets[t - 1]:offsets[t]].reshape(dims[t], dims[t - 1])
                    for t in range(1, n_layers + 1)]
        acts = [inputs.copy()]
        for t in range(1, n_layers + 1):
            acts.append(np.dot(acts[t - 1], matrices[t - 1].T))
        grad, hess = _output_loss_derivatives(acts[n_layers], targets, loss_code, fixed_hessians)
        # backpropagation: parameter gradients of L_M for P_t and N_t
        gps = []  # stored from the last layer down: gps[n_layers - t] belongs to layer t
        gns = []
        delta = grad
        for t in range(n_layers, 0, -1):
            x = acts[t - 1]
            gps.append(np.dot(delta.T, np.maximum(x, 0.0)) * (1.0 / s))
            gns.append(np.dot(delta.T, np.maximum(-x, 0.0)) * (-1.0 / s))
            delta = np.dot(delta, matrices[t - 1]) * (x != 0)
        # forward mode in lambda
        dx = np.zeros_like(inputs)
        ddx = np.zeros_like(inputs)
        for t in range(1, n_layers + 1):
            x = acts[t - 1]
            wdx = np.dot(dx * (x != 0), matrices[t - 1].T)
            wddx = np.dot(ddx * (x != 0), matrices[t - 1].T)
            gp, gn = gps[n_layers - t], gns[n_layers - t]
            gx = _masked_gradient_apply(gp, gn, x, x)
            gdx = _masked_gradient_apply(gp, gn, x, dx)
            dx = wdx - gx
            ddx = wddx - 2.0 * gdx
        first = 0.0
        first_sum = 0.0
        second_sum = 0.0
        for k in range(s):
            first += _dot(grad[k], dx[k])
            first_sum += _dot(grad[k], ddx[k])
            second_sum += _dot(dx[k], _matvec(hess[k], dx[k]))
        # Theorem 4.13 with this network's output gradients
        gram = np.dot(grad, grad.T)
        gram_k = (gram * arccos_gram).sum()
        gram_a = (gram * relu_gram).sum()
        # Theorem 4.24, factorised: u = sum_l |x^l| dL^l
        u = np.zeros(grad.shape[1])
        for k in range(s):
            u += norms[k] * grad[k]
        quad = 0.0
        trace = 0.0
        for k in range(s):
            quad += norms[k] ** 2 * _dot(u, _matvec(hess[k], u))
            tr = 0.0
            for p in range(grad.shape[1]):
                tr += hess[k, p, p]
            trace += norms[k] ** 2 * tr
        out[sample, 0] = first / s
        out[sample, 1] = -c_sum * gram_k / s**2
        out[sample, 2] = -((c_sum - c_first) * gram_k + c_first * gram_a) / s**2
        out[sample, 3] = (first_sum + second_sum) / s
        out[sample, 4] = first_sum / s
        out[sample, 5] = second_sum / s
        out[sample, 6] = (phi_sum * quad + psi_sum * trace * _dot(u, u)) / (np.pi**2 * s**3)
        out[sample, 7] = _refined_theorem_4_24(grad, hess, arccos_gram, relu_gram, refined) / s**3
    return out


@njit(**_JIT)
def _refined_theorem_4_24(grad, hess, arccos_gram, relu_gram, coef):
    """s^3 times theorems.theorem_4_24_refined, from v = K dL and r = R dL."""
    s, d = grad.shape
    v = np.dot(arccos_gram, grad)
    r = np.dot(relu_gram, grad)
    total = 0.0
    for k in range(s):
        tr = 0.0
        for p in range(d):
            tr += hess[k, p, p]
        hv = _matvec(hess[k], v[k])
        hr = _matvec(hess[k], r[k])
        total += coef[0] * _dot(v[k], hv) + coef[1] * _dot(r[k], hv) + coef[2] * _dot(r[k], hr)
        total += tr * (coef[3] * _dot(v[k], v[k]) + coef[4] * _dot(r[k], v[k]) + coef[5] * _dot(r[k], r[k]))
    return total
