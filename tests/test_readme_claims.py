"""The README's quantitative claims about the thesis, each at the README's settings (issue 11).

Every number is parsed out of the README's text (so editing the README without the code, or
the code without the README, fails) and recomputed: exactly where the truth has a closed form
or a deterministic quadrature (tolerance: half a unit in the README's last printed digit), by
Monte Carlo with a fixed seed otherwise (tolerance: 5 standard errors plus half a unit in the
last printed digit).  Each statistical check has a twin: the same claim off by a meaningful
amount (its error doubled, or moved by 5 %) is rejected at the same sample size.  Settings the
README does not print are those of the script behind its numbers: docs/approximation-error.md
(``validation/approximation_error.py``, seed 0) and docs/theorem-error.md
(``validation/theorem_error.py``, seed 0, 800 networks, synthetic data, d_0 = 8, s = 64).

Claims and their guards (README section: number -> test).  "Here" means this file.

What `expectations validate` shows
  * "0 to 2e-16" (identities' RMS relative difference) -> here, against the pinned default run
    (tests/pins/validate_default_seed0.json, kept equal to a run by tests/test_validate_pin.py).
  * "|z| < 5" -> tests/test_statements.py, tests/test_calibration.py (the threshold itself).

What the thesis gets right
  * "114 cases ... 58 ... 6 ... 18 ... 13 ... 19" -> tests/test_readme_counts.py.
  * Lemma 4.17: "114 ± 11 instead of 0 in the registry's MSE case at 8-16-1" -> here (the registry's
    first MSE case, [8, 16, 1], s = 32, 400 networks, seed 0).
  * Lemma 4.20: "error 1/(2q)" -> here (leading order) and tests/test_closed_forms.py.
  * Corollary 4.22: "1.6-3.3 % at width 32" -> here (exact, and Monte Carlo at the high end).
  * Theorem 4.13: "within a few per cent at widths >= 64 with two or more hidden layers" -> here
    ("a few" read as <= 5 %, fixed output gradients as the thesis assumes; with one hidden
    layer of 64 it is -12.6 % ± 0.5 %, docs/theorem-error.md).
  * Lemma 4.19 off orthogonality: "-4 % at pairwise cosine 0.01, -65 % at 0.3, with u and v at
    1 rad" -> here (exact
    by quadrature, and Monte Carlo).
  * Theorem 4.24: "rank one: a_k^2 ||sum_l |x^l| g^l||^2" -> here (exact, no number).
  * Pima: "2.7 times", "1.7-8.4", "6.7 ± 2.0", "10.8", "3.7e4", "2.3" (and "20 networks of
    8-64-64-1") -> tests/test_readme_learning_rate_claims.py.
  * Refined Theorem 4.24: "-3.5 % ± 1.5 % at width 64 and +0.3 % ± 0.8 % at width 256" -> here
    (at the README's settings, and resolved with more networks); "0.98", "1.71" ->
    tests/test_readme_learning_rate_claims.py.
  * Analytic learning rate: "0.92 ± 0.05", "0.95 ± 0.05", "2.71 ± 0.14" ->
    tests/test_readme_learning_rate_claims.py.
  * Its corrections: "0.858, 0.960 and 0.980 of the exact E[L_M'(0)]", "94.0, 87.6 and 86.6" ->
    here (closed forms at one hidden layer).
  * Beyond the thesis: "3 |x|⁴|u|²|v|² at θ = 0", "/(2π)", "ψ(m_1) = 4/π at m_1 = 2" -> here
    (and tests/test_beyond_thesis.py); "depth 2, width 4 and depth 3, width 3" ->
    tests/test_beyond_thesis.py (test_exact_terms_..._at_depth_2, test_all_pairs_..._at_depth_3).

How wrong the approximations are
  * "17.8 % at q = 3, 1.6 % at q = 32" -> here (exact).
  * "already 4 % low at a pairwise cosine of 0.01" -> here (exact and Monte Carlo).
  * "12-30 % low at width 4 and 1.6-3.3 % low at width 32" -> here (exact; Monte Carlo at the
    cells that are cheap to sample).

Elsewhere in the README (not claims about the thesis)
  * validate example rows -> tests/test_readme_example.py; learning-rate example ->
    tests/test_readme_learning_rate.py.
  * "768 x 8", "268 positives", "442 x 10", "569 x 30" -> tests/test_data.py.
  * "fixed chunks of 2048", "4,000-index subsampling" -> here (constants).
  * "174-837 times", "8.8 times", "5.3 times" -> benchmark rows in docs/benchmarks.md.
  * wall times ("about a minute and a half", "about 10 s", "about six minutes", "~70 s") -> none (no
    wall-clock asserts in tests).
  * exit codes 1, 2, 130; "--samples ... at least 2" -> tests/test_cli.py.

Cost: about 25 s on 2 cores at load 6 (about 10 s idle), most of it the 800 networks of width
256 and the 6,400 networks of width 64 (marked "expensive" below).
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest

from expectations.data import synthetic
from expectations.lemmas import closed_forms as cf
from expectations.lemmas import estimators as mc
from expectations.montecarlo.sampling import CHUNK_SIZE
from expectations.network.over_initializations import sample_initializations
from expectations.network.theorems import theorem_4_13_subsampled, theorem_4_24, theorem_4_24_refined

ROOT = Path(__file__).resolve().parent.parent
TEXT = " ".join((ROOT / "README.md").read_text().split())  # whitespace-normalised README
Z = 5.0  # the package's agreement threshold, |z| < 5

def claim(pattern: str) -> tuple[str, ...]:
    """The groups of the README's sentence matching ``pattern`` (whitespace-normalised)."""
    match = re.search(pattern, TEXT)
    assert match, f"the README no longer states a claim of the form {pattern!r}"
    return match.groups()


