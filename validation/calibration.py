"""Are the standard errors right?  z-scores over many independent seeds, against N(0, 1).

A standard error is calibrated when (estimate - truth) / SE is standard normal.  For three
families of estimates this script repeats the estimate with ``--seeds`` independent seeds at
a small sample size and tests the z-scores (the guide's verdict threshold is |z| < 5):

* **exact statements**: every case of every exact statement of the registry whose
  assumptions hold, z as ``expectations validate`` computes it (truth: the closed form; for
  paired statements, both sides from the same draws), on the reference kernels and again on
  the reduced samplers where a statement has one;
* **ratio**: the learning rate -E[L_M'(0)] / E[L_M''(0)] over Hettinger initializations with
  its delta-method SE (truth: an independent run with ``REFERENCE_FACTOR`` times the seeds'
  total sample count, whose SE enters the z);
* **subsampled sums**: Theorems 4.13 and 4.24 by the thesis's index subsampling, with their
  SE (truth: the same sums computed exactly).

For each family: the mean of z with its SE (calibrated: within 3 SE of 0), the SD of z with its
SE (calibrated: within 0.1 of 1), the KS test against N(0, 1), the fraction with |z| >= 3 (N(0, 1):
0.27 %) and the count with |z| >= 5 (false disagreements of ``validate``).

Prints a Markdown table; writes figures/calibration.png (only after everything succeeded) and,
with ``--docs``, docs/calibration.md.

    python validation/calibration.py [--seeds 200] [--samples 20480] [--networks 64,1024]
                                      [--indices 400,4000] [--docs]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass

import numpy as np
from _figures import FIGURES, plt, progress, save_figure
from scipy import stats

from expectations.data import synthetic
from expectations.network.crelu import CReLUNetwork
from expectations.network.one_step import OneStepProblem
from expectations.network.over_initializations import sample_initializations
from expectations.network.theorems import (
    theorem_4_13,
    theorem_4_13_subsampled,
    theorem_4_24,
    theorem_4_24_subsampled,
)
from expectations.statements import registry, validate

#: The reference ratio uses this many times the seeds' total number of initializations.
REFERENCE_FACTOR = 4
#: Small architectures and data for the ratio and subsampled families (cheap, and far from Gaussian).
RATIO_WIDTHS = (4, 8, 1)
SUBSAMPLED_WIDTHS = (4, 16, 16, 1)
DATA_SIZE = 24
#: Cases whose sampler has no variance (exact by reduction), filled by :func:`exact_statement_z`.
ZERO_VARIANCE: list[str] = []
#: The family of all exact statements' z-scores together.
POOLED = "all exact statements"
#: The verdict threshold of ``expectations validate``.
THRESHOLD = validate.Z_THRESHOLD


@dataclass(frozen=True)
class Calibration:
    """Summary of the z-scores of one family."""

    family: str
    n: int
    mean: float
    mean_se: float
    sd: float
    sd_se: float
    ks_p: float
    beyond_3: int
    beyond_threshold: int

    @classmethod
    def of(cls, family: str, z) -> Calibration:
        z = np.asarray(z, dtype=float)
        n = z.size
        sd = float(z.std(ddof=1))
        return cls(family, n, float(z.mean()), sd / math.sqrt(n), sd, sd / math.sqrt(2 * (n - 1)),
                   float(stats.kstest(z, "norm").pvalue), int(np.sum(np.abs(z) >= 3)),
                   int(np.sum(np.abs(z) >= THRESHOLD)))

    @property
    def calibrated(self) -> bool:
        """Mean within 3 SE of 0 and SD within 0.1 of 1 (the issue's criteria; KS reported beside)."""
        return abs(self.mean) <= 3 * self.mean_se and abs(self.sd - 1) <= 0.1


def exact_statement_z(n_samples: int, n_seeds: int, statements=None,
                      method: str = "reference") -> dict[str, np.ndarray]:
    """z of every case (assumptions holding) of every exact statement, ``n_seeds`` per case, by statement;
    with ``method="reduced"`` only the statements that have a reduced sampler, labelled "(reduced)".

    Each case has seeds of its own (cases of one statement share their draws under one seed, so
    their z-scores would be correlated); a statement runs at ``min(n_samples, its default)``
    samples (Lemma 4.17's samples are whole networks: 400 by default).  A case whose reduced sampler
    has no variance (every random matrix integrated out: its "standard error" is rounding, floored
    at :data:`expectations.statements.validate.ROUNDING`) has no z to calibrate and is left out; its label is
    added to :data:`ZERO_VARIANCE`.
    """
    chosen = [s for s in (statements or registry.STATEMENTS)
              if s.kind == "exact" and s.sampler(method) == method]
    out = {}
    first = 1
    for k, statement in enumerate(chosen, 1):
        cases = [c for c in statement.cases if c.assumption_holds]
        n = min(n_samples, statement.default_samples(method))
        progress(f"[{k}/{len(chosen)}] {statement.label} ({method}): {len(cases)} cases x {n_seeds} seeds, "
                 f"{n} samples")
        label = statement.label + (" (reduced)" if method == "reduced" else "")
        z = []
        for case in cases:
            rows = [validate.compare(statement, case, n, seed, method=method)
                    for seed in range(first, first + n_seeds)]
            first += n_seeds
            if all(r.stderr <= validate.ROUNDING * max(abs(r.closed_form), abs(r.estimate)) for r in rows):
                ZERO_VARIANCE.append(f"{label} {validate._params(case.params)}")
            else:
                z += [r.z for r in rows]
        if z:
            out[label] = np.array(z)
    return out


def ratio_z(sizes, n_seeds: int, widths=RATIO_WIDTHS, s: int = DATA_SIZE) -> dict[int, np.ndarray]:
    """z of -E[L']/E[L''] (delta-method SE) over ``n`` initializations, ``n_seeds`` times, for each ``n`` of
    ``sizes``; the truth is one independent run with ``REFERENCE_FACTOR * max(sizes) * n_seeds`` of them."""
    data = synthetic(s, widths[0], widths[-1], seed=1)
    reference = sample_initializations(widths, data.inputs, data.targets, "mse",
                                       REFERENCE_FACTOR * max(sizes) * n_seeds,
                                       seed=10**6).optimal_learning_rate()
    out = {}
    for k, n in enumerate(sizes):
        z = []
        for seed in range(1 + k * n_seeds, 1 + (k + 1) * n_seeds):
            est = sample_initializations(widths, data.inputs, data.targets, "mse", n,
                                         seed=seed).optimal_learning_rate()
            z.append((est.mean - reference.mean) / math.hypot(est.stderr, reference.stderr))
        out[n] = np.array(z)
    return out


def derivative_kurtosis(n_networks: int = 20000, widths=RATIO_WIDTHS,
                        s: int = DATA_SIZE) -> tuple[float, float]:
    """Excess kurtosis of L_M'(0) and L_M''(0) over ``n_networks`` initializations of the ratio family's
    set-up (heavy tails make a sample variance, and so a delta-method SE, unreliable at small n)."""
    data = synthetic(s, widths[0], widths[-1], seed=1)
    first, second = np.empty(n_networks), np.empty(n_networks)
    for k in range(n_networks):
        network = CReLUNetwork.hettinger(widths, 10**7 + k)
        d = OneStepProblem(network, data.inputs, data.targets, "mse").derivatives()
        first[k], second[k] = d.first, d.second
    return float(stats.kurtosis(first)), float(stats.kurtosis(second))


def subsampled_z(n_index_samples: int, n_seeds: int, widths=SUBSAMPLED_WIDTHS, s: int = DATA_SIZE):
    """z of Theorems 4.13 and 4.24 by index subsampling against their exact sums, ``n_seeds`` each."""
    seeds = range(1, n_seeds + 1)
    data = synthetic(s, widths[0], widths[-1], seed=2)
    problem = OneStepProblem(CReLUNetwork.hettinger(widths, 3), data.inputs, data.targets, "mse")
    g = problem.output_gradients
    hess = problem.loss.hessian(problem.activations[-1], problem.targets)
    exact_13 = theorem_4_13(widths, problem.inputs, g)
    exact_24 = theorem_4_24(widths, problem.inputs, g, hess)
    z13 = [theorem_4_13_subsampled(widths, problem.inputs, g, n_index_samples, seed).z(exact_13)
           for seed in seeds]
    z24 = [theorem_4_24_subsampled(widths, problem.inputs, g, hess, n_index_samples, seed).z(exact_24)
           for seed in seeds]
    return np.array(z13), np.array(z24)


def run(n_seeds: int, n_samples: int, network_sizes, index_sizes, statements=None) -> dict[str, np.ndarray]:
    """Every family's z-scores: {family: z array}; exact statements one family per statement, then all
    of them pooled, the ratio at each number of initializations, the subsampled sums at each index count."""
    reference = exact_statement_z(n_samples, n_seeds, statements)
    reduced = exact_statement_z(n_samples, n_seeds, statements, method="reduced")
    families = {**reference, **reduced}
    families[POOLED] = np.concatenate(list(families.values()))
    families[POOLED + ", reference kernels"] = np.concatenate(list(reference.values()))
    if reduced:
        families[POOLED + ", reduced samplers"] = np.concatenate(list(reduced.values()))
    sizes = ", ".join(map(str, network_sizes))
    progress(f"ratio -E[L']/E[L''] over {sizes} initializations x {n_seeds} seeds")
    for n, z in ratio_z(network_sizes, n_seeds).items():
        families[f"ratio -E[L']/E[L''], {n} initializations"] = z
    for n in index_sizes:
        progress(f"subsampled Theorems 4.13 and 4.24, {n} indices x {n_seeds} seeds")
        z13, z24 = subsampled_z(n, n_seeds)
        families[f"Theorem 4.13 subsampled, {n} indices"] = z13
        families[f"Theorem 4.24 subsampled, {n} indices"] = z24
    return families


def table(results: list[Calibration]) -> str:
    """A Markdown table of the calibrations."""
    lines = ["| family | z-scores | mean of z ± SE | SD of z ± SE | KS p | abs(z) >= 3 | abs(z) >= 5 "
             "| calibrated |",
             "|---|---|---|---|---|---|---|---|"]
    for c in results:
        lines.append(f"| {c.family} | {c.n} | {c.mean:+.3f} ± {c.mean_se:.3f} | {c.sd:.3f} ± {c.sd_se:.3f} | "
                     f"{c.ks_p:.2g} | {c.beyond_3} ({c.beyond_3 / c.n:.2%}) | {c.beyond_threshold} | "
                     f"{'yes' if c.calibrated else 'NO'} |")
    return "\n".join(lines)


def false_disagreement(c: Calibration) -> str:
    """The measured rate of |z| >= the threshold with a 95 % upper bound, beside the N(0, 1) rate."""
    upper = stats.beta.ppf(0.95, c.beyond_threshold + 1, c.n - c.beyond_threshold)
    nominal = 2 * stats.norm.sf(THRESHOLD)
    return (f"{c.beyond_threshold} of {c.n} z-scores of exact statements reached |z| >= {THRESHOLD:g} "
            f"(95 % upper bound on the rate per case {upper:.1e}; for N(0, 1) the rate is {nominal:.1e}, "
            f"and {c.beyond_3} ({c.beyond_3 / c.n:.2%}) reached |z| >= 3 against 0.27 %)")


def figure(families: dict[str, np.ndarray], results: list[Calibration], path: str) -> str:
    """Histograms of the z-scores of the pooled families against the N(0, 1) density, and a QQ plot."""
    shown = [c for c in results if c.family.startswith(POOLED + ",") or " subsampled, " in c.family
             or c.family.startswith("ratio")]
    columns = math.ceil((len(shown) + 1) / 2)
    fig, axes = plt.subplots(2, columns, figsize=(4 * columns, 7.2))
    axes = axes.ravel()
    for ax in axes[len(shown) + 1:]:
        ax.axis("off")
    grid = np.linspace(-4.5, 4.5, 200)
    for ax, c in zip(axes, shown):
        ax.hist(np.clip(families[c.family], -4.5, 4.5), bins=40, range=(-4.5, 4.5), density=True,
                color="C0", alpha=0.6)
        ax.plot(grid, stats.norm.pdf(grid), "k-", lw=1)
        ax.set_title(f"{c.family}\nmean {c.mean:+.2f}±{c.mean_se:.2f}, SD {c.sd:.2f}±{c.sd_se:.2f}, "
                     f"KS p {c.ks_p:.2g}", fontsize=8)
        ax.set_xlabel("z = (estimate - truth) / SE")
    ax = axes[len(shown)]
    for k, c in enumerate(shown):
        z = np.sort(families[c.family])
        q = stats.norm.ppf((np.arange(1, z.size + 1) - 0.5) / z.size)
        ax.plot(q, z, ".", ms=2, color=f"C{k}", label=c.family)
    ax.plot([-4, 4], [-4, 4], "k-", lw=0.8)
    ax.set_xlabel("N(0, 1) quantile")
    ax.set_ylabel("z quantile")
    ax.set_title("QQ plot", fontsize=8)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return save_figure(fig, path)


DOC = """# Calibration of the standard errors

Regenerate with `python validation/calibration.py --docs` (defaults: {seeds} seeds; {samples} samples
per case for the exact statements, or the statement's default where smaller (Lemma 4.17: 400
networks); {networks} initializations per ratio estimate; {indices} sampled indices per
subsampled sum).  A fast version runs in `tests/test_calibration.py`.

A standard error is calibrated when z = (estimate - truth) / SE is standard normal. Each row repeats
one estimate with {seeds} independent seeds (every case its own, so no two z-scores share draws):
every case of every exact statement whose assumptions hold, on the reference kernels and, where the
statement has one, on its reduced sampler (`validate`'s default; rows marked "(reduced)"; truth: the
closed form; the z of `expectations validate`), the learning rate -E[L_M'(0)]/E[L_M''(0)] with its
delta-method SE over {networks} Hettinger initializations of {ratio_widths} on a {s} x {d0}
synthetic data set (truth: an independent run with {factor} times as many initializations as all
seeds of the largest size together; its SE enters z), and Theorems 4.13 and 4.24 by the thesis's
index subsampling at one {sub_widths} network (truth: the same sums computed exactly). Calibrated
means: mean of z within 3 SE of 0, SD within 0.1 of 1; the KS test against N(0, 1) is reported
beside.

{table}

Left out, having no sampling noise to calibrate (every random matrix integrated out by the reduced
sampler, so the estimate equals the closed form to rounding): {zero_variance}.

![calibration](../figures/calibration.png)

**False disagreements of `expectations validate`.**  An exact statement *disagrees* when |z| >= {threshold:g}.
{false}.  A full `validate` run has {n_exact} exact cases whose assumptions hold.  With z standard
normal, as measured, the chance that any of them disagrees by chance alone is {n_exact} x {nominal:.1e}
= {run_rate:.1e} per run; the measurement by itself (no normality assumed) bounds it by {n_exact} x
{upper:.1e} = {run_upper:.2g} (95 %).  `validate`'s default sample sizes are at least this
calibration's (100,000 to 2,400,000 a case; Lemma 4.17 400 networks), where the central limit
theorem holds better still.
"""


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(t) for t in text.split(","))


