"""Independent cross-checks from the blog posts.

Two blog posts compute, for fully connected networks with piecewise-linear
activations, biases and the norm-squared loss, the per-network
"(approximately) optimal" learning rate

    alpha_*(theta) = df(theta) . grad f(theta) / d^2 f(theta) . (grad f(theta), grad f(theta)),

which is the thesis's Newton estimate -L_M'(0) / L_M''(0) of Section 4.2 for
the loss after one full-batch gradient step (L_M(lambda) = f(theta - lambda grad f)).

* ``blog-optimal-lr-single-layer.md`` ("Part 1"): one layer, closed form in
  the box "Putting everything together" (:func:`single_layer_alpha`) and its
  M = 1 (SGD) simplification (:func:`single_layer_sgd_alpha`).
* ``blog-optimal-lr-multi-layer.md`` ("Part 2"): L layers, the box "Main
  result", assembled from the boxed numerator N_W + N_b and denominator
  D_WW + 2 D_Wb + D_bb (:func:`multi_layer_terms`, :func:`multi_layer_alpha`).

Everything here is plain NumPy written from the posts' own formulas; nothing
calls :class:`~expectations.network.one_step.OneStepProblem`.

Blog conventions (both posts)
-----------------------------
* Network: z_l = W_l a_{l-1} + b_l, a_l = sigma_l(z_l), a_0 = x, output
  y_hat = a_L.  The activation is applied *after* the affine map, including on
  the output layer (sigma_L = identity gives a plain linear read-out).
* Loss: script-L(theta) = (1 / (2M)) sum_i ||y_hat(theta, x_i) - y_i||^2: a
  batch *mean* of *half* squared norms.
* Arrays here: rows are samples (``inputs`` is (M, n_0), ``targets`` is
  (M, n_L')), ``weights[l-1]`` is W_l of shape (n_l, n_{l-1}'), where n' is the
  width after the activation (n' = n except for ``"crelu"``, where n' = 2n).

Activations are given per layer as a leaky-ReLU slope ``c`` (sigma(z) = z for
z > 0, c z for z <= 0; ``0.0`` or ``"relu"`` is ReLU, ``1.0`` or
``"identity"`` is the identity), or ``"crelu"``, sigma(z) = [ReLU(z); ReLU(-z)].
The posts assume elementwise activations, so their Jacobians Delta'_l(i) are
diagonal and they write Delta'_l(i) Delta'_l(j) where the general chain rule
has J_l(i) J_l(j)^T.  :func:`multi_layer_terms` keeps the transpose, so the
same formulas also hold for the (non-diagonal) CReLU Jacobian; for diagonal
Jacobians it is literally the posts' formula.

Mapping to the thesis (:mod:`expectations.network.crelu`)
---------------------------------------------------
A CReLU layer x_i = P_i ReLU(x_{i-1}) - N_i ReLU(-x_{i-1}) + b_i is the blog
layer W_i = [P_i, -N_i] acting on CReLU(x_{i-1}) = [ReLU(x_{i-1}); ReLU(-x_{i-1})].
So a CReLU network with n layers is the blog network with input
a_0 = CReLU(x_0) (the thesis applies the activation to the input too),
W_l = [P_l, -N_l], sigma_l = "crelu" for l < n and sigma_n = identity, and then
z_l = x_l.  The map (P, N) -> [P, -N] is a linear isometry, so gradient steps
agree too.  :func:`crelu_as_blog` builds this.  (A plain ReLU network is *not* a
CReLU network with N_i = 0 for this purpose: a gradient step moves N_i off 0
whenever some x_{i-1} < 0.)

The thesis's MSE is L = ||x_n - y||^2 / d_n per sample, averaged over the
batch, i.e. L_M = (2 / d_n) script-L.  Scaling a loss by c scales the one-step
loss as c f(theta - c lambda grad f), so alpha_* scales by 1 / c:
alpha_*(MSE) = (d_n / 2) alpha_*(blog)  (:func:`mse_learning_rate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Activation = float | str

_NAMED_SLOPES = {"relu": 0.0, "identity": 1.0, "linear": 1.0}


def _slope(spec: Activation) -> float | None:
    """The leaky-ReLU slope of an activation spec, or None for ``"crelu"``."""
    if isinstance(spec, str):
        key = spec.lower()
        if key == "crelu":
            return None
        if key in _NAMED_SLOPES:
            return _NAMED_SLOPES[key]
        raise ValueError(f"unknown activation {spec!r}; use a slope, 'relu', 'identity' or 'crelu'")
    return float(spec)


def leaky_relu(z: np.ndarray, slope: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """sigma(z) = max(z, 0) + slope min(z, 0) and its derivative sigma'(z) (1 for z > 0, else slope)."""
    d = np.where(z > 0, 1.0, slope)
    return d * z, d


