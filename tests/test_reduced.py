"""Every reduced sampler against its reference kernel (which draws every entry),
at several non-trivial settings including non-orthogonal inputs: the two
independent estimates must agree within 5 combined standard errors."""

from dataclasses import replace

import numpy as np
import pytest

from expectations.lemmas import estimators as mc
from expectations.statements import registry, validate

RNG = np.random.default_rng(31)
X5, Y5, Z5 = RNG.normal(size=(3, 5))  # generic, non-orthogonal
U4, V4 = RNG.normal(size=(2, 4))


def _agree(call, n=800_000):
    ref = call(method="reference", n_samples=n, seed=1)
    red = call(method="reduced", n_samples=n, seed=2)
    z = (ref.mean - red.mean) / np.hypot(ref.stderr, red.stderr)
    assert abs(z) < 5, (ref, red)
    # and the comparison has power: a 3 % shift would be seen
    assert abs(ref.mean * 0.03) > 5 * np.hypot(ref.stderr, red.stderr), (ref, red)


CASES = {
    "Lemma 4.8": lambda **kw: mc.estimate_gram_bilinear(X5, Y5, 7, sigma=0.8, **kw),
    "Lemma 4.9": lambda **kw: mc.estimate_chain_outer_bilinear(U4, V4, [3, 6, 5, 4], **kw),
    "Lemma 4.10": lambda **kw: mc.estimate_chain_outer_bilinear(U4, V4, [3, 6, 5, 4], sigmas=[0.5, 1.2, 2.0],
                                                                **kw),
    "Lemma 4.11": lambda **kw: mc.estimate_relu_chain_sum(X5, Y5, [5, 7, 3, 6], **kw),
    "Lemma 4.11 parallel inputs": lambda **kw: mc.estimate_relu_chain_sum(X5, 2 * X5, [5, 4, 6], **kw),
    "Corollary 4.12 Hettinger": lambda **kw: mc.estimate_relu_chain_sum(X5, Y5, [5, 16, 8],
                                                                        sigmas="hettinger", **kw),
    "Lemma 4.19 non-orthogonal": lambda **kw: mc.estimate_relu_pair(X5, Y5, Z5, U4, V4, **kw),
    "Lemma 4.19 orthogonal": lambda **kw: mc.estimate_relu_pair(*np.eye(3), U4, V4, **kw),
    "Lemma 4.20 non-orthogonal": lambda **kw: mc.estimate_norm_product(X5, Y5, Z5, 6, **kw),
    "Lemma 4.3": lambda **kw: mc.estimate_angle_cdf(1.3, 7, **kw),
}


#: Lemma 4.19's product of two ReLUs is heavy-tailed: more samples for the same power.
SAMPLES = {"Lemma 4.19 non-orthogonal": 4_000_000, "Lemma 4.19 orthogonal": 4_000_000}


@pytest.mark.parametrize("name", list(CASES))
def test_reduced_sampler_agrees_with_reference(name):
    _agree(CASES[name], SAMPLES.get(name, 800_000))


def test_statements_without_a_reduced_sampler_say_so():
    with pytest.raises(ValueError, match="no reduced sampler"):
        mc.estimate_relu_product_given(1.0, 100, method="reduced")
    with pytest.raises(ValueError, match="method must be one of"):
        mc.estimate_relu_product_given(1.0, 100, method="fast")


@pytest.mark.parametrize("statement", [s for s in registry.STATEMENTS if isinstance(s, registry.Expectation)],
                         ids=lambda s: s.label)
def test_registry_flags_exactly_the_statements_with_a_reduced_sampler(statement):
    """``Statement.reduced`` must match what its estimator accepts, or ``--method reduced``
    would either crash or silently fall back to the reference kernels."""
    case = statement.cases[0]
    call = lambda: statement.estimator(**case.inputs, n_samples=64, seed=0, method="reduced")  # noqa: E731
    if statement.reduced:
        assert np.isfinite(call().mean)
    else:  # either the kernel has no reduced twin, or the estimator takes no method at all
        with pytest.raises((ValueError, TypeError), match="no reduced sampler|unexpected keyword"):
            call()


def test_validate_with_reduced_samplers_records_the_method_per_row():
    rows = validate.run([registry.get("Lemma 4.19"), registry.get("Lemma 4.18")], n_samples=200_000,
                        seed=4, method="reduced")
    assert {r.statement: r.method for r in rows} == {"Lemma 4.19": "reduced", "Lemma 4.18": "reference"}
    assert all(r.verdict == "agrees" for r in rows if r.kind == "exact" and "broken" not in r.verdict)
    assert validate.sampler_summary(rows) == "reduced samplers: Lemma 4.19; reference kernels: Lemma 4.18"
    with pytest.raises(ValueError, match="method must be one of"):
        validate.run([registry.get("Lemma 4.18")], n_samples=100, method="fast")


@pytest.mark.parametrize("label", ["Lemma 4.8", "Lemma 4.9", "Lemma 4.11"])
def test_zero_variance_reduced_estimates_are_compared_to_rounding(label):
    """One-layer cases: the reduced sampler integrates the only matrix out, so every sample is
    the closed form up to rounding and the standard error is rounding noise.  They must agree,
    and a closed form off by 1e-9 relative must still be caught."""
    statement = registry.get(label)
    rows = validate.run([statement], n_samples=20_000, seed=2, method="reduced")
    assert all(r.verdict == "agrees" for r in rows if r.kind == "exact")
    exact = [r for r in rows if r.stderr <= 1e-12 * abs(r.estimate)]
    assert exact, "expected at least one zero-variance case"
    off = replace(statement, closed_form=lambda **kw: statement.closed_form(**kw) * (1 + 1e-9))
    for case in (c for c, r in zip(statement.cases, rows) if r in exact):
        assert validate.compare(off, case, 20_000, 2, method="reduced").verdict == "DISAGREES"
