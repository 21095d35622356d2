"""Reproducible chunked Monte Carlo.

The samples are cut into chunks of a fixed size (:data:`CHUNK_SIZE` unless an
estimator fixes another); the number of chunks depends only on the number of
samples.  Chunk ``c`` draws from its own ``numpy.random.Generator`` built from
``SeedSequence(seed).spawn(...)[c]`` and passed into a Numba kernel that
releases the GIL, so chunks run in parallel on threads, or on any
``concurrent.futures.Executor`` (a Dask cluster's, for instance).  Their
moments are merged serially in chunk order, which makes the result
bit-identical whatever the number of threads or the executor.

:func:`run_to_tolerance` samples a pilot round, then sizes each next round from
the variance measured so far, until a target standard error is met or the
budget is spent.  The round sizes depend only on the moments merged in chunk
order, so the same seed and target give the same numbers at any thread count.

While a pool runs chunks, BLAS is limited to one thread (:mod:`expectations.blas`).
Inside :func:`reusing_results`, a run identical to one already made in the block
(same kernel, arguments, chunk sizes and seed) returns the same moments without
sampling again.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numba
import numpy as np

from expectations._checks import positive_int
from expectations.blas import one_blas_thread
from expectations.montecarlo.estimate import SampleMoments

#: Samples per chunk.  Fixed, so that the chunk layout (and hence every number)
#: is independent of the machine.
CHUNK_SIZE = 2048
#: Chunks per round when sampling to a tolerance with ``rounds="fixed"`` (the schedule before
#: pilot rounds; kept for comparison in ``benchmarks/run.py``).
ROUND_CHUNKS = 8
#: The pilot round of :func:`run_to_tolerance` holds at least this many samples (one chunk of
#: :data:`CHUNK_SIZE`; 16 chunks of an estimator with 4 samples a chunk).
PILOT_SAMPLES = 64
#: Round schedules of :func:`run_to_tolerance`.
ROUNDS = ("pilot", "fixed")

Kernel = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Tolerance:
    """A target standard error (absolute, relative to |mean|, or both) for component ``column``."""

    stderr: float | None = None
    rel_stderr: float | None = None
    column: int = 0

    def __post_init__(self):
        if self.stderr is None and self.rel_stderr is None:
            raise ValueError("a tolerance needs stderr or rel_stderr")
        for name in ("stderr", "rel_stderr"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")

    def met(self, moments: SampleMoments) -> bool:
        """True when component ``column`` of ``moments`` meets every given target."""
        return self.satisfied_by(moments.estimate(self.column))

    def satisfied_by(self, est) -> bool:
        """True when the estimate's standard error meets every given target."""
        ok = self.stderr is None or est.stderr <= self.stderr
        return ok and (self.rel_stderr is None or est.stderr <= self.rel_stderr * abs(est.mean))

    def samples_needed(self, moments: SampleMoments) -> float:
        """The sample count at which component ``column`` would meet every target, predicted from
        its sample variance and mean in ``moments`` (infinite when a relative target meets a zero mean)."""
        var = max(float(moments.covariance[self.column, self.column]), 0.0)
        targets = [t for t in (self.stderr, None if self.rel_stderr is None
                               else self.rel_stderr * abs(float(moments.mean[self.column])))
                   if t is not None]
        if var == 0.0:
            return float(moments.count)
        return max(math.inf if t == 0 else var / t**2 for t in targets)


