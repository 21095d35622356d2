"""Figure 4.1 of the thesis: the density of the angle between two independent Gaussian vectors.

Lemma 4.3: for x, y ~ N(0, I_n) independent, theta = angle(x, y) has density
f(theta) = Gamma(n/2) / (sqrt(pi) Gamma((n-1)/2)) sin^(n-2)(theta) on [0, pi].
For n = 2, 3, 15, 100 the script samples actual Gaussian vectors in R^n (numpy) and measures
their angles; for the non-integer n = 7.5 there are no vectors to sample, so it draws exact samples
from GaussianAngle(7.5).rvs (sin^2(theta/2) ~ Beta((n-1)/2, (n-1)/2)). Each histogram is
drawn under the pdf, with the Kolmogorov-Smirnov statistic and p-value against the Lemma 4.3 CDF;
a last panel overlays the five densities as in the thesis. Writes figures/figure_4_1.png (only after
everything succeeded).

    python validation/figure_4_1.py [--samples N] [--seed S] [--out PATH]
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from _figures import FIGURES, plt, progress, save_figure
from scipy import stats

from expectations.lemmas.closed_forms import GaussianAngle, angle_between

DIMENSIONS = (2, 3, 7.5, 15, 100)
PI_TICKS = ([0, np.pi / 4, np.pi / 2, 3 * np.pi / 4, np.pi], ["0", "π/4", "π/2", "3π/4", "π"])


def sample_angles(n: float, samples: int, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Angles for dimension ``n`` and a description of where they came from."""
    if float(n).is_integer():
        x, y = rng.standard_normal((2, samples, int(n)))
        return angle_between(x, y), f"angles of {samples} pairs x, y ~ N(0, I$_{{{int(n)}}}$)"
    return GaussianAngle(n).rvs(samples, random_state=rng), (
        f"{samples} exact draws GaussianAngle({n:g}).rvs\n(non-integer n: no vectors in R$^{{{n:g}}}$)")


def _open(grid: np.ndarray) -> np.ndarray:
    """The grid moved off the end points 0 and pi, where GaussianAngle(2).pdf gives 0 * log(0) = NaN."""
    return np.clip(grid, 1e-9, np.pi - 1e-9)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000, help="angles per dimension (default 20000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(FIGURES, "figure_4_1.png"))
    args = parser.parse_args(argv)
    if args.samples < 2:
        parser.error("--samples must be at least 2")

    fig, axes = plt.subplots(2, 3, figsize=(16, 9.5))
    axes = axes.ravel()
    overlay = axes[-1]
    print(f"Figure 4.1: {args.samples} angles per dimension, seed {args.seed}\n")
    print("| n | source | KS D | KS p-value |")
    print("|---|---|---|---|")
    for k, (ax, n) in enumerate(zip(axes, DIMENSIONS), 1):
        progress(f"[{k}/{len(DIMENSIONS)}] n = {n:g}")
        rng = np.random.default_rng([args.seed, k])
        law = GaussianAngle(n)
        theta, source = sample_angles(n, args.samples, rng)
        ks = stats.kstest(theta, law.cdf)
        plain = "N(0, I_n) vector pairs" if float(n).is_integer() else "GaussianAngle(n).rvs (exact)"
        print(f"| {n:g} | {plain} | {ks.statistic:.4f} | {ks.pvalue:.3g} |")

        # Full range for small n; for large n zoom to where the mass is (central 99.98%).
        lo, hi = (0.0, np.pi) if n <= 3 else (float(law.ppf(1e-4)), float(law.ppf(1 - 1e-4)))
        grid = _open(np.linspace(lo, hi, 801))
        ax.hist(theta, bins=60, range=(lo, hi), density=True, color="C0", alpha=0.45, edgecolor="white",
                linewidth=0.3, label=f"histogram: {source}")
        ax.plot(grid, law.pdf(grid), color="C3", lw=2,
                label=f"Lemma 4.3 pdf, n = {n:g}\nKS vs Lemma 4.3 CDF: D = {ks.statistic:.4f}, "
                      f"p = {ks.pvalue:.2f}")
        ax.set_xlim(lo, hi)
        ax.set_ylim(0, max(law.pdf(grid).max(), 1 / np.pi) * 1.55)
        if n <= 3:
            ax.set_xticks(*PI_TICKS)
        ax.set_title(f"n = {n:g}" + (" (non-integer)" if not float(n).is_integer() else "")
                     + ("" if n <= 3 else ", zoomed to the central 99.98%"), fontsize=12)
        ax.set_xlabel("angle θ (radians)")
        ax.set_ylabel("probability density (1 / radian)")
        ax.legend(loc="upper left", fontsize=8.5, framealpha=0.9)
        ax.grid(alpha=0.3)

        full = _open(np.linspace(0, np.pi, 801))
        overlay.plot(full, law.pdf(full), lw=2, label=f"n = {n:g}")

    overlay.set_title("Lemma 4.3 densities compared (thesis Figure 4.1)", fontsize=12)
    overlay.set_xlim(0, np.pi)
    overlay.set_xticks(*PI_TICKS)
    overlay.set_xlabel("angle θ (radians)")
    overlay.set_ylabel("probability density (1 / radian)")
    overlay.legend(loc="upper left", fontsize=9)
    overlay.grid(alpha=0.3)
    fig.suptitle("Figure 4.1: angle between independent N(0, I$_n$) vectors, "
                 "f(θ) = Γ(n/2) / (√π Γ((n−1)/2)) sin$^{n−2}$θ on [0, π]", fontsize=13)
    fig.tight_layout()
    progress(f"writing {save_figure(fig, args.out)}")


if __name__ == "__main__":
    main()
