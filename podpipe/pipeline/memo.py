"""What each episode's stage keys were last computed from: an unchanged episode of a
large show costs a few ``stat`` calls, not its stage identities.

An entry, per episode, holds the stage keys the builder found and what they followed
from: the run's stamp (podpipe's code, the show without its episode list, the stages
the show wants and their shared identity parts: job.SHARED_PARTS, which take in the
templates, people.yaml, the club results and the machine's ffmpeg, Whisper and speaker
model), the episode record, and the content hash of every file the identities hashed
(the recording, tracks, cover, hand-edited transcript, voice samples). Stage outputs are
content-keyed and never change in place, so while all of those are the same and each
output folder is there, the keys are the ones the identities would give.

``PODPIPE_CHECK_MEMO=1`` (the test suite sets it) computes the identities anyway on
every hit and fails on a difference: an identity input that bypasses job.part() or
job.hashes is caught by any test that changes it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from podpipe import __version__
from podpipe.cache import (
    PACKAGE_DIR,
    SourceHashes,
    digest,
    record,
    record_digest,
    tree_hash,
    write_atomic,
)
from podpipe.config import Episode, episode_cache
from podpipe.pipeline.job import SHARED_PARTS, EpisodeJob

MEMO_FILE = "built.json"
REPORTS_FILE = "reports.cache"
FORMAT = 1
CHECK_ENV = "PODPIPE_CHECK_MEMO"
SHOW = "<show>/"  # a file in the show folder, by its path in it


def checking() -> bool:
    return os.environ.get(CHECK_ENV, "") not in ("", "0")


@functools.cache
def code_stamp() -> str:
    """podpipe's code as installed (one walk of the package per process)."""
    return tree_hash(PACKAGE_DIR, skip={"__pycache__"})


class RecordingHashes:
    """A SourceHashes that notes every file an episode's identities hash."""

    def __init__(self, hashes: SourceHashes):
        self._hashes = hashes
        self.files: dict[str, str] = {}

    def of(self, path: Path) -> str:
        value = self._hashes.of(path)
        self.files[os.fspath(path)] = value
        return value

    def __getattr__(self, name: str):
        return getattr(self._hashes, name)


class BuildMemo:
    """The memo of one run: entries read from the last one, entries for the next."""

    def __init__(self, show_root: Path, work_dir: Path, hashes: SourceHashes):
        self.file = work_dir / MEMO_FILE
        self.hashes = hashes
        # Files in the show by their place in it: a show folder moved (or copied) keeps
        # its memo, and never checks the files of the folder it was copied from.
        self._root = os.path.join(os.fspath(show_root), "")
        try:
            data = json.loads(self.file.read_text())
            old = data["episodes"] if data.get("format") == FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError):
            old = {}
        self.old: dict[str, dict] = old if isinstance(old, dict) else {}
        self.new: dict[str, dict] = {}
        self._stamp: str | None = None
        self._lock = threading.Lock()

    def stamp(self, job: EpisodeJob, stages) -> str:
        """The run's part of every entry (computed once, with the first episode's job)."""
        with self._lock:
            if self._stamp is None:
                wanted = [s.name for s in stages]
                parts = {k: job.part(k) for k in sorted(SHARED_PARTS) if k.split(".")[0] in wanted}
                code = code_stamp()
                show = job.portable(record(dataclasses.replace(job.show, episodes=())))
                self._stamp = digest(FORMAT, __version__, code, show, wanted, parts)
            return self._stamp

    def inputs(self, job: EpisodeJob, stages) -> str:
        ep, root = job.episode, job.show.root
        known = episode_cache.known_digest(ep, root)
        if known is None or checking():
            fresh = record_digest(root, ep)
            if known not in (None, fresh):
                raise AssertionError(f"{ep.slug}: the episode cache's record digest is stale")
            known = fresh
        return digest(self.stamp(job, stages), known)

    def lookup(self, ep: Episode, inputs: str) -> dict[str, str] | None:
        """The stage keys last computed for ``ep`` from these inputs, if every file its
        identities hashed is unchanged."""
        entry = self.old.get(ep.slug)
        if not entry or entry.get("inputs") != inputs:
            return None
        try:
            for portable, (stamp, sha) in entry["files"].items():
                name = self._path(portable)
                st = os.stat(name)
                if f"{st.st_size}:{st.st_mtime_ns}" != stamp and self.hashes.of(Path(name)) != sha:
                    return None
        except (OSError, ValueError, TypeError):
            return None
        return entry["keys"]

    def remember(self, ep: Episode, inputs: str, files: dict[str, str], keys: dict) -> None:
        """``files``: path -> content hash of each file the identities hashed."""
        stamped = {}
        for name, sha in files.items():
            try:
                st = os.stat(name)
            except OSError:
                return  # gone meanwhile: no entry
            stamped[self._portable(name)] = [f"{st.st_size}:{st.st_mtime_ns}", sha]
        self.new[ep.slug] = {"inputs": inputs, "files": stamped, "keys": dict(keys)}

    def _portable(self, name: str) -> str:
        return SHOW + name[len(self._root) :] if name.startswith(self._root) else name

    def _path(self, portable: str) -> str:
        return self._root + portable[len(SHOW) :] if portable.startswith(SHOW) else portable

    def carry(self, ep: Episode) -> None:
        """An entry that still holds (a hit, or an episode --only left as last
        published): kept for the next run."""
        if ep.slug in self.old:
            self.new.setdefault(ep.slug, self.old[ep.slug])

    def save(self) -> None:
        if self.new == self.old:
            return
        data = {"format": FORMAT, "episodes": self.new}
        write_atomic(self.file, json.dumps(data, separators=(",", ":"), sort_keys=True))


