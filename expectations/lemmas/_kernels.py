"""Reference Monte Carlo kernels (Numba).

Every kernel has the signature ``kernel(gen, n, *args) -> (n, K) array``: it
draws ``n`` independent samples from the ``numpy.random.Generator`` ``gen``
(its own, never shared) and returns K estimands per sample.  The reference
kernels draw every entry of every matrix.  All kernels and their helpers live
in this one module so that Numba's on-disk cache never pairs a kernel with a
stale helper.

A chain of matrices A_1..A_L is stored in one flat buffer: A_t (t = 1..L,
stored at index t - 1) is ``dims[t] x dims[t-1]``, row-major, from offset
``offsets[t-1]``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_JIT = dict(cache=True, nogil=True)

# _dot, _matvec, _chain_offsets, _fill_chain and _fill_layers stand again in network/_kernel.py on
# purpose: Numba's cache does not see a helper change in another module (a kernel and its helpers
# live in one module).


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


@njit(**_JIT)
def _apply(buf, offsets, dims, t, vec):
    """A_t @ vec (t is 1-based)."""
    rows, cols, base = dims[t], dims[t - 1], offsets[t - 1]
    out = np.zeros(rows)
    for r in range(rows):
        acc = 0.0
        for c in range(cols):
            acc += buf[base + r * cols + c] * vec[c]
        out[r] = acc
    return out


@njit(**_JIT)
def _forward_to(buf, offsets, dims, first, last, vec, out, tmp):
    """out[:dims[last]] = A_last ... A_first @ vec (a copy when last < first), each entry summed
    as :func:`_apply` sums it, without allocating: ``tmp`` is scratch as long as the widest
    layer, and ``vec`` may be ``out``."""
    for k in range(dims[first - 1]):
        out[k] = vec[k]
    for t in range(first, last + 1):
        rows, cols, base = dims[t], dims[t - 1], offsets[t - 1]
        for c in range(cols):
            tmp[c] = out[c]
        for r in range(rows):
            acc = 0.0
            for c in range(cols):
                acc += buf[base + r * cols + c] * tmp[c]
            out[r] = acc


@njit(**_JIT)
def _backward_to(buf, offsets, dims, first, last, vec, out, tmp):
    """out[:dims[first - 1]] = (A_last ... A_first)^T @ vec (a copy when last < first): each
    A_t^T applied row by row of A_t, accumulated from zero; scratch as in :func:`_forward_to`."""
    for k in range(dims[last]):
        out[k] = vec[k]
    for t in range(last, first - 1, -1):
        rows, cols, base = dims[t], dims[t - 1], offsets[t - 1]
        for r in range(rows):
            tmp[r] = out[r]
        for c in range(cols):
            out[c] = 0.0
        for r in range(rows):
            vr = tmp[r]
            for c in range(cols):
                out[c] += buf[base + r * cols + c] * vr


@njit(**_JIT)
def _dot_n(a, b, n):
    """:func:`_dot` of the first n entries."""
    acc = 0.0
    for k in range(n):
        acc += a[k] * b[k]
    return acc


@njit(**_JIT)
def _relu_dot(a, b, n):
    """sum_{k < n} ReLU(a_k b_k)."""
    acc = 0.0
    for k in range(n):
        p = a[k] * b[k]
        if p > 0:
            acc += p
    return acc


@njit(**_JIT)
def _frobenius_sq(buf, offsets, dims, first, last, e, col, tmp):
    """||A_last ... A_first||_F^2, column by column (``e``, ``col``, ``tmp``: scratch)."""
    total = 0.0
    width = dims[first - 1]
    for c in range(width):
        for k in range(width):
            e[k] = 0.0
        e[c] = 1.0
        _forward_to(buf, offsets, dims, first, last, e, col, tmp)
        total += _dot_n(col, col, dims[last])
    return total


@njit(**_JIT)
def _x_form(buf, offsets, dims, i, j, w, P, v, left, right, tmp):
    """w^T B_{L,j+1} B_{L,j+1}^T P B_{L,i+1} B_{L,i+1}^T v for the stored chain (``left``,
    ``right``, ``tmp``: scratch)."""
    last = dims.size - 1
    _backward_to(buf, offsets, dims, j + 1, last, w, left, tmp)
    _forward_to(buf, offsets, dims, j + 1, last, left, left, tmp)
    _backward_to(buf, offsets, dims, i + 1, last, v, right, tmp)
    _forward_to(buf, offsets, dims, i + 1, last, right, right, tmp)
    acc = 0.0
    for r in range(dims[last]):
        pr = 0.0
        for k in range(dims[last]):
            pr += P[r, k] * right[k]
        acc += left[r] * pr
    return acc


@njit(**_JIT)
def angle_below(gen, n, dim, theta0):
    """Lemma 4.3: indicator that the angle between two N(0, I_dim) vectors is <= theta0."""
    out = np.empty((n, 1))
    x = np.empty(dim)
    y = np.empty(dim)
    for s in range(n):
        for k in range(dim):
            x[k] = gen.standard_normal()
        for k in range(dim):
            y[k] = gen.standard_normal()
        xx, xy = _dot(x, x), _dot(x, y)
        perp = y - (xy / xx) * x
        theta = np.arctan2(np.sqrt(xx * _dot(perp, perp)), xy)
        out[s, 0] = 1.0 if theta <= theta0 else 0.0
    return out


@njit(**_JIT)
def _chain_workspace(dims):
    """Offsets and buffer of a chain of ``dims``, and three scratch vectors of its widest width."""
    offsets = _chain_offsets(dims)
    width = dims.max()
    return offsets, np.empty(offsets[-1]), np.empty(width), np.empty(width), np.empty(width)


@njit(**_JIT)
def _draw_images(gen, sigmas, dims, offsets, buf, x, y, a, b, tmp, transpose):
    """Draw the chain B = A_L ... A_1 into ``buf``; a, b = B x, B y (B^T x, B^T y when ``transpose``)."""
    _fill_chain(gen, sigmas, offsets, buf)
    last = dims.size - 1
    if transpose:
        _backward_to(buf, offsets, dims, 1, last, x, a, tmp)
        _backward_to(buf, offsets, dims, 1, last, y, b, tmp)
    else:
        _forward_to(buf, offsets, dims, 1, last, x, a, tmp)
        _forward_to(buf, offsets, dims, 1, last, y, b, tmp)


@njit(**_JIT)
def chain_bilinear(gen, n, dims, sigmas, x, y, transpose):
    """Lemmas 4.7-4.10: x^T B^T B y, or x^T B B^T y when ``transpose``, B = A_L ... A_1."""
    offsets, buf, a, b, tmp = _chain_workspace(dims)
    out = np.empty((n, 1))
    for s in range(n):
        _draw_images(gen, sigmas, dims, offsets, buf, x, y, a, b, tmp, transpose)
        out[s, 0] = _dot_n(a, b, dims[0] if transpose else dims[-1])
    return out


@njit(**_JIT)
def relu_chain(gen, n, dims, sigmas, x, y):
    """Lemma 4.11 / Corollary 4.12: columns sum_k ReLU((Bx)_k (By)_k) and the k = 1 term alone."""
    offsets, buf, a, b, tmp = _chain_workspace(dims)
    out = np.empty((n, 2))
    for s in range(n):
        _draw_images(gen, sigmas, dims, offsets, buf, x, y, a, b, tmp, False)
        out[s, 0] = _relu_dot(a, b, dims[-1])
        out[s, 1] = max(a[0] * b[0], 0.0)
    return out


@njit(**_JIT)
def relu_times_normal(gen, n, a):
    """Lemma 4.18: ReLU(a b) with b ~ N(0, 1), for the fixed value a."""
    out = np.empty((n, 1))
    for s in range(n):
        out[s, 0] = max(a * gen.standard_normal(), 0.0)
    return out


@njit(**_JIT)
def _images(gen, q, x, y, z, buf):
    """Draw a standard normal q x len(x) matrix A into ``buf``; return Ax, Ay, Az."""
    dims = np.array([x.size, q], np.int64)
    offsets = _chain_offsets(dims)
    _fill_chain(gen, np.ones(1), offsets, buf)
    return (_apply(buf, offsets, dims, 1, x), _apply(buf, offsets, dims, 1, y),
            _apply(buf, offsets, dims, 1, z))


@njit(**_JIT)
def relu_pair(gen, n, q, x, y, z, u, v):
    """Lemma 4.19: ReLU(x^T A^T u u^T A y) ReLU(x^T A^T v v^T A z), A q x len(x)."""
    buf = np.empty(q * x.size)
    out = np.empty((n, 1))
    for s in range(n):
        ax, ay, az = _images(gen, q, x, y, z, buf)
        ux, vx = _dot(u, ax), _dot(v, ax)
        out[s, 0] = max(ux * _dot(u, ay), 0.0) * max(vx * _dot(v, az), 0.0)
    return out


@njit(**_JIT)
def norm_product(gen, n, q, x, y, z):
    """Lemma 4.20: ||Ax||^2 ||Ay|| ||Az||, A q x len(x)."""
    buf = np.empty(q * x.size)
    out = np.empty((n, 1))
    for s in range(n):
        ax, ay, az = _images(gen, q, x, y, z, buf)
        out[s, 0] = _dot(ax, ax) * np.sqrt(_dot(ay, ay)) * np.sqrt(_dot(az, az))
    return out


@njit(**_JIT)
def frobenius_pair(gen, n, dims):
    """Hettinger's A.12 with chain A_{i-1}, ..., A_j (dims m_{i-2}, ..., m_j).

    Column 0: ||B_{j,i+1}||^2 ||B_{j-1,i}||^2 / (m_j m_{i-1})  (corrected reading);
    column 1: ||B_{j,i+1}||^2 ||B_{j,i-1}||^2 / (m_j m_{j-1})  (as printed).
    Chain layer t holds A_{i-2+t}, so A_i is layer 2 and A_j is layer L.
    """
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    ones = np.ones(dims.size - 1)
    last = dims.size - 1
    e, col, tmp = np.empty(dims.max()), np.empty(dims.max()), np.empty(dims.max())
    out = np.empty((n, 2))
    for s in range(n):
        _fill_chain(gen, ones, offsets, buf)
        upper = _frobenius_sq(buf, offsets, dims, 3, last, e, col, tmp)       # B_{j,i+1}
        lower = _frobenius_sq(buf, offsets, dims, 2, last - 1, e, col, tmp)   # B_{j-1,i}
        printed = _frobenius_sq(buf, offsets, dims, 1, last, e, col, tmp)     # B_{j,i-1}
        out[s, 0] = upper * lower / (dims[last] * dims[1])
        out[s, 1] = upper * printed / (dims[last] * dims[last - 1])
    return out


@njit(**_JIT)
def x_form(gen, n, dims, split, w, P, v):
    """Hettinger's A.13 as used: X = w^T B_{L,j+1} B_{L,j+1}^T P B_{L,1} B_{L,1}^T v, j = split."""
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    ones = np.ones(dims.size - 1)
    left, right, tmp = np.empty(dims.max()), np.empty(dims.max()), np.empty(dims.max())
    out = np.empty((n, 1))
    for s in range(n):
        _fill_chain(gen, ones, offsets, buf)
        out[s, 0] = _x_form(buf, offsets, dims, 0, split, w, P, v, left, right, tmp)
    return out


