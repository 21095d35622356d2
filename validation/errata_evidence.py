"""Monte Carlo evidence for the corrections in docs/errata.md.

For each doubtful reading, estimates the statement's left-hand side from its
own definitions and sets it beside the printed and the corrected right-hand
sides.  Prints a Markdown table; takes about a minute on 2 cores.

    python validation/errata_evidence.py [--samples N] [--seed S]
"""

from __future__ import annotations

import argparse

import numpy as np

from expectations import closed_forms as cf
from expectations import montecarlo as mc
from expectations import registry


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
    print("\n".join(rows))


if __name__ == "__main__":
    main()
