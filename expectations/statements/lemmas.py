"""The random-matrix statements of Chapter 4 (Lemmas 4.3-4.21, Corollaries
4.12 and 4.22, Hettinger's A.12 and A.13 as used), with their cases."""

from __future__ import annotations

from functools import partial

import numpy as np

from expectations.statements.model import Case, DeferredModule, Expectation, Kind

#: The closed forms and estimators, imported on first use: listing the registry needs neither.
cf = DeferredModule("expectations.lemmas.closed_forms")
mc = DeferredModule("expectations.lemmas.estimators")

# ---------------------------------------------------------------- case inputs

def _rng(tag: int) -> np.random.Generator:
    return np.random.default_rng([20201, tag])


def _orthogonal(dim: int, norms, tag: int) -> list[np.ndarray]:
    """Mutually orthogonal vectors in R^dim with the given norms (fixed by ``tag``)."""
    q, _ = np.linalg.qr(_rng(tag).normal(size=(dim, len(norms))))
    return [q[:, k] * norms[k] for k in range(len(norms))]


def _correlated(dim: int, norms, cos: float, tag: int) -> list[np.ndarray]:
    """Vectors with pairwise cosine ``cos`` (not orthogonal) and the given norms."""
    k = len(norms)
    gram = (1 - cos) * np.eye(k) + cos * np.ones((k, k))
    chol = np.linalg.cholesky(gram)  # rows are unit vectors in R^k with Gram matrix ``gram``
    basis = np.column_stack(_orthogonal(dim, [1.0] * k, tag))
    return [basis @ chol[r] * norms[r] for r in range(k)]


def _at_angle(dim: int, norms, theta: float, tag: int) -> list[np.ndarray]:
    """Two vectors in R^dim at angle ``theta``."""
    e1, e2 = _orthogonal(dim, [1.0, 1.0], tag)
    return [norms[0] * e1, norms[1] * (np.cos(theta) * e1 + np.sin(theta) * e2)]


def _r(value: float) -> float:
    return float(np.round(value, 4))


def _max_cos(*vectors) -> float:
    cos = [abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b))
           for k, a in enumerate(vectors) for b in vectors[k + 1:]]
    return _r(max(cos))


def output_side(m_n: int, tag: int) -> dict:
    """w, v and a symmetric P for the X of Lemmas A.13 and 4.21."""
    rng = _rng(tag)
    w, v = rng.normal(size=m_n), rng.normal(size=m_n)
    a = rng.normal(size=(m_n, m_n))
    return dict(w=w, v=v, P=(a + a.T) / 2 + m_n * np.eye(m_n) / 2)


# ---------------------------------------------------------------- statements

def _lemma_4_3_cases() -> tuple[Case, ...]:
    return tuple(Case({"n": n, "theta0": _r(t)}, dict(n=n, theta0=t))
                 for n, t in [(2, np.pi / 4), (3, np.pi / 3), (15, 1.3), (100, 1.5)])


def _lemma_4_3() -> Expectation:
    return Expectation(
        "Lemma 4.3", Kind.EXACT,
        "angle between independent Gaussian vectors has pdf ~ sin^(n-2); checked through its CDF",
        lambda n, theta0: float(cf.angle_cdf(theta0, n)), mc.estimate_angle_cdf, _lemma_4_3_cases, 300_000,
        reduced=True)


def _gram_entry(p, q, a, b, sigma):
    return float(cf.expected_gram(p, q, sigma)[a, b])


def _estimate_gram_entry(p, q, a, b, sigma, **run):
    e = np.eye(q)
    return mc.estimate_gram_bilinear(e[a], e[b], p, sigma=sigma, **run)


def _lemma_4_7_cases() -> tuple[Case, ...]:
    return tuple(
        Case({"p": p, "q": q, "entry": [a + 1, b + 1], "sigma": s}, dict(p=p, q=q, a=a, b=b, sigma=s))
        for p, q, a, b, s in [(3, 5, 0, 0, 1.0), (3, 5, 1, 3, 1.0), (7, 2, 1, 1, 1.0), (7, 2, 0, 1, 1.0)]
    )


