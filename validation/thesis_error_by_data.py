"""Why the thesis's learning-rate error depends on the data: figures/thesis_error_by_data.png.

Left: thesis / true, refined / true and Newton / true optimum (median and interquartile range
over ``--networks`` Hettinger networks of one architecture, d_0-64-64-1 by default) on six
data sets: Pima 0/1 (the thesis's data), Pima with its target centred, the synthetic data,
scikit-learn's diabetes with a standardised and with its raw target, breast cancer 0/1;
the analytic refined estimate over the mean true optimum as crosses.

Middle and right, the dose response: the target centred and then shifted, y -> y + c SD(y)
for c from 0 to 1, on Pima and on the synthetic data: thesis / true beside the cancellation
ratio ||sum_l |x^l| g^l||^2 / sum_l |x^l|^2 |g^l|^2 of Theorem 4.24's rank-one sum (1 when the
terms add like independent random signs; near 0 when they cancel).  The mechanism is in
docs/thesis-error-by-data.md.

Prints Markdown tables to stdout (``--json`` keeps the rows), progress to stderr, writes
the PNG only after everything succeeded:

    python validation/thesis_error_by_data.py [--networks 20] [--width 64] [--depth 2]
        [--data pima,pima:center,...] [--dose-data pima,synthetic] [--shifts 0,0.1,0.25,0.5,0.75,1]
        [--seed 0] [--json PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from _figures import FIGURES, data_variant, plt, progress, save_figure
from analytic_learning_rate import DEFAULT_DATA, cell, summarise

from expectations.data import Dataset

RATIOS = (("per_network_thesis_exact", "thesis / true", "C3", "o"),
          ("per_network_refined_exact", "refined / true", "C0", "s"),
          ("per_network_newton", "Newton / true", "C2", "^"))


def shifted(data: Dataset, c: float) -> Dataset:
    """``data`` with its target centred and shifted by c standard deviations."""
    y = data.targets - data.targets.mean(axis=0)
    return Dataset(data.inputs, y + c * y.std(axis=0), name=f"{data.name} centred + {c:g} SD",
                   feature_names=data.feature_names)


def spread_text(p: dict) -> str:
    return f"{p['median']:.3g} [{p['q25']:.3g}, {p['q75']:.3g}]"


def by_data_table(rows: list[dict]) -> str:
    lines = ["| data | thesis / true | refined / true | Newton / true | analytic refined / mean true "
             "| thesis mean ± SE | cancellation |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        t = r["per_network_thesis_exact"]
        analytic = f"{r['refined'][0]:.3f} ± {r['refined'][1]:.3f}"
        lines.append(f"| {r['data']} | {spread_text(t)} | {spread_text(r['per_network_refined_exact'])} "
                     f"| {spread_text(r['per_network_newton'])} | {analytic} "
                     f"| {t['mean']:.3g} ± {t['stderr']:.2g} | {spread_text(r['cancellation'])} |")
    return "\n".join(lines)


def dose_table(rows: list[dict]) -> str:
    lines = ["| data | shift c (SD) | thesis / true | analytic thesis / mean true | refined / true "
             "| cancellation |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['base']} | {r['shift']:g} | {spread_text(r['per_network_thesis_exact'])} "
                     f"| {r['thesis'][0]:.3g} | {spread_text(r['per_network_refined_exact'])} "
                     f"| {spread_text(r['cancellation'])} |")
    return "\n".join(lines)


def _bars(ax, x, spreads, colour, marker, label, offset=0.0):
    med = np.array([p["median"] for p in spreads])
    lo = med - np.array([p["q25"] for p in spreads])
    hi = np.array([p["q75"] for p in spreads]) - med
    ax.errorbar(np.asarray(x, float) + offset, med, yerr=[lo, hi], fmt=marker, color=colour, capsize=3,
                label=label)


def plot(rows: list[dict], dose: list[dict], architecture: str, n_networks: int, out: str,
         as_shipped: dict[str, float]) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.4), gridspec_kw={"width_ratios": [1.5, 1, 1]})
    ax = axes[0]
    x = np.arange(len(rows))
    for k, (key, label, colour, marker) in enumerate(RATIOS):
        _bars(ax, x, [r[key] for r in rows], colour, marker, label + " (median, IQR)", (k - 1) * 0.15)
    ax.plot(x + 0.3, [r["refined"][0] for r in rows], "kx", ms=8, label="analytic refined / mean true")
    ax.axhline(1, color="grey", lw=0.8)
    ax.set_yscale("log")
    ax.set_xticks(x, [r["data"].replace(":", "\n") for r in rows], fontsize=8)
    ax.set_ylabel("estimate / true optimal learning rate")
    ax.set_title(f"by data set ({architecture}, {n_networks} networks each)")
    ax.legend(fontsize=8)
    for base, style in zip(sorted({r["base"] for r in dose}), ("-", "--")):
        rs = [r for r in dose if r["base"] == base]
        c = [r["shift"] for r in rs]
        _bars(axes[1], c, [r["per_network_thesis_exact"] for r in rs], "C3", "o" if style == "-" else "D",
              f"{base}: thesis / true")
        axes[1].plot(c, [r["thesis"][0] for r in rs], "k" + style, lw=0.8,
                     label=f"{base}: analytic thesis / mean true")
        _bars(axes[2], c, [r["cancellation"] for r in rs], "C4", "o" if style == "-" else "D", base)
    axes[1].axhline(1, color="grey", lw=0.8)
    axes[2].axhline(1, color="grey", lw=0.8)
    for (base, c0), style in zip(sorted(as_shipped.items()), (":", "-.")):
        for a in axes[1:]:
            a.axvline(c0, color="0.5", ls=style, lw=1, label=f"{base} as shipped (c = {c0:.2f})")
    for a in axes[1:]:
        a.set_yscale("log")
        a.set_xlabel("target centred, then shifted by c standard deviations")
        a.legend(fontsize=8)
    axes[1].set_title("dose response: the thesis's error")
    axes[2].set_title("cancellation ||Σ|x^l| g^l||² / Σ|x^l|²|g^l|²")
    fig.tight_layout()
    save_figure(fig, out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="comma-separated NAME[:TRANSFORM] or CSV paths")
    parser.add_argument("--dose-data", default="pima,synthetic", help="data sets of the dose-response panels")
    parser.add_argument("--shifts", default="0,0.1,0.25,0.5,0.75,1", help="target shifts c, in SD")
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--depth", type=int, default=2, help="hidden layers")
    parser.add_argument("--networks", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None)
    parser.add_argument("--out", default=os.path.join(FIGURES, "thesis_error_by_data.png"))
    args = parser.parse_args(argv)
    try:
        shifts = [float(c) for c in args.shifts.split(",")]
    except ValueError:
        parser.error("--shifts is a comma-separated list of numbers")
    if args.networks < 2 or args.width < 1 or args.depth < 1:
        parser.error("--networks must be >= 2, --width and --depth >= 1")
    start = time.perf_counter()
    try:
        sets = {spec: data_variant(spec) for spec in args.data.split(",")}
        dose_sets = {spec: data_variant(spec) for spec in args.dose_data.split(",")}
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    done: dict[bytes, dict] = {}

    def once(label: str, data: Dataset) -> dict:
        """The cell of ``data``, computed once per distinct data set: Pima's centred target is both a
        by-data row and the dose response at c = 0 (same inputs, targets, networks and seeds)."""
        key = repr((data.inputs.shape, data.targets.shape)).encode() + data.inputs.tobytes() \
            + data.targets.tobytes()
        if key not in done:
            progress(f"{label} ({time.perf_counter() - start:.0f} s)")
            done[key] = cell(label, data, args.width, args.depth, args.networks, args.seed)
        return {**done[key], "data": label}

    raw = [once(spec, data) for spec, data in sets.items()]
    raw_dose = [{**once(f"{spec}+{c:g}", shifted(data, c)), "base": spec, "shift": c}
                for spec, data in dose_sets.items() for c in shifts]
    rows = [{**r, **summarise(r)} for r in raw]
    dose = [{**r, **summarise(r)} for r in raw_dose]
    architecture = "d_0-" + "-".join([str(args.width)] * args.depth) + "-1"
    print(by_data_table(rows))
    print()
    print(dose_table(dose))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"by_data": raw, "dose": raw_dose}, fh, indent=1)
    as_shipped = {spec: float(np.mean(d.targets) / np.std(d.targets)) for spec, d in dose_sets.items()}
    plot(rows, dose, architecture, args.networks, args.out, as_shipped)
    progress(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
