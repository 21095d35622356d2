"""Scale-out on a Dask cluster (the ``dask`` extra: ``pip install '.[dask]'`` in the checkout).

Every estimator takes a ``concurrent.futures.Executor``; a Dask client's
executor runs the same fixed chunks on the cluster's workers, and the serial
merge in chunk order keeps the numbers bit-identical to an in-process run::

    from expectations.montecarlo.scaleout import dask_executor
    with dask_executor("tcp://scheduler:8786") as executor:
        estimate_relu_chain_sum(x, y, widths, 10**8, seed=1, executor=executor)

Nothing waits forever: the address must answer *as a Dask scheduler* within ``timeout``
seconds (an open port that is something else, such as the dashboard's 8787, is refused),
at least one worker must join within ``worker_timeout`` seconds, and if every worker is
lost during a run and none comes back within ``worker_timeout``, the pending chunks fail
with a ``ConnectionError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future, InvalidStateError

#: Seconds the scheduler has to answer (``--scheduler-timeout``).
CONNECT_TIMEOUT = 5.0
#: Seconds to wait for a first worker, or for one to come back after all were lost (``--worker-timeout``).
WORKER_TIMEOUT = 60.0
#: Seconds between two looks at the scheduler's worker list during a run.
POLL_INTERVAL = 0.5


def check_address(address: str) -> str:
    """``address`` if it reads as ``[tcp://]HOST:PORT`` (or ``tls://``) with a port from 1 to 65535, else a
    ``ValueError``; addresses of Dask's other transports (``inproc://``, ``ucx://`` ...) pass unchecked."""
    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp", "tls"):
        return address
    host, sep, port = rest.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"--scheduler {address!r} is not a Dask scheduler address: "
                         "give HOST:PORT or tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786")
    return address


@contextlib.contextmanager
def dask_executor(address: str, timeout: float = CONNECT_TIMEOUT,
                  worker_timeout: float = WORKER_TIMEOUT) -> Iterator[Executor]:
    """Connect to the Dask scheduler at ``address`` and yield an executor on its workers.

    Raises ``ImportError`` without the ``distributed`` package, ``ValueError`` for an address
    that is not ``HOST:PORT``, and ``ConnectionError`` when nothing answers as a Dask scheduler
    within ``timeout`` seconds, when no worker joins within ``worker_timeout`` seconds, or (from
    the futures of the yielded executor) when all workers are lost for ``worker_timeout`` seconds.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise ImportError("Dask scale-out needs the distributed package: "
                          "pip install '.[dask]' in the checkout") from exc
    check_address(address)
    _identify(address, timeout)
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s "
                              f"(--scheduler-timeout): {exc}") from exc
    executor = None
    try:
        try:
            client.wait_for_workers(1, timeout=worker_timeout)
        except TimeoutError:
            raise ConnectionError(f"no worker joined the Dask scheduler at {address!r} within "
                                  f"{worker_timeout:g} s (--worker-timeout); start one with: "
                                  f"dask worker {address}") from None
        executor = WatchedExecutor(client.get_executor(), lambda: len(client.scheduler_info()["workers"]),
                                   f"the Dask scheduler at {address!r}", worker_timeout)
        yield executor
    finally:
        if executor is not None:
            executor.stop()
        client.close()


def _identify(address: str, timeout: float) -> dict:
    """The scheduler's identity, or a ``ConnectionError`` if ``address`` does not answer as one in time."""
    from distributed.comm import connect

    async def ask() -> dict:
        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    scheme, _, rest = address.rpartition("://")
    if scheme in ("", "tcp"):  # is anything listening at all?
        host, _, port = rest.rpartition(":")
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
        except OSError as exc:
            raise ConnectionError(f"nothing answers at {address!r} within {timeout:g} s "
                                  f"(--scheduler-timeout): {exc.strerror or exc}; "
                                  "is the Dask scheduler running there?") from None
    try:
        identity = asyncio.run(ask())
    except Exception as exc:  # something listens, but it does not speak Dask's protocol in time
        raise ConnectionError(f"{address!r} does not answer as a Dask scheduler within {timeout:g} s "
                              f"(--scheduler-timeout; {type(exc).__name__}); check the port: the scheduler's "
                              "default is 8786, its dashboard's 8787") from None
    if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        kind = identity.get("type") if isinstance(identity, dict) else type(identity).__name__
        raise ConnectionError(f"{address!r} is a Dask {kind}, not a scheduler; give the scheduler's address")
    return identity


class WatchedExecutor(Executor):
    """An executor that fails its pending futures with a ``ConnectionError`` once ``n_workers()``
    has been zero for ``worker_timeout`` seconds (the cluster's workers are all gone).

    ``inner`` does the work; ``where`` names the cluster in the message.
    """

    def __init__(self, inner: Executor, n_workers, where: str, worker_timeout: float,
                 poll_interval: float = POLL_INTERVAL):
        self._inner = inner
        self._n_workers = n_workers
        self._where = where
        self._worker_timeout = worker_timeout
        self._poll_interval = poll_interval
        self._pending: set[Future] = set()
        self._lock = threading.Lock()
        self._lost: ConnectionError | None = None
        self._stopped = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="expectations-worker-watch", daemon=True)
        self._watcher.start()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        outer: Future = Future()
        with self._lock:
            if self._lost is not None:
                raise self._lost
            self._pending.add(outer)
        inner = self._inner.submit(fn, *args, **kwargs)

        def relay(done) -> None:
            with self._lock:
                self._pending.discard(outer)
            try:
                if done.cancelled():
                    outer.cancel()
                elif (exc := done.exception()) is not None:
                    outer.set_exception(exc)
                else:
                    outer.set_result(done.result())
            except InvalidStateError:  # already failed by the watcher, or cancelled by the caller
                pass

        inner.add_done_callback(relay)
        return outer

    def _watch(self) -> None:
        empty_since = None
        while not self._stopped.wait(self._poll_interval):
            try:
                n = self._n_workers()
            except Exception:  # the scheduler itself is unreachable: as good as no workers
                n = 0
            if n:
                empty_since = None
                continue
            empty_since = time.monotonic() if empty_since is None else empty_since
            if time.monotonic() - empty_since >= self._worker_timeout:
                self._fail(ConnectionError(
                    f"all workers of {self._where} were lost and none came back within "
                    f"{self._worker_timeout:g} s (--worker-timeout)"))
                return

    def _fail(self, error: ConnectionError) -> None:
        with self._lock:
            self._lost = error
            pending, self._pending = self._pending, set()
        for future in pending:
            with contextlib.suppress(InvalidStateError):
                future.set_exception(error)

    def stop(self) -> None:
        """Stop watching (the inner executor belongs to the caller)."""
        self._stopped.set()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.stop()
