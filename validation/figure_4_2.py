"""Figure 4.2 of the thesis on a data set at hand: pairwise angles between samples, fitted by Lemma 4.3.

The thesis fits the angle density of Lemma 4.3, f(theta) ∝ sin^(n-2)(theta), to the pairwise angles
of CIFAR-100 and reports n = 14.9 ("approximately 15 dimensional"). CIFAR-100 is not available
offline, so this script repeats the fit on another data set. The thesis does not say whether the
data were centred, and raw non-negative features (pixels) lie in the positive orthant, where no
angle exceeds pi/2, so both are shown: "raw" (the features as given, not standardised) and
"centred" (each column minus its mean). Centring alone leaves features of very different scales
(breast_cancer, wine) dominated by one or two columns, so a third panel shows "standardised" data
(centred and scaled to unit variance; constant columns become zero). For each: the histogram of
the angles between distinct rows (all pairs, or a seeded random subset of --max-pairs pairs), the
maximum-likelihood n with its likelihood-ratio interval (which treats the angles as independent and
so is too narrow) and a bootstrap-over-rows interval (honest), and the fitted density. Writes
figures/figure_4_2_<name>.png only after everything succeeded; prints a caption and the fits to
stdout.

    python validation/figure_4_2.py [--dataset NAME | --csv PATH [--target COL] | --npy PATH]
                                    [--max-pairs N] [--bootstrap B] [--seed S] [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from _figures import FIGURES, plt, progress, save_figure
from scipy import stats

from expectations.data import SKLEARN_DATASETS, load_csv, load_sklearn
from expectations.lemmas.angle_fit import fit_dimension, pairwise_angles
from expectations.lemmas.closed_forms import GaussianAngle

THESIS_N = 14.9
PI_TICKS = ([0, np.pi / 4, np.pi / 2, 3 * np.pi / 4, np.pi], ["0", "π/4", "π/2", "3π/4", "π"])


def load_inputs(args, parser) -> tuple[np.ndarray, str]:
    """The raw (not standardised) input matrix and a name for it."""
    try:
        if args.csv is not None:
            target = int(args.target) if _is_int(args.target) else args.target
            data = load_csv(args.csv, target=target, standardize=False)
            return data.inputs, Path(args.csv).stem
        if args.npy is not None:
            if not os.path.isfile(args.npy):
                raise FileNotFoundError(f"no .npy file at {args.npy!r}")
            x = np.load(args.npy, allow_pickle=False)
            if x.ndim != 2 or not np.issubdtype(x.dtype, np.number):
                raise ValueError(f"{args.npy}: need a 2-d numeric array (rows are samples), got {x.dtype} "
                                 f"{x.shape}")
            return np.asarray(x, dtype=np.float64), Path(args.npy).stem
        return load_sklearn(args.dataset, standardize=False).inputs, args.dataset
    except (OSError, ValueError, ImportError) as err:
        parser.error(str(err))


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _fmt(x: float) -> str:
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", default="digits",
                        help=f"a scikit-learn data set: {', '.join(SKLEARN_DATASETS)} (default digits)")
    source.add_argument("--csv", help="a numeric CSV file, one sample per row")
    source.add_argument("--npy", help="a 2-d .npy array, one sample per row")
    parser.add_argument("--target", default="-1",
                        help="with --csv: the target column (name or index), left out; default -1")
    parser.add_argument("--max-pairs", type=int, default=200_000,
                        help="use a random subset of this many pairs when there are more (default 200000)")
    parser.add_argument("--bootstrap", type=int, default=200,
                        help="bootstrap replicates over rows for the honest interval (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="output PNG (default figures/figure_4_2_<name>.png)")
    args = parser.parse_args(argv)
    if args.max_pairs < 1 or args.bootstrap < 2:
        parser.error("--max-pairs must be positive and --bootstrap at least 2")
    start = time.perf_counter()

    inputs, name = load_inputs(args, parser)
    out = args.out or os.path.join(FIGURES, f"figure_4_2_{name}.png")
    s, d = inputs.shape
    progress(f"{name}: {s} rows x {d} features")

    std = inputs.std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    variants = [
        ("raw", "features as given (not centred)", inputs, False),
        ("centred", "column means removed (not scaled)", inputs, True),
        ("standardised", "centred, unit-variance columns", (inputs - inputs.mean(axis=0)) / scale, False),
    ]
    fig, axes = plt.subplots(1, len(variants), figsize=(20, 7.4))
    results = []
    for k, (ax, (label, what, x, centre)) in enumerate(zip(axes, variants), 1):
        progress(f"[{k}/{len(variants)}] {label}: pairwise angles")
        pa = pairwise_angles(x, max_pairs=args.max_pairs, rng=np.random.default_rng([args.seed, k]),
                             centre=centre, drop_parallel=True)
        progress(f"[{k}/{len(variants)}] {label}: {pa.angles.size} angles, fitting n "
                 f"({args.bootstrap} bootstrap replicates)")
        fit = fit_dimension(pa, bootstrap=args.bootstrap, seed=[args.seed, k])
        law = GaussianAngle(fit.n)
        ks = stats.kstest(pa.angles, law.cdf).statistic
        results.append((label, pa, fit, ks))

        grid = np.linspace(1e-9, np.pi - 1e-9, 801)
        counts, edges, _ = ax.hist(pa.angles, bins=90, range=(0, np.pi), density=True, color="C0", alpha=0.45,
                               edgecolor="white", linewidth=0.3,
                               label=f"{pa.angles.size:,} pairwise angles"
                                     + (f" (random subset of {pa.n_possible_pairs:,})"
                                        if pa.angles.size + pa.n_parallel < pa.n_possible_pairs else ""))
        ax.plot(grid, law.pdf(grid), color="C3", lw=2.2,
                label=f"Lemma 4.3 fit: n = {_fmt(fit.n)}, KS distance D = {ks:.3f}\n"
                      f"  95% LR interval [{_fmt(fit.ci[0])}, {_fmt(fit.ci[1])}] "
                      "(treats angles as independent)\n"
                      f"  95% row bootstrap [{_fmt(fit.bootstrap_ci[0])}, {_fmt(fit.bootstrap_ci[1])}]")
        ax.plot(grid, GaussianAngle(THESIS_N).pdf(grid), color="0.3", lw=1.3, ls=":",
                label=f"n = {THESIS_N} (thesis fit to CIFAR-100)")
        ax.plot(grid, GaussianAngle(d).pdf(grid), color="C2", lw=1.3, ls="--",
                label=f"n = d = {d} (isotropic Gaussian data)")
        # The pdf is unbounded at 0 and pi when n < 2: scale to the histogram and the pdf at bin centres.
        centres = (edges[:-1] + edges[1:]) / 2
        top = max(counts.max(), law.pdf(centres).max(), GaussianAngle(THESIS_N).pdf(grid).max())
        ax.set_ylim(0, 1.08 * top)
        ax.set_xlim(0, np.pi)
        ax.set_xticks(*PI_TICKS)
        ax.set_title(f"{label.upper()}: {what}\nfitted n = {_fmt(fit.n)}, 95% bootstrap "
                     f"[{_fmt(fit.bootstrap_ci[0])}, {_fmt(fit.bootstrap_ci[1])}]", fontsize=11.5)
        ax.set_xlabel("angle θ between two samples (radians)")
        ax.set_ylabel("probability density (1 / radian)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=9, frameon=False)
        ax.grid(alpha=0.3)
        if pa.dropped_rows.size or pa.n_parallel:
            ax.text(0.99, 0.02, f"dropped: {pa.dropped_rows.size} zero rows, {pa.n_parallel} parallel pairs",
                    transform=ax.transAxes, ha="right", va="bottom", fontsize=8)

    fig.suptitle(f"Figure 4.2 on '{name}' ({s} samples × {d} features): pairwise angles and the Lemma 4.3 "
                 f"fit f(θ) ∝ sin$^{{n−2}}$θ.  The thesis fits n = {THESIS_N} to CIFAR-100 "
                 "(not available offline).", fontsize=11.5)
    fig.tight_layout()
    save_figure(fig, out)
    elapsed = time.perf_counter() - start

    print(f"Figure 4.2 analogue for {name!r} ({s} samples x {d} features), written to {out}.")
    print(f"Caption: distribution of the angles between pairs of samples of {name!r}, with the density of "
          "Lemma 4.3 fitted by maximum likelihood. The thesis (Figure 4.2) makes this fit on CIFAR-100 "
          f"(3072 features) and finds n = {THESIS_N}; CIFAR-100 is not available offline, so a "
          "data set at hand stands in. The thesis does not say whether its data were centred; raw "
          "non-negative features give no angle above pi/2, so raw and column-centred data are both "
          "shown, and standardised data as well, since centring alone leaves features of very different "
          "scales dominated by the largest. The likelihood-ratio interval treats the angles as "
          "independent, which pairwise angles of one data set are not; the bootstrap over rows is the "
          "honest interval.\n")
    print("| data | angles | n (MLE) | Fisher SE | 95% LR interval | bootstrap SE | 95% bootstrap interval "
          "| KS D | zero rows | parallel pairs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, pa, fit, ks in results:
        print(f"| {label} | {pa.angles.size} of {pa.n_possible_pairs} | {fit.n:.4g} | {fit.stderr:.2g} "
              f"| [{fit.ci[0]:.4g}, {fit.ci[1]:.4g}] | {fit.bootstrap_stderr:.2g} "
              f"| [{fit.bootstrap_ci[0]:.4g}, {fit.bootstrap_ci[1]:.4g}] | {ks:.3f} "
              f"| {pa.dropped_rows.size} | {pa.n_parallel} |")
    ratio = std.max() / std[std > 0].min() if np.any(std > 0) else 1.0
    print(f"\nLargest / smallest non-zero column standard deviation: {ratio:.3g}")
    print(f"({args.bootstrap} bootstrap replicates, seed {args.seed}, {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