@njit(**_JIT)
def relu_double_sum(gen, n, dims, sigmas, i, j, x, y, z, w, P, v):
    """Lemma 4.21 / Corollary 4.22: sum_k ReLU(..y..) * sum_l ReLU(..z..) * X."""
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    width = dims.max()
    bx, by, bz = np.empty(width), np.empty(width), np.empty(width)
    left, right, tmp = np.empty(width), np.empty(width), np.empty(width)
    out = np.empty((n, 1))
    for s in range(n):
        _fill_chain(gen, sigmas, offsets, buf)
        _forward_to(buf, offsets, dims, 1, i - 1, x, bx, tmp)
        _forward_to(buf, offsets, dims, 1, i - 1, y, by, tmp)
        alpha_i = _relu_dot(bx, by, dims[i - 1])
        _forward_to(buf, offsets, dims, 1, i - 1, z, bz, tmp)
        _forward_to(buf, offsets, dims, i, j - 1, bx, bx, tmp)
        _forward_to(buf, offsets, dims, i, j - 1, bz, bz, tmp)
        alpha_j = _relu_dot(bx, bz, dims[j - 1])
        out[s, 0] = alpha_i * alpha_j * _x_form(buf, offsets, dims, i, j, w, P, v, left, right, tmp)
    return out


