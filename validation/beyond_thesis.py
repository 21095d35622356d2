"""Evidence for docs/beyond-the-thesis.md: Lemmas 4.19, 4.20 and 4.21 off the thesis's assumptions.

Prints Markdown tables: Lemma 4.19 at equal pairwise cosine c by angle theta
(quadrature value and error bound, ratio to the thesis's formula, reduced-sampler
estimate and z), the first-order expansion's error, the Lemma 4.20 shift against
the cosines, and Lemma 4.21's exact cells against Monte Carlo.  About two
minutes on 2 cores at the defaults.

    python validation/beyond_thesis.py [--samples N] [--seed S]
"""

from __future__ import annotations

import argparse

import numpy as np

from expectations.lemmas import closed_forms as cf
from expectations.lemmas import double_sum_exact as dse
from expectations.lemmas import estimators as mc
from expectations.lemmas import norm_products_general as npg
from expectations.lemmas import relu_pair_general as rpg

COSINES = (-0.4, -0.2, -0.1, 0.0, 0.1, 0.2, 0.5, 0.9, 1.0)
ANGLES = (("0", 0.0), ("pi/3", np.pi / 3), ("pi/2", np.pi / 2), ("2pi/3", 2 * np.pi / 3), ("pi", np.pi))


def equal_cosine_vectors(dim: int, cos: float, norms=(1.0, 1.0, 1.0), seed: int = 0) -> list[np.ndarray]:
    """Three vectors in R^dim (dim >= 3) with pairwise cosine ``cos`` and the given norms."""
    gram = (1 - cos) * np.eye(3) + cos * np.ones((3, 3))
    vals, vecs = np.linalg.eigh(gram)
    rows = vecs * np.sqrt(np.maximum(vals, 0.0))  # rows r with r_a . r_b = gram_ab
    basis, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, 3)))
    return [norms[k] * (basis @ rows[k]) for k in range(3)]


def angle_pair(theta: float) -> tuple[np.ndarray, np.ndarray]:
    """Unit u, v in R^2 at angle theta."""
    return np.array([1.0, 0.0]), np.array([np.cos(theta), np.sin(theta)])


def _seed(seed: int, cell: int) -> int:
    """An independent seed per table cell (so that the cells' errors are not shared)."""
    return int(np.random.SeedSequence([seed, cell]).generate_state(1)[0])


def lemma_4_19_table(n: int, seed: int) -> list[str]:
    rows = ["| c | theta | F (quadrature ± bound) | thesis F0 | ratio F/F0 | reduced MC ± SE | z |",
            "|---|---|---|---|---|---|---|"]
    for row, c in enumerate(COSINES):
        x, y, z = equal_cosine_vectors(3, c, seed=seed)
        for col, (label, theta) in enumerate(ANGLES):
            u, v = angle_pair(theta)
            rho = float(np.cos(theta)) if label != "pi/2" else 0.0
            q = rpg.quadrature_factor(rho, c, c, c)
            f0 = rpg.thesis_factor(rho)
            est = mc.estimate_relu_pair(x, y, z, u, v, n_samples=n, seed=_seed(seed, 10 * row + col),
                                        method="reduced")
            rows.append(f"| {c:g} | {label} | {q.value:.6f} ± {q.error:.0e} | {f0:.6f} | "
                        f"{q.value / f0:.4f} | {est.mean:.6f} ± {est.stderr:.1e} | {est.z(q.value):+.1f} |")
    return rows


def first_order_table() -> list[str]:
    rows = ["| c (all three) | theta | exact F | first order (rel. err.) | thesis (rel. err.) |",
            "|---|---|---|---|---|"]
    for c in (-0.2, -0.1, 0.05, 0.1, 0.2, 0.5):
        for label, theta in ANGLES[:3]:
            rho = float(np.cos(theta)) if label != "pi/2" else 0.0
            exact = rpg.quadrature_factor(rho, c, c, c).value
            first, f0 = rpg.first_order_factor(rho, c, c, c), rpg.thesis_factor(rho)
            rows.append(f"| {c:g} | {label} | {exact:.6f} | {first:.6f} ({first / exact - 1:+.2%}) | "
                        f"{f0:.6f} ({f0 / exact - 1:+.2%}) |")
    return rows


