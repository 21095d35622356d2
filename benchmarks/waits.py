"""Issue 12's benchmarks (sections 6-9 and 11 of ``benchmarks/run.py``): where users wait.

6. ``expectations learning-rate`` on Pima, one BLAS thread per worker against today's pool (BLAS
   unlimited), idle and under a competing busy process the benchmark starts and stops.
7. Run to tolerance: samples used by the pilot-sized rounds against the former fixed rounds, each
   against what the variance predicts.
8. The default ``expectations validate`` suite: reduced samplers where they exist and identical
   runs reused, against the reference kernels run case by case (today's path).
9. The network kernel's multiply-add rate against one core's dgemm on the same shapes.
11. ``expectations validate --figures`` (with ``--figures`` only: minutes): the figure scripts one
    after the other with the BLAS default (today) against concurrently, one BLAS thread each.

Every ratio comes from timings taken in interleaved rounds of one run, with its per-round spread.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from expectations import figures
from expectations.lemmas import _kernels
from expectations.montecarlo.sampling import CHUNK_SIZE, Tolerance, run_to_tolerance
from expectations.network.over_initializations import sample_initializations

ROOT = Path(__file__).resolve().parent.parent

#: Today's learning-rate report: the same code with the BLAS limit of the network pool taken out.
TODAY_LEARNING_RATE = """
import contextlib, sys
import expectations.network.learning_rate as lr
lr.one_blas_thread = contextlib.nullcontext
from expectations.cli import main
sys.exit(main(sys.argv[1:]))
"""
NOW_LEARNING_RATE = "import sys\nfrom expectations.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def _row(name, value, unit="", target=None, met=None, timings=None, **details):
    print(f"  {name}: {value:.4g} {unit}", file=sys.stderr)
    return dict(name=name, value=float(value), unit=unit, target=target,
                met=None if met is None else bool(met), timings=timings or {}, details=details)


def _timing(walls: list[float], cpus: list[float]) -> dict:
    """A timing record as ``harness.time_calls`` makes them (one call per timing)."""
    wall = statistics.median(walls)
    return {"median_s": wall, "cores_busy": statistics.median(cpus) / wall, "calls_per_timing": 1,
            "all_s": walls}


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(fn, walls: list[float], cpus: list[float]):
    cpu, start = _cpu(), time.perf_counter()
    result = fn()
    walls.append(time.perf_counter() - start)
    cpus.append(_cpu() - cpu)
    return result


def _spread(ratios) -> str:
    return f"per-round range {min(ratios):.3g}-{max(ratios):.3g}"


@contextlib.contextmanager
def busy_process(active: bool):
    """A competing process spinning on one core for the duration of the block (when ``active``)."""
    proc = subprocess.Popen([sys.executable, "-c", "while True:\n    pass"]) if active else None
    try:
        time.sleep(0.5 if active else 0.0)
        yield
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()


# ---------------------------------------------------------------- 6. learning-rate report

def _learning_rate_run(script: str, args: list[str], out: Path) -> tuple[str, str]:
    """Stdout and JSON of one ``learning-rate`` run (the JSON written to ``out``, the same path in every
    run, so that the printed "wrote ..." line is the same too)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}  # library defaults
    command = [sys.executable, "-c", script, "learning-rate", *args, "--quiet", "--json", str(out)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return proc.stdout, out.read_text()


def _numbers(tree) -> np.ndarray:
    """Every number in a JSON tree, in order (None as NaN)."""
    if isinstance(tree, dict):
        return np.concatenate([_numbers(v) for v in tree.values()] or [np.empty(0)])
    if isinstance(tree, list):
        return np.concatenate([_numbers(v) for v in tree] or [np.empty(0)])
    if isinstance(tree, bool) or isinstance(tree, str):
        return np.empty(0)
    return np.array([np.nan if tree is None else float(tree)])


def bench_learning_rate(cfg) -> dict:
    c = cfg["waits"]
    args = ["--widths", "8,64,64,1", "--data", "pima", "--networks", str(c["lr_networks"]),
            "--monte-carlo", str(c["lr_monte_carlo"])]
    walls = {(cond, v): [] for cond in ("idle", "busy") for v in ("today", "now")}
    cpus = {key: [] for key in walls}
    texts, reports = set(), []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lr.json"
        _learning_rate_run(NOW_LEARNING_RATE, args, out)                 # warm the kernel cache
        for _ in range(c["lr_rounds"]):
            for cond in ("idle", "busy"):
                with busy_process(cond == "busy"):
                    for variant, script in (("today", TODAY_LEARNING_RATE), ("now", NOW_LEARNING_RATE)):
                        run = partial(_learning_rate_run, script, args, out)
                        text, js = _timed(run, walls[cond, variant], cpus[cond, variant])
                        texts.add(text)
                        reports.append(_numbers(json.loads(js)))
    rows = []
    for cond, target in (("idle", 1.4), ("busy", 3.0)):
        ratios = [t / n for t, n in zip(walls[cond, "today"], walls[cond, "now"])]
        ratio = statistics.median(walls[cond, "today"]) / statistics.median(walls[cond, "now"])
        rows.append(_row(
            f"learning-rate {' '.join(args)}, {cond}"
            + (" (a busy process spinning on one core)" if cond == "busy" else "")
            + ": today / one BLAS thread per worker, wall time", ratio,
            f"× ({statistics.median(walls[cond, 'today']):.3g} s vs "
            f"{statistics.median(walls[cond, 'now']):.3g} s; {_spread(ratios)})", f"≥ {target}",
            ratio >= target, {v: _timing(walls[cond, v], cpus[cond, v]) for v in ("today", "now")},
            round_ratios=ratios,
            why=None if ratio >= target else "see the notes of this section."))
    spread = max(float(np.nanmax(np.abs(r - reports[0]) / np.maximum(np.abs(reports[0]), 1e-300)))
                 for r in reports)
    rows.append(_row("identical printed report in every run of both variants", len(texts) == 1,
                     f"(1 = yes; the JSON's numbers differ by at most {spread:.2g} relative: multi-threaded "
                     "BLAS sums in another order)", "identical", len(texts) == 1, distinct_texts=len(texts),
                     json_max_relative_difference=spread))
    return dict(title="6. The learning-rate report: one BLAS thread per worker", rows=rows, setup=(
        f"`expectations learning-rate {' '.join(args)}` as a subprocess with the BLAS libraries' default "
        "thread counts (OPENBLAS_NUM_THREADS etc. unset), wall time including start-up.  \"today\" is the "
        "same code with `expectations.network.learning_rate.one_blas_thread` replaced by a null context (the "
        "network pool of today: each worker thread's NumPy calls start multi-threaded BLAS); \"now\" "
        "limits BLAS to one thread for the pool's duration (threadpoolctl).  Rounds: "
        f"{c['lr_rounds']}, each timing both variants idle and then both under a competing busy process "
        "(`while True: pass`) that the benchmark starts before and stops after."),
        notes=["The machine is shared with other sessions, so per-round spreads are wide; the ratio is "
               "of the medians, the range is of the per-round ratios."])


# ---------------------------------------------------------------- 7. run to tolerance

def bench_tolerance(cfg) -> dict:
    c = cfg["waits"]
    x, y = np.array([1.0, 0.5, -0.3, 0.2]), np.array([0.2, 1.0, 0.4, -0.7])
    widths = np.array([4, 16, 8], np.int64)
    args = (widths, np.ones(2), x, y)
    pilot = run_to_tolerance(_kernels.relu_chain, args, 2**22, 99, Tolerance(rel_stderr=1e-3))[0]
    var, mean = pilot.covariance[0, 0], abs(pilot.mean[0])
    rows = []
    for need in c["tol_needed"]:
        tol = Tolerance(rel_stderr=math.sqrt(var / need) / mean)
        walls, cpus = {"fixed": [], "pilot": []}, {"fixed": [], "pilot": []}
        used = {}
        for _ in range(cfg["repeats"]):
            for rounds in ("fixed", "pilot"):
                run = partial(run_to_tolerance, _kernels.relu_chain, args, 2**24, 0, tol, rounds=rounds)
                moments, _ = _timed(run, walls[rounds], cpus[rounds])
                used[rounds] = moments.count
        ratios = [f / p for f, p in zip(walls["fixed"], walls["pilot"])]
        ok = used["pilot"] <= 1.3 * need + CHUNK_SIZE
        rows.append(_row(
            f"samples needed {need} (by the variance): used with pilot rounds / needed", used["pilot"] / need,
            f"× ({used['pilot']} samples; fixed rounds of 8 chunks: {used['fixed']}, "
            f"{used['fixed'] / need:.3g}×; time fixed / pilot "
            f"{statistics.median(walls['fixed']) / statistics.median(walls['pilot']):.3g}×, "
            f"{_spread(ratios)})", "≤ 1.3 (plus one chunk)", ok,
            {k: _timing(walls[k], cpus[k]) for k in walls}, used=used, needed=need))
    return dict(title="7. Run to tolerance: pilot-sized rounds", rows=rows, setup=(
        "`run_to_tolerance(relu_chain, ...)` (Lemma 4.11's reference kernel, widths [4, 16, 8], x, y fixed) "
        "with a relative-stderr target chosen so that the kernel's variance (measured beforehand from a "
        "separate run, seed 99) predicts the stated sample count; `rounds=\"pilot\"` (the default: one "
        "pilot chunk, then each round sized from the variance merged so far) against `rounds=\"fixed\"` "
        f"(today's 8 chunks x {CHUNK_SIZE} a round), seed 0, on the default thread pool, interleaved "
        f"rounds ({cfg['repeats']})."),
        notes=["Both schedules decide only from the moments merged in chunk order, so both give the same "
               "bits at any thread count (tests/test_speed_machinery.py)."])


# ---------------------------------------------------------------- 8. the default validate suite

#: The last commit before issue 12's changes: "today's" package, extracted with ``git archive``.
BASELINE = "f0f0d9a"
#: Runs the default suite (restricted to the cases named on stdin, if any) of whichever package is
#: importable, the run itself timed; prints the rows and the time as JSON.
SUITE_SCRIPT = """
import json, sys, time
from expectations.statements import registry
from expectations.statements import validate
wanted = set(json.loads(sys.stdin.read() or "null") or [])
method = sys.argv[1]
def key(s, c):
    return s.label + " " + json.dumps(c.params, sort_keys=True, default=str)
jobs = [(s, c) for s in registry.STATEMENTS for c in s.cases if not wanted or key(s, c) in wanted]
run_case = getattr(validate, "compare", None) or validate.run_case  # compare() since issue 11
if len(sys.argv) > 2:  # warm-up: compile or load every kernel once
    for s, c in jobs:  # a closed form: one cheap chunk; paired statements and identities: 8 networks
        run_case(s, c, 4096 if getattr(s, "closed_form", None) else 8)
    sys.exit(0)
reuse = getattr(__import__("expectations.montecarlo.sampling", fromlist=["_"]), "reusing_results", None)
import contextlib
start = time.perf_counter()
with reuse() if reuse and method == "reduced" else contextlib.nullcontext():
    rows = [run_case(s, c, method=method) for s, c in jobs]
print(json.dumps({"seconds": time.perf_counter() - start,
                  "rows": [[key(s, c), r.stderr, r.verdict] for (s, c), r in zip(jobs, rows)]}))
"""


def _suite_run(tree: Path | None, method: str, wanted, warm: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree)) if tree else None
    proc = subprocess.run([sys.executable, "-c", SUITE_SCRIPT, method] + (["warm"] if warm else []),
                          input=json.dumps(wanted), env=env, capture_output=True, text=True, check=True,
                          cwd=tree or ROOT)
    return None if warm else json.loads(proc.stdout)


