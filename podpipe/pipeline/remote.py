"""Where the heavy stage work runs: in this process, in local processes (``--jobs N``),
or on a Dask cluster (``--cluster``), behind one ``concurrent.futures`` executor.

The audio stage's mastering (one recording, or a multitrack episode's tracks) and the
transcript stage's Whisper run are *jobs*: a module
function of (input files, output folder, settings) that knows nothing of caching. The
builder decides what runs and keeps the cache; a :class:`Runner` decides where:

- no executor (``--jobs 1``, the default): called here, with the progress bar;
- a local ``ProcessPoolExecutor`` (``--jobs N``): a process each, with its own model,
  reading the inputs and writing the output folder in place (one file system);
- a Dask cluster (``Client.get_executor()``): the inputs travel to the worker as bytes
  (no shared file system assumed), the job runs in a temporary folder there and the
  output files come back as bytes, written into the local stage folder. When the
  workers share the show's file system (probed once: a file written here is read there
  under the same path, and one written there is read here), paths travel instead, and a
  job whose input a worker does not see as it is here (size, mtime) is sent again as
  bytes. A worker that dies mid-job: Dask runs the job again elsewhere; nothing is
  half-written here, as the stage folder is only renamed into the cache when every file
  is in.

Progress: every job through an executor counts in one "N of M jobs done" line; a job on
a Dask worker also reports its seconds of audio (``log_event``), summed over the jobs
in flight into one progress bar for the whole cluster.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from podpipe import audio, transcribe


def master_audio(inputs: dict[str, Path], out: Path, *, settings, progress=None) -> None:
    """The audio stage's job: the mastered MP3 and its report."""
    settings = dataclasses.replace(settings, intro=inputs.get("intro"), outro=inputs.get("outro"))
    report = audio.master(inputs["source"], out / "audio.mp3", settings, progress=progress)
    report.save(out / "report.json")


def master_multitrack(inputs: dict[str, Path], out: Path, *, settings, tracks, progress=None):
    """A multitrack episode's audio job: ``tracks`` (speakers, offsets, gains) with their
    files given as the inputs ``track1``, ``track2``, ...; the mixed MP3 and its report."""
    settings = dataclasses.replace(settings, intro=inputs.get("intro"), outro=inputs.get("outro"))
    files = tuple(dataclasses.replace(t, file=inputs[f"track{i}"]) for i, t in enumerate(tracks, 1))
    report = audio.master_tracks(files, out / "audio.mp3", settings, progress=progress)
    report.save(out / "report.json")


def whisper(
    inputs: dict[str, Path],
    out: Path,
    *,
    settings,
    speakers,
    vocabulary,
    names=(),
    progress=None,
) -> None:
    """The transcript stage's Whisper run: the transcript in every format and its report."""
    report = transcribe.transcribe(
        inputs["source"],
        out,
        settings,
        speakers=tuple(speakers),
        stem="transcript",
        vocabulary=vocabulary,
        names=tuple(names),
        progress=progress,
    )
    report.save(out / "report.json")


JOBS: dict[str, Callable[..., None]] = {
    "audio": master_audio,
    "tracks": master_multitrack,
    "whisper": whisper,
}


# Dask runs the queued job of the highest priority first: the long Whisper runs before
# the short audio jobs, so the run ends on short jobs and no worker waits long for the
# last one (longest first).
PRIORITY = {"whisper": 1, "audio": 0, "tracks": 0}

PROGRESS_TOPIC = "podpipe-progress"  # the Dask event topic a worker's job reports on
NOT_HERE = "not-here"  # a shared-path job's answer when an input differs on the worker


def run_job(
    kind: str, inputs: dict, kwargs: dict, out: str | None = None, job: str = ""
) -> dict | str | None:
    """A job where the executor put it. With ``out`` (one file system) the inputs are
    (path, size, mtime_ns) and the output is written in place (NOT_HERE when an input is
    not there as it is on the publishing machine); without, the inputs are (name, bytes)
    and the output files are returned as {relative path: bytes}."""
    progress = worker_progress(job) if job else None
    if out is not None:
        for path, size, mtime in inputs.values():
            try:
                st = os.stat(path)
            except OSError:
                return NOT_HERE
            if (st.st_size, st.st_mtime_ns) != (size, mtime):
                return NOT_HERE
        paths = {k: Path(v[0]) for k, v in inputs.items()}
        JOBS[kind](paths, Path(out), progress=progress, **kwargs)
        return None
    with tempfile.TemporaryDirectory(prefix="podpipe-job-") as tmp:
        paths = {}
        for role, (name, data) in inputs.items():
            path = Path(tmp, "in", role, name)
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
            paths[role] = path
        result = Path(tmp, "out")
        result.mkdir()
        JOBS[kind](paths, result, progress=progress, **kwargs)
        return {
            str(f.relative_to(result)): f.read_bytes()
            for f in sorted(result.rglob("*"))
            if f.is_file()
        }