def lemma_4_20_table(n: int, seed: int) -> list[str]:
    rows = ["| q | c (all three) | G / G_orth exact | second order | MC ± SE (ratio) | z |",
            "|---|---|---|---|---|---|"]
    for row, q in enumerate((2, 4, 8, 32)):
        orth = npg.norm_product_factor(q, 0.0, 0.0, 0.0)
        for col, c in enumerate((-0.4, 0.1, 0.2, 0.5, 0.9, 1.0)):
            x, y, z = equal_cosine_vectors(3, c, seed=seed)
            g = npg.norm_product_factor(q, c, c, c)
            second = npg.norm_product_second_order(q, c, c, c)
            est = mc.estimate_norm_product(x, y, z, q, n_samples=n, seed=_seed(seed, 1000 + 10 * row + col),
                                           method="reduced")
            rows.append(f"| {q} | {c:g} | {g / orth:.5f} | {second / orth:.5f} | "
                        f"{est.mean / orth:.5f} ± {est.stderr / orth:.1e} | {est.z(g):+.1f} |")
    return rows


def _side(m_n: int, seed: int) -> dict:
    rng = np.random.default_rng([seed, m_n])
    a = rng.normal(size=(m_n, m_n))
    return dict(w=rng.normal(size=m_n), v=rng.normal(size=m_n), P=(a + a.T) / 2 + m_n * np.eye(m_n) / 2)


def lemma_4_21_table(n: int, seed: int) -> list[str]:
    rows = ["| widths | (i, j) | inputs | MC ± SE | thesis (z) | refined (z) | exact (z) |",
            "|---|---|---|---|---|---|---|"]
    cells = [([6, 5, 4, 3], 2, 3, 0.0), ([3, 4, 5, 3], 2, 3, 0.0), ([3, 2, 5, 3], 2, 3, 0.0),
             ([3, 3, 4, 5, 2], 2, 4, 0.0), ([4, 4, 4, 4, 4], 2, 4, 0.0), ([3, 2, 5, 3], 2, 2, 0.5),
             ([6, 5, 4, 3], 2, 3, 0.5), ([4, 16, 16, 16, 4], 3, 3, 0.0), ([3, 2, 3, 2], 3, 3, 0.0),
             ([4, 4, 4, 4, 4], 3, 3, 0.0), ([8, 8, 8, 8], 3, 3, 0.0)]
    for cell, (widths, i, j, cos) in enumerate(cells):
        x, y, z = equal_cosine_vectors(widths[0], cos, norms=(1.2, 0.8, 1.5), seed=seed)
        kw = dict(x=x, y=y, z=z, **_side(widths[-1], seed), widths=widths, i=i, j=j)
        est = mc.estimate_relu_double_sum(**kw, n_samples=n, seed=_seed(seed, 2000 + cell))
        vals = [cf.relu_double_sum(**kw), cf.relu_double_sum_refined(**kw), dse.relu_double_sum_exact(**kw)]
        cells_txt = " | ".join(f"{val:.5g} ({val / est.mean - 1:+.1%}, z = {est.z(val):+.1f})"
                               for val in vals)
        label = "orthogonal" if cos == 0 else f"equal cosine {cos:g}"
        rows.append(f"| {widths} | ({i}, {j}) | {label} | {est.mean:.5g} ± {est.stderr:.2g} | {cells_txt} |")
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n, seed = args.samples, args.seed
    for title, rows in (("Lemma 4.19, equal pairwise cosine c", lemma_4_19_table(n, seed)),
                        ("Lemma 4.19, first-order expansion", first_order_table()),
                        ("Lemma 4.20, shift against the cosines", lemma_4_20_table(n, seed)),
                        ("Lemma 4.21, exact cells", lemma_4_21_table(n // 4, seed))):
        print(f"\n### {title}\n")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
