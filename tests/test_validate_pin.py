"""Regression pin of ``expectations validate --json`` at its defaults (seed 0, reduced samplers).

``tests/pins/validate_default_seed0.json`` was written by ``expectations validate --seed 0 --json``
on 2026-12-02, before the package was rearranged by domain (issue 11).  It is NOT evidence of
correctness (the statistical tests are); it proves that moving code changed no number: every row
must come back bit for bit.  If a change to the sampling is intended, re-pin with the command above
and say so in the commit message.  During the redesign it was re-pinned where the one arc-cosine
kernel and the kernel's cross-entropy derivatives moved last bits; the run before the redesign is kept
(``validate_default_seed0_before_redesign.json``) and the last test below holds the pin to it.

Two columns changed their definition on purpose with the one comparison path of issue 11
(:func:`expectations.statements.compare.compare`):

* ``rel_error`` of the six identity rows is the largest per-network relative difference
  |a - b| / max(|a|, |b|) (before: the ratio of the means, minus 1); re-pinned in that column only.
* ``rel_error_stderr`` of every other row is SE(estimate - closed form) / |estimate|, the standard
  error against which z is read, so that |rel_error| / rel_error_stderr = |z| (before: the delta-method
  SE of the ratio at its estimate, |closed form| SE / estimate^2, and for paired rows from the
  covariance, which gave rows like "-44 % ± 4 %, error not resolved").  This column is checked
  against its definition from the pinned columns instead: bit for bit where the closed form is
  deterministic, and |rel_error| = |z| rel_error_stderr to 1e-12 for paired rows (the JSON does not
  hold their SE of the difference).
"""

import dataclasses
import json
from pathlib import Path

import pytest

from expectations.statements import compare

PIN = Path(__file__).resolve().parent / "pins" / "validate_default_seed0.json"
#: Checked against its definition, not against the pinned value.
BY_DEFINITION = {"rel_error_stderr"}


def _check_rel_error_stderr(new: dict, old: dict) -> None:
    if old["rel_error"] is None or old["kind"] == "identity":
        assert new["rel_error_stderr"] == old["rel_error_stderr"]
    elif old["closed_form_stderr"] is None:  # a deterministic closed form: SE(a - b) is the estimate's
        closed, estimate = old["closed_form"], old["estimate"]
        se = max(old["stderr"], compare.ROUNDING * max(abs(closed), abs(estimate)))
        assert new["rel_error_stderr"] == se / abs(estimate)
    else:
        assert abs(old["rel_error"]) == pytest.approx(abs(old["z"]) * new["rel_error_stderr"], rel=1e-12)


def test_default_run_is_bit_identical_to_the_pin(default_rows):
    rows = [json.loads(json.dumps(dataclasses.asdict(r))) for r in default_rows]
    pinned = json.loads(PIN.read_text())
    assert len(rows) == len(pinned)
    for new, old in zip(rows, pinned):
        changed = {k for k in old if k not in BY_DEFINITION and new.get(k) != old[k]}
        assert not changed, (old["statement"], old["params"], {k: (old[k], new.get(k)) for k in changed})
        _check_rel_error_stderr(new, old)
    identities = [r["rel_error"] for r in pinned if r["kind"] == "identity"]
    assert len(identities) == 6 and max(identities) < compare.IDENTITY_TOLERANCE


#: The run before the redesign (written at commit defbf21, before any code moved).
BEFORE = PIN.parent / "validate_default_seed0_before_redesign.json"
#: Statements whose numbers moved in the last bits during the redesign, and why:
#: the one arc-cosine kernel now takes its angle in the stable form ``angles.dot_cross`` recommends
#: (the arccos form it replaced lost digits near parallel and antiparallel vectors), and the NumPy
#: route's cross-entropy derivatives are the kernel's (softmax over its sum, not exp(log-softmax)),
#: and the kernel sums Theorem 4.13 as sum_k dL^k . (K dL)^k, sharing K dL with the refined Theorem
#: 4.24, instead of forming the s x s matrix dL dL^T (issue 12: 1.8-3.2 times faster a network).
LAST_BITS = {
    "Lemma 4.11": "arc-cosine kernel", "Corollary 4.12": "arc-cosine kernel",
    "Corollary 4.12 (Hettinger scaling)": "arc-cosine kernel", "Lemma 4.19": "arc-cosine kernel",
    "Lemma 4.19 (any inputs, exact)": "arc-cosine kernel", "Lemma 4.21": "arc-cosine kernel",
    "Corollary 4.22": "arc-cosine kernel", "Theorem 4.13": "arc-cosine kernel; sum from K dL",
    "Theorem 4.13 (exact first layer)": "arc-cosine kernel; sum from K dL",
    "Theorem 4.24 (refined)": "arc-cosine kernel",
    "Lemma 4.6": "cross-entropy derivatives", "Lemma 4.16": "cross-entropy derivatives",
}
#: How far those may move, relative (measured: at most 1.1e-14 in a closed form, 8.8e-13 in a z).
LAST_BITS_RTOL = 1e-12


def test_the_redesign_moved_no_number_beyond_its_last_bits():
    """Against the run before the redesign: every field bit for bit, except the two columns whose
    definition changed (see the module docstring) and, in :data:`LAST_BITS`, the last bits."""
    before, now = json.loads(BEFORE.read_text()), json.loads(PIN.read_text())
    assert [(r["statement"], r["params"]) for r in before] == [(r["statement"], r["params"]) for r in now]
    for old, new in zip(before, now):
        redefined = {"rel_error_stderr"} | ({"rel_error"} if old["kind"] == "identity" else set())
        for key in old.keys() - redefined:
            if old[key] == new[key]:
                continue
            assert old["statement"] in LAST_BITS and isinstance(old[key], float), (old["statement"], key)
            assert new[key] == pytest.approx(old[key], rel=LAST_BITS_RTOL), (old["statement"], key)
