"""validation/figure_5_1.py and figure_5_2.py run end to end on tiny configurations."""

import os
import subprocess
import sys

import pytest

VALIDATION = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "validation")


def _run(script, *args):
    return subprocess.run([sys.executable, os.path.join(VALIDATION, script), *args], capture_output=True,
                          text=True, timeout=120, cwd=VALIDATION)


@pytest.mark.parametrize("data", ["pima", "synthetic", "diabetes:standardize"])
def test_figure_5_1_tiny(tmp_path, data):
    if data.startswith("diabetes"):
        pytest.importorskip("sklearn")
    out = tmp_path / "f51.png"
    proc = _run("figure_5_1.py", "--data", data, "--depths", "1", "--widths", "4", "--networks", "2",
                "--initializations", "4", "--samples", "24", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and out.stat().st_size > 0
    assert f"| {data} | 1 | 4 |" in proc.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["f51.png"]


def test_figure_5_1_on_a_users_csv(tmp_path):
    data = tmp_path / "mine.csv"
    rows = ["a,b,c,y"] + [f"{k % 7},{(3 * k) % 5},{k % 3},{k % 2}" for k in range(30)]
    data.write_text("\n".join(rows) + "\n")
    out = tmp_path / "f51.png"
    proc = _run("figure_5_1.py", "--data", str(data), "--depths", "1", "--widths", "4", "--networks", "2",
                "--initializations", "4", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"| {data} | 1 | 4 |" in proc.stdout and out.is_file()


def test_figure_5_2_tiny(tmp_path):
    out = tmp_path / "f52.png"
    proc = _run("figure_5_2.py", "--samples", "24", "--steps", "2", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and out.stat().st_size > 0
    assert "λ* (true optimum of step 1)" in proc.stdout
    assert "Pima" in proc.stdout or "pima" in proc.stdout


@pytest.mark.parametrize("script, args", [
    ("figure_5_1.py", ["--data", "nosuch"]),
    ("figure_5_1.py", ["--samples", "1"]),
    ("figure_5_1.py", ["--widths", "4,x"]),
    ("figure_5_2.py", ["--data", "nosuch"]),
    ("figure_5_2.py", ["--steps", "0"]),
])
def test_failing_configuration_writes_nothing(tmp_path, script, args):
    out = tmp_path / "fig.png"
    proc = _run(script, *args, "--out", str(out))
    assert proc.returncode != 0
    assert proc.stderr.strip()
    assert list(tmp_path.iterdir()) == []