def half_unit(number: str) -> float:
    """Half a unit in the last printed digit of ``number`` as written ('17.8' -> 0.05, '2e-16' -> 0.5e-16)."""
    mantissa, _, exponent = number.lstrip("+-").partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def consistent(measured: float, stderr: float, stated: str) -> bool:
    """|measured - stated| < 5 SE + half a unit in the stated number's last digit."""
    return abs(measured - float(stated)) < Z * stderr + half_unit(stated)


def rounds_to(measured: float, stated: str) -> bool:
    """An exact value shown at the README's rounding (SE 0)."""
    return consistent(measured, 0.0, stated)


# ---------------------------------------------------------------- Lemma 4.20 (exact)

def lemma_4_20_error(q: int) -> float:
    """q^2 / exact Gamma form - 1, in per cent (orthogonal unit x, y, z; the error depends only on q)."""
    e = np.eye(3)
    return 100 * (cf.expected_norm_product_q2(*e, q) / cf.expected_norm_product(*e, q) - 1)


def test_lemma_4_20_errors_at_q_3_and_32():
    at_3, q3, at_32, q32 = claim(r"Lemma 4\.20's q² overestimates the exact Gamma form by 1/\(2q\) "
                                 r"\(([\d.]+) % at q = (\d+), ([\d.]+) % at q = (\d+)\)")
    for stated, q in ((at_3, int(q3)), (at_32, int(q32))):
        measured = lemma_4_20_error(q)
        assert rounds_to(measured, stated), (q, measured, stated)
        unit = 2 * half_unit(stated)
        assert not rounds_to(measured, f"{float(stated) + unit:.{len(stated.partition('.')[2])}f}")


def test_lemma_4_20_error_is_one_over_2q_to_leading_order():
    assert "Lemma 4.20's q² (error 1/(2q))" in TEXT
    for q in (3, 32, 1024):
        error = lemma_4_20_error(q) / 100
        assert abs(error - 1 / (2 * q)) < 1 / q**2
        assert abs(error - 1 / q) > 1 / q**2  # twin: an error 1/q would be told apart


# ---------------------------------------------------------------- Lemma 4.19 off orthogonality

def lemma_4_19_inputs(c: float):
    """docs/approximation-error.md: |x|, |y|, |z| = 1.2, 0.8, 1.5 with pairwise cosine c; u, v in
    R^4 with |u| = 0.9, |v| = 1.4 at angle 1 (the error depends on c and that angle only)."""
    gram = (1 - c) * np.eye(3) + c * np.ones((3, 3))
    x, y, z = np.linalg.cholesky(gram) * np.array([[1.2], [0.8], [1.5]])
    u, v = np.array([0.9, 0.0, 0.0, 0.0]), 1.4 * np.array([np.cos(1.0), np.sin(1.0), 0.0, 0.0])
    return x, y, z, u, v


