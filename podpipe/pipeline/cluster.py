"""The executor behind a publish's heavy jobs: none (``--jobs 1``), local processes
(``--jobs N``) or a Dask cluster (``--cluster``, ``PODPIPE_CLUSTER``, show.yaml's
``cluster:``; in that order).

The cluster is checked before the publish changes anything: an address that does not
answer is an error naming it (exit 1), and neither guids.yaml nor the site is touched.
``distributed`` (the ``podpipe[cluster]`` extra) is imported only when a job is sent,
so a publish with nothing to do stays light even with a cluster configured.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from podpipe.cache import write_atomic
from podpipe.config import Show
from podpipe.errors import PodpipeError, ProcessingError
from podpipe.pipeline.remote import PROGRESS_TOPIC, JobBoard, Runner, probe_answer

ENV = "PODPIPE_CLUSTER"
CONNECT_TIMEOUT_S = 10
CLUSTER_EPISODES_AT_ONCE = 32  # episodes in flight on a cluster (their threads mostly wait)


def cluster_address(flag: str | None, show: Show) -> str | None:
    """The scheduler to use: the --cluster flag, else $PODPIPE_CLUSTER, else show.yaml."""
    return flag or os.environ.get(ENV) or show.cluster or None


def check_cluster(address: str) -> None:
    """Raise ProcessingError unless the extra is installed and the scheduler answers."""
    if importlib.util.find_spec("distributed") is None:
        raise ProcessingError(
            f"--cluster {address}: the Dask client is not installed; "
            "install it with: pip install 'podpipe[cluster]'"
        )
    parts = urlsplit(address)
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or not parts.port:
        raise ProcessingError(
            f"cluster address {address!r}: expected a Dask scheduler address like "
            "tcp://10.0.0.5:8786"
        )
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as err:
        raise ProcessingError(
            f"cannot reach the Dask scheduler at {address} ({err.strerror or err}); "
            "start it with `dask scheduler` there, or check the address and the firewall. "
            "Nothing was changed."
        ) from err


FILES_ENV = "PODPIPE_CLUSTER_FILES"  # "bytes" or "paths" instead of probing the workers


class ClusterExecutor(Executor):
    """``Client.get_executor()`` of a Dask client connected on the first job; the
    workers' progress events go to ``board``."""

    def __init__(self, address: str, board: JobBoard | None = None):
        self.address = address
        self.board = board
        self._lock = threading.Lock()
        self._client = None
        self._executor: Executor | None = None
        self._shares: dict[Path, bool] = {}

    def _connect(self) -> Executor:
        with self._lock:
            if self._executor is None:
                from distributed import Client

                try:
                    self._client = Client(
                        self.address, timeout=CONNECT_TIMEOUT_S, set_as_default=False
                    )
                except (OSError, TimeoutError) as err:
                    raise ProcessingError(
                        f"cannot reach the Dask scheduler at {self.address}: {err}"
                    ) from err
                if self.board is not None:
                    self._client.subscribe_topic(PROGRESS_TOPIC, self.board.on_event)
                self._executor = self._client.get_executor(pure=False)
            return self._executor

    takes_priority = True  # submit(..., priority=N): Dask runs higher ones first

    def submit(self, fn, /, *args, priority: int = 0, **kwargs) -> Future:
        return self._connect().submit(fn, *args, priority=priority, **kwargs)

    def shares(self, folder: Path) -> bool:
        """Whether the workers see ``folder`` as this machine does (asked once per
        folder): then jobs get paths and write their output in place, not bytes."""
        choice = os.environ.get(FILES_ENV, "").strip().lower()
        if choice in ("bytes", "paths"):
            return choice == "paths"
        self._connect()
        with self._lock:
            if folder not in self._shares:
                self._shares[folder] = self._probe(folder)
            return self._shares[folder]

    def _probe(self, folder: Path) -> bool:
        """A file with a random token written here, read by every worker, each writing
        one back beside it that this machine reads: one file system, the same paths."""
        token = secrets.token_hex(16)
        probe = folder / f".cluster-probe-{token}"
        answers: dict = {}
        try:
            write_atomic(probe, token)
            answers = self._client.run(probe_answer, str(probe), token)
            return bool(answers) and all(
                a is not None and Path(a).read_text() == token for a in answers.values()
            )
        except (OSError, PodpipeError):
            return False
        finally:
            for answer in [probe, *(Path(a) for a in answers.values() if a)]:
                Path(answer).unlink(missing_ok=True)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._client is not None:
            self._client.close()


@contextmanager
def runner_for(address: str | None, jobs: int, progress) -> Iterator[tuple[Runner, int]]:
    """The Runner for a publish and how many episodes it works on at once."""
    if address:
        board = JobBoard(progress, where=f"on {address}")
        executor = ClusterExecutor(address, board)
        runner = Runner(executor, shared_files=None, where=f"on {address}", board=board)
        at_once = max(jobs, CLUSTER_EPISODES_AT_ONCE)
    elif jobs > 1:
        import multiprocessing

        # spawn: the builder's threads must not be forked; each process loads its model
        executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
        board = JobBoard(progress, where=f"in {jobs} processes")
        runner, at_once = Runner(executor, shared_files=True, board=board), jobs
    else:
        yield Runner(), 1
        return
    try:
        yield runner, at_once
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
