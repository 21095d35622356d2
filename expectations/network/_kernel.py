"""The network kernel (Numba): Monte Carlo over symmetric Hettinger initializations.

One sample is one network; the data set is fixed.  :func:`network_derivatives`
draws the networks and :func:`network_fields` computes one network's fields,
named by the column constants below (``NETWORK_COLUMNS`` lists them in order).

The pieces that must be fast per network are written here once, and the NumPy
route calls them:

* the per-sample output gradients and Hessians of the MSE and softmax
  cross-entropy losses (:mod:`~expectations.network.losses` calls ``mse_*`` and
  ``cross_entropy_*``);
* Theorem 4.13 in both forms, the factorised Theorem 4.24 (corrected reading)
  and its refined form (:mod:`~expectations.network.theorems` calls
  :func:`theorem_4_13`, :func:`theorem_4_24` and :func:`theorem_4_24_refined`).

Backpropagation and the forward-mode derivatives in :func:`network_fields` are
:meth:`CReLUNetwork.gradients <expectations.network.crelu.CReLUNetwork.gradients>`
and :meth:`OneStepProblem.output_derivatives
<expectations.network.one_step.OneStepProblem.output_derivatives>` specialised to
the symmetric initialization (P_i = N_i, no bias), which the NumPy route handles
in general; tests/test_network_kernel.py holds every field to the NumPy route
on random networks.

The small helpers ``_dot``, ``_matvec``, ``_chain_offsets``, ``_fill_chain`` and
``_fill_layers`` are copied from :mod:`expectations.lemmas._kernels` on purpose:
Numba's on-disk cache does not invalidate a caller when a helper in another
module changes, so a kernel and its helpers live in one module.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_JIT = dict(cache=True, nogil=True)


# A justified copy of lemmas/_kernels.py's helpers (Numba's cache rule; see the module docstring).
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


# ------------------------------------------------------------------ fields
#: The fields of one network, in the order of the kernel's output columns.
NETWORK_COLUMNS = ("first_derivative", "theorem_4_13", "theorem_4_13_exact_first_layer",
                   "second_derivative", "lemma_4_16_first_sum", "lemma_4_16_second_sum",
                   "theorem_4_24", "theorem_4_24_refined")
# Column of each field (Numba compiles module-level ints as constants).
FIRST_DERIVATIVE = NETWORK_COLUMNS.index("first_derivative")
THEOREM_4_13 = NETWORK_COLUMNS.index("theorem_4_13")
THEOREM_4_13_EXACT_FIRST_LAYER = NETWORK_COLUMNS.index("theorem_4_13_exact_first_layer")
SECOND_DERIVATIVE = NETWORK_COLUMNS.index("second_derivative")
LEMMA_4_16_FIRST_SUM = NETWORK_COLUMNS.index("lemma_4_16_first_sum")
LEMMA_4_16_SECOND_SUM = NETWORK_COLUMNS.index("lemma_4_16_second_sum")
THEOREM_4_24 = NETWORK_COLUMNS.index("theorem_4_24")
THEOREM_4_24_REFINED = NETWORK_COLUMNS.index("theorem_4_24_refined")
N_FIELDS = len(NETWORK_COLUMNS)

#: ``loss_code`` of :func:`network_fields`: each network's own MSE or cross-entropy derivatives,
#: or fixed ones (``targets`` then holds the output gradients, ``fixed_hessians`` the Hessians).
MSE, CROSS_ENTROPY, FIXED = 0, 1, 2


# ------------------------------------------------------------------ losses
@njit(**_JIT)
def mse_gradient(outputs, targets):
    """Per-sample gradient 2 (x - y) / d of the MSE ||x - y||^2 / d."""
    s, d = outputs.shape
    grad = np.empty((s, d))
    for k in range(s):
        for p in range(d):
            grad[k, p] = 2.0 * (outputs[k, p] - targets[k, p]) / d
    return grad


@njit(**_JIT)
def mse_hessian(outputs):
    """Per-sample Hessian 2 I / d of the MSE."""
    s, d = outputs.shape
    hess = np.zeros((s, d, d))
    for k in range(s):
        for p in range(d):
            hess[k, p, p] = 2.0 / d
    return hess


@njit(**_JIT)
def _softmax(row):
    top = row.max()
    prob = np.exp(row - top)
    prob /= prob.sum()
    return prob


@njit(**_JIT)
def cross_entropy_gradient(outputs, targets):
    """Per-sample gradient t p - y of -sum_c y_c log softmax(x)_c, with p = softmax(x), t = sum_c y_c."""
    s, d = outputs.shape
    grad = np.empty((s, d))
    for k in range(s):
        prob = _softmax(outputs[k])
        t = targets[k].sum()
        for p in range(d):
            grad[k, p] = t * prob[p] - targets[k, p]
    return grad


@njit(**_JIT)
def cross_entropy_hessian(outputs, targets):
    """Per-sample Hessian t (diag p - p p^T) of the softmax cross-entropy."""
    s, d = outputs.shape
    hess = np.empty((s, d, d))
    for k in range(s):
        prob = _softmax(outputs[k])
        t = targets[k].sum()
        for p in range(d):
            for q in range(d):
                hess[k, p, q] = t * ((prob[p] if p == q else 0.0) - prob[p] * prob[q])
    return hess


@njit(**_JIT)
def _output_loss_derivatives(out, targets, loss_code, fixed_hessians):
    """Per-sample output gradients and Hessians for ``loss_code`` (MSE, CROSS_ENTROPY or FIXED)."""
    if loss_code == FIXED:
        return targets.copy(), fixed_hessians.copy()
    if loss_code == MSE:
        return mse_gradient(out, targets), mse_hessian(out)
    return cross_entropy_gradient(out, targets), cross_entropy_hessian(out, targets)


# ------------------------------------------------------------------ theorems
@njit(**_JIT)
def theorem_4_13(grad, arccos_gram, relu_gram, c_sum, c_first):
    """Theorem 4.13 as printed, -(1/s^2) sum_i c_i sum_kl dL^l.dL^k K_kl, and with the exact layer-1
    alpha (R_kl = alpha_1kl in place of K_kl in the i = 1 term); c_sum = sum_i c_i, c_first = c_1."""
    return _theorem_4_13(grad, np.dot(arccos_gram, grad), np.dot(relu_gram, grad), c_sum, c_first)


@njit(**_JIT)
def _theorem_4_13(grad, v, r, c_sum, c_first):
    """:func:`theorem_4_13` from v = K dL and r = R dL (which the refined Theorem 4.24 shares):
    sum_kl dL^l.dL^k K_kl = sum_k dL^k . v^k, an O(s d_n) sum once the products are made."""
    s = grad.shape[0]
    gram_k = 0.0
    gram_a = 0.0
    for k in range(s):
        gram_k += _dot(grad[k], v[k])
        gram_a += _dot(grad[k], r[k])
    return -c_sum * gram_k / s**2, -((c_sum - c_first) * gram_k + c_first * gram_a) / s**2


@njit(**_JIT)
def theorem_4_24(grad, hess, norms, phi_sum, psi_sum):
    """Theorem 4.24 (corrected reading), factorised: with a_k = |x^k| (``norms``) and
    u = sum_l a_l dL^l, (Phi sum_k a_k^2 u^T H^k u + Psi sum_k a_k^2 Tr(H^k) |u|^2) / (pi^2 s^3)."""
    s, d = grad.shape
    u = np.zeros(d)
    for k in range(s):
        u += norms[k] * grad[k]
    quad = 0.0
    trace = 0.0
    for k in range(s):
        quad += norms[k] ** 2 * _dot(u, _matvec(hess[k], u))
        tr = 0.0
        for p in range(d):
            tr += hess[k, p, p]
        trace += norms[k] ** 2 * tr
    return (phi_sum * quad + psi_sum * trace * _dot(u, u)) / (np.pi**2 * s**3)


@njit(**_JIT)
def theorem_4_24_refined(grad, hess, arccos_gram, relu_gram, coef):
    """The refined Theorem 4.24 (theorems.theorem_4_24_refined) with the six coefficients ``coef`` of
    theorems.refined_coefficients."""
    return _theorem_4_24_refined(grad, hess, np.dot(arccos_gram, grad), np.dot(relu_gram, grad), coef)


@njit(**_JIT)
def _theorem_4_24_refined(grad, hess, v, r, coef):
    """:func:`theorem_4_24_refined` from v = K dL and r = R dL."""
    s, d = grad.shape
    total = 0.0
    for k in range(s):
        tr = 0.0
        for p in range(d):
            tr += hess[k, p, p]
        hv = _matvec(hess[k], v[k])
        hr = _matvec(hess[k], r[k])
        total += coef[0] * _dot(v[k], hv) + coef[1] * _dot(r[k], hv) + coef[2] * _dot(r[k], hr)
        total += tr * (coef[3] * _dot(v[k], v[k]) + coef[4] * _dot(r[k], v[k]) + coef[5] * _dot(r[k], r[k]))
    return total / s**3


# ------------------------------------------------------------------ networks
# The matrix products go through BLAS (np.dot): every network is computed by one
# thread, and the chunk pools run BLAS on one thread (sampling._run_chunks), so
# the bits do not depend on the pool's size.

@njit(**_JIT)
def _masked_gradient_apply(gp, gn, x, vectors):
    """Per sample k: G_P (pos_k * v_k) + G_N (neg_k * v_k), pos/neg the signs of x_k."""
    return np.dot(vectors * (x > 0), gp.T) + np.dot(vectors * (x < 0), gn.T)


@njit(**_JIT)
def network_fields(buf, dims, inputs, targets, loss_code, fixed_hessians, arccos_gram, relu_gram,
                   c_sum, c_first, phi_sum, psi_sum, refined):
    """The fields of one symmetric network (P_t = N_t = A_t, no bias), A_t stored row-major in ``buf``
    from offset _chain_offsets(dims)[t - 1]: L_M'(0), Theorem 4.13 (as printed and with the exact
    layer-1 alpha), L_M''(0), the two sums of Lemma 4.16, Theorem 4.24 (corrected reading) and its
    refined form, each with the network's own output gradients and Hessians (``loss_code``).  The last
    seven arguments are theorems.theorem_terms; the result is indexed by the column constants."""
    n_layers = dims.size - 1
    offsets = _chain_offsets(dims)
    s = inputs.shape[0]
    norms = np.sqrt((inputs * inputs).sum(axis=1))
    matrices = [buf[offsets[t - 1]:offsets[t]].reshape(dims[t], dims[t - 1])
                for t in range(1, n_layers + 1)]
    acts = [inputs.copy()]
    for t in range(1, n_layers + 1):
        acts.append(np.dot(acts[t - 1], matrices[t - 1].T))
    grad, hess = _output_loss_derivatives(acts[n_layers], targets, loss_code, fixed_hessians)
    # backpropagation (CReLUNetwork.gradients with P = N): parameter gradients of L_M for P_t and N_t
    gps = []  # stored from the last layer down: gps[n_layers - t] belongs to layer t
    gns = []
    delta = grad
    for t in range(n_layers, 0, -1):
        x = acts[t - 1]
        gps.append(np.dot(delta.T, np.maximum(x, 0.0)) * (1.0 / s))
        gns.append(np.dot(delta.T, np.maximum(-x, 0.0)) * (-1.0 / s))
        delta = np.dot(delta, matrices[t - 1]) * (x != 0)
    # forward mode in lambda (OneStepProblem.output_derivatives with P = N, no bias)
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
    fields = np.empty(N_FIELDS)
    fields[FIRST_DERIVATIVE] = first / s
    v = np.dot(arccos_gram, grad)  # shared by Theorem 4.13 and the refined Theorem 4.24
    r = np.dot(relu_gram, grad)
    fields[THEOREM_4_13], fields[THEOREM_4_13_EXACT_FIRST_LAYER] = _theorem_4_13(grad, v, r, c_sum, c_first)
    fields[SECOND_DERIVATIVE] = (first_sum + second_sum) / s
    fields[LEMMA_4_16_FIRST_SUM] = first_sum / s
    fields[LEMMA_4_16_SECOND_SUM] = second_sum / s
    fields[THEOREM_4_24] = theorem_4_24(grad, hess, norms, phi_sum, psi_sum)
    fields[THEOREM_4_24_REFINED] = _theorem_4_24_refined(grad, hess, v, r, refined)
    return fields


@njit(**_JIT)
def network_derivatives(gen, n, dims, inputs, targets, loss_code, fixed_hessians, arccos_gram, relu_gram,
                        c_sum, c_first, phi_sum, psi_sum, refined):
    """Monte Carlo over symmetric Hettinger initializations (entries N(0, 1/sqrt(d_{t-1} d_t))): row
    ``sample`` is :func:`network_fields` of the ``sample``-th network drawn from ``gen``."""
    n_layers = dims.size - 1
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    sigmas = np.empty(n_layers)
    for t in range(n_layers):
        sigmas[t] = (dims[t] * dims[t + 1]) ** -0.25
    out = np.empty((n, N_FIELDS))
    for sample in range(n):
        _fill_chain(gen, sigmas, offsets, buf)
        out[sample] = network_fields(buf, dims, inputs, targets, loss_code, fixed_hessians, arccos_gram,
                                     relu_gram, c_sum, c_first, phi_sum, psi_sum, refined)
    return out