def _lemma_4_7() -> Expectation:
    return Expectation("Lemma 4.7", Kind.EXACT, "E[A^T A] = p I, entry by entry",
                       _gram_entry, _estimate_gram_entry, _lemma_4_7_cases, 100_000, reduced=True)


def _lemma_4_8_cases() -> tuple[Case, ...]:
    cases = []
    for p, q, theta, tag in [(3, 5, 1.0, 1), (8, 3, 2.5, 2), (1, 4, 0.3, 3)]:
        x, y = _at_angle(q, [1.7, 0.6], theta, tag)
        cases.append(Case({"p": p, "q": q, "|x|": 1.7, "|y|": 0.6, "theta": theta},
                          dict(x=x, y=y, p=p)))
    return tuple(cases)


def _lemma_4_8() -> Expectation:
    return Expectation("Lemma 4.8", Kind.EXACT, "E[x^T A^T A y] = p x^T y",
                       cf.expected_gram_bilinear, mc.estimate_gram_bilinear, _lemma_4_8_cases, 150_000,
                       reduced=True)


def _chain_cases(sigma_choices) -> tuple[Case, ...]:
    cases = []
    for widths, sigmas, tag in sigma_choices:
        x, y = _at_angle(widths[-1], [1.3, 2.1], 0.8, tag)
        label = sigmas if isinstance(sigmas, str) or sigmas is None else [_r(s) for s in sigmas]
        cases.append(Case({"widths": widths, "sigmas": label, "|x|": 1.3, "|y|": 2.1, "theta": 0.8},
                          dict(x=x, y=y, widths=widths, sigmas=sigmas)))
    return tuple(cases)


def _hettinger_outer(x, y, widths, sigmas):
    """The printed Hettinger form of Lemma 4.10: sqrt(m_{q-1}) / sqrt(m_s) x^T y."""
    return cf.hettinger_chain_factor(widths) * float(np.asarray(x) @ np.asarray(y))


def _lemma_4_9() -> Expectation:
    cases = partial(_chain_cases, [([4, 6, 3], None, 4), ([5, 2, 7, 3], None, 5), ([3, 3], None, 6)])
    return Expectation("Lemma 4.9", Kind.EXACT, "E[x^T B B^T y] = m_{q-1} ... m_{s-1} x^T y",
                       cf.expected_chain_outer_bilinear, mc.estimate_chain_outer_bilinear, cases, 250_000,
                       reduced=True)


def _lemma_4_10() -> Expectation:
    cases = partial(_chain_cases, [([4, 6, 3], [0.7, 1.4], 7), ([5, 2, 7, 3], [0.5, 2.0, 1.1], 8)])
    return Expectation("Lemma 4.10", Kind.EXACT, "sigma-scaled Lemma 4.9",
                       cf.expected_chain_outer_bilinear, mc.estimate_chain_outer_bilinear,
                       cases, 250_000, reduced=True)


def _lemma_4_10_hettinger() -> Expectation:
    cases = partial(_chain_cases, [([4, 6, 3], "hettinger", 9), ([16, 8, 32, 4], "hettinger", 10)])
    return Expectation("Lemma 4.10 (Hettinger scaling)", Kind.EXACT,
                       "E[x^T B B^T y] = sqrt(m_{q-1} / m_s) x^T y",
                       _hettinger_outer, mc.estimate_chain_outer_bilinear, cases, 100_000, reduced=True)


def _relu_chain_cases(choices) -> tuple[Case, ...]:
    cases = []
    for widths, sigmas, theta, norms, tag in choices:
        x, y = _at_angle(widths[0], norms, theta, tag)
        label = sigmas if isinstance(sigmas, str) or sigmas is None else [_r(s) for s in sigmas]
        cases.append(Case({"widths": widths, "sigmas": label, "|x|": norms[0], "|y|": norms[1],
                           "theta": _r(theta)},
                          dict(x=x, y=y, widths=widths, sigmas=sigmas)))
    return tuple(cases)