def bench_suite(cfg) -> dict:
    c = cfg["waits"]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "expectations"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        names = None if c["suite_all"] else list(c["suite_statements"])
        probe = json.loads(subprocess.run(
            [sys.executable, "-c", "import json; from expectations import registry; print(json.dumps("
             "[s.label + ' ' + json.dumps(c.params, sort_keys=True, default=str) "
             "for s in registry.STATEMENTS for c in s.cases]))"], env=dict(os.environ, PYTHONPATH=tmp),
            capture_output=True, text=True, check=True, cwd=tmp).stdout)
        wanted = [k for k in probe if names is None or any(k.startswith(n + " {") for n in names)]
        _suite_run(tree, "reference", wanted, warm=True)
        _suite_run(None, "reduced", wanted, warm=True)
        walls, cpus, runs = {"today": [], "now": []}, {"today": [], "now": []}, {}
        for _ in range(c["suite_rounds"]):
            for name, where, method in (("today", tree, "reference"), ("now", None, "reduced")):
                runs[name] = _timed(partial(_suite_run, where, method, wanted), [], cpus[name])
                walls[name].append(runs[name]["seconds"])
    ratios = [t / n for t, n in zip(walls["today"], walls["now"])]
    ratio = statistics.median(walls["today"]) / statistics.median(walls["now"])
    old = {k: (se, v) for k, se, v in runs["today"]["rows"]}
    new = {k: (se, v) for k, se, v in runs["now"]["rows"]}
    common = [k for k in old if k in new]
    same = [k for k in common if old[k][1] == new[k][1]]
    se_ratio = {k: new[k][0] / old[k][0] for k in common if old[k][0] > 0}
    worst = max(se_ratio.values())
    rows = [
        _row(f"default suite ({len(common)} cases): today (commit {BASELINE}, reference kernels) / now "
             "(`expectations validate` default: reduced samplers where they exist, identical runs reused), "
             "wall time of the run", ratio,
             f"× ({statistics.median(walls['today']):.3g} s vs {statistics.median(walls['now']):.3g} s; "
             f"{_spread(ratios)})", "≥ 4", ratio >= 4, {k: _timing(walls[k], cpus[k]) for k in walls},
             round_ratios=ratios, why=None if ratio >= 4 else (
                 "the remaining time is Hettinger's A.12 and A.13 (their reduced samplers integrate out only "
                 "the last layer and draw the others in full) and the wide Lemma 4.21 / Corollary 4.22 "
                 "cases (rows of A_1 .. A_{i-1} drawn), on a machine shared with other sessions.")),
        _row("cases with the same verdict", len(same), f"of {len(common)}", f"{len(common)}",
             len(same) == len(common),
             differing=[(k, old[k][1], new[k][1]) for k in common if old[k][1] != new[k][1]]),
        _row("largest stderr now / today over the cases", worst,
             f"(median {statistics.median(se_ratio.values()):.3g}; "
             f"{sum(r > 1 for r in se_ratio.values())} cases above 1, all draws of the same random variable "
             "with other variates; those with a layer integrated out are lower)", "≤ 1 up to noise",
             worst <= 1.05, se_ratios=se_ratio),
    ]
    return dict(title="8. The default validate suite", rows=rows, setup=(
        f"Today: the package at commit {BASELINE} (the last before issue 12's changes; `git archive` into a "
        "temporary directory), its default `validate` path (every case on the reference kernels, one run per "
        "case).  Now: this checkout's default (`--method reduced`: the reduced samplers where they exist, "
        "identical runs reused, and each statement's default sample count for the sampler it uses: "
        "`reduced_n_samples` for A.13 and the double sums, whose stderrs stay below today's).  Both over "
        "the cases today's registry has (cases added since are left out), seed 0, default thread pool, "
        "each in its own process after an "
        f"untimed warm-up process (kernels compiled and cached), the run alone timed; "
        f"{c['suite_rounds']} interleaved round(s)."),
        notes=["Verdicts are compared case by case; a case whose |z| lies near the threshold of 5 can change "
               "verdict with any change of variates (the reduced samplers draw other variates), and the "
               "differing cases are listed in results.json with their verdicts.",
               "Same SE per case: the reduced samplers of Lemmas 4.3, 4.19 and 4.20 draw the same random "
               "variable, so their standard errors equal today's up to the Monte Carlo noise of a standard "
               "error (about 1 % at these sample counts); the others integrate layers out and are lower."])


