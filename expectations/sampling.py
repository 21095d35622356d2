"""Reproducible chunked Monte Carlo.

The samples are cut into chunks of a fixed size (:data:`CHUNK_SIZE` unless an
estimator fixes another); the number of chunks depends only on the number of
samples.  Chunk ``c`` draws from its own ``numpy.random.Generator`` built from
``SeedSequence(seed).spawn(...)[c]`` and passed into a Numba kernel that
releases the GIL, so chunks run in parallel on threads, or on any
``concurrent.futures.Executor`` (a Dask cluster's, for instance).  Their
moments are merged serially in chunk order, which makes the result
bit-identical whatever the number of threads or the executor.

:func:`run_to_tolerance` samples round after round of :data:`ROUND_CHUNKS`
chunks until a target standard error is met or the budget is spent; the
rounds are fixed too, so the same seed and target give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from ._checks import positive_int
from .estimate import SampleMoments

#: Samples per chunk.  Fixed, so that the chunk layout (and hence every number)
#: is independent of the machine.
CHUNK_SIZE = 2048
#: Chunks per round when sampling to a tolerance.
ROUND_CHUNKS = 8

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


def _run_chunks(kernel, args, sizes, first, seed, executor) -> list[SampleMoments]:
    """Moments of chunks first, first+1, ... with the given sizes, in chunk order."""
    def one_chunk(k: int) -> SampleMoments:
        return SampleMoments.from_samples(kernel(chunk_generator(seed, first + k), sizes[k], *args))

    own = executor is None
    pool = default_executor() if own else executor
    try:
        return list(pool.map(one_chunk, range(len(sizes))))
    finally:
        if own:
            pool.shutdown()


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


def run_to_tolerance(kernel: Kernel, args: Sequence, budget: int, seed: int, tolerance: Tolerance,
                     executor: Executor | None = None,
                     chunk_size: int = CHUNK_SIZE) -> tuple[SampleMoments, bool]:
    """Sample round by round until ``tolerance`` is met or ``budget`` samples are spent.

    Returns the moments and whether the target was met.  Rounds of
    :data:`ROUND_CHUNKS` chunks are fixed, so the result depends only on the
    seed, the target and the budget.
    """
    budget = positive_int("budget (n_samples)", budget)
    seed = _check_seed(seed)
    if budget < chunk_size:
        raise ValueError(f"the budget of {budget} samples is smaller than one chunk ({chunk_size} samples)")
    sizes = chunk_sizes(budget, chunk_size)
    total = None
    for first in range(0, len(sizes), ROUND_CHUNKS):
        total = _merge(_run_chunks(kernel, args, sizes[first:first + ROUND_CHUNKS], first, seed, executor),
                       total)
        if total.count >= 2 and tolerance.met(total):
            return total, True
    return total, False
