"""The scripts validation/figure_4_1.py and validation/figure_4_2.py on tiny configurations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

VALIDATION = Path(__file__).resolve().parent.parent / "validation"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(script: str, *args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(VALIDATION / script), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def assert_png(path: Path) -> None:
    assert path.is_file() and path.stat().st_size > 1000
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert not list(path.parent.glob("tmp*.png"))  # the atomic write left no temporary file


def test_figure_4_1_tiny(tmp_path):
    out = tmp_path / "f41.png"
    proc = run("figure_4_1.py", "--samples", 300, "--seed", 1, "--out", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_png(out)
    assert "| 7.5 | GaussianAngle(n).rvs (exact)" in proc.stdout
    assert "[5/5] n = 100" in proc.stderr


def test_figure_4_2_tiny_sklearn(tmp_path):
    pytest.importorskip("sklearn")
    out = tmp_path / "sub" / "f42.png"
    proc = run("figure_4_2.py", "--dataset", "iris", "--max-pairs", 400, "--bootstrap", 5, "--out", out,
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_png(out)
    for label in ("| raw |", "| centred |", "| standardised |", "14.9", "CIFAR-100"):
        assert label in proc.stdout
    assert "400 of 11175" in proc.stdout  # a random subset of pairs


def test_figure_4_2_csv_and_npy_inputs(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 6)) + 2.0
    csv = tmp_path / "mydata.csv"
    rows = ["a,b,label,c,d,e,f"]
    rows += [",".join(f"{v:.6g}" for v in (*r[:2], k % 2, *r[2:])) for k, r in enumerate(x)]
    csv.write_text("\n".join(rows) + "\n")
    out = tmp_path / "csv.png"
    proc = run("figure_4_2.py", "--csv", csv, "--target", "label", "--bootstrap", 5, "--out", out,
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_png(out)
    assert "'mydata' (40 samples x 6 features)" in proc.stdout
    assert "780 of 780" in proc.stdout

    npy = tmp_path / "rows.npy"
    np.save(npy, x)
    out = tmp_path / "npy.png"
    proc = run("figure_4_2.py", "--npy", npy, "--max-pairs", 100, "--bootstrap", 5, "--out", out,
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_png(out)
    assert "'rows' (40 samples x 6 features)" in proc.stdout


@pytest.mark.parametrize("args", [("--csv", "does-not-exist.csv"), ("--npy", "bad.npy")])
def test_figure_4_2_failure_exits_nonzero_and_writes_nothing(tmp_path, args):
    np.save(tmp_path / "bad.npy", np.arange(5.0))  # 1-d: not a data matrix
    out = tmp_path / "never.png"
    proc = run("figure_4_2.py", *args, "--out", out, cwd=tmp_path)
    assert proc.returncode != 0
    assert "error" in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("*.png"))