# ---------------------------------------------------------------- 9. network kernel flop rate

def network_multiply_adds(widths, s: int) -> int:
    """Multiply-adds of one network in ``network_derivatives``: per layer, ten s x d_(t-1) x d_t
    products (forward pass; back-propagated delta; the two ReLU outer products of the parameter
    gradients; the forward-mode W dx and W ddx; the masked G_P and G_N applied to x and dx), plus the
    s^2 sums of Theorem 4.13 (2 s^2 d_n for the Gram of the gradients, 2 s^2 for its two kernels) and
    the refined Theorem 4.24 (2 s^2 d_n)."""
    d = list(widths)
    layers = sum(d[t - 1] * d[t] for t in range(1, len(d)))
    return 10 * s * layers + s * s * (4 * d[-1] + 2)


def bench_flops(cfg) -> dict:
    c = cfg["waits"]
    widths, s, n = c["flop_widths"], c["flop_s"], c["flop_networks"]
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((s, widths[0])), rng.standard_normal((s, 1))
    one = ThreadPoolExecutor(1)
    shapes = [(s, widths[t - 1], widths[t]) for t in range(1, len(widths))]
    mats = [(rng.standard_normal((a, b)), rng.standard_normal((b, k))) for a, b, k in shapes]

    def kernel():
        sample_initializations(widths, x, y, "mse", n, 0, executor=one)

    def dgemm():
        for a, b in mats:
            for _ in range(10):
                a @ b

    walls, cpus = {"kernel": [], "dgemm": []}, {"kernel": [], "dgemm": []}
    with threadpool_limits(limits=1, user_api="blas"):
        kernel(), dgemm()
        start = time.perf_counter()
        dgemm()
        reps = max(1, math.ceil(0.2 / max(time.perf_counter() - start, 1e-6)))
        for _ in range(cfg["repeats"]):
            _timed(kernel, walls["kernel"], cpus["kernel"])
            _timed(lambda: [dgemm() for _ in range(reps)], walls["dgemm"], cpus["dgemm"])
    walls["kernel"] = [t / n for t in walls["kernel"]]
    walls["dgemm"] = [t / reps for t in walls["dgemm"]]
    cpus["kernel"] = [t / n for t in cpus["kernel"]]
    cpus["dgemm"] = [t / reps for t in cpus["dgemm"]]
    one.shutdown()
    macs = network_multiply_adds(widths, s)
    gemm_macs = 10 * sum(a * b * k for a, b, k in shapes)
    rate_k = macs / statistics.median(walls["kernel"])
    rate_g = gemm_macs / statistics.median(walls["dgemm"])
    ratios = [(macs / k) / (gemm_macs / g) for k, g in zip(walls["kernel"], walls["dgemm"])]
    rows = [_row(f"network kernel {widths}, s = {s}, one thread: multiply-adds per second / one-core dgemm "
                 "on the same shapes", rate_k / rate_g,
                 f"× ({rate_k / 1e9:.3g} vs {rate_g / 1e9:.3g} G multiply-adds/s; {_spread(ratios)})",
                 "≥ 0.5 (aim)", rate_k / rate_g >= 0.5, {k: _timing(walls[k], cpus[k]) for k in walls},
                 multiply_adds_per_network=macs, why=None if rate_k / rate_g >= 0.5 else (
                     "the kernel's products are dgemm calls (np.dot in Numba) on the same shapes, but "
                     "between them it spends time outside BLAS: the ReLU masks and their temporaries, the "
                     "per-sample loss derivatives, the forward-mode sums and the random draws."))]
    return dict(title="9. The network kernel's multiply-add rate", rows=rows, setup=(
        f"`sample_initializations({widths}, x, y, \"mse\", {n}, 0)` on a one-worker pool (x: s x "
        f"{widths[0]} standard normal, s = {s}); multiply-adds per network counted from the architecture "
        f"and s (`network_multiply_adds`: 10 s d_(t-1) d_t per layer plus the s^2 sums, {macs:.3g} a "
        "network).  Against NumPy `@` (OpenBLAS dgemm, limited to one thread) on the same ten "
        "(s x d_(t-1)) @ (d_(t-1) x d_t) products per layer, in interleaved rounds."),
        notes=[])


