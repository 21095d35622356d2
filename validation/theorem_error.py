"""How far Theorems 4.13 and 4.24 (and the refined Theorem 4.24, with the data's
angles kept) are from the Monte Carlo mean over initializations, by depth,
width and data-set size.

For each architecture, Hettinger networks are drawn with the data held fixed
(synthetic, d_0 = 8, d_n = 1, MSE).  Both sides come from the same networks:
E[L_M'(0)] against E[Theorem 4.13] and E[L_M''(0)] against E[Theorem 4.24],
each theorem evaluated with the output gradients either held fixed (the
thesis's assumption) or each network's own (how Chapter 5 uses it).  Relative
error = E[theorem] / E[derivative] - 1, delta-method standard error.

Prints a Markdown table and writes figures/theorem_error.png (only after everything succeeded).

    python validation/theorem_error.py [--networks N] [--seed S] [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from _figures import FIGURES, plt, save_figure

from expectations.data import synthetic
from expectations.network.over_initializations import sample_initializations

SETTINGS = (
    [("depth", depth, [8] + [64] * (depth - 1) + [1], 64) for depth in (1, 2, 3, 5)]
    + [("width", width, [8, width, width, 1], 64) for width in (4, 16, 64, 256)]
    + [("samples", s, [8, 64, 64, 1], s) for s in (16, 64, 256)]
)


#: (column, derivative it estimates, label)
THEOREMS = (("theorem_4_13", "first_derivative"), ("theorem_4_24", "second_derivative"),
            ("theorem_4_24_refined", "second_derivative"))
LABELS = {"theorem_4_13": "Thm 4.13", "theorem_4_24": "Thm 4.24", "theorem_4_24_refined": "Thm 4.24 refined"}


def relative_errors(widths, s, n_networks, seed):
    data = synthetic(s, widths[0], 1, seed=seed)
    rng = np.random.default_rng([seed, s])
    fixed_g = rng.standard_normal((s, 1))
    fixed_h = np.full((s, 1, 1), 2.0)
    out = {}
    for mode in ("fixed", "own"):
        if mode == "fixed":
            sample = sample_initializations(widths, data.inputs, n_networks=n_networks, seed=seed,
                                            output_gradients=fixed_g, hessians=fixed_h)
        else:
            sample = sample_initializations(widths, data.inputs, data.targets, "mse", n_networks, seed)
        for theorem, derivative in THEOREMS:
            r = sample.ratio(theorem, derivative)
            out[(mode, theorem)] = (r.mean - 1, r.stderr)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=800)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(FIGURES, "theorem_error.png"))
    args = parser.parse_args(argv)
    results = []
    for k, (axis, value, widths, s) in enumerate(SETTINGS, 1):
        print(f"[{k}/{len(SETTINGS)}] {axis} = {value}: widths {widths}, s = {s}", file=sys.stderr,
              flush=True)
        results.append((axis, value, widths, s, relative_errors(widths, s, args.networks, args.seed)))

    print(f"Relative error ± SE over {args.networks} Hettinger networks (synthetic data, d_0 = 8, MSE)\n")
    print("| varied | widths | s | " + " | ".join(f"{LABELS[t]}, {m} dL" for t, _ in THEOREMS
                                                 for m in ("fixed", "own")) + " |")
    print("|---" * (3 + 2 * len(THEOREMS)) + "|")
    for axis, value, widths, s, err in results:
        cells = [f"{err[(m, t)][0]:+.1%} ± {err[(m, t)][1]:.1%}"
                 for t, _ in THEOREMS for m in ("fixed", "own")]
        print(f"| {axis} = {value} | {widths} | {s} | " + " | ".join(cells) + " |")

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), sharey=True)
    colours = {"theorem_4_13": "C0", "theorem_4_24": "C3", "theorem_4_24_refined": "C2"}
    styles = {(mode, t): (colours[t], "o-" if mode == "fixed" else "s--")
              for t, _ in THEOREMS for mode in ("fixed", "own")}
    for ax, axis, label in zip(axes, ("depth", "width", "samples"),
                               ("depth n (hidden width 64)", "hidden width (depth 3)", "data-set size s")):
        rows = [r for r in results if r[0] == axis]
        xs = np.array([r[1] for r in rows], float)
        for (mode, theorem), (colour, fmt) in styles.items():
            ys = np.array([r[4][(mode, theorem)] for r in rows])
            ax.errorbar(xs, ys[:, 0] * 100, yerr=ys[:, 1] * 100, fmt=fmt, color=colour, capsize=3,
                        label=f"{LABELS[theorem]}, {mode} output gradients")
        ax.set(xscale="log" if axis != "depth" else "linear", xlabel=label, title=f"by {axis}")
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_xticks(xs, [f"{v:g}" for v in xs], minor=False)
        ax.xaxis.set_minor_locator(plt.NullLocator())
        ax.axhline(0, color="k", lw=0.8)
    axes[0].set_ylabel("relative error of the theorem ± SE (%, symlog)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, args.out)


if __name__ == "__main__":
    main()
