"""Monte Carlo evidence for the corrections in docs/errata.md.

For each doubtful reading, estimates the statement's left-hand side from its
own definitions and sets it beside the printed and the corrected right-hand
sides.  Prints a Markdown table; takes about a minute on 2 cores.

    python validation/errata_evidence.py [--samples N] [--seed S]
"""

from __future__ import annotations

import argparse

import numpy as np

from expectations.lemmas import closed_forms as cf
from expectations.lemmas import estimators as mc
from expectations.network import decomposition as dc
from expectations.network import theorems as th
from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem
from expectations.statements import registry


def _row(what, est, readings):
    cells = []
    for name, value in readings:
        cells.append(f"{name}: {value:.6g} (z = {est.z(value):+.1f})")
    return f"| {what} | {est.mean:.6g} ± {est.stderr:.2g} | " + " <br> ".join(cells) + " |"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n, seed = args.samples, args.seed
    rows = ["| erratum | Monte Carlo (± SE) | readings |", "|---|---|---|"]

    # Corollary 4.12: the sum over k = 1..m_s is missing on the left-hand side.
    widths = [5, 7, 4]
    x, y = np.array([1.0, 0.3, -0.5, 0.2, 0.9]), np.array([0.4, 1.2, 0.1, -0.7, 0.5])
    rhs = cf.expected_relu_chain_sum(x, y, widths, sigmas="hettinger")
    single = mc.estimate_relu_chain_sum(x, y, widths, n, seed, sigmas="hettinger", single_unit=True)
    total = mc.estimate_relu_chain_sum(x, y, widths, n, seed, sigmas="hettinger")
    rows.append(_row("Cor. 4.12, widths 5-7-4, Hettinger: E[ReLU(...)] for k = 1 alone (printed LHS)",
                     single, [("printed RHS", rhs), ("RHS / m_s", rhs / widths[-1])]))
    rows.append(_row("Cor. 4.12: sum over k = 1..m_s (corrected LHS)", total, [("printed RHS", rhs)]))

    # Lemma A.12 as quoted in the proof of Lemma 4.21.
    for w in ([3, 4, 5, 3, 6], [2, 6, 3, 2]):
        h = cf.expected_frobenius_pair(w[1:])
        printed = mc.estimate_frobenius_pair(w, n, seed, printed_reading=True)
        corrected = mc.estimate_frobenius_pair(w[1:], n, seed)
        rows.append(_row(f"A.12 printed, E[‖B_(j,i+1)‖²‖B_(j,i-1)‖²/(m_j m_(j-1))], widths {w}",
                         printed, [("h_ij", h)]))
        rows.append(_row(f"A.12 corrected, E[‖B_(j,i+1)‖²‖B_(j-1,i)‖²/(m_j m_(i-1))], widths {w[1:]}",
                         corrected, [("h_ij", h)]))

    # Lemma 4.21: k = l terms when i = j; i = 1; non-orthogonal inputs.
    statement = registry.get("Lemma 4.21")
    for case in statement.cases:
        p = case.params
        if p["widths"] != [6, 5, 4, 3]:
            continue
        est = statement.estimate(case, n, seed)
        what = (f"Lemma 4.21, widths {p['widths']}, i = {p['i']}, j = {p['j']}, "
                f"max|cos(x,y,z)| = {p['max|cos(x,y,z)|']}")
        rows.append(_row(what, est, [("thesis f g h", statement.evaluate(case)),
                                     ("refined", cf.relu_double_sum_refined(**case.inputs))]))
    rows += lemma_4_16_rows() + theorem_4_24_rows(n, seed)
    print("\n".join(rows))


def lemma_4_16_rows():
    """Lemma 4.16's first sum with alpha_jkm (corrected) and alpha_jkl (printed), one network."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(9, 5)), rng.normal(size=(9, 2))
    net = CReLUNetwork.hettinger([5, 7, 6, 2], rng)
    problem = OneStepProblem(net, x, y)
    d = problem.derivatives()
    dec = dc.decompose(net, x, problem.output_gradients, problem.loss.hessian(problem.activations[-1], y))
    first, second = dc.lemma_4_16(dec)
    printed, _ = dc.lemma_4_16(dec, printed_reading=True)
    return [f"| Lemma 4.16, widths 5-7-6-2, s = 9, MSE: L''(0) by forward mode | {d.second:.12g} (exact) | "
            f"corrected (alpha_jkm): {first + second:.12g} (rel. diff {(first + second) / d.second - 1:.1e})"
            f" <br> printed (alpha_jkl): {printed + second:.12g} "
            f"(rel. diff {(printed + second) / d.second - 1:+.1%}) |"]


def theorem_4_24_rows(n, seed):
    """One term E[alpha_jkm chi_ijklm alpha_ikl] of Theorem 4.24's sum, for distinct samples k, l, m
    with orthogonal inputs, against the corrected and printed C_ijklm (Hettinger scaling, width 64)."""
    rng = np.random.default_rng(5)
    widths = [6, 64, 64, 3]
    xk, xl, xm = cf_orthogonal(6, rng)
    g = rng.normal(size=(3, 3))  # dL^k, dL^l, dL^m
    hk, hl = (np.diag(rng.uniform(0.2, 2.0, 3)) for _ in range(2))
    c = th.layer_coefficients_4_13(widths)
    rows = []
    for i, j in [(2, 2), (2, 3)]:
        est = mc.estimate_relu_double_sum(xk, xl, xm, g[2], g[1], hk, widths, i, j, n, seed,
                                          sigmas="hettinger")
        phi_ab, psi_ab = th.phi_psi(widths, i, j)
        phi_bn, psi_bn = th.phi_psi(widths, j, len(widths) - 1)
        factor = (c[i - 1] * c[j - 1] * (phi_ab - psi_ab) * np.linalg.norm(xk) ** 2 * np.linalg.norm(xl)
                  * np.linalg.norm(xm) / np.pi**2)
        corrected = factor * (phi_bn * g[1] @ hk @ g[2] + psi_bn * np.trace(hk) * g[1] @ g[2])
        printed = factor * (phi_bn * g[1] @ hk @ g[0] + psi_bn * np.trace(hl) * g[1] @ g[2])
        rows.append(_row(f"Theorem 4.24, one term (i, j) = ({i}, {j}), k, l, m distinct, widths {widths}",
                         est, [("corrected C_ijklm", corrected), ("printed C_ijklm", printed)]))
    return rows


def cf_orthogonal(dim, rng):
    q, _ = np.linalg.qr(rng.normal(size=(dim, 3)))
    return q[:, 0] * 1.3, q[:, 1] * 0.8, q[:, 2] * 1.1


if __name__ == "__main__":
    main()