def _lemma_4_11() -> Expectation:
    cases = partial(_relu_chain_cases, [
        ([5, 7, 4], None, 1.1, [1.0, 2.0], 11),
        ([3, 2, 6, 5], None, 2.8, [0.5, 1.5], 12),
        ([8, 8], None, 0.05, [1.0, 1.0], 13),
    ])
    return Expectation("Lemma 4.11", Kind.EXACT,
                       "sum_k E[ReLU(x^T B^T e_k e_k^T B y)] = m_1...m_s |x||y|((pi-t)cos t + sin t)/pi",
                       cf.expected_relu_chain_sum, mc.estimate_relu_chain_sum, cases, 1_200_000, reduced=True)


def _hettinger_relu(x, y, widths, sigmas):
    """The printed Hettinger form of Corollary 4.12: sqrt(m_s / m_0) |x||y| (...) / pi."""
    return float(np.sqrt(widths[-1] / widths[0])) * cf.arccos_kernel(x, y)


def _corollary_4_12() -> Expectation:
    cases = partial(_relu_chain_cases, [
        ([5, 7, 4], [0.6, 1.3], 1.1, [1.0, 2.0], 14),
        ([3, 2, 6, 5], [1.5, 0.4, 0.9], 2.0, [0.5, 1.5], 15),
    ])
    return Expectation("Corollary 4.12", Kind.EXACT, "sigma-scaled Lemma 4.11 (sum over k restored)",
                       cf.expected_relu_chain_sum, mc.estimate_relu_chain_sum, cases, 400_000, reduced=True)


def _corollary_4_12_hettinger() -> Expectation:
    cases = partial(_relu_chain_cases, [
        ([5, 7, 4], "hettinger", 1.1, [1.0, 2.0], 16),
        ([8, 32, 16, 2], "hettinger", 0.4, [2.0, 0.7], 17),
    ])
    return Expectation("Corollary 4.12 (Hettinger scaling)", Kind.EXACT,
                       "sum_k E[ReLU(...)] = sqrt(m_s / m_0) |x||y|((pi-t)cos t + sin t)/pi",
                       _hettinger_relu, mc.estimate_relu_chain_sum, cases, 100_000, reduced=True)


def _lemma_4_18_cases() -> tuple[Case, ...]:
    return tuple(Case({"a": a}, dict(a=a)) for a in (-1.3, 0.4, 2.5))


def _lemma_4_18() -> Expectation:
    return Expectation("Lemma 4.18", Kind.EXACT, "E[ReLU(ab) | a] = |a| / sqrt(2 pi)",
                       lambda a: float(cf.expected_relu_product_given(a)),
                       mc.estimate_relu_product_given, _lemma_4_18_cases, 150_000)


def _xyz_cases(s_dim, makers) -> list[tuple[dict, dict, bool]]:
    out = []
    for kind, tag in makers:
        norms = [1.2, 0.8, 1.5]
        if kind == "orthogonal":
            x, y, z = _orthogonal(s_dim, norms, tag)
        else:
            x, y, z = _correlated(s_dim, norms, kind, tag)
        params = {"s": s_dim, "|x|,|y|,|z|": norms, "max|cos(x,y,z)|": _max_cos(x, y, z)}
        out.append((params, dict(x=x, y=y, z=z), kind == "orthogonal"))
    return out


def _relu_pair_closed(x, y, z, u, v):
    return cf.expected_relu_pair(x, y, z, u, v, check_orthogonal=False)


