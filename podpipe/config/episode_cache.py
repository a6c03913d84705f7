"""Parsed, validated episode files kept between runs: an unchanged episode costs a stat.

A show of 1000 episodes spends most of a no-op publish parsing 1000 episode.yaml files.
So each episode read is kept in ``.podpipe/episodes.cache`` with what it depended on:
the episode.yaml's size and mtime (the fast path) and content hash (a touched but
unchanged file is not parsed again), the folder's mtime (a file added or removed, say a
second recording), and the size and mtime of every file the episode names (audio,
notes_file, artwork, hand-edited transcript). An episode with an error is not kept: it
is read again until it is fixed. The cache is podpipe's own state, written atomically,
and thrown away whole when podpipe's config code changes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from podpipe import __version__
from podpipe.cache import write_atomic
from podpipe.config.model import Episode
from podpipe.errors import PodpipeError, Problem

CACHE_FILE = "episodes.cache"
FORMAT = 1
CONFIG_CODE = Path(__file__).parent

Stamp = tuple[int, int] | None  # (size, mtime_ns); None when the path is not there


def stamp(path: Path) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def code_stamp() -> tuple:
    """podpipe's version and its config code as it is now: a change drops the cache."""
    files = sorted(p for p in os.listdir(CONFIG_CODE) if p.endswith(".py"))
    return (FORMAT, __version__, tuple((f, stamp(CONFIG_CODE / f)) for f in files))


def named_paths(episode: Episode) -> tuple[Path, ...]:
    """The files an episode read names besides its episode.yaml (their stamps are kept)."""
    paths = (episode.audio, episode.notes_file, episode.artwork, episode.transcript)
    return tuple(p for p in paths if p is not None)


class EpisodeCache:
    """``read(file, reader)``: the cached (episode, problems) of an episode.yaml, or the
    reader's, kept for next time. ``save()`` writes the cache when anything changed."""

    def __init__(self, work_dir: Path):
        self.file = work_dir / CACHE_FILE
        self.code = code_stamp()
        self.entries: dict[str, tuple] = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            with open(self.file, "rb") as f:
                data = pickle.load(f)
            if data.get("code") == self.code:
                self.entries = data["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError):
            pass  # no cache, or one from another podpipe: read every episode again
        except (TypeError, ValueError, IndexError):
            pass

    def read(
        self, file: Path, reader: Callable[[Path, list[Problem]], Episode | None]
    ) -> tuple[Episode | None, list[Problem]]:
        key = str(file)
        self.used.add(key)
        now = stamp(file)
        entry = self.entries.get(key)
        if entry is not None:
            file_stamp, content, folder, named, episode, problems = entry
            if folder == stamp(file.parent) and all(stamp(p) == s for p, s in named):
                if file_stamp == now:
                    return episode, list(problems)
                if now is not None and content == sha256(file):
                    self.entries[key] = (now, content, *entry[2:])
                    self.dirty = True
                    return episode, list(problems)
        problems: list[Problem] = []
        folder = stamp(file.parent)
        content = sha256(file)
        episode = reader(file, problems)
        if episode is None or any(p.severity == "error" for p in problems):
            self.entries.pop(key, None)
        else:
            named = tuple((p, stamp(p)) for p in named_paths(episode))
            self.entries[key] = (now, content, folder, named, episode, tuple(problems))
        self.dirty = True
        return episode, problems

    def save(self) -> None:
        stale = self.entries.keys() - self.used
        for key in stale:
            del self.entries[key]
        if not (self.dirty or stale):
            return
        if not self.file.parent.is_dir():
            # no .podpipe/ yet (a check never creates it): a publish writes this once it
            # has made the folder (save_pending), so its first edit is not a full parse
            _PENDING[self.file] = self
            return
        _PENDING.pop(self.file, None)
        data = {"code": self.code, "entries": self.entries}
        try:
            write_atomic(self.file, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, PodpipeError):  # write_atomic names the path; a cache needs not
            pass  # a read-only show folder, a full disk: the next run parses again


# Caches read before their .podpipe/ existed, by file: kept for save_pending().
_PENDING: dict[Path, EpisodeCache] = {}


def save_pending(work_dir: Path) -> None:
    """Write the episode cache this process read before ``work_dir`` existed (the first
    publish of a show): otherwise the next publish that has work parses every episode
    again, since a no-op publish reads none."""
    cache = _PENDING.pop(work_dir / CACHE_FILE, None)
    if cache is not None:
        cache.save()


def sha256(file: Path) -> str | None:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return None
