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
  output files come back as bytes, written into the local stage folder. A worker that
  dies mid-job: Dask runs the job again elsewhere; nothing is half-written here, as the
  stage folder is only renamed into the cache when every file is in.
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
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


def run_job(kind: str, inputs: dict, kwargs: dict, out: str | None = None) -> dict | None:
    """A job where the executor put it. With ``out`` (one file system) the inputs are
    paths and the output is written in place; without, the inputs are (name, bytes) and
    the output files are returned as {relative path: bytes}."""
    if out is not None:
        JOBS[kind]({k: Path(v) for k, v in inputs.items()}, Path(out), **kwargs)
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
        JOBS[kind](paths, result, **kwargs)
        return {
            str(f.relative_to(result)): f.read_bytes()
            for f in sorted(result.rglob("*"))
            if f.is_file()
        }


@dataclasses.dataclass
class Runner:
    """Runs jobs: here (no executor), or through ``executor`` (local processes when
    ``shared_files``, else a cluster that gets the inputs as bytes)."""

    executor: Executor | None = None
    shared_files: bool = True
    where: str = ""  # "on the cluster at tcp://..." for messages
    done: Callable[[str], None] | None = None  # told "<label> done" after each remote job
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

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
        if self.shared_files:
            paths = {role: str(p) for role, p in inputs.items()}
            self.executor.submit(run_job, kind, paths, kwargs, str(out)).result()
        else:
            payload = {role: (p.name, p.read_bytes()) for role, p in inputs.items()}
            files = self.executor.submit(run_job, kind, payload, kwargs).result()
            for rel, data in files.items():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        if self.done:
            with self._lock:
                self.done(f"{label or kind} done {self.where}".rstrip())


LOCAL = Runner()  # in this process: what a job without a runner gets
