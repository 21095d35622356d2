"""The approximation-error and theorem-error scripts run on a tiny configuration
and write a non-empty PNG; a failing run leaves none."""

import subprocess
import sys
from pathlib import Path

VALIDATION = Path(__file__).resolve().parent.parent / "validation"


def _run(script, *args):
    return subprocess.run([sys.executable, str(VALIDATION / script), *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_approximation_error_tiny(tmp_path):
    out = tmp_path / "approx.png"
    proc = _run("approximation_error.py", "--samples", 4096, "--widths", 4, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    assert "Lemma 4.20" in proc.stdout and "Corollary 4.22" in proc.stdout


def test_theorem_error_tiny(tmp_path):
    out = tmp_path / "theorem.png"
    proc = _run("theorem_error.py", "--networks", 4, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    assert "Thm 4.24, own dL" in proc.stdout


def test_a_failing_run_writes_no_png(tmp_path):
    out = tmp_path / "approx.png"
    proc = _run("approximation_error.py", "--samples", 4096, "--widths", "four", "--out", out)
    assert proc.returncode != 0
    assert not out.exists()
