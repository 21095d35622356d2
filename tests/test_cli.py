"""The command line: table, JSON keys, errors, nothing half-written."""

import json
import subprocess
import sys

import numpy as np
import pytest

from expectations import cli, validate

KEYS = {"statement", "kind", "params", "closed_form", "estimate", "stderr", "z", "rel_error",
        "rel_error_stderr", "verdict"}


def test_validate_one_statement_writes_table_and_json(tmp_path, capsys):
    path = tmp_path / "rows.json"
    code = cli.main(["validate", "--statement", "Lemma 4.18", "--samples", "20000", "--seed", "3",
                     "--json", str(path), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Lemma 4.18" in out and "agrees" in out and "3 cases" in out
    rows = json.loads(path.read_text())
    assert len(rows) == 3
    assert all(KEYS <= set(r) for r in rows)
    assert all(r["seed"] == 3 and r["n_samples"] == 20000 for r in rows)


def test_identity_rows_carry_no_z_and_the_json_is_strict(tmp_path, capsys):
    path = tmp_path / "rows.json"
    assert cli.main(["validate", "--statement", "Lemma 4.6", "--json", str(path), "--quiet"]) == 0
    text = path.read_text()
    rows = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert rows and all(r["z"] is None and r["verdict"] == "identity holds" for r in rows)
    assert "—" in capsys.readouterr().out


def test_approximation_verdicts_report_resolution(capsys):
    rows = validate.run([validate.registry.get("Lemma 4.20")], n_samples=50_000, seed=1)
    q3 = [r for r in rows if r.params["q"] == 3][0]
    assert q3.verdict == "approximation: error resolved"
    assert q3.rel_error > 0.1  # q^2 overestimates 3 Gamma(2)^2 2 / Gamma(3/2)^2 by 17.8 %
    broken = [r for r in rows if r.params["max|cos(x,y,z)|"] > 0][0]
    assert broken.verdict.startswith("assumption broken")


def test_verdict_rules():
    assert validate.verdict("exact", True, 4.9) == "agrees"
    assert validate.verdict("exact", True, -5.1) == "DISAGREES"
    assert validate.verdict("exact", False, 9) == "assumption broken: error resolved"
    assert validate.verdict("approximation", True, 1) == "approximation: error not resolved"


@pytest.mark.parametrize("argv, message", [
    (["validate", "--statement", "Lemma 9.9"], "unknown statement"),
    (["validate", "--json", "/no/such/dir/x.json", "--statement", "Lemma 4.18"], "does not exist"),
])
def test_bad_arguments_exit_with_code_2(argv, message, capsys):
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_non_positive_sample_count_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit):
        cli.main(["validate", "--samples", "0"])
    assert "positive integer" in capsys.readouterr().err


def test_failed_json_write_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "rows.json"
    rows = validate.run([validate.registry.get("Lemma 4.18")], n_samples=100)

    def broken_dump(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(validate.json, "dump", broken_dump)
    with pytest.raises(RuntimeError):
        validate.write_json(rows, str(path))
    assert list(tmp_path.iterdir()) == []


def test_module_entry_point_lists_statements():
    out = subprocess.run([sys.executable, "-m", "expectations", "validate", "--list"],
                         capture_output=True, text=True, check=True).stdout
    assert "Lemma 4.21" in out and "approximation" in out


def test_learning_rate_command_on_a_csv_file(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = np.tanh(x @ [1.0, -0.5, 0.2])
    path = tmp_path / "data.csv"
    rows = ["a,b,c,y"] + [",".join(f"{v:.6f}" for v in (*xi, yi)) for xi, yi in zip(x, y)]
    path.write_text("\n".join(rows) + "\n")
    out_json = tmp_path / "lr.json"
    code = cli.main(["learning-rate", "--widths", "3,8,1", "--data", str(path), "--target", "y",
                     "--networks", "2", "--monte-carlo", "16", "--json", str(out_json), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "true optimal learning rate" in out and "Newton estimate" in out
    report = json.loads(out_json.read_text())
    assert report["widths"] == [3, 8, 1] and len(report["networks"]) == 2
    assert report["expected_derivatives_learning_rate"]["stderr"] > 0
    # the ratio to the true optimum is taken network by network, not as a ratio of means
    nets = report["networks"]
    mean_ratio = np.mean([r["newton"] / r["true_optimum"] for r in nets if r["newton"] is not None])
    assert report["ratio_to_true_optimum"]["newton"]["estimate"] == pytest.approx(mean_ratio, rel=1e-12)
    assert "estimate / true optimum, network by network" in out


def test_learning_rate_command_rejects_widths_that_do_not_fit(capsys):
    assert cli.main(["learning-rate", "--widths", "5,8,1", "--data", "synthetic", "--networks", "1",
                     "--monte-carlo", "4", "--quiet"]) == 0  # synthetic data has d_0 columns by construction
    code = cli.main(["learning-rate", "--widths", "5,8,1", "--data", "synthetic", "--loss", "cross-entropy",
                     "--quiet"])
    assert code == 2
    assert "regression problem" in capsys.readouterr().err
    code = cli.main(["learning-rate", "--widths", "5,8,1", "--quiet"])  # Pima, the default, has 8 inputs
    assert code == 2
    assert "does not fit the data: it has 8 inputs" in capsys.readouterr().err


def test_learning_rate_defaults_to_the_thesis_pima_data(capsys):
    code = cli.main(["learning-rate", "--widths", "8,4,1", "--networks", "1", "--monte-carlo", "4",
                     "--target-transform", "center", "--quiet"])
    assert code == 0
    assert "data pima (target centred)" in capsys.readouterr().out


def test_validation_report_has_table_errata_and_figure_links(tmp_path, monkeypatch, capsys):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "theorem_error.png").write_bytes(b"png")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "docs" / "report.md"
    assert cli.main(["validate", "--statement", "Lemma 4.18", "--samples", "1000", "--report", str(path),
                     "--quiet"]) == 0
    text = path.read_text()
    assert "| Lemma 4.18 | exact |" in text
    assert "## Errata" in text and "Theorem 4.24" in text
    assert "(../figures/theorem_error.png)" in text
    assert "figure_4_1.png" not in text  # only figures that exist are linked