def _lemma_4_19_cases() -> tuple[Case, ...]:
    cases = []
    for q, s_dim, theta, cos, tag in [(4, 3, 1.0, "orthogonal", 21), (6, 5, 2.2, "orthogonal", 22),
                                      (2, 3, 0.0, "orthogonal", 23), (4, 3, 1.0, 0.3, 24),
                                      (4, 3, 1.0, 0.7, 25)]:
        [(params, xyz, holds)] = _xyz_cases(s_dim, [(cos, tag)])
        u, v = _at_angle(q, [0.9, 1.4], theta, tag)
        params.update({"q": q, "|u|": 0.9, "|v|": 1.4, "theta(u,v)": _r(theta)})
        cases.append(Case(params, dict(**xyz, u=u, v=v), holds,
                          "" if holds else "x, y, z not orthogonal"))
    return tuple(cases)


def _lemma_4_19() -> Expectation:
    return Expectation("Lemma 4.19", Kind.EXACT,
                       "E[ReLU(x^T A^T u u^T A y) ReLU(x^T A^T v v^T A z)] for orthogonal x, y, z",
                       _relu_pair_closed, mc.estimate_relu_pair, _lemma_4_19_cases, 1_600_000, reduced=True)


def _with_cosines(dim: int, norms, cosines, tag: int) -> list[np.ndarray]:
    """x, y, z in R^dim with the given norms and cosines (c_xy, c_xz, c_yz)."""
    c_xy, c_xz, c_yz = cosines
    gram = np.array([[1, c_xy, c_xz], [c_xy, 1, c_yz], [c_xz, c_yz, 1]])
    vals, vecs = np.linalg.eigh(gram)
    rows = vecs * np.sqrt(np.maximum(vals, 0.0))  # rows with the Gram matrix ``gram``
    basis = np.column_stack(_orthogonal(dim, [1.0] * 3, tag))
    return [norms[r] * (basis @ rows[r]) for r in range(3)]


def _beyond_19_cases(choices) -> tuple[Case, ...]:
    """Lemma 4.19 at cosines (c_xy, c_xz, c_yz) and angle theta(u, v) (docs/beyond-the-thesis.md)."""
    cases = []
    for q, theta, cosines, tag in choices:
        x, y, z = _with_cosines(3, [1.2, 0.8, 1.5], cosines, tag)
        u, v = _at_angle(q, [0.9, 1.4], theta, tag)
        cases.append(Case({"q": q, "theta(u,v)": _r(theta), "(c_xy, c_xz, c_yz)": list(cosines),
                           "|x|,|y|,|z|": [1.2, 0.8, 1.5], "|u|": 0.9, "|v|": 1.4},
                          dict(x=x, y=y, z=z, u=u, v=v)))
    return tuple(cases)


def _lemma_4_19_any(label: str, kind: Kind, summary: str, method: str, choices,
                    n_samples: int) -> Expectation:
    """Lemma 4.19 at any inputs by ``expected_relu_pair_any(method=method)``."""
    return Expectation(label, kind, summary, partial(cf.expected_relu_pair_any, method=method),
                       mc.estimate_relu_pair, partial(_beyond_19_cases, choices), n_samples, reduced=True)


def _lemma_4_19_any_exact() -> Expectation:
    return _lemma_4_19_any("Lemma 4.19 (any inputs, exact)", Kind.EXACT,
                           "closed forms off orthogonality: u perp v, x = y = z, x perp y and z", "exact",
                           [(3, np.pi / 2, (0.5, -0.3, 0.2), 61),  # u orthogonal to v
                            (3, 1.0, (1.0, 1.0, 1.0), 62),          # x = y = z
                            (3, 0.7, (0.0, 0.0, 1.0), 63),          # y = z orthogonal to x
                            (4, 2.2, (0.0, 0.0, 0.5), 64)],         # x orthogonal to y and z
                           1_600_000)


