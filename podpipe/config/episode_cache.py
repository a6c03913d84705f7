"""Parsed, validated episode files kept between runs: an unchanged episode costs a stat.

A show of 1000 episodes spends most of a no-op publish parsing 1000 episode.yaml files.
So each episode read is kept in ``.podpipe/episodes.cache`` with what it depended on:
the episode.yaml's size and mtime (the fast path) and content hash (a touched but
unchanged file is not parsed again), the folder's mtime (a file added or removed, say a
second recording), and the size and mtime of every file the episode names (audio,
notes_file, artwork, hand-edited transcript). An episode with an error is not kept: it
is read again until it is fixed. The cache is podpipe's own state, written atomically,
and thrown away whole when podpipe's config code changes. With each episode it keeps
the hash of its record (cache.record_digest), which the build memo would otherwise take
anew for every episode of every publish: ``known_digest`` gives it for an episode this
process read through the cache, as long as it is that very object.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from podpipe import __version__, cache
from podpipe.cache import record_digest, write_atomic
from podpipe.config.model import Episode
from podpipe.errors import PodpipeError, Problem

CACHE_FILE = "episodes.cache"
FORMAT = 2
CONFIG_CODE = Path(__file__).parent

Stamp = tuple[int, int] | None  # (size, mtime_ns); None when the path is not there


def stamp(path: Path | str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def code_stamp() -> tuple:
    """podpipe's version, its config code and cache.record as they are now: a change
    drops the cache."""
    files = sorted(p for p in os.listdir(CONFIG_CODE) if p.endswith(".py"))
    config = tuple((f, stamp(CONFIG_CODE / f)) for f in files)
    return (FORMAT, __version__, config, stamp(Path(cache.__file__)))  # cache: record()


def named_paths(episode: Episode) -> tuple[Path, ...]:
    """The files an episode read names besides its episode.yaml (their stamps are kept)."""
    paths = (episode.audio, episode.notes_file, episode.artwork, episode.transcript)
    return tuple(p for p in paths if p is not None)


class EpisodeCache:
    """``read(file, reader)``: the cached (episode, problems) of an episode.yaml, or the
    reader's, kept for next time. ``save()`` writes the cache when anything changed."""

    def __init__(self, work_dir: Path):
        self.file = work_dir / CACHE_FILE
        self.root = os.fspath(work_dir.parent)  # the show folder: records hashed without it
        _DIGESTS.clear()  # the last read's episodes (serve --watch reads on every change)
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
            file_stamp, content, folder, named, episode, problems, record = entry
            if folder == stamp(os.path.dirname(key)) and all(stamp(p) == s for p, s in named):
                if file_stamp != now and (now is None or content != sha256(file)):
                    pass  # changed: read again
                else:
                    if file_stamp != now:  # touched, the same bytes
                        self.entries[key] = (now, *entry[1:])
                        self.dirty = True
                    _DIGESTS[id(episode)] = (episode, self.root, record)
                    return episode, list(problems)
        problems: list[Problem] = []
        folder = stamp(file.parent)
        content = sha256(file)
        episode = reader(file, problems)
        if episode is None or any(p.severity == "error" for p in problems):
            self.entries.pop(key, None)
        else:
            named = tuple((p, stamp(p)) for p in named_paths(episode))
            record = record_digest(self.root, episode)
            self.entries[key] = (now, content, folder, named, episode, tuple(problems), record)
            _DIGESTS[id(episode)] = (episode, self.root, record)
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


# id(episode) -> (the episode, the show folder, its record digest), for the episodes of
# the latest read (each holds its episode: an id is never another's meanwhile).
_DIGESTS: dict[int, tuple[Episode, str, str]] = {}


def known_digest(episode: Episode, root: Path | str) -> str | None:
    """``cache.record_digest(root, episode)`` as kept with the episode's cache entry, if
    ``episode`` is the very record read through the cache (one changed since by
    dataclasses.replace is another object) in the show folder ``root``."""
    found = _DIGESTS.get(id(episode))
    if found is None or found[0] is not episode or found[1] != os.fspath(root):
        return None
    return found[2]


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
