"""The command line: table, JSON keys, errors, nothing half-written."""

import json
import subprocess
import sys

import numpy as np
import pytest

import expectations
from expectations import _io, cli
from expectations.statements import validate

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


@pytest.mark.parametrize("argv, message", [
    (["validate", "--statement", "Lemma 9.9"], "unknown statement"),
])
def test_bad_arguments_exit_with_code_2(argv, message, capsys):
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err




def test_failed_json_write_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "rows.json"
    rows = validate.run([validate.registry.get("Lemma 4.18")], n_samples=100)

    def broken_sync(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(_io.os, "fsync", broken_sync)
    with pytest.raises(OSError):
        _io.write_json(rows, str(path))
    assert list(tmp_path.iterdir()) == []
    path.write_text("previous run")
    with pytest.raises(OSError):
        _io.write_files_atomically({path: "new", tmp_path / "other.json": "new"})
    assert path.read_text() == "previous run" and sorted(tmp_path.iterdir()) == [path]


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
    assert report["ratio_to_true_optimum"]["newton"]["mean"] == pytest.approx(mean_ratio, rel=1e-12)
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


# --- A user's mistakes: one line on stderr naming the option or file, exit code 2, checked before any
# --- sampling (the sampling functions are replaced by ones that fail the test), and no file written.

def _no_sampling(monkeypatch):
    def boom(*args, **kwargs):
        pytest.fail("sampling started before the mistake was reported")

    monkeypatch.setattr(validate, "run", boom)
    monkeypatch.setattr("expectations.network.learning_rate.learning_rate_report", boom)


def _fails(argv, message, capsys, tmp_path=None, before=None):
    """Run the entry point, expect exit code 2 and one stderr line containing ``message``, and no file
    created or changed in ``tmp_path``."""
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and message in err, err
    if tmp_path is not None:
        assert _snapshot(tmp_path) == before
    return err


def _snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


LEARNING_RATE = ["learning-rate", "--widths", "3,4,1", "--networks", "1", "--monte-carlo", "4", "--quiet"]


@pytest.mark.parametrize("option", ["--json", "--report"])
@pytest.mark.parametrize("case", ["folder", "missing folder", "under a file", "unwritable folder"])
def test_unwritable_outputs_are_refused_before_sampling(option, case, tmp_path, monkeypatch, capsys):
    _no_sampling(monkeypatch)
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "a_file").write_text("keep me")
    path, message = {
        "folder": (tmp_path / "a_folder", "is a folder; give a file name inside it"),
        "missing folder": (tmp_path / "nowhere" / "out", "does not exist; create it"),
        "under a file": (tmp_path / "a_file" / "out", "a_file is a file, not a folder"),
        "unwritable folder": (tmp_path / "out", "cannot write in folder"),
    }[case]
    if case == "unwritable folder":  # as root, permission bits do not stop a write: fail it as the OS would
        def denied(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(cli.tempfile, "mkstemp", denied)
    before = _snapshot(tmp_path)
    err = _fails(["validate", "--statement", "Lemma 4.18", option, str(path), "--quiet"], message, capsys,
                 tmp_path, before)
    assert err.startswith(f"expectations: error: {option} {path}")
    if option == "--json":
        _fails([*LEARNING_RATE, "--data", "synthetic", "--json", str(path)], message, capsys, tmp_path,
               before)


def test_an_output_that_fails_at_the_end_is_one_line(tmp_path, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli._io, "write_json", full)
    path = tmp_path / "rows.json"
    code = cli.main(["validate", "--statement", "Lemma 4.18", "--samples", "100", "--json", str(path),
                     "--quiet"])
    captured = capsys.readouterr()
    assert code == 2 and "Lemma 4.18" in captured.out  # the results are printed before the write
    assert captured.err == (f"expectations: error: --json {path}: could not be written "
                            "(No space left on device); the results are printed above\n")


@pytest.mark.parametrize("contents, message", [
    (None, "no such file"),
    ("folder", "is a folder, not a CSV file"),
    ("a,b,c,y\n1,2,3,0\n1,3,4,1\n1,5,1,0\n", "input column 'a' is constant (zero variance); remove it"),
    ("a,b,c,y\n1,2,3,0\n2,,4,1\n1,5,1,0\n", "line 3, column 2 ('b'): missing value (empty cell)"),
    ("a,b,c,y\n1,2,3,0\n2,NA,4,1\n1,5,1,0\n", "line 3, column 2 ('b'): missing value 'NA'"),
    ("a,b,c,y\n1,2,3,no\n2,3,4,yes\n1,5,1,no\n", "line 2, column 4 ('y'): 'no' is not a number"),
    ("a;b;c;y\n1;2;3;0\n2;3;4;1\n", "only one column with the delimiter ','"),
    (b"a,b,c,y\n1,2,3,0\n2,\xe9,4,1\n1,5,1,0\n", "not UTF-8 text"),
])
def test_unreadable_data_is_one_line_naming_the_file(contents, message, tmp_path, monkeypatch, capsys):
    _no_sampling(monkeypatch)
    path = tmp_path / "data.csv"
    if contents == "folder":
        path.mkdir()
    elif isinstance(contents, bytes):
        path.write_bytes(contents)
    elif contents is not None:
        path.write_text(contents)
    before = _snapshot(tmp_path)
    err = _fails([*LEARNING_RATE, "--data", str(path), "--json", str(tmp_path / "lr.json")], message, capsys,
                 tmp_path, before)
    assert err.startswith("expectations: error: --data: ") and "data.csv" in err


def test_an_unknown_data_set_name_lists_the_known_ones(tmp_path, monkeypatch, capsys):
    _no_sampling(monkeypatch)
    _fails([*LEARNING_RATE, "--data", "pimaa", "--json", str(tmp_path / "lr.json")],
           "--data: unknown data set 'pimaa': use one of pima, synthetic, diabetes, breast-cancer", capsys,
           tmp_path, {})


@pytest.mark.parametrize("argv, message", [
    (["validate", "--samples", "1"], "argument --samples: must be a whole number >= 2"),
    (["validate", "--samples", "abc"], "argument --samples: must be a whole number >= 2, e.g. 20000 or 2e4"),
    (["validate", "--samples", "2.5"], "argument --samples: must be a whole number"),
    (["validate", "--seed", "-1"], "argument --seed: must be a whole number >= 0"),
    (["validate", "--target-stderr", "abc"], "argument --target-stderr: must be a positive number"),
    (["validate", "--scheduler", "tcp://127.0.0.1:abc"],
     "argument --scheduler: is not a Dask scheduler address"),
    (["validate", "--scheduler-timeout", "0"], "argument --scheduler-timeout: must be a positive number"),
    (["learning-rate", "--widths", "8,6.5,1"],
     "argument --widths: must be at least two positive whole numbers"),
    (["learning-rate", "--widths", "8,abc,1"], "argument --widths"),
    (["learning-rate", "--widths", "8,,1"], "argument --widths"),
    (["learning-rate", "--widths", "0,4,1", "--data", "synthetic"], "argument --widths"),
    (["learning-rate", "--widths", "8"], "argument --widths"),
    (["learning-rate", "--widths", "8,4,1", "--monte-carlo", "1"],
     "argument --monte-carlo: must be a whole number >= 2"),
    (["learning-rate", "--widths", "8,4,1", "--networks", "0"],
     "argument --networks: must be a whole number >= 1"),
])
def test_bad_option_values_name_the_option(argv, message, monkeypatch, capsys):
    _no_sampling(monkeypatch)
    err = _fails(argv, message, capsys)
    assert err.endswith(f"(see: expectations {argv[0]} --help)\n")
    assert "_positive" not in err and "invalid literal" not in err


def test_counts_accept_scientific_notation():
    args = cli.build_parser().parse_args(["validate", "--samples", "1e6"])
    assert args.samples == 1_000_000 and isinstance(args.samples, int)
    args = cli.build_parser().parse_args(["learning-rate", "--widths", "8,4,1", "--monte-carlo", "2e2"])
    assert args.monte_carlo == 200


def test_fewer_than_two_samples_give_no_verdict():
    with pytest.raises(ValueError, match="at least 2, got 1: one sample has no standard error"):
        validate.run([validate.registry.get("Lemma 4.18")], n_samples=1)


def test_an_unknown_statement_names_the_option(monkeypatch, capsys):
    _no_sampling(monkeypatch)
    _fails(["validate", "--statement", "Lemma 9.9"], "--statement: unknown statement 'Lemma 9.9'", capsys)


def test_widths_that_do_not_fit_say_what_would(monkeypatch, capsys):
    _no_sampling(monkeypatch)
    _fails(["learning-rate", "--widths", "5,8,1"], "must start with 8 and end with 1", capsys)


# --- Dask: nothing waits forever.

@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never says anything (like a service that is not Dask)."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def serve():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_an_open_port_that_is_not_a_scheduler_times_out(silent_server, monkeypatch, capsys):
    pytest.importorskip("distributed")
    _no_sampling(monkeypatch)
    _fails(["validate", "--scheduler", silent_server, "--scheduler-timeout", "0.5", "--quiet"],
           f"'{silent_server}' does not answer as a Dask scheduler within 0.5 s (--scheduler-timeout", capsys)


def test_a_closed_port_says_nothing_answers(monkeypatch, capsys):
    pytest.importorskip("distributed")
    import socket

    with socket.create_server(("127.0.0.1", 0)) as s:
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    _no_sampling(monkeypatch)
    _fails(["validate", "--scheduler", address, "--scheduler-timeout", "0.5"], "nothing answers at", capsys)


def test_a_scheduler_without_workers_times_out(monkeypatch, capsys):
    distributed = pytest.importorskip("distributed")
    _no_sampling(monkeypatch)
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster:
        _fails(["validate", "--scheduler", cluster.scheduler_address, "--worker-timeout", "0.5", "--quiet"],
               "no worker joined the Dask scheduler", capsys)


def test_losing_all_workers_fails_the_pending_chunks():
    from concurrent.futures import Future, ThreadPoolExecutor

    from expectations.montecarlo.scaleout import WatchedExecutor

    class Stuck(ThreadPoolExecutor):  # a cluster whose work never comes back
        def submit(self, fn, /, *args, **kwargs):
            return Future()

    workers = [1]
    executor = WatchedExecutor(Stuck(), lambda: workers[0], "the test cluster", worker_timeout=0.3,
                               poll_interval=0.05)
    done = executor.submit(abs, -1)
    workers[0] = 0
    with pytest.raises(ConnectionError, match="all workers of the test cluster were lost and none came back "
                                              r"within 0.3 s \(--worker-timeout\)"):
        done.result(timeout=10)
    with pytest.raises(ConnectionError):
        executor.submit(abs, -2)
    executor.stop()


def test_a_watched_executor_relays_results_while_workers_are_there():
    from concurrent.futures import ThreadPoolExecutor

    from expectations.montecarlo.scaleout import WatchedExecutor

    with ThreadPoolExecutor(2) as inner:
        executor = WatchedExecutor(inner, lambda: 2, "the test cluster", worker_timeout=0.1,
                                   poll_interval=0.01)
        assert list(executor.map(abs, [-1, -2, 3])) == [1, 2, 3]
        with pytest.raises(ZeroDivisionError):
            executor.submit(lambda: 1 / 0).result()
        executor.stop()


# --- Ctrl-C, help, version, the report's command.

def test_ctrl_c_is_one_line_and_exit_code_130(tmp_path):
    import signal

    path = tmp_path / "rows.json"
    proc = subprocess.Popen([sys.executable, "-m", "expectations", "validate", "--statement", "Lemma 4.19",
                             "--samples", "1e9", "--json", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stderr.readline()  # the first progress line: sampling has started
    assert first.startswith("[1/")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err == "expectations: interrupted; no file written\n"
    assert out == "" and not path.exists() and list(tmp_path.iterdir()) == []


def test_help_and_version(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "learning-rate" in out and "validate" in out and "exit code 2" in out
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"expectations {expectations.__version__}"
    assert cli.main(["learning-rate", "--help"]) == 0
    out = capsys.readouterr().out
    assert "softmax cross-entropy" in out and "seed of the initial networks" in out


def test_the_report_quotes_its_command(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "report.md"
    assert cli.main(["validate", "--statement", "Lemma 4.18", "--samples", "1e3", "--report", str(path),
                     "--quiet"]) == 0
    assert f"by `expectations validate --statement 'Lemma 4.18' --samples 1e3 --report {path} --quiet`" \
        in path.read_text()


def test_learning_rate_says_which_rows_target_and_standardisation(tmp_path, monkeypatch, capsys):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt  # the data line is printed before the sampling starts

    monkeypatch.setattr("expectations.network.learning_rate.learning_rate_report", stop)
    assert cli.main(["learning-rate", "--widths", "8,4,1", "--target-transform", "center", "--quiet"]) == 130
    out = capsys.readouterr().out
    assert out == ("data pima (target centred): all 768 rows; 8 inputs, each standardised to mean 0 and SD 1"
                   "; target column Outcome (0/1), centred\n")
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n1,2,3\n4,5,7\n0,1,2\n")
    assert cli.main(["learning-rate", "--widths", "2,4,1", "--data", str(path), "--target", "b"]) == 130
    assert "data d: all 3 rows; 2 inputs, each standardised to mean 0 and SD 1; target column b" \
        in capsys.readouterr().out
    _fails(["learning-rate", "--widths", "8,4,1", "--target", "Glucose"],
           "--target picks a column of a CSV file", capsys)


def test_losing_every_worker_mid_run_is_one_line_and_exit_code_2(tmp_path, capsys):
    import threading
    import time

    distributed = pytest.importorskip("distributed")
    path = tmp_path / "rows.json"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        def remove_the_worker_once_busy():
            with distributed.Client(cluster.scheduler_address, timeout=10) as client:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not any(client.processing().values()):
                    time.sleep(0.05)
                cluster.scale(0)

        remover = threading.Thread(target=remove_the_worker_once_busy, daemon=True)
        remover.start()
        code = cli.main(["validate", "--statement", "Lemma 4.8", "--samples", "2e7", "--scheduler",
                         cluster.scheduler_address, "--worker-timeout", "1", "--json", str(path), "--quiet"])
        remover.join()
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("expectations: error: all workers of the Dask scheduler at ")
    assert err.endswith("were lost and none came back within 1 s (--worker-timeout)\n")
    assert not path.exists()


def test_few_samples_carry_a_note_that_verdicts_can_be_wrong(capsys):
    assert cli.main(["validate", "--statement", "Lemma 4.18", "--samples", "2000", "--quiet"]) == 0
    assert "note: --samples 2000 is below the 20480 samples a case" in capsys.readouterr().out
    assert cli.main(["validate", "--statement", "Lemma 4.18", "--samples", "3e4", "--quiet"]) == 0
    assert "note:" not in capsys.readouterr().out


def test_a_closed_pipe_ends_the_command_quietly():
    """`expectations validate --list | head -1`: no traceback, no "Broken pipe" error line."""
    proc = subprocess.run(f"{sys.executable} -m expectations validate --list | head -1", shell=True,
                          capture_output=True, text=True)
    assert proc.stdout.startswith("Lemma 4.3") and proc.stdout.count("\n") == 1
    assert proc.stderr == ""