@njit(**_JIT)
def _gaussian_images(gen, vectors, count, cols, rows, sigma, basis, coords):
    """Replace vectors[:count, :cols] by their images vectors[:count, :rows] under a fresh
    rows x cols matrix A with N(0, sigma^2) entries, drawing only rows x count normals: with
    u_a = sum_b coords[a, b] q_b for orthonormal q_b (Gram-Schmidt), A u_a = sum_b coords[a, b] A q_b
    and the A q_b are independent N(0, sigma^2 I_rows) vectors (Lemma 4.2's rotation invariance).
    A vector in the span of the earlier ones adds no direction (no normals drawn for it)."""
    for a in range(count):
        norm0 = 0.0
        for c in range(cols):
            basis[a, c] = vectors[a, c]
            norm0 += vectors[a, c] ** 2
        for b in range(a):
            coords[a, b] = 0.0
            if coords[b, b] > 0.0:
                proj = 0.0
                for c in range(cols):
                    proj += basis[b, c] * basis[a, c]
                coords[a, b] = proj
                for c in range(cols):
                    basis[a, c] -= proj * basis[b, c]
        norm = 0.0
        for c in range(cols):
            norm += basis[a, c] ** 2
        coords[a, a] = 0.0
        if norm > 1e-26 * norm0 and norm > 0.0:
            coords[a, a] = np.sqrt(norm)
            for c in range(cols):
                basis[a, c] /= coords[a, a]
    for r in range(rows):
        for a in range(count):
            vectors[a, r] = 0.0
        for b in range(count):
            if coords[b, b] > 0.0:
                g = sigma * gen.standard_normal()
                for a in range(b, count):
                    vectors[a, r] += coords[a, b] * g