def _lemma_4_19_quadrature() -> Expectation:
    return _lemma_4_19_any("Lemma 4.19 (quadrature)", Kind.EXACT,
                           "E[ReLU(..u..) ReLU(..v..)] at any cosines by deterministic quadrature",
                           "quadrature", [(3, 1.0, (0.2, 0.2, 0.2), 65), (4, 2.2, (0.5, -0.3, 0.2), 66),
                                          (2, 0.0, (0.5, 0.5, 0.5), 67)], 1_600_000)


def _lemma_4_19_first_order() -> Expectation:
    return _lemma_4_19_any("Lemma 4.19 (first order)", Kind.APPROXIMATION,
                           "F0 + (1 + cos^2 theta)(c_xy + c_xz)/(2 pi) + cos^2 theta c_yz / 4 (Price)",
                           "first_order", [(3, 1.0, (0.1, 0.1, 0.1), 68), (3, 1.0, (0.2, 0.2, 0.2), 69),
                                           (3, 2.2, (0.3, -0.2, 0.1), 70)], 400_000)


def _beyond_20_cases(choices) -> tuple[Case, ...]:
    cases = []
    for q, cosines, tag in choices:
        x, y, z = _with_cosines(4, [1.2, 0.8, 1.5], cosines, tag)
        cases.append(Case({"q": q, "(c_xy, c_xz, c_yz)": list(cosines), "|x|,|y|,|z|": [1.2, 0.8, 1.5]},
                          dict(x=x, y=y, z=z, q=q)))
    return tuple(cases)


def _lemma_4_20_any(label: str, kind: Kind, summary: str, method: str, choices) -> Expectation:
    """Lemma 4.20 at any inputs by ``expected_norm_product_any(method=method)``."""
    return Expectation(label, kind, summary, partial(cf.expected_norm_product_any, method=method),
                       mc.estimate_norm_product, partial(_beyond_20_cases, choices), 200_000, reduced=True)


def _lemma_4_20_any_exact() -> Expectation:
    return _lemma_4_20_any("Lemma 4.20 (any inputs, exact)", Kind.EXACT,
                           "mu_q^2 (q + c_xy^2); q mu_q^2 2F1(-1/2,-1/2;q/2;c_yz^2); q (q + 2) for x = y = z",
                           "exact",
                           [(3, (0.6, 0.0, 0.0), 71), (5, (0.0, 0.0, 0.7), 72), (4, (1.0, 1.0, 1.0), 73)])


def _lemma_4_20_quadrature() -> Expectation:
    return _lemma_4_20_any("Lemma 4.20 (quadrature)", Kind.EXACT,
                           "E[|Ax|^2 |Ay| |Az|] at any cosines by 1-D Gauss-Laguerre quadrature",
                           "quadrature", [(8, (0.5, 0.5, 0.5), 74), (3, (0.4, -0.3, 0.6), 75)])


def _lemma_4_20_second_order() -> Expectation:
    return _lemma_4_20_any("Lemma 4.20 (second order)", Kind.APPROXIMATION,
                           "mu_q^2 (q + c_xy^2 + c_xz^2 + c_yz^2 / 2): no first-order term",
                           "second_order",
                           [(3, (0.2, 0.2, 0.2), 76), (3, (0.5, 0.5, 0.5), 77), (8, (0.9, 0.9, 0.9), 78)])


def _norm_cases() -> tuple[Case, ...]:
    cases = []
    for q, s_dim, cos, tag in [(3, 3, "orthogonal", 31), (8, 5, "orthogonal", 32),
                               (32, 4, "orthogonal", 33), (8, 5, 0.5, 34)]:
        [(params, xyz, holds)] = _xyz_cases(s_dim, [(cos, tag)])
        params["q"] = q
        cases.append(Case(params, dict(**xyz, q=q), holds, "" if holds else "x, y, z not orthogonal"))
    return tuple(cases)


def _lemma_4_20_exact() -> Expectation:
    return Expectation("Lemma 4.20 (exact Gamma form)", Kind.EXACT,
                       "E[|Ax|^2 |Ay| |Az|] = |x|^2|y||z| q (sqrt2 Gamma((q+1)/2)/Gamma(q/2))^2",
                       partial(cf.expected_norm_product, check_orthogonal=False),
                       mc.estimate_norm_product, _norm_cases, 200_000, reduced=True)


