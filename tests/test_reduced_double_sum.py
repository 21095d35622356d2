"""The reduced samplers of Lemma 4.21 / Corollary 4.22 and of Hettinger's A.12 and A.13 (``method="reduced"``:
layers drawn only where they act, A_i integrated out when j = i + 1, the last layer always
integrated out) against the reference kernels that draw every entry: independent estimates agree
within 5 combined standard errors.  These triple products are heavy-tailed (relative SE 0.3-0.8 %
at 10^6 samples on the reference kernel), so at generic inputs the comparison catches a 6 % error;
against the closed form where it is exact (the refined Lemma 4.21 at i = j = 2, orthogonal x, y,
z; A.13) the reduced sampler alone catches 3 %.  The same bits whatever the pool."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from expectations.lemmas import estimators as mc
from expectations.statements import registry

RNG = np.random.default_rng(12)


def _inputs(d0, dn):
    x, y, z = RNG.normal(size=(3, d0))             # generic, non-orthogonal
    w, v = RNG.normal(size=(2, dn))
    a = RNG.normal(size=(dn, dn))
    return x, y, z, w, v, a + a.T + dn * np.eye(dn)


CASES = {  # widths, i, j, sigmas: which branches of the reduced sampler they take
    "i = j": ([6, 5, 4, 3], 2, 2, None),
    "j = i + 1 = L, Hettinger": ([5, 4, 6, 3], 2, 3, "hettinger"),
    "j = i + 1 < L: X-form over a drawn layer": ([4, 5, 3, 6, 2], 2, 3, None),
    "i = 1, j = i + 2: A_i drawn by rows": ([3, 4, 2, 5, 3], 1, 3, None),
    "i = j = L: X is the constant w^T P v": ([3, 6, 3], 2, 2, None),
    "i = j = L, three layers": ([3, 6, 5, 4], 3, 3, None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_reduced_double_sum_agrees_with_reference(name):
    widths, i, j, sigmas = CASES[name]
    x, y, z, w, v, P = _inputs(widths[0], widths[-1])

    def run(method, seed):
        return mc.estimate_relu_double_sum(x, y, z, w, v, P, widths, i, j, 1_000_000, seed=seed,
                                           sigmas=sigmas, method=method)

    ref, red = run("reference", 1), run("reduced", 2)
    combined = np.hypot(ref.stderr, red.stderr)
    assert abs(ref.mean - red.mean) < 5 * combined, (ref, red)
    assert abs(0.06 * ref.mean) > 5 * combined, (ref, red)  # twin: a 6 % error would be caught
    assert red.stderr < 1.1 * ref.stderr        # the same random variable, or one with layers integrated out


def test_reduced_double_sum_same_bits_across_pools():
    x, y, z, w, v, P = _inputs(6, 3)
    runs = [mc.estimate_relu_double_sum(x, y, z, w, v, P, [6, 5, 4, 3], 2, 3, 20_000, seed=5,
                                        method="reduced", executor=ex)
            for ex in (None, ThreadPoolExecutor(1), ThreadPoolExecutor(3))]
    assert len({(r.mean, r.stderr) for r in runs}) == 1


def test_reduced_double_sum_matches_the_exact_refined_form():
    statement = registry.get("Lemma 4.21 (refined)")
    [case] = [c for c in statement.cases if c.params["i"] == c.params["j"] == 2]
    exact = statement.evaluate(case)
    est = statement.estimate(case, 2_000_000, seed=3, method="reduced")
    assert abs(est.z(exact)) < 5, (est, exact)
    assert abs(est.z(1.03 * exact)) >= 5 and abs(est.z(0.97 * exact)) >= 5  # 3 % twins


@pytest.mark.parametrize("label", ["Lemma A.13 (as used)", "Lemma A.12 (as used)"])
@pytest.mark.parametrize("k", [0, 1, 2])
def test_reduced_last_layer_samplers_agree_with_reference_and_the_exact_form(label, k):
    """Hettinger's A.13 and A.12 with the last layer integrated out, at the registry's cases: against
    the reference kernel (|z| < 5) and against the exact closed form, with 3 % twins."""
    statement = registry.get(label)
    case = statement.cases[k]
    exact = statement.evaluate(case)
    ref = statement.estimate(case, 400_000, seed=1)
    red = statement.estimate(case, 400_000, seed=2, method="reduced")
    assert abs(ref.mean - red.mean) < 5 * np.hypot(ref.stderr, red.stderr), (ref, red)
    assert red.stderr < ref.stderr
    assert abs(red.z(exact)) < 5 and abs(red.z(1.03 * exact)) >= 5 and abs(red.z(0.97 * exact)) >= 5


@pytest.mark.parametrize("widths", [[3, 5, 4], [2, 3, 4, 3]])
def test_reduced_frobenius_pair_printed_reading(widths):
    ref = mc.estimate_frobenius_pair(widths, 400_000, 1, printed_reading=True)
    red = mc.estimate_frobenius_pair(widths, 400_000, 2, printed_reading=True, method="reduced")
    combined = np.hypot(ref.stderr, red.stderr)
    assert abs(ref.mean - red.mean) < 5 * combined and abs(0.03 * ref.mean) > 5 * combined
