"""Exact reduced samplers (Numba), one per reference kernel they replace.

They rest on one fact (Lemma 4.2 and the Gaussian row structure): for a
matrix A with independent N(0, sigma^2) entries and fixed vectors U = [u_1 .. u_k],
the rows of A U are independent N(0, sigma^2 Gram(U)) vectors.  Hence

* the Gram matrix of the images is Wishart(m, sigma^2 Gram(U)), drawn by the
  Bartlett decomposition from k chi-square and k(k-1)/2 normal variates,
  whatever the width m: a chain A_L ... A_1 acting on k vectors is sampled
  through k x k Gram matrices alone;
* given the Gram matrix before the last layer, the last layer's expectation is
  known in closed form (Lemma 4.8 for inner products, Lemma 4.11's arc-cosine
  form for sums of ReLU products), so it is integrated out (Rao-Blackwellisation).

Each kernel estimates exactly the same quantity as its reference kernel in
``_kernels.py`` (tests/test_reduced.py compares them), with the same
signature and columns.  Kept in their own module with their own helpers
(Numba's cache=True can pair a kernel with a stale helper from another module).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# The reduced samplers of Lemma 4.21, A.12 and A.13 draw part of their chains in full, so they live
# beside the reference chain helpers they share (one module, one cache) and are only named here.
from expectations.lemmas._kernels import frobenius_pair_last_layer as frobenius_pair  # noqa: F401
from expectations.lemmas._kernels import relu_double_sum_rows as relu_double_sum  # noqa: F401
from expectations.lemmas._kernels import x_form_last_layer as x_form  # noqa: F401

_JIT = dict(cache=True, nogil=True)


@njit(**_JIT)
def _root_of(gram):
    """Lower-triangular L with L L^T = gram (symmetric positive semi-definite): Cholesky with
    zero pivots allowed, so that rank-deficient Gram matrices (equal or parallel vectors) work."""
    k = gram.shape[0]
    low = np.zeros((k, k))
    scale = 1e-13 * max(np.abs(np.diag(gram)).max(), 1e-300)
    for j in range(k):
        d = gram[j, j]
        for c in range(j):
            d -= low[j, c] ** 2
        if d <= scale:
            continue  # a zero pivot: column j of L stays zero
        low[j, j] = np.sqrt(d)
        for i in range(j + 1, k):
            acc = gram[i, j]
            for c in range(j):
                acc -= low[i, c] * low[j, c]
            low[i, j] = acc / low[j, j]
    return low


@njit(**_JIT)
def _product(a, b):
    """a @ b for the tiny matrices here, as loops (BLAS calls cost more than the arithmetic)."""
    out = np.zeros((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for c in range(a.shape[1]):
            aic = a[i, c]
            for j in range(b.shape[1]):
                out[i, j] += aic * b[c, j]
    return out


@njit(**_JIT)
def _gram_of_rows(a):
    """a @ a.T as loops."""
    k = a.shape[0]
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i + 1):
            acc = 0.0
            for c in range(a.shape[1]):
                acc += a[i, c] * a[j, c]
            out[i, j] = acc
            out[j, i] = acc
    return out


@njit(**_JIT)
def _wishart_from_root(gen, root, m, sigma):
    """A draw of Gram(A U) for a fresh m-row matrix A with N(0, sigma^2) entries, given
    root R R^T = Gram(U): Wishart(m, sigma^2 R R^T) by the Bartlett decomposition (explicit
    rows when m < k, where the Wishart law is singular).  Two vectors take the scalar
    :func:`_wishart_pair` instead."""
    k = root.shape[0]
    if m < k:
        z = np.empty((k, m))
        for a in range(k):
            for r in range(m):
                z[a, r] = gen.standard_normal()
        return sigma * sigma * _gram_of_rows(_product(root, z))
    low = np.zeros((k, k))
    for a in range(k):
        low[a, a] = np.sqrt(gen.chisquare(m - a))
        for b in range(a):
            low[a, b] = gen.standard_normal()
    return sigma * sigma * _gram_of_rows(_product(root, low))


@njit(**_JIT)
def _wishart_pair(gen, g00, g01, g11, m, sigma):
    """:func:`_wishart_from_root` for two vectors, on scalars: the Gram matrix (g00, g01, g11) of
    (u, v) -> that of (A u, A v).  Same variates in the same order and the same arithmetic (the
    terms :func:`_wishart_from_root` adds are exact zeros), so the same bits; no arrays, hence no
    reference counting per sample, which costs more than the arithmetic here."""
    scale = 1e-13 * max(max(abs(g00), abs(g11)), 1e-300)
    l00 = l10 = l11 = 0.0  # root: lower-triangular Cholesky factor, zero pivots allowed
    if g00 > scale:
        l00 = np.sqrt(g00)
        l10 = g01 / l00
    d = g11 - l10 ** 2
    if d > scale:
        l11 = np.sqrt(d)
    if m < 2:  # one row: explicit draws (singular Wishart)
        z0 = gen.standard_normal()
        z1 = gen.standard_normal()
        r0 = l00 * z0
        r1 = l10 * z0 + l11 * z1
        return sigma * sigma * (r0 * r0), sigma * sigma * (r1 * r0), sigma * sigma * (r1 * r1)
    b00 = np.sqrt(gen.chisquare(m))  # Bartlett factor, drawn in _wishart_from_root's order
    b11 = np.sqrt(gen.chisquare(m - 1))
    b10 = gen.standard_normal()
    p00 = l00 * b00
    p10 = l10 * b00 + l11 * b10
    p11 = l11 * b11
    return (sigma * sigma * (p00 * p00), sigma * sigma * (p10 * p00),
            sigma * sigma * (p10 * p10 + p11 * p11))


@njit(**_JIT)
def _pair_chain(gen, dims, sigmas, gram0, layers):
    """The Gram matrix (g00, g01, g11) of two vectors with Gram matrix ``gram0`` after the first
    ``layers`` matrices of the chain, in distribution."""
    g00, g01, g11 = gram0[0, 0], gram0[0, 1], gram0[1, 1]
    for t in range(1, layers + 1):
        g00, g01, g11 = _wishart_pair(gen, g00, g01, g11, dims[t], sigmas[t - 1])
    return g00, g01, g11


@njit(**_JIT)
def _arccos_term(g00, g01, g11):
    """sqrt(g00 g11) ((pi - theta) cos theta + sin theta) / pi for the 2 x 2 Gram matrix
    (Lemma 4.11's one-layer expectation of ReLU(u v), per row and per unit variance)."""
    # Numba copy of relu_products.arccos_form (the cache rule keeps it here).  Only the Gram matrix of
    # the draw is known, so |u||v| sin theta comes from it: its own rounding limits sin theta as much
    cross = np.sqrt(max(g00 * g11 - g01 ** 2, 0.0))
    return (np.arctan2(cross, -g01) * g01 + cross) / np.pi


@njit(**_JIT)
def chain_bilinear(gen, n, dims, sigmas, x, y, transpose):
    """Reduced Lemmas 4.7-4.10: the Gram matrix of (x, y) through the first L - 1 layers by
    Wishart draws, then E[(A u).(A v) | u, v] = m_L sigma_L^2 u.v (Lemma 4.8).  For
    x^T B B^T y = x^T C^T C y, C = B^T is a chain of transposed matrices with reversed dims."""
    if transpose:
        dims = dims[::-1].copy()
        sigmas = sigmas[::-1].copy()
    gram0 = _gram_of_rows(np.vstack((x, y)))
    last = dims.size - 1
    out = np.empty((n, 1))
    for s in range(n):
        g01 = _pair_chain(gen, dims, sigmas, gram0, last - 1)[1]
        out[s, 0] = dims[last] * sigmas[last - 1] ** 2 * g01
    return out


@njit(**_JIT)
def relu_chain(gen, n, dims, sigmas, x, y):
    """Reduced Lemma 4.11 / Corollary 4.12: the Gram matrix of (x, y) through the first L - 1
    layers by Wishart draws, then the last layer integrated out by Lemma 4.11's one-layer form;
    columns: the sum over the m_L units and one unit (the same expectations as the reference)."""
    gram0 = _gram_of_rows(np.vstack((x, y)))
    last = dims.size - 1
    out = np.empty((n, 2))
    for s in range(n):
        g00, g01, g11 = _pair_chain(gen, dims, sigmas, gram0, last - 1)
        unit = sigmas[last - 1] ** 2 * _arccos_term(g00, g01, g11)
        out[s, 0] = dims[last] * unit
        out[s, 1] = unit
    return out


@njit(**_JIT)
def norm_product(gen, n, q, x, y, z):
    """Reduced Lemma 4.20: ||Ax||^2 ||Ay|| ||Az|| read off a Wishart(q, Gram(x, y, z)) draw.

    Only the diagonal of the draw is needed: for q >= 3 it is computed from the Bartlett
    factor directly (same variates, same arithmetic as :func:`_wishart_from_root`)."""
    root = _root_of(_gram_of_rows(np.vstack((x, y, z))))
    out = np.empty((n, 1))
    low = np.zeros((3, 3))
    diag = np.empty(3)
    for s in range(n):
        if q < 3:  # singular Wishart: explicit rows
            w = _wishart_from_root(gen, root, q, 1.0)
            out[s, 0] = w[0, 0] * np.sqrt(w[1, 1] * w[2, 2])
            continue
        # _wishart_from_root's Bartlett draws, written out: a helper call with an array
        # argument would cost more per sample than the arithmetic (1.6x slower, measured)
        for a in range(3):
            low[a, a] = np.sqrt(gen.chisquare(q - a))
            for b in range(a):
                low[a, b] = gen.standard_normal()
        for i in range(3):  # diag_i = sum_j (root @ low)_ij^2; both factors lower triangular
            acc = 0.0
            for j in range(3):
                row = 0.0
                for c in range(3):
                    row += root[i, c] * low[c, j]
                acc += row * row
            diag[i] = acc
        out[s, 0] = diag[0] * np.sqrt(diag[1] * diag[2])
    return out


@njit(**_JIT)
def relu_pair(gen, n, q, x, y, z, u, v):
    """Reduced Lemma 4.19: (u.Ax, u.Ay, v.Ax, v.Az) is Gaussian with covariance
    Gram(u, v) (x) Gram(x, y, z), so one 6-dimensional draw replaces q len(x) normals."""
    left, right = np.vstack((u, v)), np.vstack((x, y, z))
    # index 3 a + b of the draw: (u or v) . A (x, y or z)
    root = np.kron(_root_of(_gram_of_rows(left)), _root_of(_gram_of_rows(right)))
    out = np.empty((n, 1))
    for s in range(n):
        g = np.empty(6)
        for a in range(6):
            g[a] = gen.standard_normal()
        w = np.zeros(6)
        for a in range(6):
            for b in range(6):
                w[a] += root[a, b] * g[b]
        out[s, 0] = max(w[0] * w[1], 0.0) * max(w[3] * w[5], 0.0)
    return out


@njit(**_JIT)
def angle_below(gen, n, dim, theta0):
    """Reduced Lemma 4.3: sin^2(theta/2) ~ Beta((n-1)/2, (n-1)/2), one draw per sample."""
    a = (dim - 1) / 2.0
    limit = np.sin(theta0 / 2.0) ** 2
    out = np.empty((n, 1))
    for s in range(n):
        out[s, 0] = 1.0 if gen.beta(a, a) <= limit else 0.0
    return out