@njit(**_JIT)
def _relu_product_mean(a, b, n, sigma):
    """E[sum_k ReLU((A a)_k (A b)_k)] over an m x n matrix A with N(0, sigma^2) entries, per row:
    sigma^2 (g_ab (pi - theta) + |a| |b| sin theta) / pi, theta the angle between a and b
    (Lemma 4.11's one-layer form, (A a, A b) a row at a time being N(0, sigma^2 Gram(a, b)))."""
    # Numba copy of relu_products.arccos_form(*angles.dot_cross(a, b)) (the cache rule keeps it here)
    gaa, gab = _dot_n(a, a, n), _dot_n(a, b, n)
    if gaa == 0.0:
        return 0.0
    perp = 0.0  # |b - (g_ab / g_aa) a|^2: |a| |b| sin theta without Lagrange's cancelling identity
    for k in range(n):
        r = b[k] - (gab / gaa) * a[k]
        perp += r * r
    cross = np.sqrt(gaa) * np.sqrt(perp)
    return sigma * sigma * (np.arctan2(cross, -gab) * gab + cross) / np.pi


@njit(**_JIT)
def _chain_columns(buf, offsets, dims, first, last, cols, e, tmp):
    """cols[a, :dims[last]] = A_last ... A_first e_a for a < dims[first - 1]: the columns of
    B_{last,first} (of the identity when last < first), without allocating."""
    width = dims[first - 1]
    for a in range(width):
        for k in range(width):
            e[k] = 0.0
        e[a] = 1.0
        _forward_to(buf, offsets, dims, first, last, e, cols[a], tmp)


@njit(**_JIT)
def _frobenius_of_columns(cols, n_cols, length):
    """||C||_F^2 of the matrix whose first n_cols columns are stored as rows of ``cols``."""
    total = 0.0
    for a in range(n_cols):
        total += _dot_n(cols[a], cols[a], length)
    return total


@njit(**_JIT)
def _cross_frobenius(left, n_left, right, n_right, length):
    """||L^T R||_F^2 for matrices stored by columns (as :func:`_chain_columns` stores them)."""
    total = 0.0
    for a in range(n_left):
        for b in range(n_right):
            total += _dot_n(left[a], right[b], length) ** 2
    return total


