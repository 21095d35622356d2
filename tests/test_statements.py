"""Every exact statement of the registry against its Monte Carlo estimate.

Each case is estimated once (fixed seed, the registry's sample size) and used
twice: the closed form must agree (|z| < 5), and the closed form multiplied by
1.03 must be rejected (|z| > 5), which shows the sample size can see a 3 %
error.  Cases whose closed form is 0 have no multiplicative twin.
"""

import json
import subprocess
import sys
from functools import cache

import numpy as np
import pytest

from expectations.statements import model, registry
from expectations.statements.compare import Z_THRESHOLD, compare, judge
from expectations.statements.model import Identity, Kind, Verdict

SEED = 20240601

EXACT = [
    pytest.param(s.label, k, id=f"{s.label} case {k + 1}")
    for s in registry.STATEMENTS if s.kind == "exact"
    for k, c in enumerate(s.cases) if c.assumption_holds
]


@cache
def _estimate(label, k):
    statement = registry.get(label)
    case = statement.cases[k]
    return statement.evaluate(case), statement.estimate(case, statement.n_samples, SEED)


@pytest.mark.parametrize("label, k", EXACT)
def test_exact_statement_agrees(label, k):
    closed, est = _estimate(label, k)
    assert abs(est.z(closed)) < Z_THRESHOLD, (closed, est)


@pytest.mark.parametrize("label, k", EXACT)
def test_closed_form_off_by_3_percent_is_rejected(label, k):
    closed, est = _estimate(label, k)
    if closed == 0:
        pytest.skip("closed form is 0: a multiplicative error cannot move it")
    assert abs(est.z(1.03 * closed)) > Z_THRESHOLD, (closed, est)


def test_refined_lemma_4_21_is_exact_at_i_equal_j_equal_2():
    """With orthogonal x, y, z and i = j = 2 the refined form has no approximation left."""
    statement = registry.get("Lemma 4.21 (refined)")
    (k,) = [k for k, c in enumerate(statement.cases)
            if c.params["i"] == c.params["j"] == 2 and c.assumption_holds]
    closed, est = _estimate(statement.label, k)
    assert abs(est.z(closed)) < Z_THRESHOLD
    assert abs(est.z(1.03 * closed)) > Z_THRESHOLD


def test_every_statement_of_the_issue_is_registered():
    labels = {s.label for s in registry.STATEMENTS}
    for label in ["Lemma 4.3", "Lemma 4.7", "Lemma 4.8", "Lemma 4.9", "Lemma 4.10", "Lemma 4.11",
                  "Corollary 4.12", "Lemma 4.18", "Lemma 4.19", "Lemma 4.20",
                  "Lemma 4.20 (exact Gamma form)", "Lemma A.12 (as used)", "Lemma A.13 (as used)",
                  "Lemma 4.21", "Corollary 4.22"]:
        assert label in labels


def test_registry_cases_cover_small_non_square_and_broken_assumptions():
    for statement in registry.STATEMENTS:
        assert isinstance(statement.kind, Kind)
        assert statement.cases
    broken = {s.label for s in registry.STATEMENTS for c in s.cases if not c.assumption_holds}
    assert {"Lemma 4.19", "Lemma 4.20", "Lemma 4.21", "Lemma 4.17", "Theorem 4.13", "Theorem 4.24"} <= broken


IDENTITIES = [pytest.param(s.label, k, id=f"{s.label} case {k + 1}")
              for s in registry.STATEMENTS if s.kind == "identity" for k in range(len(s.cases))]


@pytest.mark.parametrize("label, k", IDENTITIES)
def test_identity_holds_network_by_network(label, k):
    statement = registry.get(label)
    row = compare(statement, statement.cases[k], seed=SEED)
    assert row.verdict == "identity holds"
    assert abs(row.rel_error) < 1e-10


def test_lookup_is_case_insensitive_and_unknown_labels_are_named():
    assert registry.get(" lemma 4.19 ").label == "Lemma 4.19"
    with pytest.raises(ValueError, match="Lemma 9.99"):
        registry.get("Lemma 9.99")


def test_zero_closed_forms_would_catch_an_offset_of_3_percent_of_the_scale():
    """Twins for the statements whose closed form is 0: Lemma 4.7's off-diagonal entries
    (scale: the diagonal p sigma^2) and Lemma 4.17 with fixed output gradients (scale:
    E[L_M''(0)], of which the first sum is a part)."""
    lemma_4_7 = registry.get("Lemma 4.7")
    for k, case in enumerate(lemma_4_7.cases):
        closed, est = _estimate(lemma_4_7.label, k)
        if closed == 0:
            scale = case.inputs["p"] * case.inputs["sigma"] ** 2
            assert abs(est.z(0.03 * scale)) > Z_THRESHOLD
    lemma_4_17 = registry.get("Lemma 4.17")
    for case in lemma_4_17.cases:
        if not case.assumption_holds:
            continue
        second = registry.get("Theorem 4.24").estimator(**case.inputs, n_samples=lemma_4_17.n_samples,
                                                        seed=SEED).estimate(0)
        est = lemma_4_17.estimate(case, lemma_4_17.n_samples, SEED)
        assert abs(est.z(0.0)) < Z_THRESHOLD
        assert abs(est.z(0.03 * second.mean)) > Z_THRESHOLD


