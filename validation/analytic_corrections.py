"""The analytic learning rate with the corrections for gradients that belong to the network (issue 10).

For each data set, width m and number of hidden layers h (architecture d_0, m x h, 1; MSE), beside
the columns of ``validation/analytic_learning_rate.py`` (``cell``, ``summarise``: mean true optimum
over ``--networks`` Hettinger networks, paired ratios with SEs), the analytic estimate with each
correction of :mod:`expectations.analytic_corrections` added cumulatively:

* refined: -E[T4.13 refined] / E[T4.24 refined] at E[G] (:func:`expectations.analytic_learning_rate`);
* + exact E[L'(0)]: the numerator replaced by E[L_M'(0)] with the alpha-g and omega-g dependence
  kept (:func:`~expectations.analytic_corrections.expected_first_derivative`);
* + Lemma 4.16's first sum: E[first sum] (:func:`~expectations.analytic_corrections.expected_first_sum`)
  added to the denominator.

Also printed: each correction's factor on its own theorem (E[L'] exact / E[T4.13 refined] and
(E[T4.24 refined] + E[first sum]) / E[T4.24 refined]).  The corrections' own Monte Carlo SEs (layers
drawn for h >= 2) are in the JSON; they are far below the SE of the mean true optimum.

    python validation/analytic_corrections.py [--data pima,pima:center] [--widths 16,32,64]
        [--depths 1,2,3] [--networks 30] [--seed 0] [--json PATH]
"""

from __future__ import annotations

import sys

from analytic_learning_rate import cell, markdown_table, pm, run_cells, verdict

from expectations.network.analytic_corrections import corrected_learning_rate

COLUMNS = ("refined", "exact_first_derivative", "plus_first_sum", "expected_refined")


def corrected_cell(label: str, data, width: int, depth: int, n_networks: int, seed: int,
                   n_draws: int = 60) -> dict:
    """:func:`analytic_learning_rate.cell` plus the corrected analytic estimates (``n_draws`` layer draws)."""
    row = cell(label, data, width, depth, n_networks, seed)
    c = corrected_learning_rate(row["widths"], data.inputs, data.targets, n_draws=n_draws, seed=seed)
    row["analytic"]["exact_first_derivative"] = c.exact_first_derivative.mean
    row["analytic"]["plus_first_sum"] = c.plus_first_sum.mean
    row["corrections"] = {"theorem_4_13_refined": c.theorem_4_13_refined,
                          "theorem_4_24_refined": c.theorem_4_24_refined,
                          "first_derivative": [c.first_derivative.mean, c.first_derivative.stderr],
                          "first_sum": [c.first_sum.mean, c.first_sum.stderr]}
    return row


def table(rows: list[dict]) -> str:
    def cells(row, s):
        c = row["corrections"]
        factor_13 = c["first_derivative"][0] / c["theorem_4_13_refined"]
        factor_24 = 1 + c["first_sum"][0] / c["theorem_4_24_refined"]
        return [f"{factor_13:.3f}", f"{factor_24:.3f}", *(pm(s[c]) for c in COLUMNS),
                verdict(s, "plus_first_sum")]

    return markdown_table(["E[L'] exact / E[T4.13 r]", "(E[T4.24 r] + E[first sum]) / E[T4.24 r]",
                           "refined", "+ exact E[L']", "+ first sum", "E[refined] (reference)",
                           "target: + first sum"], rows, cells)


def main(argv=None) -> int:
    rows = run_cells(argv, __doc__.splitlines()[0], corrected_cell, data="pima,pima:center",
                     widths="16,32,64", depths="1,2,3", networks=30)
    if isinstance(rows, int):
        return rows
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