def lemma_4_19_claims() -> list[tuple[str, float]]:
    """(stated error in per cent, cosine) from both places the README states them."""
    at_a, c_a, at_b, c_b = claim(r"Lemma 4\.19 off orthogonality \((-[\d.]+) % at pairwise cosine "
                                 r"([\d.]+), (-[\d.]+) % at ([\d.]+)\)")
    low, c_low = claim(r"Lemma 4\.19's orthogonal formula is already ([\d.]+) % low at a pairwise "
                       r"cosine of ([\d.]+) between x, y, z")
    (angle,) = claim(r"at ([\d.]+)\), with u and v at ([\d.]+) rad;")[1:]
    assert float(angle) == 1.0 == float(claim(r"between x, y, z \(u and v at ([\d.]+) rad\)")[0])
    return [(at_a, float(c_a)), (at_b, float(c_b)), ("-" + low, float(c_low))]


def test_lemma_4_19_off_orthogonality_exact():
    """The truth by deterministic quadrature (tested against the reduced sampler in
    tests/test_beyond_thesis.py)."""
    for stated, c in lemma_4_19_claims():
        x, y, z, u, v = lemma_4_19_inputs(c)
        thesis = cf.expected_relu_pair(x, y, z, u, v, check_orthogonal=False)
        measured = 100 * (thesis / cf.expected_relu_pair_any(x, y, z, u, v, method="quadrature") - 1)
        assert rounds_to(measured, stated), (c, measured, stated)


#: samples for the Monte Carlo check at each cosine (reduced sampler): SE 0.5 % and 0.35 %.
LEMMA_4_19_SAMPLES = {0.01: 1_000_000, 0.3: 200_000}


def twins(stated: str) -> list[str]:
    """The claim off by a meaningful amount: its error doubled, or (where doubling leaves
    (-100 %, inf)) moved by 5 % either way."""
    value = float(stated)
    return [str(2 * value)] if 2 * value > -100 else [str(value - 5), str(value + 5)]


def test_lemma_4_19_off_orthogonality_monte_carlo():
    """The thesis's formula against the reduced sampler at the README's cosines (about 0.6 s)."""
    for stated, c in lemma_4_19_claims():
        x, y, z, u, v = lemma_4_19_inputs(c)
        est = mc.estimate_relu_pair(x, y, z, u, v, LEMMA_4_19_SAMPLES[c], seed=0, method="reduced")
        rel, se = est.relative_error(cf.expected_relu_pair(x, y, z, u, v, check_orthogonal=False))
        assert consistent(100 * rel, 100 * se, stated), (c, rel, se, stated)
        for twin in twins(stated):
            assert not consistent(100 * rel, 100 * se, twin), (c, rel, se, twin)


# ---------------------------------------------------------------- Corollary 4.22

CELLS = ((2, 2), (2, 3), (3, 4))


def corollary_4_22_inputs(m: int):
    """docs/approximation-error.md: widths (4, m, m, m, 4), orthogonal x, y, z with norms 1.2,
    0.8, 1.5, Hettinger scaling; w, v, P as statements.lemmas.output_side(4, 60) draws them."""
    x, y, z = np.eye(4)[:3] * np.array([[1.2], [0.8], [1.5]])
    rng = np.random.default_rng([20201, 60])
    w, v = rng.normal(size=4), rng.normal(size=4)
    a = rng.normal(size=(4, 4))
    return x, y, z, w, v, (a + a.T) / 2 + 2 * np.eye(4), [4, m, m, m, 4]


def corollary_4_22_error(m: int, i: int, j: int) -> float:
    """Thesis / exact - 1 in per cent (Lemma 4.21's exact form, tested against Monte Carlo in
    tests/test_beyond_thesis.py)."""
    args = corollary_4_22_inputs(m)
    thesis = cf.relu_double_sum(*args, i, j, sigmas="hettinger")
    return 100 * (thesis / cf.relu_double_sum_exact(*args, i, j, sigmas="hettinger") - 1)


def corollary_4_22_claims() -> dict[tuple[str, int], tuple[str, str]]:
    """{(where, width): (low, high)} of the stated ranges of |error| in per cent."""
    low4, high4, m4, low32, high32, m32 = claim(
        r"Corollary 4\.22 is ([\d.]+)-([\d.]+) % low at width (\d+) and ([\d.]+)-([\d.]+) % low at "
        r"width (\d+)\.")
    good_low, good_high, good_m = claim(r"Corollary 4\.22 \(([\d.]+)-([\d.]+) % at width (\d+)\)")
    return {("section", int(m4)): (low4, high4), ("section", int(m32)): (low32, high32),
            ("summary", int(good_m)): (good_low, good_high)}