@njit(**_JIT)
def _x_form_constants(w, P, v):
    """(w^T P v, v^T P w, tr P, w^T v)."""
    wpv = vpw = trace = wv = 0.0
    for r in range(w.size):
        trace += P[r, r]
        wv += w[r] * v[r]
        for k in range(w.size):
            wpv += w[r] * P[r, k] * v[k]
            vpw += v[r] * P[r, k] * w[k]
    return wpv, vpw, trace, wv


@njit(**_JIT)
def _x_form_last_layer_mean(buf, offsets, dims, sigma, i, j, consts, cj, ci, e, tmp):
    """E over the last layer A_L (N(0, sigma^2) entries) of the X-form of :func:`_x_form`, the other
    layers as drawn in ``buf`` (``consts`` from :func:`_x_form_constants`; the rest scratch).  With
    C_j = B_{L-1,j+1}, C_i = B_{L-1,i+1} and K = C C^T, X is w^T A_L K_j A_L^T P A_L K_i A_L^T v,
    whose mean over A_L (Isserlis) is
    sigma^4 (tr K_j tr K_i w^T P v + tr(K_j K_i) (v^T P w + tr(P) w^T v)); for j = L it is
    w^T P A_L K_i A_L^T v, with mean sigma^2 tr K_i w^T P v."""
    wpv, vpw, trace, wv = consts
    last = dims.size - 1
    length = dims[last - 1]
    _chain_columns(buf, offsets, dims, i + 1, last - 1, ci, e, tmp)
    tr_i = _frobenius_of_columns(ci, dims[i], length)
    if j == last:
        return sigma * sigma * tr_i * wpv
    _chain_columns(buf, offsets, dims, j + 1, last - 1, cj, e, tmp)
    tr_j = _frobenius_of_columns(cj, dims[j], length)
    tr_ji = _cross_frobenius(cj, dims[j], ci, dims[i], length)
    return sigma ** 4 * (tr_j * tr_i * wpv + tr_ji * (vpw + trace * wv))


@njit(**_JIT)
def relu_double_sum_rows(gen, n, dims, sigmas, i, j, x, y, z, w, P, v):
    """Reduced Lemma 4.21 / Corollary 4.22: an unbiased estimate of :func:`relu_double_sum`'s
    expectation with each layer drawn only where it acts, or integrated out.  A_1 .. A_{i-1} act
    on (x, y, z) alone and A_i on (B x, B z) alone, so their images are drawn row by row from the
    Gram matrix of the vectors they act on (:func:`_gaussian_images`); A_i is not drawn when i = j
    (nothing uses it) and integrated out by Lemma 4.11's one-layer form when j = i + 1 (alpha_j
    is then a sum over its rows); A_{i+1} .. A_{L-1}, which both the X-form and the forward pass
    use, are drawn in full; the last layer, which only the X-form uses, is integrated out
    (:func:`_x_form_last_layer_mean`), except when i = j = L, where X is the constant w^T P v.
    Integrating out lowers the variance (Rao-Blackwellisation)."""
    last = dims.size - 1
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    width = dims.max()
    vectors = np.empty((3, width))
    basis, coords = np.empty((3, width)), np.empty((3, 3))
    bx, bz, tmp, e = np.empty(width), np.empty(width), np.empty(width), np.empty(width)
    cj, ci = np.empty((width, width)), np.empty((width, width))
    consts = _x_form_constants(w, P, v)
    form = 0.0
    if i == last:  # i = j = L: X has no layer left in it, it is the constant w^T P v
        for a in range(w.size):
            for b in range(v.size):
                form += w[a] * P[a, b] * v[b]
    elif i + 1 == last:  # no layer between A_i and A_L: the X-form's mean is a constant
        form = _x_form_last_layer_mean(buf, offsets, dims, sigmas[last - 1], i, j, consts, cj, ci, e, tmp)
    out = np.empty((n, 1))
    for s in range(n):
        _fill_layers(gen, sigmas, offsets, buf, i + 1, last - 1)
        for c in range(dims[0]):
            vectors[0, c], vectors[1, c], vectors[2, c] = x[c], y[c], z[c]
        for t in range(1, i):
            _gaussian_images(gen, vectors, 3, dims[t - 1], dims[t], sigmas[t - 1], basis, coords)
        alpha_i = _relu_dot(vectors[0], vectors[1], dims[i - 1])
        if j == i:
            alpha_j = _relu_dot(vectors[0], vectors[2], dims[i - 1])
        elif j == i + 1:
            alpha_j = dims[i] * _relu_product_mean(vectors[0], vectors[2], dims[i - 1], sigmas[i - 1])
        else:  # A_i on (B x, B z), then A_{i+1} .. A_{j-1} from the drawn chain
            for c in range(dims[i - 1]):
                vectors[1, c] = vectors[2, c]
            _gaussian_images(gen, vectors, 2, dims[i - 1], dims[i], sigmas[i - 1], basis, coords)
            _forward_to(buf, offsets, dims, i + 1, j - 1, vectors[0], bx, tmp)
            _forward_to(buf, offsets, dims, i + 1, j - 1, vectors[1], bz, tmp)
            alpha_j = _relu_dot(bx, bz, dims[j - 1])
        if i + 1 < last:
            form = _x_form_last_layer_mean(buf, offsets, dims, sigmas[last - 1], i, j, consts, cj, ci, e, tmp)
        out[s, 0] = alpha_i * alpha_j * form
    return out


