"""Reproducible chunked Monte Carlo.

The samples are cut into chunks of :data:`CHUNK_SIZE`; the number of chunks
depends only on the number of samples.  Chunk ``c`` draws from its own
``numpy.random.Generator`` built from ``SeedSequence(seed).spawn(n_chunks)[c]``
and passed into a Numba kernel that releases the GIL, so chunks run in
parallel on threads.  Their moments are merged serially in chunk order, which
makes the result bit-identical whatever the number of threads or the executor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor

import numba
import numpy as np

from ._checks import positive_int
from .estimate import SampleMoments

#: Samples per chunk.  Fixed, so that the chunk layout (and hence every number)
#: is independent of the machine.
CHUNK_SIZE = 2048

Kernel = Callable[..., np.ndarray]


def chunk_sizes(n_samples: int, chunk_size: int = CHUNK_SIZE) -> list[int]:
    """The sizes of the chunks ``n_samples`` is cut into."""
    full, rest = divmod(n_samples, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


def chunk_generators(seed: int, n_chunks: int) -> list[np.random.Generator]:
    """One independent PCG64 generator per chunk, from ``SeedSequence(seed).spawn``."""
    children = np.random.SeedSequence(seed).spawn(n_chunks)
    return [np.random.Generator(np.random.PCG64(child)) for child in children]


def default_executor() -> Executor:
    """A thread pool with as many workers as Numba has threads."""
    return ThreadPoolExecutor(max_workers=numba.config.NUMBA_NUM_THREADS)


def run_chunked(
    kernel: Kernel,
    args: Sequence,
    n_samples: int,
    seed: int,
    executor: Executor | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> SampleMoments:
    """Run ``kernel(generator, size, *args)`` over all chunks and merge.

    The kernel returns a ``(size, K)`` array of independent samples.  The
    chunk size is fixed by the caller (per estimator), never by the machine.
    """
    n_samples = positive_int("n_samples", n_samples)
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    sizes = chunk_sizes(n_samples, chunk_size)
    generators = chunk_generators(int(seed), len(sizes))

    def one_chunk(c: int) -> SampleMoments:
        return SampleMoments.from_samples(kernel(generators[c], sizes[c], *args))

    own = executor is None
    pool = default_executor() if own else executor
    try:
        parts = list(pool.map(one_chunk, range(len(sizes))))
    finally:
        if own:
            pool.shutdown()
    total = parts[0]
    for part in parts[1:]:
        total = total.merge(part)
    return total