@pytest.mark.parametrize("where, width, end", [
    ("section", 4, "low"), ("section", 4, "high"), ("section", 32, "low"), ("section", 32, "high"),
    ("summary", 32, "low"), ("summary", 32, "high"),
])
def test_corollary_4_22_range_exact(where, width, end):
    """The range of -error over the cells (2, 2), (2, 3), (3, 4) of docs/approximation-error.md."""
    low, high = corollary_4_22_claims()[where, width]
    errors = [corollary_4_22_error(width, i, j) for i, j in CELLS]
    assert max(errors) < 0  # "low"
    measured, stated = (-max(errors), low) if end == "low" else (-min(errors), high)
    assert rounds_to(measured, stated), (width, end, measured, stated)


#: Cells sampled (expensive ones left to the exact form): (width, cell, samples, which end).
#: The (2, 2) and (2, 3) cells at width 32 cost about 5 s per 80,000 samples, so the low end at
#: width 32 is guarded by the exact form only.
COROLLARY_4_22_SAMPLED = [(4, (2, 3), 80_000, 0), (4, (3, 4), 200_000, 1), (32, (3, 4), 500_000, 1)]


@pytest.mark.parametrize("width, cell, n_samples, end", COROLLARY_4_22_SAMPLED)
def test_corollary_4_22_range_monte_carlo(width, cell, n_samples, end):
    """The cell at each end of the stated range against the reduced sampler (about 1.5 s in all)."""
    stated = corollary_4_22_claims()["section", width][end]
    args = corollary_4_22_inputs(width)
    est = mc.estimate_relu_double_sum(*args, *cell, n_samples, seed=0, sigmas="hettinger",
                                      method="reduced")
    rel, se = est.relative_error(cf.relu_double_sum(*args, *cell, sigmas="hettinger"))
    assert consistent(-100 * rel, 100 * se, stated), (width, cell, rel, se, stated)
    for twin in twins(stated):
        assert not consistent(-100 * rel, 100 * se, twin), (width, cell, rel, se, twin)


# ---------------------------------------------------------------- Theorems 4.13 and 4.24 over initializations

@pytest.fixture(scope="module")
def fixed_gradient_samples():
    """Networks over initializations as docs/theorem-error.md draws them (fixed output gradients):
    synthetic data s = 64, d_0 = 8, seed 0; g ~ N(0, 1) from default_rng([0, 64]); H = 2."""
    data = synthetic(64, 8, 1, seed=0)
    g = np.random.default_rng([0, 64]).standard_normal((64, 1))
    h = np.full((64, 1, 1), 2.0)
    cache = {}

    def get(widths, n_networks, seed):
        key = (tuple(widths), n_networks, seed)
        if key not in cache:
            cache[key] = sample_initializations(widths, data.inputs, n_networks=n_networks, seed=seed,
                                                output_gradients=g, hessians=h)
        return cache[key]

    return get


def error(sample, theorem: str, derivative: str) -> tuple[float, float]:
    """E[theorem] / E[derivative] - 1 in per cent, with its delta-method SE."""
    r = sample.ratio(theorem, derivative)
    return 100 * (r.mean - 1), 100 * r.stderr


#: "a few per cent", as a number.
FEW_PER_CENT = 5.0
#: The README's settings (docs/theorem-error.md) and a larger independent sample (seed 1) that
#: resolves the claims at width 64 (expensive: about 2 s).
README_NETWORKS, RESOLVING_NETWORKS = 800, 6400


def theorem_4_13_min_width() -> int:
    (width,) = claim(r"Theorem 4\.13 \(within a few per cent at widths >= (\d+) with two or more "
                     r"hidden layers\)")
    return int(width)


@pytest.mark.parametrize("depth, n_networks, seed", [
    (3, RESOLVING_NETWORKS, 1),
    (5, README_NETWORKS, 0),
])
def test_theorem_4_13_within_a_few_per_cent_at_width_64(fixed_gradient_samples, depth, n_networks, seed):
    m = theorem_4_13_min_width()
    widths = [8] + [m] * (depth - 1) + [1]
    err, se = error(fixed_gradient_samples(widths, n_networks, seed), "theorem_4_13", "first_derivative")
    assert abs(err) < FEW_PER_CENT + Z * se, (widths, err, se)
    if depth == 3:  # twin: its error doubled (about -9 %) would be caught
        assert 2 * abs(err) > FEW_PER_CENT + Z * se


