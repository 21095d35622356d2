"""Figure 5.2 of the thesis: the loss over the first full-batch steps at and around the optimal rate.

For four architectures (one initial Hettinger network each, MSE loss), train with a
constant learning rate for 5 full-batch steps (thesis Section 5.2) at

* lambda*, the true optimal rate of the *first* step (global minimiser of the
  one-step loss L_M(lambda)), green solid;
* the Newton estimate -L_M'(0)/L_M''(0) of the same network, green dashed;
* the refined closed-form estimate -T4.13/T4.24 with the data's angles kept
  (``theorems.theorem_4_24_refined``), black dash-dotted;
* lambda* x 2 and x 4, red dotted; lambda* / 2 and / 4, blue dotted.

The thesis's closed-form estimate -T4.13/T4.24 (exact sums) at each network is drawn
(red dash-dotted) where one step at it does not multiply the loss by more than 10; each
panel's title states it as a multiple of lambda* with the factor by which one step at
it multiplies the loss (on the synthetic data it is 10^4 lambda* and training diverges
at once; on the thesis's Pima data it is a few lambda*).

Data (``--data``, as in figure_5_1.py): ``pima`` (default; the thesis's Pima Indians
Diabetes data, 768 x 8, Outcome 0/1), ``synthetic``, ``diabetes``, ``breast-cancer`` or a
CSV path, ``NAME:center`` / ``NAME:standardize`` for a transformed target.  ``--samples``
keeps a random subset of rows.

Prints a Markdown table of the losses to stdout and writes figures/figure_5_2_<data>.png
(only after everything succeeded).

    python validation/figure_5_2.py [--data pima|synthetic|diabetes|breast-cancer|FILE.csv]
                                    [--steps 5] [--samples S] [--seed 0] [--out PATH]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np
from _figures import FIGURES, plt, progress, save_figure
from figure_5_1 import load_data

from expectations.network.crelu import CReLUNetwork
from expectations.network.learning_rate import analyse_network
from expectations.network.one_step import OneStepProblem
from expectations.network.training import train

#: Hidden layers of the four architectures (d_0 and d_n = 1 are added).
HIDDEN = ((32,), (32, 32), (128, 128), (64, 64, 64, 64))
FACTORS = (4.0, 2.0, 1.0, 0.5, 0.25)
#: The thesis's estimate is trained and drawn when one step at it leaves the loss below this multiple.
THESIS_DRAWN_BELOW = 10.0


def rate_label(factor: float) -> str:
    if factor == 1:
        return "λ* (true optimum of step 1)"
    return f"λ* × {factor:g}" if factor > 1 else f"λ* / {1 / factor:g}"


def style(factor: float) -> dict:
    if factor == 1:
        return dict(color="green", ls="-", lw=2.4, marker="o", ms=5)
    k = int(round(abs(math.log2(factor))))
    shade = {1: 0.0, 2: 0.45}[k] if k in (1, 2) else 0.6
    base = np.array([0.85, 0.1, 0.1]) if factor > 1 else np.array([0.1, 0.25, 0.85])
    colour = tuple(base + (1 - base) * shade)
    return dict(color=colour, ls=":", lw=2.0, marker="^" if factor > 1 else "v", ms=5)


def run_architecture(hidden, x, y, steps, seed):
    widths = [x.shape[1], *hidden, 1]
    net = CReLUNetwork.hettinger(widths, np.random.default_rng([seed, *widths]))
    problem = OneStepProblem(net, x, y, "mse")
    optimum = problem.optimal_learning_rate()
    lam = optimum.learning_rate
    d = problem.derivatives()
    newton = d.newton_learning_rate if d.second > 0 else None
    curves = {f: train(net, x, y, "mse", lam * f, steps) for f in FACTORS}
    newton_curve = train(net, x, y, "mse", newton, steps) if newton is not None else None
    analysis = analyse_network(net, x, y, "mse", seed=seed)
    thesis, refined = analysis.thesis_exact, analysis.refined_exact
    refined_curve = train(net, x, y, "mse", refined, steps) if refined > 0 else None
    with np.errstate(over="ignore", invalid="ignore"):
        thesis_loss = problem.loss_at(thesis) if thesis > 0 else math.nan
    trainable = math.isfinite(thesis_loss) and thesis_loss <= THESIS_DRAWN_BELOW * d.value
    thesis_curve = train(net, x, y, "mse", thesis, steps) if trainable else None
    return dict(widths=widths, lam=lam, at_boundary=optimum.at_boundary, newton=newton, curves=curves,
                newton_curve=newton_curve, refined=refined, refined_curve=refined_curve, thesis=thesis,
                thesis_loss=thesis_loss, thesis_curve=thesis_curve)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="pima",
                        help="pima (default), synthetic, diabetes, breast-cancer or a CSV path; "
                             "NAME:center or NAME:standardize transforms the target")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--samples", type=int, default=None, help="random subset of rows (default all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="default figures/figure_5_2_<data>.png")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    label = os.path.splitext(os.path.basename(args.data))[0].replace(":", "_").replace("-", "_")
    out = args.out or os.path.join(FIGURES, f"figure_5_2_{label}.png")
    try:
        x, y, desc = load_data(args.data, args.samples, args.seed)
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    start = time.perf_counter()
    results = []
    for k, hidden in enumerate(HIDDEN, 1):
        progress(f"[{k}/{len(HIDDEN)}] {args.data}: hidden layers {list(hidden)} "
                 f"({time.perf_counter() - start:.0f} s)")
        results.append(run_architecture(hidden, x, y, args.steps, args.seed))

    print(f"Loss over {args.steps} full-batch steps at constant rates ({args.data}, MSE, seed {args.seed})\n")
    print("| widths | rate | learning rate | loss at step 0 | step 1 | "
          f"step {args.steps} | best at step 1 | best at step {args.steps} |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        rows = [(rate_label(f), r["lam"] * f, r["curves"][f]) for f in FACTORS]
        if r["newton"] is not None:
            rows.append(("Newton -L'(0)/L''(0)", r["newton"], r["newton_curve"]))
        if r["refined_curve"] is not None:
            rows.append(("refined -T4.13/T4.24", r["refined"], r["refined_curve"]))
        first = [c[1] if math.isfinite(c[1]) else math.inf for _, _, c in rows]
        last = [c[-1] if math.isfinite(c[-1]) else math.inf for _, _, c in rows]
        for i, (label, rate, curve) in enumerate(rows):
            print(f"| {r['widths']} | {label} | {rate:.4g} | {curve[0]:.4g} | {curve[1]:.4g} | "
                  f"{curve[-1]:.4g} | {'yes' if i == int(np.argmin(first)) else ''} | "
                  f"{'yes' if i == int(np.argmin(last)) else ''} |")
        if r["thesis_curve"] is None:
            print(f"| {r['widths']} | thesis -T4.13/T4.24 | {r['thesis']:.4g} | {rows[0][2][0]:.4g} | "
                  f"{r['thesis_loss']:.4g} | (not trained) | | |")
        else:
            c = r["thesis_curve"]
            print(f"| {r['widths']} | thesis -T4.13/T4.24 | {r['thesis']:.4g} | {c[0]:.4g} | {c[1]:.4g} | "
                  f"{c[-1]:.4g} | | |")
    if any(r["at_boundary"] for r in results):
        print("\nwarning: some true optima lie at the end of the searched range")

    fig, axes = plt.subplots(2, 2, figsize=(12.5, 9.5))
    steps = np.arange(args.steps + 1)
    for ax, r in zip(axes.flat, results):
        finite = np.concatenate([c[np.isfinite(c)] for c in r["curves"].values()])
        for f in FACTORS:
            c = r["curves"][f]
            ax.plot(steps, np.where(np.isfinite(c), c, np.nan), label=rate_label(f), **style(f))
        newton = "none (L''(0) ≤ 0)"
        if r["newton_curve"] is not None:
            ax.plot(steps, r["newton_curve"], color="limegreen", ls="--", lw=1.6,
                    label="Newton -L'(0)/L''(0) of step 1")
            newton = f"{r['newton'] / r['lam']:.3g} λ*"
        refined = "≤ 0 (not trained)"
        if r["refined_curve"] is not None:
            ax.plot(steps, r["refined_curve"], color="black", ls="-.", lw=1.4,
                    label="refined -T4.13/T4.24 (angles kept)")
            refined = f"{r['refined'] / r['lam']:.3g} λ*"
        if r["thesis_curve"] is not None:
            ax.plot(steps, r["thesis_curve"], color="red", ls="-.", lw=1.4, label="thesis -T4.13/T4.24")
            finite = np.concatenate([finite, r["thesis_curve"][np.isfinite(r["thesis_curve"])]])
        positive = finite[finite > 0]
        if positive.size and positive.max() / positive.min() > 10:
            ax.set_yscale("log")
        growth = r["thesis_loss"] / r["curves"][1.0][0]
        ax.set_title(f"widths {r['widths']}:  λ* = {r['lam']:.3g},  Newton = {newton},  refined = {refined}\n"
                     f"thesis -T4.13/T4.24 = {r['thesis'] / r['lam']:.3g} λ*  "
                     f"(1 step there: loss × {growth:.2g})", fontsize=9)
        ax.set(xlabel="full-batch gradient step", ylabel="training loss (MSE)")
        ax.set_xticks(steps)
        ax.grid(True, alpha=0.3)
    for ax in axes.flat[len(results):]:
        ax.set_visible(False)
    legend = {}  # every line drawn in any panel, once
    for ax in axes.flat:
        for handle, text in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(text, handle)
    fig.legend(list(legend.values()), list(legend), loc="lower center", ncol=4, fontsize=8.5, frameon=False)
    fig.suptitle(f"Figure 5.2: multiple steps of training at constant rates — {desc}, MSE", fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 0.965))
    save_figure(fig, out)
    progress(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