def activate(spec: Activation, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Activation values a = sigma(z), (M, n'), and per-sample Jacobians J = d sigma / dz, (M, n', n).

    Away from the kinks (where the posts work) J is constant in z: this is the
    "d sigma' = 0" of Part 1, Section "Fully-connected neural networks".
    """
    slope = _slope(spec)
    M, n = z.shape
    if slope is not None:
        a, d = leaky_relu(z, slope)
        return a, d[:, :, None] * np.eye(n)
    pos, neg = (z > 0).astype(float), (z < 0).astype(float)
    a = np.concatenate([pos * z, -neg * z], axis=1)
    J = np.concatenate([pos[:, :, None] * np.eye(n), -neg[:, :, None] * np.eye(n)], axis=1)
    return a, J


def _prepare(inputs, targets):
    X = np.atleast_2d(np.asarray(inputs, dtype=float))
    Y = np.atleast_2d(np.asarray(targets, dtype=float))
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"inputs and targets must have the same number of rows, got {X.shape}, {Y.shape}")
    return X, Y


def single_layer_alpha(W: np.ndarray, b: np.ndarray | None, inputs, targets, slope: float = 0.0) -> float:
    """alpha_*(theta) for y_hat = sigma(W x + b), sigma = leaky ReLU with ``slope`` (Part 1).

    The green box of ``blog-optimal-lr-single-layer.md``, Section
    "Fully-connected neural networks" ("Putting everything together"):

        alpha_* = M sum_{i,j} (1 + x_i.x_j) <D_i D_j e_j, e_i>
                  / sum_{i,j,k} (1 + x_i.x_j)(1 + x_i.x_k) <D_i D_j e_j, D_i D_k e_k>,

    with e_i = y_hat(x_i) - y_i and D_i = Delta'(z_{1,i}) = diag sigma'(W x_i + b).
    The loss is the post's (1/2M) sum_i ||y_hat_i - y_i||^2; see
    :func:`mse_learning_rate` for the thesis's MSE.  With ``b=None`` (no bias
    parameter) the 1's, which come from the bias terms N_b, D_Wb, D_bb, drop out.
    ``inputs`` (M, n_0), ``targets`` (M, n_1); ``W`` (n_1, n_0).
    """
    X, Y = _prepare(inputs, targets)
    M = X.shape[0]
    z = X @ W.T + (0.0 if b is None else b)
    yhat, D = leaky_relu(z, slope)
    e = yhat - Y
    C = X @ X.T + (0.0 if b is None else 1.0)
    num = M * np.einsum("ij,ic,jc,jc,ic->", C, D, D, e, e, optimize=True)
    den = np.einsum("ij,ik,ic,jc,jc,ic,kc,kc->", C, C, D, D, e, D, D, e, optimize=True)
    if not den > 0:
        raise ValueError(f"den(theta) = {den:.6g} <= 0: alpha_* is not defined")
    return float(num / den)


def single_layer_sgd_alpha(W: np.ndarray, b: np.ndarray | None, x, y, slope: float = 0.0) -> float:
    """The M = 1 (SGD) simplification of Part 1 (the box after "For stochastic gradient descent"):

        alpha_* = <D D e, e> / ((1 + x.x) <D D e, D D e>),

    which for standard ReLU (D D = D) is 1 / (1 + x.x).  ``x``, ``y`` are single
    vectors.  (The post cancels one factor 1 + x.x between numerator and
    denominator of the general formula.)
    """
    x = np.asarray(x, dtype=float).ravel()
    z = W @ x + (0.0 if b is None else b)
    yhat, d = leaky_relu(z, slope)
    e = yhat - np.asarray(y, dtype=float).ravel()
    dde = d * d * e
    den = (x @ x + (0.0 if b is None else 1.0)) * (dde @ dde)
    if not den > 0:
        raise ValueError("den(theta) = 0: alpha_* is not defined")
    return float((dde @ e) / den)


@dataclass(frozen=True)
class BlogTerms:
    """The pieces of Part 2's "Main result", normalised as in the post's boxes.

    ``numerator`` = N_W + N_b = ||grad script-L||^2 = -L'(0);
    ``gauss_newton`` = the first sum of the green denominator box (the
    (1 + a)(1 + a) <R e, R e> terms: the Gauss-Newton part, from
    <dy_hat, dy_hat>); ``residual`` = the second, "lambda > l" sum (with its
    factor 2: the <d^2 y_hat, e> part, from second derivatives of y_hat across
    two different layers).  ``denominator`` = their sum = L''(0).
    """

    numerator: float
    gauss_newton: float
    residual: float

    @property
    def denominator(self) -> float:
        return self.gauss_newton + self.residual

    @property
    def alpha(self) -> float:
        """alpha_* = numerator / denominator; ValueError when the denominator is <= 0."""
        if not self.denominator > 0:
            raise ValueError(f"denominator = {self.denominator:.6g} <= 0: alpha_* is not defined")
        return self.numerator / self.denominator


def multi_layer_terms(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None, inputs, targets,
                      activations: Sequence[Activation]) -> BlogTerms:
    """Numerator and denominator of alpha_* for an L-layer network (Part 2, "Main result").

    ``blog-optimal-lr-multi-layer.md``, with (Section "Fully-connected neural networks")

        P_{beta,alpha}(i) = Delta'_beta(i) W_beta ... Delta'_alpha(i) W_alpha,   P_{beta,beta+1} = Id,
        R_{beta,alpha}(i,j) = P_{beta,alpha}(i) Delta'_{alpha-1}(i) Delta'_{alpha-1}(j)^T P_{beta,alpha}(j)^T,
        a_alpha(i,j) = a_alpha(i).a_alpha(j),

    the numerator box "Numerator"

        N_W + N_b = (1/M^2) sum_l sum_{i,j} (1 + a_{l-1}(i,j)) <R_{L,l+1}(i,j) e_j, e_i>

    and the denominator box "Denominator"

        (1/M^3) sum_{lam,l} sum_{i,j,k} (1 + a_{lam-1}(i,j))(1 + a_{l-1}(i,k)) <R_{L,lam+1}(i,j) e_j,
                                                                                R_{L,l+1}(i,k) e_k>
        + (2/M^3) sum_{lam>l} sum_{i,j,k} (1 + a_{l-1}(i,k))
              <R_{L,lam+1}(i,j) e_j a_{lam-1}(j)^T R_{lam-1,l+1}(i,k) P_{L,lam}(k)^T e_k, e_i>.

    The transpose on the second Delta' is the chain rule for non-diagonal
    Jacobians (``"crelu"``); the post's activations are elementwise, where it
    changes nothing.  Sums over j and k are evaluated by bilinearity (first
    summing R e over j, resp. k), which is the same sum.  ``biases=None``: no
    bias parameters, the 1's drop out.

    ``weights[l-1]`` = W_l (n_l, n_{l-1}'), ``biases[l-1]`` = b_l (n_l,),
    ``activations[l-1]`` = sigma_l, ``inputs`` (M, n_0), ``targets`` (M, n_L').
    """
    X, Y = _prepare(inputs, targets)
    L = len(weights)
    if len(activations) != L or (biases is not None and len(biases) != L):
        raise ValueError("weights, biases and activations must have one entry per layer")
    M = X.shape[0]
    one = 0.0 if biases is None else 1.0

    # Forward pass: a[ell] (M, n_ell'), J[ell] (M, n_ell', n_ell), ell = 1..L; a[0] = x.
    a, J = [X], [None]
    for ell in range(1, L + 1):
        z = a[ell - 1] @ weights[ell - 1].T + (0.0 if biases is None else biases[ell - 1])
        al, Jl = activate(activations[ell - 1], z)
        a.append(al)
        J.append(Jl)
    e = a[L] - Y
    gram = [one + al @ al.T for al in a]  # gram[ell][i, j] = 1 + a_ell(i, j)

    def p_chain(beta, alpha):
        """P_{beta,alpha}(i), (M, n_beta', n_{alpha-1}'); the identity when beta = alpha - 1."""
        out = np.broadcast_to(np.eye(a[beta].shape[1]), (M, a[beta].shape[1], a[beta].shape[1]))
        for m in range(beta, alpha - 1, -1):
            out = out @ J[m] @ weights[m - 1]
        return out

    def r_chain(beta, alpha):
        """R_{beta,alpha}(i, j), (M, M, n_beta', n_beta')."""
        S = p_chain(beta, alpha) @ J[alpha - 1]  # P_{beta,alpha}(i) Delta'_{alpha-1}(i)
        return np.einsum("iab,jcb->ijac", S, S)

    RL = {ell: r_chain(L, ell + 1) for ell in range(1, L + 1)}  # R_{L,ell+1}

    layers = range(1, L + 1)
    numerator = sum(np.einsum("ij,ijab,jb,ia->", gram[ell - 1], RL[ell], e, e) for ell in layers) / M**2

    # u_i = sum_ell sum_j (1 + a_{ell-1}(i,j)) R_{L,ell+1}(i,j) e_j; first denominator sum = sum_i |u_i|^2.
    u = sum(np.einsum("ij,ijab,jb->ia", gram[ell - 1], RL[ell], e) for ell in layers)
    gauss_newton = float(np.sum(u * u)) / M**3

    residual = 0.0
    for lam in range(2, L + 1):
        A = np.einsum("ia,ijab,jb->ij", e, RL[lam], e)  # <R_{L,lam+1}(i,j) e_j, e_i>
        PtE = np.einsum("kab,ka->kb", p_chain(L, lam), e)  # P_{L,lam}(k)^T e_k
        for ell in range(1, lam):
            # R_{lam-1,ell+1}(i,k) P_{L,lam}(k)^T e_k
            v = np.einsum("ikab,kb->ika", r_chain(lam - 1, ell + 1), PtE)
            B = np.einsum("ja,ika->ijk", a[lam - 1], v)  # a_{lam-1}(j)^T (...)
            residual += 2.0 * np.einsum("ik,ij,ijk->", gram[ell - 1], A, B)
    residual /= M**3
    return BlogTerms(float(numerator), gauss_newton, float(residual))


def multi_layer_alpha(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None, inputs, targets,
                      activations: Sequence[Activation]) -> float:
    """alpha_*(theta) of Part 2 ("Main result"), for the post's loss (1/2M) sum ||y_hat - y||^2.

    See :func:`multi_layer_terms` for the formula and conventions.
    """
    return multi_layer_terms(weights, biases, inputs, targets, activations).alpha


def crelu_as_blog(network, inputs) -> tuple[list[np.ndarray], list[np.ndarray] | None, np.ndarray,
                                            list[Activation]]:
    """The blog-convention network equal to a :class:`~expectations.network.crelu.CReLUNetwork`.

    Returns ``(weights, biases, blog_inputs, activations)`` with W_l = [P_l, -N_l],
    blog input a_0 = [ReLU(x_0), ReLU(-x_0)] (rows are samples), hidden
    activations ``"crelu"`` and an identity output, so that the blog's z_l is
    the thesis's x_l and a gradient step on (W_l, b_l) is one on (P_l, N_l, b_l).
    """
    X = np.asarray(inputs, dtype=float)
    weights = [np.hstack([P, -N]) for P, N in zip(network.P, network.N)]
    biases = None if network.b is None else [np.asarray(b, dtype=float) for b in network.b]
    blog_inputs = np.hstack([np.maximum(X, 0), np.maximum(-X, 0)])
    activations: list[Activation] = ["crelu"] * (len(weights) - 1) + [1.0]
    return weights, biases, blog_inputs, activations


def mse_learning_rate(blog_alpha: float, output_dim: int) -> float:
    """alpha_* for the thesis's MSE (||x_n - y||^2 / d_n, batch mean) from the blog's (1/2M) sum ||.||^2.

    L_M = (2 / d_n) script-L and alpha_* scales inversely with the loss, so
    alpha_*(MSE) = (d_n / 2) alpha_*(blog).
    """
    return blog_alpha * output_dim / 2.0