def test_theorem_4_13_within_a_few_per_cent_at_width_256(fixed_gradient_samples):
    """Expensive: 800 networks of 8-256-256-1 (about 2 s, shared with the refined claim)."""
    assert theorem_4_13_min_width() <= 256
    err, se = error(fixed_gradient_samples([8, 256, 256, 1], README_NETWORKS, 0),
                    "theorem_4_13", "first_derivative")
    assert abs(err) < FEW_PER_CENT + Z * se, (err, se)


def refined_claims() -> dict[int, tuple[str, str]]:
    a, sa, wa, b, sb, wb = claim(r"brings its error to ([-+][\d.]+) % ± ([\d.]+) % at width (\d+) and "
                                 r"([-+][\d.]+) % ± ([\d.]+) % at width (\d+) with fixed output gradients")
    return {int(wa): (a, sa), int(wb): (b, sb)}


@pytest.mark.parametrize("width", [64, 256])
def test_refined_theorem_4_24_at_the_readme_settings(fixed_gradient_samples, width):
    """Regression pin: the README's number and its SE are those of the seeded run behind
    docs/theorem-error.md (800 networks, seed 0), at the README's rounding."""
    stated, stated_se = refined_claims()[width]
    err, se = error(fixed_gradient_samples([8, width, width, 1], README_NETWORKS, 0),
                    "theorem_4_24_refined", "second_derivative")
    assert consistent(err, se, stated)  # the statistical check, at the README's sample size
    assert rounds_to(err, stated) and rounds_to(se, stated_se), (err, se, stated, stated_se)


@pytest.mark.parametrize("width, n_networks, seed", [(64, RESOLVING_NETWORKS, 1), (256, README_NETWORKS, 0)])
def test_refined_theorem_4_24_claim_is_resolved(fixed_gradient_samples, width, n_networks, seed):
    """Expensive (the width-64 sample, about 2 s idle).  Width 64 on an independent larger
    sample, where the error doubled (-8 %) is rejected;
    width 256 at the README's settings, where the error moved by 5 % either way is rejected."""
    stated, _ = refined_claims()[width]
    err, se = error(fixed_gradient_samples([8, width, width, 1], n_networks, seed),
                    "theorem_4_24_refined", "second_derivative")
    assert consistent(err, se, stated), (width, err, se, stated)
    for twin in twins(stated) if width == 64 else (str(float(stated) - 5), str(float(stated) + 5)):
        assert not consistent(err, se, twin), (width, err, se, twin)


def test_theorem_4_24_sum_over_samples_is_rank_one():
    """A_klm = |x^k|^2 |x^l| |x^m| / pi^2 makes the sum a_k^2 ||sum_l |x^l| g^l||^2 (times the
    Hessian terms): Theorem 4.24 depends on the output gradients only through u = sum_l |x^l| g^l
    and vanishes when u = 0, where the refined form does not."""
    assert ("rank one: a_k^2 ||sum_l |x^l| g^l||^2, which cancels when the output gradients "
            "average out") in TEXT
    rng = np.random.default_rng(11)
    widths, x = [4, 8, 8, 2], rng.normal(size=(10, 4))
    h = np.broadcast_to(2 * np.eye(2), (10, 2, 2)).copy()
    a = np.linalg.norm(x, axis=1)
    g = rng.normal(size=(10, 2))
    kernel = rng.normal(size=(10, 2))
    kernel -= np.outer(a, a @ kernel) / (a @ a)  # sum_l |x^l| kernel^l = 0
    base = theorem_4_24(widths, x, g, h)
    assert theorem_4_24(widths, x, g + 3 * kernel, h) == pytest.approx(base, rel=1e-12)
    assert abs(theorem_4_24(widths, x, kernel, h)) < 1e-12 * abs(base)
    assert abs(theorem_4_24_refined(widths, x, kernel, h)) > 1e-3 * abs(base)


# ---------------------------------------------------------------- Lemma 4.17

@pytest.fixture(scope="module")
def lemma_4_17_mse_case():
    """The registry's first MSE case: [8, 16, 1], s = 32, data seed 4, 400 networks, seed 0."""
    data = synthetic(32, 8, 1, seed=4)
    sample = sample_initializations([8, 16, 1], data.inputs, data.targets, "mse", 400, 0)
    return sample.estimate("lemma_4_16_first_sum")


def lemma_4_17_claim() -> tuple[str, str]:
    return claim(r"\((\d+) ± (\d+) instead of 0 in the registry's MSE case at 8-16-1\)")