@njit(**_JIT)
def x_form_last_layer(gen, n, dims, split, w, P, v):
    """Reduced Hettinger's A.13 (as :func:`x_form`): A_1 .. A_{L-1} drawn, the last layer
    integrated out (:func:`_x_form_last_layer_mean`)."""
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    ones = np.ones(dims.size - 1)
    width = dims.max()
    tmp, e = np.empty(width), np.empty(width)
    cj, ci = np.empty((width, width)), np.empty((width, width))
    consts = _x_form_constants(w, P, v)
    out = np.empty((n, 1))
    for s in range(n):
        _fill_layers(gen, ones, offsets, buf, 1, dims.size - 2)
        out[s, 0] = _x_form_last_layer_mean(buf, offsets, dims, 1.0, 0, split, consts, cj, ci, e, tmp)
    return out


@njit(**_JIT)
def frobenius_pair_last_layer(gen, n, dims):
    """Reduced Hettinger's A.12 (as :func:`frobenius_pair`, same columns): A_1 .. A_{L-1} drawn, the
    last layer A_L (standard normal, m_L x m_{L-1}) integrated out.  For C fixed,
    E||A_L C||_F^2 = m_L ||C||_F^2 and E[||A_L C||_F^2 ||A_L D||_F^2] = m_L^2 ||C||_F^2 ||D||_F^2
    + 2 m_L ||C^T D||_F^2 (Isserlis), with C = B_{L-1,3} (upper factor without A_L) and
    D = B_{L-1,1} (printed factor without A_L); the lower factor B_{L-1,2} does not involve A_L."""
    offsets = _chain_offsets(dims)
    buf = np.empty(offsets[-1])
    ones = np.ones(dims.size - 1)
    last = dims.size - 1
    m, length = dims[last], dims[last - 1]
    width = dims.max()
    tmp, e = np.empty(width), np.empty(width)
    upper, lower, printed = np.empty((width, width)), np.empty((width, width)), np.empty((width, width))
    out = np.empty((n, 2))
    for s in range(n):
        _fill_layers(gen, ones, offsets, buf, 1, last - 1)
        _chain_columns(buf, offsets, dims, 2, last - 1, lower, e, tmp)
        lower_sq = _frobenius_of_columns(lower, dims[1], length)
        _chain_columns(buf, offsets, dims, 1, last - 1, printed, e, tmp)
        printed_sq = _frobenius_of_columns(printed, dims[0], length)
        if last >= 3:  # the upper factor B_{j,i+1} ends with A_L
            _chain_columns(buf, offsets, dims, 3, last - 1, upper, e, tmp)
            upper_sq = _frobenius_of_columns(upper, dims[2], length)
            cross = _cross_frobenius(upper, dims[2], printed, dims[0], length)
            out[s, 0] = m * upper_sq * lower_sq / (m * dims[1])
            out[s, 1] = (m * m * upper_sq * printed_sq + 2 * m * cross) / (m * dims[last - 1])
        else:  # L = 2: the upper factor is the identity of R^{m_2}
            out[s, 0] = dims[2] * lower_sq / (m * dims[1])
            out[s, 1] = dims[2] * m * printed_sq / (m * dims[last - 1])
    return out