def chunk_sizes(n_samples: int, chunk_size: int = CHUNK_SIZE) -> list[int]:
    """The sizes of the chunks ``n_samples`` is cut into."""
    full, rest = divmod(n_samples, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


def chunk_generator(seed: int, c: int) -> np.random.Generator:
    """Chunk ``c``'s PCG64 generator: the c-th child of ``SeedSequence(seed)``, whatever the chunk count."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(c,))))


def chunk_generators(seed: int, n_chunks: int) -> list[np.random.Generator]:
    """The generators of chunks 0..n_chunks-1 (identical to ``SeedSequence(seed).spawn(n_chunks)``)."""
    return [chunk_generator(seed, c) for c in range(n_chunks)]


def default_executor() -> Executor:
    """A thread pool with as many workers as Numba has threads."""
    return ThreadPoolExecutor(max_workers=numba.config.NUMBA_NUM_THREADS)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


_reuse = threading.local()


@contextmanager
def reusing_results() -> Iterator[None]:
    """Inside the block, a chunk run identical to one made earlier in the block (same kernel,
    arguments, chunk sizes, first chunk and seed: hence the same variates and the same bits)
    returns the stored moments instead of sampling again.  For runs that evaluate several
    closed forms against one left-hand side (Lemma 4.21 and its refined form share every case);
    never active outside the block, so timings elsewhere are honest."""
    outer = getattr(_reuse, "store", None)
    _reuse.store = {} if outer is None else outer
    try:
        yield
    finally:
        _reuse.store = outer


def _fingerprint(value):
    """A hashable stand-in equal for equal kernel arguments (None for a type it does not know)."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (bool, int, float, str, np.integer, np.floating, np.bool_)):
        return (type(value).__name__, value)
    return None


def _run_chunks(kernel, args, sizes, first, seed, executor) -> list[SampleMoments]:
    """Moments of chunks first, first+1, ... with the given sizes, in chunk order."""
    store = getattr(_reuse, "store", None)
    key = None
    if store is not None:
        prints = tuple(_fingerprint(a) for a in args)
        key = None if None in prints else (kernel, prints, tuple(sizes), first, seed)
        if key in store:
            return store[key]

    def one_chunk(k: int) -> SampleMoments:
        return SampleMoments.from_samples(kernel(chunk_generator(seed, first + k), sizes[k], *args))

    own = executor is None
    pool = default_executor() if own else executor
    try:
        with one_blas_thread():
            parts = list(pool.map(one_chunk, range(len(sizes))))
    finally:
        if own:
            pool.shutdown()
    if key is not None:
        store[key] = parts
    return parts


def _merge(parts: list[SampleMoments], total: SampleMoments | None = None) -> SampleMoments:
    for part in parts:
        total = part if total is None else total.merge(part)
    return total


def run_chunked(kernel: Kernel, args: Sequence, n_samples: int, seed: int,
                executor: Executor | None = None, chunk_size: int = CHUNK_SIZE) -> SampleMoments:
    """Run ``kernel(generator, size, *args)`` over all chunks and merge.

    The kernel returns a ``(size, K)`` array of independent samples.  The
    chunk size is fixed by the caller (per estimator), never by the machine.
    """
    n_samples = positive_int("n_samples", n_samples)
    seed = _check_seed(seed)
    return _merge(_run_chunks(kernel, args, chunk_sizes(n_samples, chunk_size), 0, seed, executor))


def _next_round(tolerance: Tolerance, total: SampleMoments, ends: np.ndarray, done: int) -> int:
    """How many chunks after the first ``done`` bring the count to what the variance so far predicts
    (at least one; ``ends`` are the cumulative chunk sizes)."""
    need = tolerance.samples_needed(total) if total.count >= 2 else 0.0
    reach = int(np.searchsorted(ends, need)) + 1 if math.isfinite(need) else ends.size
    return max(min(reach, ends.size) - done, 1)


def run_to_tolerance(kernel: Kernel, args: Sequence, budget: int, seed: int, tolerance: Tolerance,
                     executor: Executor | None = None, chunk_size: int = CHUNK_SIZE,
                     rounds: str = "pilot") -> tuple[SampleMoments, bool]:
    """Sample round by round until ``tolerance`` is met or ``budget`` samples are spent.

    Returns the moments and whether the target was met.  ``rounds="pilot"``: a pilot round of
    :data:`PILOT_SAMPLES` samples (at least one chunk), then each round as many chunks as
    bring the count to what the variance merged so far predicts the target needs (at least
    one chunk), so a run stops about where the variance says it can, not a round later.
    ``rounds="fixed"``: rounds of :data:`ROUND_CHUNKS` chunks (the former schedule).  Either
    way the stopping rule and the round sizes depend only on the moments merged in chunk
    order, so the result depends only on the seed, the target and the budget.
    """
    budget = positive_int("budget (n_samples)", budget)
    seed = _check_seed(seed)
    if rounds not in ROUNDS:
        raise ValueError(f"rounds must be one of {ROUNDS}, got {rounds!r}")
    if budget < chunk_size:
        raise ValueError(f"the budget of {budget} samples is smaller than one chunk ({chunk_size} samples)")
    sizes = chunk_sizes(budget, chunk_size)
    ends = np.cumsum(sizes)
    total, done = None, 0
    while done < len(sizes):
        if rounds == "fixed":
            step = ROUND_CHUNKS
        elif total is None:
            step = max(1, math.ceil(PILOT_SAMPLES / chunk_size))
        else:
            step = _next_round(tolerance, total, ends, done)
        total = _merge(_run_chunks(kernel, args, sizes[done:done + step], done, seed, executor), total)
        done = min(done + step, len(sizes))
        if total.count >= 2 and tolerance.met(total):
            return total, True
    return total, False
