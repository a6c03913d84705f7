"""Heavy stages on a real Dask cluster (LocalCluster on 127.0.0.1, and `dask scheduler`
/ `dask worker` subprocesses): the site is the one a local publish makes, a worker
killed mid-job does not stop the publish, an unreachable scheduler changes nothing."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from podpipe import pipeline
from podpipe.pipeline import cluster as cluster_module
from podpipe.pipeline import remote
from tests.scale_helpers import generated_show
from tests.show_helpers import REPO, podpipe, tree_bytes

distributed = pytest.importorskip("distributed")

TODAY = __import__("datetime").date(2026, 11, 20)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    """A show of 3 episodes with transcription on, never published."""
    return generated_show(
        tmp_path_factory.mktemp("cl") / "show", 3, transcription=True, distinct=True
    )


@pytest.fixture(scope="module")
def local_site(sources, tmp_path_factory) -> dict[str, bytes]:
    show = tmp_path_factory.mktemp("local") / "show"
    shutil.copytree(sources, show)
    assert not pipeline.publish(show, today=TODAY).failed
    # the GUIDs it gave the episodes (random): the cluster's publishes get the same
    shutil.copyfile(show / "guids.yaml", sources / "guids.yaml")
    return tree_bytes(show / "site")


@pytest.fixture(scope="module")
def cluster():
    # Dask sets OMP_NUM_THREADS=1 and friends in this process for its workers: put the
    # environment back afterwards, or later tests' Whisper runs one thread (and the
    # golden site's transcripts come out different).
    saved = dict(os.environ)
    os.environ["PYTHONPATH"] = str(REPO)  # the workers import this podpipe
    try:
        with distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as c:
            yield c
    finally:
        os.environ.clear()
        os.environ.update(saved)


def fresh(sources: Path, tmp_path: Path) -> Path:
    show = tmp_path / "show"
    shutil.copytree(sources, show)
    return show


class Recorded:
    """A publish's progress, kept: messages and the cluster-wide bar's calls."""

    def __init__(self):
        self.messages: list[str] = []
        self.bars: dict[str, list[tuple[float, float]]] = {}

    def callback(self, label):
        calls = self.bars.setdefault(label, [])
        return lambda done, total: calls.append((done, total))

    def message(self, text):
        self.messages.append(text)


@pytest.mark.parametrize("files", ["paths", "bytes"])
def test_cluster_site_is_byte_identical_to_a_local_publish(
    sources, local_site, cluster, tmp_path, monkeypatch, files
):
    """LocalCluster's workers share this file system: found by the probe, jobs get
    paths; with PODPIPE_CLUSTER_FILES=bytes they get the inputs as bytes. The same site
    either way, and one count of jobs done across the workers."""
    if files == "bytes":
        monkeypatch.setenv(cluster_module.FILES_ENV, "bytes")
    show = fresh(sources, tmp_path)
    progress = Recorded()
    address = cluster.scheduler_address
    result = pipeline.publish(show, today=TODAY, cluster=address, progress=progress)
    assert not result.failed, [o.error for o in result.outcomes]
    done = {o.episode.slug: o.done for o in result.outcomes}
    assert all(d["audio"] == "done" and d["transcript"] == "done" for d in done.values())
    assert tree_bytes(show / "site") == local_site
    counts = [m for m in progress.messages if "jobs done)" in m]
    assert len(counts) == 6 and any(m.endswith("(6 of 6 jobs done)") for m in counts), counts
    bar = progress.bars[f"all jobs on {address}"]  # the workers' seconds of audio, summed
    assert bar and all(0 <= d <= t for d, t in bar), bar
    assert not list((show / ".podpipe" / "stages").rglob(".cluster-probe-*"))
    again = pipeline.publish(show, today=TODAY, force=False, cluster=cluster.scheduler_address)
    assert again.nothing_changed


def test_a_worker_killed_mid_job_and_the_publish_completes(sources, local_site, cluster, tmp_path):
    show = fresh(sources, tmp_path)
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    pids = client.run(os.getpid)  # worker address -> pid
    outcome: dict = {}
    worker = threading.Thread(
        target=lambda: outcome.update(
            result=pipeline.publish(show, today=TODAY, cluster=cluster.scheduler_address)
        )
    )
    worker.start()
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline and worker.is_alive():
        busy = {w: tasks for w, tasks in client.processing().items() if tasks}
        if busy:
            killed = next(iter(busy))
            os.kill(pids[killed], signal.SIGKILL)
        time.sleep(0.05)
    worker.join(600)
    client.close()
    assert killed, "no job was seen running on a worker"
    result = outcome["result"]
    assert not result.failed, [o.error for o in result.outcomes]
    assert tree_bytes(show / "site") == local_site


def test_the_probe_finds_the_shared_file_system(cluster, tmp_path, monkeypatch):
    executor = cluster_module.ClusterExecutor(cluster.scheduler_address)
    try:
        assert executor.shares(tmp_path)
        monkeypatch.setenv(cluster_module.FILES_ENV, "bytes")
        assert not executor.shares(tmp_path)
    finally:
        executor.shutdown()
    assert list(tmp_path.iterdir()) == []


def test_a_shared_path_job_with_an_input_changed_there_asks_for_bytes(tmp_path):
    source = tmp_path / "in.mp3"
    source.write_bytes(b"audio")
    st = source.stat()
    stamps = {"source": (str(source), st.st_size + 1, st.st_mtime_ns)}
    assert remote.run_job("audio", stamps, {}, str(tmp_path / "out")) == remote.NOT_HERE
    missing = {"source": (str(tmp_path / "gone.mp3"), 1, 1)}
    assert remote.run_job("audio", missing, {}, str(tmp_path / "out")) == remote.NOT_HERE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_scheduler_and_worker_processes(sources, local_site, tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    scheduler = subprocess.Popen(
        [*dask, "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_worker",
            f"tcp://127.0.0.1:{port}",
            "--nthreads",
            "1",
            "--nworkers",
            "1",
            "--no-dashboard",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        address = f"tcp://127.0.0.1:{port}"
        with distributed.Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=120)
        show = fresh(sources, tmp_path)
        result = podpipe(
            "publish", "--today", TODAY.isoformat(), cwd=show, env={"PODPIPE_CLUSTER": address}
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert tree_bytes(show / "site") == local_site
    finally:
        for p in (worker, scheduler):
            p.terminate()
        for p in (worker, scheduler):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_an_unreachable_cluster_changes_nothing(sources, local_site, tmp_path):
    show = fresh(sources, tmp_path)
    before = tree_bytes(show)
    address = f"tcp://127.0.0.1:{free_port()}"
    for args, env in (
        (["--cluster", address], {}),
        ([], {"PODPIPE_CLUSTER": address}),
    ):
        result = podpipe("publish", *args, "--today", TODAY.isoformat(), cwd=show, env=env)
        assert result.returncode == 1
        assert address in result.stderr and "Traceback" not in result.stderr
        assert tree_bytes(show) == before
        assert not (show / "site").exists()
    (show / "show.yaml").write_text((show / "show.yaml").read_text() + f"cluster: {address}\n")
    result = podpipe("publish", "--today", TODAY.isoformat(), cwd=show)
    assert result.returncode == 1 and address in result.stderr
    assert not (show / "site").exists()
