"""What the exact Lemma 4.19 terms buy inside the refined Theorem 4.24, by depth, width and data set.

Same settings as validation/theorem_error.py, output gradients and Hessians held
fixed (the thesis's assumption, so each theorem is one deterministic number per
setting): Hettinger networks are drawn over initializations, E[L_M''(0)] is their
mean, and each variant's relative error is value / E[L''] - 1 with the delta-method
standard error.  Variants: the refined form, plus the coincident-sample terms, plus
the (2, 2) pair at the data's angles, plus both, plus also the (2, j > 2) pairs to second
order in 1/d_1, and every pair i, j >= 2 from Lemma 4.21's exact form with F interpolated
by a quartic in the cosine (expectations.network.theorem_corrections).
Data: the synthetic set standardised (cosines between samples spread around 0) and
raw (a common mean: cosines near 1).

    python validation/theorem_corrections.py [--networks N] [--seed S]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from expectations.data import synthetic
from expectations.network.over_initializations import sample_initializations
from expectations.network.theorem_corrections import theorem_4_24_corrections
from expectations.network.theorems import theorem_4_24_refined

SETTINGS = (
    [("depth", depth, [8] + [64] * (depth - 1) + [1], 64) for depth in (2, 3, 5)]
    + [("width", width, [8, width, width, 1], 64) for width in (4, 16, 64, 256)]
    + [("samples", s, [8, 64, 64, 1], s) for s in (16, 256)]
)
VARIANTS = (("refined", ()), ("+ coincident", ("coincident",)), ("+ pair (2,2)", ("pair_2_2",)),
            ("+ both", ("coincident", "pair_2_2")), ("+ all three", ("coincident", "pair_2_2", "pair_2_j")),
            ("all pairs", ("all_pairs",)))


def relative_errors(widths, s, standardize, n_networks, seed):
    data = synthetic(s, widths[0], 1, seed=seed, standardize=standardize)
    rng = np.random.default_rng([seed, s])
    g = rng.standard_normal((s, 1))
    h = np.full((s, 1, 1), 2.0)
    sample = sample_initializations(widths, data.inputs, n_networks=n_networks, seed=seed,
                                    output_gradients=g, hessians=h)
    truth = sample.estimate("second_derivative")
    base = theorem_4_24_refined(widths, data.inputs, g, h)
    parts = theorem_4_24_corrections(widths, data.inputs, g, h)
    out = {}
    for name, chosen in VARIANTS:
        value = base + sum(parts[c] for c in chosen)
        out[name] = truth.relative_error(value)
    cos = data.inputs @ data.inputs.T / np.outer(*(2 * [np.linalg.norm(data.inputs, axis=1)]))
    return out, float(np.mean(np.abs(cos[~np.eye(s, dtype=bool)])))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=800)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"Relative error ± SE of the refined Theorem 4.24 and its exact-term variants, fixed output "
          f"gradients, over {args.networks} Hettinger networks (synthetic data, d_0 = 8, MSE)\n")
    print("| data | varied | widths | s | mean abs cos | " + " | ".join(v for v, _ in VARIANTS) + " |")
    print("|---" * (5 + len(VARIANTS)) + "|")
    for standardize in (True, False):
        for k, (axis, value, widths, s) in enumerate(SETTINGS, 1):
            print(f"[{k}/{len(SETTINGS)}] {axis} = {value}", file=sys.stderr, flush=True)
            err, cos = relative_errors(widths, s, standardize, args.networks, args.seed)
            cells = [f"{err[v][0]:+.2%} ± {err[v][1]:.2%}" for v, _ in VARIANTS]
            label = "standardised" if standardize else "raw"
            print(f"| {label} | {axis} = {value} | {widths} | {s} | {cos:.2f} | " + " | ".join(cells) + " |",
                  flush=True)


if __name__ == "__main__":
    main()