def _lemma_4_20() -> Expectation:
    return Expectation("Lemma 4.20", Kind.APPROXIMATION, "E[|Ax|^2 |Ay| |Az|] ~ |x|^2 |y| |z| q^2",
                       partial(cf.expected_norm_product_q2, check_orthogonal=False),
                       mc.estimate_norm_product, _norm_cases, 200_000, reduced=True)


def _lemma_a12_cases() -> tuple[Case, ...]:
    return tuple(Case({"widths (m_{i-1}..m_j)": w}, dict(widths=w))
                 for w in ([4, 5, 3, 6], [3, 6, 2], [2, 3, 4, 3, 2]))


def _lemma_a12() -> Expectation:
    return Expectation("Lemma A.12 (as used)", Kind.EXACT,
                       "E[|B_{j,i+1}|_F^2 |B_{j-1,i}|_F^2 / (m_j m_{i-1})] = h_ij",
                       cf.expected_frobenius_pair, mc.estimate_frobenius_pair, _lemma_a12_cases, 1_000_000,
                       reduced=True)


def _lemma_a13_cases() -> tuple[Case, ...]:
    cases = []
    for widths, split, tag in [([4, 5, 6, 3], 0, 41), ([4, 5, 6, 3], 2, 42), ([3, 7, 2], 1, 43)]:
        side = output_side(widths[-1], tag)
        cases.append(Case({"widths (m_i..m_n)": widths, "j - i": split}, dict(**side, widths=widths,
                                                                               split=split)))
    return tuple(cases)


def _lemma_a13() -> Expectation:
    return Expectation("Lemma A.13 (as used)", Kind.EXACT,
                       "E[w^T B_{n,j+1} B_{n,j+1}^T P B_{n,i+1} B_{n,i+1}^T v] = g_ij m_i ... m_{j-1}",
                       cf.expected_x_form, mc.estimate_x_form, _lemma_a13_cases, 2_400_000, reduced=True,
                       reduced_n_samples=400_000)  # last layer integrated out: SE 0.43-0.59 of 2.4M reference


#: Samples of the reduced Lemma 4.21 / Corollary 4.22 sampler by default: with layers integrated out its
#: standard error at equal n is 0.04-0.5 of the reference kernel's, so at 400,000 samples it stays
#: below the reference kernel's at 1,000,000 (benchmarks/run.py section 8).
DOUBLE_SUM_REDUCED_SAMPLES = 400_000


def _double_sum_cases(sigmas) -> tuple[Case, ...]:
    cases = []
    for widths, i, j, cos, tag in [([6, 5, 4, 3], 2, 2, "orthogonal", 51),
                                   ([6, 5, 4, 3], 2, 3, "orthogonal", 52),
                                   ([4, 16, 16, 16, 4], 3, 4, "orthogonal", 53),
                                   ([4, 16, 16, 16, 4], 3, 3, "orthogonal", 54),
                                   ([6, 5, 4, 3], 2, 3, 0.5, 55),
                                   ([6, 5, 4, 3], 1, 2, "orthogonal", 56)]:
        [(params, xyz, holds)] = _xyz_cases(widths[0], [(cos, tag)])
        params.pop("s")
        params.update({"widths": widths, "i": i, "j": j})
        if sigmas is not None:
            params["sigmas"] = sigmas
        note = "" if holds else "x, y, z not orthogonal"
        if i == 1:
            holds, note = False, "i = 1: no A_{i-1} for Lemma 4.19 to act on"
        cases.append(Case(params, dict(**xyz, **output_side(widths[-1], tag), widths=widths,
                                       i=i, j=j, sigmas=sigmas), holds, note))
    return tuple(cases)