# ---------------------------------------------------------------- 11. the figures

BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def blas_default_environment():
    """The BLAS thread variables unset for the block (run.py sets them to 1 for its own timings)."""
    saved = {k: os.environ.pop(k) for k in BLAS_VARIABLES if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


#: Today's figures: the package and the figure scripts as they were before issue 12's target 3 (the
#: search for the true optimum, computations shared within the scripts, the network kernel's speed-ups).
FIGURES_TODAY = "4f4581ddb7b97a31cbd664ab40be8dfd4e98d3c7"
#: Tiny runs that compile (or load) every Numba kernel the figure scripts use, untimed, on each side.
FIGURES_WARM_UP = (("figure_5_1.py", ("--depths", "1", "--widths", "4", "--networks", "2",
                                      "--initializations", "4", "--samples", "24", "--out", "{tmp}/w51.png"),
                    False),
                   ("approximation_error.py", ("--samples", "2000", "--widths", "4", "--out", "{tmp}/wa.png"),
                    False),
                   ("theorem_error.py", ("--networks", "8", "--out", "{tmp}/wt.png"), False))


def _checkout(commit: str, folder: Path) -> Path:
    """``validation/`` and ``expectations/`` of ``commit`` extracted into ``folder``, and a check that a
    script run with ``PYTHONPATH=folder`` imports that package (not the checkout's)."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "validation", "expectations"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    found = subprocess.run([sys.executable, "-c", "import expectations; print(expectations.__file__)"],
                           env=dict(os.environ, PYTHONPATH=str(folder)), capture_output=True, text=True,
                           check=True, cwd=folder / "validation").stdout.strip()
    if not Path(found).resolve().is_relative_to(folder.resolve()):
        raise RuntimeError(f"PYTHONPATH={folder} imports expectations from {found}, not from {commit}")
    return folder / "validation"


@contextlib.contextmanager
def _python_path(folder: Path):
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(folder)
    try:
        yield
    finally:
        os.environ.pop("PYTHONPATH") if saved is None else os.environ.update(PYTHONPATH=saved)


def bench_figures(cfg) -> dict:
    c = cfg["waits"]
    walls, cpus = {"today": [], "now": []}, {"today": [], "now": []}
    seconds = {"today": [], "now": []}  # per round: {command: seconds}
    statuses = {}
    with tempfile.TemporaryDirectory() as tmp, blas_default_environment():
        def jobs(specs):
            return [figures.Figure("", "", script, tuple(a.replace("{tmp}", tmp) for a in args),
                                   needs_sklearn) for script, args, needs_sklearn in specs]

        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        sides = {"today": (FIGURES_TODAY, 1), "now": (head, None)}           # (commit, workers)
        folders = {name: _checkout(commit, Path(tmp) / name) for name, (commit, _) in sides.items()}
        timed_jobs = None if c["figure_jobs"] is None else jobs(c["figure_jobs"])
        for folder in folders.values():                                    # untimed: compile the kernels
            with _python_path(folder.parent):
                figures.regenerate(folder, jobs(FIGURES_WARM_UP), workers=1)
        for _ in range(c["figure_rounds"]):
            for name, (_, workers) in sides.items():
                with _python_path(folders[name].parent):  # the PNGs go to that side's figures/
                    runs = _timed(partial(figures.regenerate, folders[name], timed_jobs, workers=workers),
                                  walls[name], cpus[name])
                statuses[name] = [(r.command, r.status) for r in runs]
                seconds[name].append({r.command: round(r.seconds, 1) for r in runs})
    ratios = [t / n for t, n in zip(walls["today"], walls["now"])]
    ratio = statistics.median(walls["today"]) / statistics.median(walls["now"])
    ok = all(status == "ok" for runs in statuses.values() for _, status in runs)
    per_script = {name: {command: [r[command] for r in rounds] for command in rounds[0]}
                  for name, rounds in seconds.items()}
    rows = [_row("validate --figures: today (the package and scripts of commit " + FIGURES_TODAY[:7]
                 + ", one script after another, BLAS default) / now (HEAD, one script per core, one BLAS "
                 "thread each), wall time", ratio,
                 f"× ({statistics.median(walls['today']):.3g} s vs {statistics.median(walls['now']):.3g} s; "
                 f"{_spread(ratios)})", "≥ 3", ratio >= 3, {k: _timing(walls[k], cpus[k]) for k in walls},
                 round_ratios=ratios, scripts=per_script, all_ok=ok, head=head, why=None if ratio >= 3 else (
                     "what remains is mostly Figure 5.1's Monte Carlo over 100 initializations per "
                     "architecture (the network kernel, about 60 % of its computation), Theorem 4.13 at "
                     "every analysed network (two kernel calls each) and thesis_error_by_data.py's 17 "
                     "cells; today's scripts already use two threads each, so on a quiet machine "
                     "concurrency gains least"))]
    return dict(title="11. The figures", rows=rows, setup=(
        "`expectations.figures.regenerate` on two checkouts in a temporary directory (`git archive` of "
        "`validation/` and `expectations/`; each side's scripts run with `PYTHONPATH` set to its checkout, "
        "checked to import that package, so the repository's `figures/` is not touched): today = commit "
        f"`{FIGURES_TODAY[:7]}` (before issue 12's target 3) with `workers=1`, one script after the other, "
        "BLAS thread variables unset; now = HEAD with the default (one script per core, each with "
        "OPENBLAS/OMP/MKL_NUM_THREADS=1).  " + (
            "Every script of `figures.FIGURES`" if c["figure_jobs"] is None
            else f"The jobs {c['figure_jobs']}")
        + f", {c['figure_rounds']} interleaved round(s), after an untimed warm-up run of each side "
        f"(tiny runs of {', '.join(j[0] for j in FIGURES_WARM_UP)} that compile the Numba kernels).  "
        "The content is the same: the true optimum's search finds the former grid's optimum to 1e-7 "
        "relative (tests/test_optimum_search.py)."),
        notes=[f"Per-script times (s), one entry per round: {per_script}",
               f"Statuses: {statuses}"])

