"""One BLAS thread per worker while a pool of workers runs NumPy/SciPy linear algebra.

A pool of k worker threads, each calling a BLAS that starts its own threads on every
core, asks for k times more threads than there are cores; on a small or busy machine
the BLAS threads then spin against one another (measured in ``benchmarks/run.py``,
section 6).  :func:`one_blas_thread` limits every BLAS library loaded in the process
(NumPy's and SciPy's OpenBLAS, MKL, ...) to one thread for the duration of a
``with`` block, through threadpoolctl, and restores the previous limits afterwards.

The limit is process-wide, so nested or concurrent blocks (two pools started from two
threads) share it: the first block to enter sets it, the last to leave restores it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

_lock = threading.Lock()
_depth = 0
_limiter = None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread per calling thread inside the block; restore the limits after."""
    global _depth, _limiter
    with _lock:
        if _depth == 0:
            _limiter = threadpool_limits(limits=1, user_api="blas")
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _limiter.restore_original_limits()
                _limiter = None