def _lemma_4_21() -> Expectation:
    return Expectation("Lemma 4.21", Kind.APPROXIMATION, "double sum with X ~ f_ij g_ij h_ij",
                       cf.relu_double_sum, mc.estimate_relu_double_sum, partial(_double_sum_cases, None),
                       1_000_000, reduced=True, reduced_n_samples=DOUBLE_SUM_REDUCED_SAMPLES)


def _diagonal_double_sum_cases() -> tuple[Case, ...]:
    # only the diagonal cells, where it is measured closer than the thesis's form ((2, 2) exact,
    # (3, 3) in four of five cells); off the diagonal it is further off (docs/beyond-the-thesis.md)
    # and "Lemma 4.21 (exact cells)" is the form to use
    return tuple(c for c in _double_sum_cases(None) if c.params["i"] == c.params["j"])


def _lemma_4_21_refined() -> Expectation:
    return Expectation("Lemma 4.21 (refined)", Kind.APPROXIMATION,
                       "f g h with exact chi means and the k = l terms of i = j (exact at i = j = 2)",
                       cf.relu_double_sum_refined, mc.estimate_relu_double_sum,
                       _diagonal_double_sum_cases, 1_000_000, reduced=True,
                       reduced_n_samples=DOUBLE_SUM_REDUCED_SAMPLES)


def _lemma_4_21_exact_cases() -> tuple[Case, ...]:
    cases = []
    for widths, i, j, cosines, tag in [([3, 6, 4, 1], 2, 2, (0.4, 0.4, 0.4), 82),
                                       ([3, 4, 16, 1], 2, 3, (0.0, 0.0, 0.0), 82),
                                       ([3, 8, 8, 8, 1], 3, 3, (0.0, 0.0, 0.0), 82)]:
        x, y, z = _with_cosines(widths[0], [1.2, 0.8, 1.5], cosines, tag)
        cases.append(Case({"widths": widths, "i": i, "j": j, "(c_xy, c_xz, c_yz)": list(cosines)},
                          dict(x=x, y=y, z=z, **output_side(widths[-1], tag), widths=widths, i=i, j=j)))
    return tuple(cases)


def _lemma_4_21_exact() -> Expectation:
    return Expectation("Lemma 4.21 (exact cells)", Kind.EXACT,
                       "S_ij exactly (every i >= 2, any x, y, z); cases (2, 2), (2, 3), (3, 3)",
                       cf.relu_double_sum_exact, mc.estimate_relu_double_sum, _lemma_4_21_exact_cases,
                       300_000, reduced=_lemma_4_21().reduced)  # the same sampler as Lemma 4.21's


def _corollary_4_22() -> Expectation:
    return Expectation("Corollary 4.22", Kind.APPROXIMATION,
                       "Lemma 4.21 with the Hettinger scaling", cf.relu_double_sum,
                       mc.estimate_relu_double_sum, partial(_double_sum_cases, "hettinger"), 1_000_000,
                       reduced=True, reduced_n_samples=DOUBLE_SUM_REDUCED_SAMPLES)


def statements() -> tuple[Expectation, ...]:
    """The random-matrix statements, in the thesis's order."""
    return (_lemma_4_3(), _lemma_4_7(), _lemma_4_8(), _lemma_4_9(), _lemma_4_10(),
            _lemma_4_10_hettinger(), _lemma_4_11(), _corollary_4_12(), _corollary_4_12_hettinger(),
            _lemma_4_18(), _lemma_4_19(), _lemma_4_19_any_exact(), _lemma_4_19_quadrature(),
            _lemma_4_19_first_order(), _lemma_4_20_exact(), _lemma_4_20(), _lemma_4_20_any_exact(),
            _lemma_4_20_quadrature(), _lemma_4_20_second_order(), _lemma_a12(), _lemma_a13(),
            _lemma_4_21(), _lemma_4_21_refined(), _lemma_4_21_exact(), _corollary_4_22())
