"""Exact reduced samplers (Numba), one per reference kernel they replace.

They rest on one fact (Lemma 4.2 and the Gaussian row structure): for a
matrix A with independent N(0, sigma^2) entries and fixed vectors U = [u_1 .. u_k],
the rows of A U are independent N(0, sigma^2 Gram(U)) vectors.  So a chain
A_L ... A_1 applied to k vectors can be sampled layer by layer from the k x k
Gram matrix alone: m_t k normals per layer instead of m_t m_{t-1}.  Each kernel
estimates exactly the same quantity as its reference kernel in ``_kernels.py``
(tests/test_reduced.py compares them), with the same signature and columns.
Kept in their own module with their own helpers (Numba's cache=True can pair
a kernel with a stale helper from another module).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_JIT = dict(cache=True, nogil=True)


@njit(**_JIT)
def _gram_root(vectors):
    """R with R R^T = vectors vectors^T (rows are vectors), by a symmetric eigendecomposition,
    so that rank-deficient Gram matrices (equal or parallel vectors) are handled exactly."""
    gram = vectors @ vectors.T
    vals, vecs = np.linalg.eigh(gram)
    k = vals.size
    root = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            root[a, b] = vecs[a, b] * np.sqrt(max(vals[b], 0.0))
    return root


@njit(**_JIT)
def _next_layer(gen, vectors, rows, sigma):
    """The images under a fresh rows x d matrix with N(0, sigma^2) entries, in distribution:
    rows independent N(0, sigma^2 Gram)."""
    root = _gram_root(vectors)
    k = vectors.shape[0]
    z = np.empty((k, rows))
    for a in range(k):
        for r in range(rows):
            z[a, r] = gen.standard_normal()
    return sigma * (root @ z)


@njit(**_JIT)
def _chain(gen, dims, sigmas, vectors):
    """The images of the rows of ``vectors`` under A_L ... A_1 (dims m_0..m_L), in distribution."""
    for t in range(1, dims.size):
        vectors = _next_layer(gen, vectors, dims[t], sigmas[t - 1])
    return vectors


@njit(**_JIT)
def chain_bilinear(gen, n, dims, sigmas, x, y, transpose):
    """Reduced Lemmas 4.7-4.10 (same columns as the reference kernel).  x^T B B^T y is
    x^T C^T C y for C = B^T, a chain of independent transposed matrices with reversed dims."""
    if transpose:
        dims = dims[::-1].copy()
        sigmas = sigmas[::-1].copy()
    start = np.vstack((x, y))
    out = np.empty((n, 1))
    for s in range(n):
        v = _chain(gen, dims, sigmas, start)
        out[s, 0] = v[0] @ v[1]
    return out


@njit(**_JIT)
def relu_chain(gen, n, dims, sigmas, x, y):
    """Reduced Lemma 4.11 / Corollary 4.12: sum_k ReLU((Bx)_k (By)_k) and the k = 1 term."""
    start = np.vstack((x, y))
    out = np.empty((n, 2))
    for s in range(n):
        v = _chain(gen, dims, sigmas, start)
        acc = 0.0
        for k in range(v.shape[1]):
            p = v[0, k] * v[1, k]
            if p > 0:
                acc += p
        out[s, 0] = acc
        out[s, 1] = max(v[0, 0] * v[1, 0], 0.0)
    return out


@njit(**_JIT)
def norm_product(gen, n, q, x, y, z):
    """Reduced Lemma 4.20: ||Ax||^2 ||Ay|| ||Az|| with (Ax, Ay, Az) drawn from their joint law."""
    root = _gram_root(np.vstack((x, y, z)))
    out = np.empty((n, 1))
    for s in range(n):
        zz = np.empty((3, q))
        for a in range(3):
            for r in range(q):
                zz[a, r] = gen.standard_normal()
        v = root @ zz
        out[s, 0] = (v[0] @ v[0]) * np.sqrt(v[1] @ v[1]) * np.sqrt(v[2] @ v[2])
    return out


@njit(**_JIT)
def relu_pair(gen, n, q, x, y, z, u, v):
    """Reduced Lemma 4.19: (u.Ax, u.Ay, v.Ax, v.Az) is Gaussian with covariance
    Gram(u, v) (x) Gram(x, y, z), so one 6-dimensional draw replaces q len(x) normals."""
    root = np.kron(_gram_root(np.vstack((u, v))), _gram_root(np.vstack((x, y, z))))  # index 3 a + b: (u or v) . A (x, y or z)
    out = np.empty((n, 1))
    for s in range(n):
        g = np.empty(6)
        for a in range(6):
            g[a] = gen.standard_normal()
        w = root @ g
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