def _identity_row_with(monkeypatch, relative_errors):
    """Lemma 4.6's first case, its two sides replaced by draws that differ by the given relative
    errors network by network."""
    statement = registry.get("Lemma 4.6")
    lhs = np.random.default_rng(0).lognormal(size=len(relative_errors))
    draws = np.column_stack([lhs, lhs * (1 + np.asarray(relative_errors))])
    monkeypatch.setattr(Identity, "draws", lambda self, *a, **k: draws)
    return compare(statement, statement.cases[0], len(relative_errors), 0)


def test_identity_verdict_is_network_by_network(monkeypatch):
    row = _identity_row_with(monkeypatch, [1e-13, -1e-13] * 200)
    assert row.verdict == "identity holds" and row.rel_error < 1e-12


def test_identity_verdict_twin_errors_that_cancel_on_average_fail(monkeypatch):
    # +-1 % network by network, which cancels in the means: the ratio of means would hold to 1e-3;
    # the row shows the largest per-network difference, 1 %
    row = _identity_row_with(monkeypatch, [0.01, -0.01] * 200)
    assert row.verdict == "IDENTITY FAILS" and row.rel_error == pytest.approx(0.01)
    assert abs(row.estimate / row.closed_form - 1) < 1e-3


def test_identity_verdict_twin_one_network_off_fails(monkeypatch):
    """One network of 400 off by 1e-6: invisible in any average, caught by the maximum."""
    row = _identity_row_with(monkeypatch, [0.0] * 399 + [1e-6])
    assert row.verdict == "IDENTITY FAILS" and row.rel_error == pytest.approx(1e-6, rel=1e-5)


def test_every_row_reads_its_verdict_off_the_numbers_it_shows(default_rows):
    """One formula: |relative error| / its SE is |z|, so *resolved* (|z| >= 5) is the relative error
    at least 5 SE from 0 as printed (no more "-34 % +- 4 %, error not resolved")."""
    compared = [r for r in default_rows if r.z not in (None, 0.0) and r.rel_error is not None]
    assert len(compared) > 50
    for r in compared:
        assert abs(r.rel_error) == pytest.approx(abs(r.z) * r.rel_error_stderr, rel=1e-9, abs=1e-15), r
        resolved = abs(r.rel_error) >= Z_THRESHOLD * r.rel_error_stderr
        assert resolved == (r.verdict in (Verdict.RESOLVED, Verdict.BROKEN_RESOLVED, Verdict.DISAGREES)), r


def test_verdicts_and_kinds_are_typed_and_keep_their_json_values():
    row = dict(kind=Kind.EXACT, verdict=Verdict.DISAGREES)
    assert json.dumps(row) == '{"kind": "exact", "verdict": "DISAGREES"}'
    assert {v for v in Verdict if v.failed} == {Verdict.DISAGREES, Verdict.FAILS}
    assert max(len(v.short) for v in Verdict) <= 18
    assert judge(Kind.EXACT, True, 4.9) is Verdict.AGREES
    assert judge(Kind.EXACT, True, -5.1) is Verdict.DISAGREES
    assert judge(Kind.EXACT, False, 9) is Verdict.BROKEN_RESOLVED
    assert judge(Kind.APPROXIMATION, True, 1) is Verdict.NOT_RESOLVED
    assert judge(Kind.IDENTITY, True, None, 2e-9) is Verdict.FAILS
    assert judge(Kind.IDENTITY, True, None, None) is Verdict.FAILS


def test_listing_the_registry_builds_no_case_and_imports_no_numerics():
    """``expectations validate --list`` is quick: the registry refers to the closed forms and the
    samplers without importing SciPy or Numba, and each statement builds its cases on first use."""
    script = ("import sys, contextlib, io\n"
              "from expectations import cli\n"
              "from expectations.statements import registry\n"
              "with contextlib.redirect_stdout(io.StringIO()):\n"
              "    assert cli.main(['validate', '--list']) == 0\n"
              "built = [s.label for s in registry.STATEMENTS if 'cases' in vars(s)]\n"
              "print(built, sorted(m for m in ('scipy', 'numba') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "[]"]


def test_the_sampling_methods_are_those_of_the_estimators():
    from expectations.lemmas.estimators import METHODS

    assert model.METHODS == METHODS
