"""The README's summary of a default ``expectations validate`` run (its case and verdict counts) is
that of a run: regenerate the sentence when the registry or a sampler changes."""

import collections
import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_verdict_counts_match_a_default_run(default_rows):
    rows = default_rows  # the command's default method, seed 0
    counts = collections.Counter(r.verdict for r in rows)
    text = " ".join(README.split())
    claim = re.search(r"at default settings \((\d+) cases; .*?\): (\d+) exact cases agree .*? "
                      r"(\d+) identity cases hold network by network, (\d+) approximation cases have a "
                      r"resolved error, (\d+) have an error below the Monte Carlo noise, and (\d+) cases "
                      r"that break an assumption", text)
    assert claim, "the README's summary sentence changed shape"
    total, agree, hold, resolved, unresolved, broken = (int(g) for g in claim.groups())
    assert total == len(rows)
    assert agree == counts["agrees"]
    assert hold == counts["identity holds"]
    assert resolved == counts["approximation: error resolved"]
    assert unresolved == counts["approximation: error not resolved"]
    assert broken == sum(n for v, n in counts.items() if v.startswith("assumption broken"))
