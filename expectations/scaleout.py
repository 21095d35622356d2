"""Scale-out on a Dask cluster (optional extra: ``pip install 'expectations[dask]'``).

Every estimator takes a ``concurrent.futures.Executor``; a Dask client's
executor runs the same fixed chunks on the cluster's workers, and the serial
merge in chunk order keeps the numbers bit-identical to an in-process run::

    from expectations.scaleout import dask_executor
    with dask_executor("tcp://scheduler:8786") as executor:
        estimate_relu_chain_sum(x, y, widths, 10**8, seed=1, executor=executor)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor


@contextlib.contextmanager
def dask_executor(address: str, timeout: float = 5.0) -> Iterator[Executor]:
    """Connect to the Dask scheduler at ``address`` and yield its executor.

    Raises ``ImportError`` without the ``distributed`` package and
    ``ConnectionError`` when the scheduler cannot be reached within ``timeout`` seconds.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise ImportError("Dask scale-out needs the distributed package: "
                          "pip install 'expectations[dask]'") from exc
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s: "
                              f"{exc}") from exc
    try:
        yield client.get_executor()
    finally:
        client.close()
