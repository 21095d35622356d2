"""Figure 5.1 of the thesis: estimated against true optimal learning rates, by depth and width.

For every architecture (d_0, m, ..., m, 1) with h = 1..4 hidden layers of width m
(n = h + 1 weight layers) and several initial Hettinger networks, MSE loss:

* the thesis's estimate -T4.13/T4.24 at that network, both sums exact (filled dots)
  and with the thesis's 4,000-index subsampling (hollow circles, delta-method SE
  bars; only where the subsampled ratio is positive, the rest are counted);
* the refined estimate -T4.13(exact first layer)/T4.24(refined) at that network,
  the data's angles kept (squares; see docs/errata.md);
* the per-network Newton estimate -L_M'(0)/L_M''(0) (triangles);
* the true optimal learning rate, the global minimiser of the one-step loss (pluses);
* -E[L_M'(0)]/E[L_M''(0)] over Hettinger initializations (Monte Carlo, diamonds ± SE);
* the analytic refined estimate from the architecture and the data alone (stars;
  expectations.network.analytic, no network drawn).

The lower row shows each estimate divided by the same network's true optimum (1 = exact):
every network as a faint point, the median with its interquartile range as a bar (the
ratios are heavy-tailed, so a mean would mislead).

Data (``--data``, as ``expectations learning-rate --data``): ``pima`` (default) is the
thesis's Pima Indians Diabetes data (768 x 8, Outcome 0/1, shipped with the package);
``synthetic`` is expectations.data.synthetic (768 x 8, seed 0); ``diabetes`` and
``breast-cancer`` are scikit-learn's sets (the first a 442 x 10 regression, *not* the Pima
data); or a CSV path.  ``NAME:center`` / ``NAME:standardize`` transform the target
(e.g. ``diabetes:standardize``).  Inputs are always standardised.  ``--samples`` keeps a
random subset of rows (seed --seed) for quick runs.

Prints a Markdown table of the ratios to stdout, progress to stderr, and writes
figures/figure_5_1_<data>.png (only after everything succeeded).

    python validation/figure_5_1.py [--data pima|synthetic|diabetes[:standardize]|breast-cancer|FILE.csv]
                                    [--networks 5] [--widths 8,16,32,64,128]
                                    [--depths 1,2,3,4] [--initializations 100] [--samples S]
                                    [--seed 0] [--out PATH]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from _figures import FIGURES, data_variant, plt, progress, save_figure
from matplotlib.ticker import FormatStrFormatter, LogLocator

from expectations.blas import one_blas_thread
from expectations.data import DATASET_NAMES
from expectations.montecarlo.estimate import delta_ratio
from expectations.network.analytic import analytic_learning_rate
from expectations.network.crelu import CReLUNetwork
from expectations.network.learning_rate import NetworkResult, analyse_network
from expectations.network.one_step import OneStepProblem
from expectations.network.over_initializations import sample_initializations
from expectations.spread import Spread

N_INDEX_SAMPLES = 4000


@dataclass
class Architecture:
    depth: int  # hidden layers h
    width: int
    widths: list[int]
    networks: list[NetworkResult]
    expected: object  # Estimate of -E[L']/E[L'']
    thesis_loss_growth: np.ndarray  # L_M(thesis exact) / L_M(0), per network
    analytic_refined: float  # -E[T4.13 refined]/E[T4.24 refined] in closed form (no network drawn)


def load_data(spec: str, samples: int | None, seed: int):
    """(inputs, targets (s, 1), description) of ``NAME[:TRANSFORM]`` or a CSV path."""
    data = data_variant(spec)
    x, y = data.inputs, data.targets
    name, _, transform = spec.partition(":")
    desc = DATASET_NAMES.get(name, f"{data.name} ({x.shape[0]} x {x.shape[1]})")
    if transform:
        desc += f", target {'centred' if transform == 'center' else 'standardised'}"
    if samples is not None:
        if not 2 <= samples <= x.shape[0]:
            raise ValueError(f"--samples must be between 2 and {x.shape[0]}, got {samples}")
        if samples < x.shape[0]:
            rows = np.sort(np.random.default_rng([seed, 51]).choice(x.shape[0], samples, replace=False))
            x, y = x[rows], y[rows]
            desc += f", {samples} random rows (seed {seed})"
    return np.ascontiguousarray(x), np.ascontiguousarray(y), desc


def analyse(depth, width, widths, x, y, n_networks, n_mc, seed, pool) -> Architecture:
    children = np.random.SeedSequence([seed, *widths]).spawn(n_networks)

    def one(k):
        net = CReLUNetwork.hettinger(widths, np.random.default_rng(children[k]))
        result = analyse_network(net, x, y, "mse", N_INDEX_SAMPLES, seed=seed + 2 * k)
        with np.errstate(over="ignore", invalid="ignore"):
            growth = OneStepProblem(net, x, y, "mse").loss_at(result.thesis_exact) / result.loss_before
        return result, growth

    pairs = list(pool.map(one, range(n_networks)))
    expected = sample_initializations(widths, x, y, "mse", n_mc, seed).optimal_learning_rate()
    return Architecture(depth, width, widths, [p[0] for p in pairs], expected,
                        np.array([p[1] for p in pairs]), analytic_learning_rate(widths, x, y).refined)


def ratios(arch: Architecture, attribute: str) -> np.ndarray:
    """Per network: estimate / true optimum (NaN where the estimate does not exist)."""
    out = []
    for r in arch.networks:
        v = getattr(r, attribute)
        v = v.mean if hasattr(v, "mean") else v
        out.append(math.nan if v is None or r.true_optimum <= 0 else v / r.true_optimum)
    return np.array(out, dtype=float)


def expected_over_true(arch: Architecture) -> tuple[float, float]:
    """-E[L']/E[L''] over the mean true optimum of the networks, with a delta-method SE."""
    true = Spread.of([r.true_optimum for r in arch.networks])
    return delta_ratio(arch.expected.mean, true.mean, arch.expected.stderr**2,
                       true.stderr**2 if math.isfinite(true.stderr) else 0.0)


def fmt(m: float, se: float) -> str:
    if not math.isfinite(m):
        return "n/a"
    return f"{m:.3g} ± {se:.2g}" if math.isfinite(se) else f"{m:.3g}"


def median_iqr(values: np.ndarray) -> str:
    s = Spread.of(values)
    return "n/a" if s.n == 0 else f"{s.median:.3g} [{s.q25:.3g}, {s.q75:.3g}]"


def table(results: list[Architecture], data_name: str, n_networks: int) -> str:
    lines = [
        f"Ratios estimate / true optimum over {n_networks} initial networks ({data_name}, MSE): median "
        "[interquartile range] network by network, and the thesis's mean ± SE (heavy-tailed); analytic = "
        "the refined estimate from the architecture and the data alone over the mean true optimum; MC = "
        "-E[L']/E[L''] over initializations / mean true optimum (delta-method SE); L(thesis)/L(0) = median "
        "loss after one step at the thesis's (exact) rate over the initial loss",
        "",
        "| data | hidden layers | width | thesis (exact sums) / true | thesis mean ± SE "
        "| thesis (4000-index subsample) / true | subsample ≤ 0 | refined / true | Newton / true "
        "| analytic / mean true | MC / mean true | true optimum (mean ± SE) | L(thesis)/L(0) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for a in results:
        thesis = Spread.of(ratios(a, "thesis_exact"))
        sub = ratios(a, "thesis_subsampled")
        true = Spread.of([r.true_optimum for r in a.networks])
        mc, mc_se = expected_over_true(a)
        analytic = fmt(*delta_ratio(a.analytic_refined, true.mean, None, true.stderr**2))
        n_bad = int(np.sum(~(sub > 0)))
        lines.append(f"| {data_name} | {a.depth} | {a.width} | {median_iqr(ratios(a, 'thesis_exact'))} "
                     f"| {fmt(thesis.mean, thesis.stderr)} | {median_iqr(sub[sub > 0])} | {n_bad}/{len(sub)} "
                     f"| {median_iqr(ratios(a, 'refined_exact'))} | {median_iqr(ratios(a, 'newton'))} "
                     f"| {analytic} | {fmt(mc, mc_se)} | {fmt(true.mean, true.stderr)} "
                     f"| {np.median(a.thesis_loss_growth):.2g} |")
    return "\n".join(lines)


def plot(results: list[Architecture], depths, widths, desc: str, n_mc: int, out: str) -> None:
    colours = {d: f"C{k}" for k, d in enumerate(depths)}
    ncol = len(depths)
    fig = plt.figure(figsize=(max(4.0 * ncol, 12.0), 9.0))
    outer = fig.add_gridspec(2, 1)
    top_grid, bottom_grid = outer[0].subgridspec(1, ncol), outer[1].subgridspec(1, 3)
    top = [fig.add_subplot(top_grid[0, k]) for k in range(ncol)]
    for ax in top[1:]:
        ax.sharey(top[0])
    bottom = [fig.add_subplot(bottom_grid[0, k]) for k in range(3)]
    bottom[2].sharey(bottom[1])  # the thesis's ratios live orders of magnitude above the others

    def jitter(w, k, n, spread):
        return w * np.exp(spread * ((k - (n - 1) / 2) / max(n - 1, 1)))

    # Top row: learning rates against width, one panel per depth.
    sub_points = []
    for ax, depth in zip(top, depths):
        c = colours[depth]
        n_bad = n_tot = 0
        for a in (r for r in results if r.depth == depth):
            n = len(a.networks)
            for k, r in enumerate(a.networks):
                ax.plot(jitter(a.width * 0.88, k, n, 0.05), r.thesis_exact, "o", color=c, ms=5)
                ax.plot(jitter(a.width, k, n, 0.05), r.refined_exact, "s", mfc="none", color=c, ms=5)
                ax.plot(jitter(a.width, k, n, 0.05), r.true_optimum, "+", color="k", ms=9, mew=1.4)
                if r.newton is not None:
                    ax.plot(jitter(a.width, k, n, 0.05), r.newton, "^", mfc="none", color=c, ms=7)
                n_tot += 1
                if r.thesis_subsampled.mean > 0:
                    sub_points.append((ax, jitter(a.width * 0.78, k, n, 0.05), r.thesis_subsampled, c))
                else:
                    n_bad += 1
            e = a.expected
            ax.errorbar(a.width * 1.14, e.mean, yerr=e.stderr, fmt="D", color=c, mfc="white", ms=6,
                        capsize=3)
            ax.plot(a.width * 1.3, a.analytic_refined, "*", color=c, ms=9)
        ax.set(xscale="log", yscale="log", title=f"{depth} hidden layer{'s' if depth > 1 else ''} "
               f"(n = {depth + 1})", xlabel="hidden width m")
        ax.set_xticks(widths, [str(w) for w in widths])
        ax.minorticks_off()
        ax.set_xlim(min(widths) * 0.45, max(widths) * 1.8)
        ax.grid(True, which="major", alpha=0.3)
        if n_bad:
            ax.text(0.02, 0.02, f"{n_bad}/{n_tot} subsampled thesis\nestimates ≤ 0 (not shown)",
                    transform=ax.transAxes, fontsize=7, va="bottom")
    ylo, yhi = top[0].get_ylim()
    for ax, xpos, est, c in sub_points:
        lower = est.mean - max(est.mean - est.stderr, ylo)
        ax.errorbar(xpos, est.mean, yerr=[[lower], [est.stderr]], fmt="o", mfc="none", color=c, ms=5,
                    capsize=2, lw=0.8)
    top[0].set_ylim(ylo, max(yhi, top[0].get_ylim()[1]))
    top[0].set_ylabel("learning rate (log)")
    handles = [
        plt.Line2D([], [], ls="none", marker="o", color="0.3", label="thesis -T4.13/T4.24 at the network, "
                   "exact sums"),
        plt.Line2D([], [], ls="none", marker="o", mfc="none", color="0.3",
                   label=f"thesis, {N_INDEX_SAMPLES}-index subsample ± SE"),
        plt.Line2D([], [], ls="none", marker="s", mfc="none", color="0.3",
                   label="refined -T4.13/T4.24 (angles kept)"),
        plt.Line2D([], [], ls="none", marker="^", mfc="none", color="0.3", label="Newton -L'(0)/L''(0)"),
        plt.Line2D([], [], ls="none", marker="+", color="k", ms=9, mew=1.4, label="true optimum"),
        plt.Line2D([], [], ls="none", marker="D", mfc="white", color="0.3",
                   label=f"-E[L'(0)]/E[L''(0)], {n_mc} initializations ± SE"),
        plt.Line2D([], [], ls="none", marker="*", color="0.3", ms=9,
                   label="analytic refined (architecture and data alone)"),
    ]
    fig.legend(handles=handles, loc="upper center", ncol=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 0.96))

    # Bottom row: ratios to the true optimum.
    nd = len(depths)
    for a in results:
        c = colours[a.depth]
        xoff = a.width * np.exp(0.3 * ((depths.index(a.depth) - (nd - 1) / 2) / max(nd - 1, 1)))
        n = len(a.networks)
        for attribute, ax, marker in (("thesis_exact", bottom[0], "o"), ("refined_exact", bottom[1], "s"),
                                      ("newton", bottom[2], "^")):
            r = ratios(a, attribute)
            xs = jitter(xoff, np.arange(n), n, 0.03)
            filled = attribute == "thesis_exact"
            ax.plot(xs, r, marker, color=c, ms=4, alpha=0.45, mfc=c if filled else "none")
            q = Spread.of(r)
            if q.n:
                ax.errorbar(xoff, q.median, yerr=[[q.median - q.q25], [q.q75 - q.median]], fmt="_", color=c,
                            ms=14, mew=2, capsize=3)
        bottom[2].plot(xoff, expected_over_true(a)[0], "D", color=c, mfc="white", ms=5)
    for ax, title in zip(bottom, ("thesis estimate (exact sums) / true optimum",
                                  "refined estimate / true optimum",
                                  "Newton / true;  -E[L']/E[L''] / mean true")):
        ax.axhline(1.0, color="k", lw=1)
        ax.set(xscale="log", yscale="log", xlabel="hidden width m", title=title)
        ax.set_xticks(widths, [str(w) for w in widths])
        ax.minorticks_off()
        ax.set_xlim(min(widths) * 0.6, max(widths) * 1.6)
        ax.grid(True, which="major", alpha=0.3)
    for ax in bottom[:2]:
        lo, hi = ax.get_ylim()
        ax.set_ylim(min(lo, 0.3), max(hi, 3.0))
        ax.set_ylabel("ratio (log; 1 = exact)")
    bottom[1].yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    bottom[1].yaxis.set_major_formatter(FormatStrFormatter("%g"))
    bottom[2].legend(handles=[plt.Line2D([], [], ls="none", marker="s", color=colours[d],
                                         label=f"{d} hidden layer{'s' if d > 1 else ''}") for d in depths]
                     + [plt.Line2D([], [], ls="none", marker="_", ms=14, mew=2, color="0.3",
                                   label="median and IQR over networks"),
                        plt.Line2D([], [], ls="none", marker="D", mfc="white", color="0.3",
                                   label="-E[L']/E[L''] / mean true")],
                     fontsize=8, loc="best")
    fig.suptitle(f"Figure 5.1: estimated vs true optimal learning rates — {desc}, MSE", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.91))
    save_figure(fig, out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="pima",
                        help="pima (default), synthetic, diabetes, breast-cancer or a CSV path; "
                             "NAME:center or NAME:standardize transforms the target")
    parser.add_argument("--networks", type=int, default=5, help="initial networks per architecture")
    parser.add_argument("--widths", default="8,16,32,64,128", help="hidden widths m")
    parser.add_argument("--depths", default="1,2,3,4", help="numbers of hidden layers h")
    parser.add_argument("--initializations", type=int, default=100,
                        help="Monte Carlo networks for -E[L']/E[L'']")
    parser.add_argument("--samples", type=int, default=None, help="random subset of rows (default all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="default figures/figure_5_1_<data>.png")
    args = parser.parse_args(argv)
    try:
        widths = sorted({int(w) for w in args.widths.split(",")})
        depths = sorted({int(d) for d in args.depths.split(",")})
    except ValueError:
        parser.error("--widths and --depths are comma-separated integers")
    if min(widths) < 1 or min(depths) < 1 or args.networks < 2 or args.initializations < 2:
        parser.error("widths and depths must be >= 1, --networks and --initializations >= 2")
    label = os.path.splitext(os.path.basename(args.data))[0].replace(":", "_").replace("-", "_")
    out = args.out or os.path.join(FIGURES, f"figure_5_1_{label}.png")
    try:
        x, y, desc = load_data(args.data, args.samples, args.seed)
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    start = time.perf_counter()
    results = []
    archs = [(d, m) for d in depths for m in widths]
    with one_blas_thread(), ThreadPoolExecutor(max_workers=2) as pool:  # no BLAS oversubscription
        for k, (depth, m) in enumerate(archs, 1):
            layer_widths = [x.shape[1]] + [m] * depth + [1]
            progress(f"[{k}/{len(archs)}] {args.data}: widths {layer_widths} "
                     f"({time.perf_counter() - start:.0f} s)")
            results.append(analyse(depth, m, layer_widths, x, y, args.networks, args.initializations,
                                   args.seed, pool))
    n_boundary = sum(r.optimum_at_boundary for a in results for r in a.networks)
    print(table(results, args.data, args.networks))
    if n_boundary:
        print(f"\nwarning: {n_boundary} true optima at the end of the searched range")
    plot(results, depths, widths, desc, args.initializations, out)
    progress(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