class ReportStore:
    """The stage reports (audio report, transcript report, notes) a publish read, kept
    parsed in ``.podpipe/reports.cache`` by stage and key: a 1000-episode publish reads
    one file, not 2000. An output folder is content-keyed and never changes in place;
    one that a stage makes again (``--force``, a deleted folder) is forgotten when it is
    made. Kept with podpipe's code stamp: another version reads the files again."""

    def __init__(self, work_dir: Path):
        self.file = work_dir / REPORTS_FILE
        self._old: dict[str, Any] | None = None  # read on first use
        self.new: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._checking = checking()

    @property
    def old(self) -> dict[str, Any]:
        with self._lock:
            if self._old is None:
                self._old = {}
                try:
                    with open(self.file, "rb") as f:
                        stamp, old = pickle.load(f)
                    if stamp == self.stamp() and isinstance(old, dict):
                        self._old = old
                except Exception:  # absent, damaged, another Python's: read the files
                    pass
            return self._old

    @staticmethod
    def stamp() -> str:
        return digest(FORMAT, __version__, code_stamp())

    def get(self, stage: str, folder: Path, read: Callable[[Path], Any]) -> Any:
        """``read(folder)``, kept for the next run."""
        key = stage + "/" + folder.name
        value = self.new.get(key)
        if value is None:
            old = self._old if self._old is not None else self.old
            value = old.get(key)
            if value is None:
                value = read(folder)
            elif self._checking and value != read(folder):
                raise AssertionError(f"report store: {key} is not what its folder holds")
            self.new[key] = value  # one dict item: atomic, as forget()'s pop is
        return value

    def keep(self, stage: str, folder: Path, value: Any) -> None:
        """``value`` was read from ``folder`` this run (by the stage that made it)."""
        key = f"{stage}/{folder.name}"
        if checking() and self.old.get(key, value) != value:
            raise AssertionError(f"report store: {key} is not what its folder holds")
        with self._lock:
            self.new[key] = value

    def forget(self, stage: str, key: str) -> None:
        """The stage made ``key`` again: its report is read from the new folder."""
        old = self.old
        with self._lock:
            old.pop(f"{stage}/{key}", None)
            self.new.pop(f"{stage}/{key}", None)

    def save(self) -> None:
        """Keep the reports this run read (a report no episode uses is dropped)."""
        if self._old is None and not self.new:
            return  # nothing read (a no-op publish decided before the builder)
        old = self.old
        if self.new.keys() == old.keys() and all(self.new[k] is old[k] for k in self.new):
            return
        write_atomic(self.file, pickle.dumps((self.stamp(), self.new), pickle.HIGHEST_PROTOCOL))