def test_lemma_4_17_first_sum_in_the_registry_mse_case(lemma_4_17_mse_case):
    """The stated mean within 5 SE; twin: the thesis's 0 is rejected at the same sample size."""
    mean, _ = lemma_4_17_claim()
    est = lemma_4_17_mse_case
    assert consistent(est.mean, est.stderr, mean), (est.mean, est.stderr)
    assert not consistent(est.mean, est.stderr, "0")


def test_lemma_4_17_is_the_registry_run_at_the_readme_rounding(lemma_4_17_mse_case):
    """Regression pin: the README's mean and SE are the seeded registry run's, rounded."""
    mean, stderr = lemma_4_17_claim()
    est = lemma_4_17_mse_case
    assert rounds_to(est.mean, mean) and rounds_to(est.stderr, stderr), (est.mean, est.stderr)


# ---------------------------------------------------------------- identities, beyond the thesis, constants

def test_identity_rows_largest_difference():
    """'2e-16 to 4e-16': the range of the identities' largest per-network relative difference in the
    pinned default run."""
    low, top = claim(r"over the networks: ([\de.-]+) to ([\de.-]+)\)")
    rows = json.loads((ROOT / "tests" / "pins" / "validate_default_seed0.json").read_text())
    rows = rows if isinstance(rows, list) else rows["rows"]
    diffs = [r["rel_error"] for r in rows if r["kind"] == "identity"]
    assert diffs and rounds_to(min(diffs), low) and rounds_to(max(diffs), top), diffs


def test_beyond_the_thesis_exact_values():
    """Lemma 4.19 at x = y = z, u parallel to v: 3 |x|^4 |u|^2 |v|^2, the printed form
    |x|^4 |u|^2 |v|^2 / (2 pi); Lemma 4.21's missing factor psi(2) = 4 / pi."""
    assert "(3 |x|⁴|u|²|v|² at θ = 0, where the printed form gives |x|⁴|u|²|v|²/(2π))" in TEXT
    (m1,) = claim(r"misses a factor ψ\(m_1\) = 4/π at m_1 = (\d+)")
    x, u = np.array([1.0, 2.0, -0.5]), np.array([0.7, 0.0])
    scale = np.linalg.norm(x) ** 4 * (u @ u) * (4 * u @ u)
    assert cf.expected_relu_pair_any(x, x, x, u, 2 * u, method="exact") / scale == pytest.approx(3.0)
    assert cf.expected_relu_pair_any(x, x, x, u, 2 * u, method="thesis") / scale == pytest.approx(
        1 / (2 * np.pi))
    assert cf.uniform_arcsin_mean(int(m1)) == pytest.approx(4 / np.pi)


def test_chunk_size_and_subsample_size():
    (chunk,) = claim(r"Samples are cut into fixed chunks of (\d+)\.")
    assert int(chunk) == CHUNK_SIZE
    (indices,) = claim(r"by the thesis's ([\d,]+)-index subsampling")
    default = inspect.signature(theorem_4_13_subsampled).parameters["n_index_samples"].default
    assert int(indices.replace(",", "")) == default


# ---------------------------------------------------------------- the corrections of issue 10

def test_theorem_4_13_independence_and_lemma_4_17_zero_on_pima():
    """"E[T4.13 refined] is 0.858, 0.960 and 0.980 of the exact E[L_M'(0)] at 8-16-1, 8-64-1 and
    8-128-1 on Pima, and Lemma 4.17's zero is in truth 94.0, 87.6 and 86.6 there": closed forms
    at one hidden layer (tested against honest networks in tests/test_analytic_corrections.py),
    compared at the README's rounding."""
    from expectations.data import load_pima
    from expectations.network.analytic_corrections import corrected_learning_rate

    ratios = claim(r"E\[T4\.13 refined\] is ([\d.]+), ([\d.]+) and ([\d.]+) of the exact E\[L_M'\(0\)\] at "
                   r"8-(\d+)-1, 8-(\d+)-1 and 8-(\d+)-1 on Pima")
    sums = claim(r"Lemma 4\.17's zero is in truth ([\d.]+), ([\d.]+) and ([\d.]+) there")
    pima = load_pima()
    for stated_ratio, width, stated_sum in zip(ratios[:3], ratios[3:], sums):
        c = corrected_learning_rate([8, int(width), 1], pima.inputs, pima.targets)
        assert c.first_derivative.stderr == 0 and c.first_sum.stderr == 0  # exact at one hidden layer
        assert rounds_to(c.theorem_4_13_refined / c.first_derivative.mean, stated_ratio), width
        assert rounds_to(c.first_sum.mean, stated_sum), width
