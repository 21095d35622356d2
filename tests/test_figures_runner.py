"""``expectations validate --figures``: the runner of the validation/ figure scripts."""

from pathlib import Path

import pytest

from expectations import cli, figures

VALIDATION = Path(__file__).resolve().parent.parent / "validation"


def test_one_table_holds_every_committed_figure_and_its_script():
    committed = {p.name for p in (VALIDATION.parent / "figures").glob("*.png")}
    assert {f.png for f in figures.FIGURES} == committed
    scripts = {f.script for f in figures.FIGURES if f.script}
    assert all((VALIDATION / s).is_file() for s in scripts)
    others = {"approximation_error.py", "theorem_error.py", "thesis_error_by_data.py"}
    assert {p.name for p in VALIDATION.glob("figure_*.py")} | others == scripts


def job(script, *args, needs_sklearn=False):
    return figures.Figure("test.png", "a test job", script, args, needs_sklearn)


def test_runner_reports_success_failure_and_what_was_written(tmp_path):
    out = tmp_path / "f41.png"
    runs = figures.regenerate(VALIDATION, jobs=[
        job("figure_4_1.py", "--samples", "200", "--out", str(out)),
        job("figure_4_1.py", "--samples", "1", "--out", str(tmp_path / "never.png")),
    ])
    assert [r.status for r in runs] == ["ok", "failed"]
    assert runs[0].message == str(out) and out.stat().st_size > 0
    assert "--samples must be at least 2" in runs[1].message
    assert not (tmp_path / "never.png").exists()
    table = figures.format_runs(runs)
    assert "ok" in table and "failed" in table and "validation/figure_4_1.py" in table


def test_jobs_needing_scikit_learn_are_skipped_without_it(monkeypatch):
    monkeypatch.setattr(figures.importlib.util, "find_spec", lambda name: None)
    (run,) = figures.regenerate(VALIDATION, jobs=[job("figure_4_2.py", "--dataset", "digits",
                                                      needs_sklearn=True)])
    assert run.status == "skipped" and "scikit-learn" in run.message


def test_missing_scripts_are_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="source checkout"):
        figures.find_scripts(tmp_path / "validation")
    assert figures.find_scripts(tmp_path, VALIDATION) == VALIDATION


def test_validate_figures_option_runs_the_jobs(tmp_path, monkeypatch, capsys):
    out = tmp_path / "f41.png"
    monkeypatch.setattr(figures, "FIGURES", (job("figure_4_1.py", "--samples", "200", "--out", str(out)),))
    monkeypatch.chdir(VALIDATION.parent)
    code = cli.main(["validate", "--statement", "Lemma 4.18", "--samples", "20000", "--figures", "--quiet"])
    assert code == 0 and out.is_file()
    assert "ok" in capsys.readouterr().out


def test_validate_figures_outside_a_checkout_fails_before_sampling(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    find = figures.find_scripts
    monkeypatch.setattr(figures, "find_scripts", lambda: find(tmp_path / "validation"))
    assert cli.main(["validate", "--statement", "Lemma 4.18", "--figures", "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "source checkout" in captured.err and "Lemma 4.18" not in captured.out