def worker_progress(job: str) -> Callable[[float, float], None] | None:
    """On a Dask worker: the job's progress, told to the client at most once a second
    (None elsewhere: a local process has no way back)."""
    try:
        from distributed import get_worker  # the cluster extra, on a worker only

        worker = get_worker()
    except (ImportError, ValueError):
        return None
    last = [0.0]

    def report(done: float, total: float) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0 or (total and done >= total):
            last[0] = now
            msg = {"job": job, "done": float(done), "total": float(total)}
            try:
                worker.log_event(PROGRESS_TOPIC, msg)
            except Exception:  # noqa: BLE001 - a progress line never fails the job
                pass

    return report


def probe_answer(probe: str, token: str) -> str | None:
    """On a worker: read the probe file the client wrote and write one back beside it
    (the name returned); None when the file is not there with the token."""
    try:
        if Path(probe).read_text() != token:
            return None
        answer = f"{probe}.{os.getpid()}-{os.uname().nodename}"
        Path(answer).write_text(token)
    except OSError:
        return None
    return answer


class JobBoard:
    """The jobs of a publish across workers: a count of those done, and the audio
    seconds of those in flight summed into one progress callback."""

    def __init__(self, progress=None, where: str = ""):
        self.progress = progress
        self.where = where
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.submitted = self.finished = 0
        self.seconds: dict[str, tuple[float, float]] = {}  # job -> (done, total)
        self.bar = progress.callback(f"all jobs {where}".strip()) if progress else None

    def start(self, label: str) -> str:
        with self.lock:
            self.submitted += 1
            return f"{label}#{next(self.ids)}"

    def update(self, job: str, done: float, total: float) -> None:
        with self.lock:
            if job not in self.seconds or self.seconds[job] != (total, total):
                self.seconds[job] = (min(done, total), total)
            done_s = sum(d for d, _ in self.seconds.values())
            total_s = sum(t for _, t in self.seconds.values())
        if self.bar and total_s:
            self.bar(done_s, total_s)

    def on_event(self, event) -> None:
        """A Dask ``log_event`` from a worker: (time, {"job", "done", "total"})."""
        msg = event[1] if isinstance(event, tuple) else event
        try:
            self.update(str(msg["job"]), float(msg["done"]), float(msg["total"]))
        except (KeyError, TypeError, ValueError):
            pass

    def finish(self, job: str, label: str) -> None:
        with self.lock:
            self.finished += 1
            if job in self.seconds:
                total = self.seconds[job][1]
                self.seconds[job] = (total, total)
            text = f"{label} done {self.where}".rstrip()
            text += f" ({self.finished} of {self.submitted} jobs done)"
        if self.progress:
            self.progress.message(text)


@dataclasses.dataclass
class Runner:
    """Runs jobs: here (no executor), or through ``executor``: local processes when
    ``shared_files``, a cluster that gets the inputs as bytes when not, and when None
    the executor's ``shares(folder)`` decides (a cluster that may share the files)."""

    executor: Executor | None = None
    shared_files: bool | None = True
    where: str = ""  # "on tcp://..." for messages
    board: JobBoard | None = None  # the count of jobs done (and their audio seconds)

    def run(
        self,
        kind: str,
        inputs: dict[str, Path | None],
        out: Path,
        *,
        label: str = "",
        progress=None,
        **kwargs: Any,
    ) -> None:
        inputs = {role: p for role, p in inputs.items() if p is not None}
        if self.executor is None:
            JOBS[kind](inputs, out, progress=progress, **kwargs)
            return
        board = self.board or JobBoard()
        job = board.start(label or kind)
        shared = self.shared_files
        if shared is None:
            shared = self.executor.shares(out.parent)
        answer: Any = NOT_HERE
        if shared:
            stamps = {}
            for role, p in inputs.items():
                st = p.stat()
                stamps[role] = (str(p.resolve()), st.st_size, st.st_mtime_ns)
            answer = self._submit(kind, stamps, kwargs, str(out), job).result()
        if answer == NOT_HERE:
            payload = {role: (p.name, p.read_bytes()) for role, p in inputs.items()}
            files = self._submit(kind, payload, kwargs, None, job).result()
            for rel, data in files.items():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        board.finish(job, label or kind)

    def _submit(self, kind: str, *args: Any):
        """run_job(kind, *args) through the executor; on a cluster with its priority."""
        if getattr(self.executor, "takes_priority", False):
            return self.executor.submit(run_job, kind, *args, priority=PRIORITY.get(kind, 0))
        return self.executor.submit(run_job, kind, *args)


LOCAL = Runner()  # in this process: what a job without a runner gets