DOC_FAILURES = """
**Not calibrated** at these sizes: {failures}.  The ratio's cause is the tails of the
derivatives at initialization: over 20,000 Hettinger networks of {ratio_widths} the excess kurtosis is
{kurt1:.0f} for L_M'(0) and {kurt2:.0f} for L_M''(0) (0 for a Gaussian), so the sample variances behind
the delta-method SE are usually too small (the rare large draws that make the true variance are
missing from most runs) and the ratio of means carries a bias of order 1/n; both shrink as the number
of initializations grows.  Read the SE of `expectations learning-rate`'s -E[L'(0)]/E[L''(0)] (200
initializations by default) as a lower bound.
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="independent seeds per estimate (default 200)")
    parser.add_argument("--samples", type=int, default=20480,
                        help="samples per exact case, at most the statement's default (default 20480)")
    parser.add_argument("--networks", type=_sizes, default=(64, 1024),
                        help="initializations per ratio estimate, comma-separated (default 64,1024)")
    parser.add_argument("--indices", type=_sizes, default=(400, 4000),
                        help="indices per subsampled sum, comma-separated (default 400,4000, the thesis's)")
    parser.add_argument("--statement", action="append", help="only these exact statements (repeatable)")
    parser.add_argument("--out", default=os.path.join(FIGURES, "calibration.png"))
    parser.add_argument("--docs", action="store_true", help="also write docs/calibration.md")
    args = parser.parse_args(argv)
    statements = [registry.get(label) for label in args.statement] if args.statement else None
    families = run(args.seeds, args.samples, args.networks, args.indices, statements)
    results = [Calibration.of(name, z) for name, z in families.items()]
    text = table(results)
    pooled = next(c for c in results if c.family == POOLED)
    print(text)
    print("\n" + false_disagreement(pooled))
    figure(families, results, args.out)
    if args.docs:
        nominal = 2 * stats.norm.sf(THRESHOLD)
        n_exact = sum(1 for s in registry.STATEMENTS if s.kind == "exact"
                      for c in s.cases if c.assumption_holds)
        upper = stats.beta.ppf(0.95, pooled.beyond_threshold + 1, pooled.n - pooled.beyond_threshold)
        doc = DOC.format(upper=upper, run_upper=min(1.0, n_exact * upper), seeds=args.seeds,
                         samples=args.samples,
                         networks=" or ".join(map(str, args.networks)),
                         indices=" or ".join(map(str, args.indices)),
                         ratio_widths=list(RATIO_WIDTHS), s=DATA_SIZE, d0=RATIO_WIDTHS[0],
                         factor=REFERENCE_FACTOR, sub_widths=list(SUBSAMPLED_WIDTHS), table=text,
                         threshold=THRESHOLD, false=false_disagreement(pooled), n_exact=n_exact,
                         nominal=nominal, run_rate=n_exact * nominal,
                         zero_variance="; ".join(ZERO_VARIANCE) or "none")
        kurt1, kurt2 = derivative_kurtosis()
        failures = "; ".join(f"{c.family} (mean {c.mean:+.2f} ± {c.mean_se:.2f}, SD {c.sd:.2f} ± "
                             f"{c.sd_se:.2f})" for c in results if not c.calibrated) or "none"
        doc += DOC_FAILURES.format(failures=failures, ratio_widths=list(RATIO_WIDTHS), kurt1=kurt1,
                                   kurt2=kurt2)
        path = os.path.join(os.path.dirname(FIGURES), "docs", "calibration.md")
        with open(path, "w") as fh:
            fh.write(doc)
        progress(f"wrote {path}")
    if not all(c.calibrated for c in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
