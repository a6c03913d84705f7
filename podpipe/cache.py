"""podpipe's on-disk memory: content hashes of sources and finished stage outputs.

A stage output lives in ``.podpipe/stages/<stage>/<key>/`` where ``key`` hashes every
input that can change the output. The folder is built under a temporary name and
renamed into place when the stage finished, so a folder that exists is complete: a
publish killed at any moment never leaves a half-written output that is reused.
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from podpipe.errors import write_failure

PACKAGE_DIR = Path(__file__).parent  # podpipe/: templates and static


def portable(root: Path | str, value: object) -> str:
    """``repr(value)`` with the show folder ``root`` and podpipe's own folder left out:
    a cache key that a moved show (or a moved install) keeps."""
    return repr(value).replace(str(root), "<show>").replace(str(PACKAGE_DIR), "<podpipe>")


def record(value: object) -> str:
    """Every field of a config record, nested: unlike its ``repr``, which leaves out the
    fields that stages name in their identities themselves (an episode's transcript,
    corrections, vocabulary and tracks, a guest's voice sample, the show's corrections):
    the memo stands for every identity, so it takes them all."""
    kind = type(value)
    if kind in _PLAIN:
        return repr(value)
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        inner = ", ".join([f"{n}={record(getattr(value, n))}" for n in names])
        return f"{kind.__name__}({inner})"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join([record(v) for v in value]) + ")"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: repr(kv[0]))
        return "{" + ", ".join(f"{k!r}: {record(v)}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):  # in an order that is the same in every run
        return "{" + ", ".join(sorted(record(v) for v in value)) + "}"
    return repr(value)


_PLAIN = {str, int, float, bool, type(None), type(Path())}
_FIELDS: dict[type, tuple[str, ...]] = {}


def record_digest(root: Path | str, value: object) -> str:
    """The hash of a config record's every field (``record``), portable as cache keys
    are (the show folder ``root`` and podpipe's own left out)."""
    return hashlib.sha256(portable(root, record(value)).encode()).hexdigest()


# json.dumps(part, sort_keys=True, default=str), without a new encoder for every call
# (a large show's publish takes thousands of digests): the same text, so the same keys.
_ENCODE = json.JSONEncoder(sort_keys=True, default=str).encode


def digest(*parts: Any) -> str:
    """A short stable hash of JSON-able parts (dataclass reprs, dicts, strings)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(_ENCODE(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


# Folders (with a trailing separator) whose files write_atomic does not fsync one by one:
# synced_at_end() syncs them all at once.
_SYNC_AT_END: set[str] = set()


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so readers see the old or the new content, never a mix; on disk
    before it replaces the old one (fsync), unless it lies in a synced_at_end() folder.

    The file keeps the mode of the file it replaces, else gets the usual one for the
    umask (0644): mkstemp's private 0600 would travel to the web host with rsync. A
    full disk, a file-size limit or a read-only folder is a ProcessingError naming the
    path; the old content stays and no temporary file is left behind.
    """
    data = data.encode() if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise write_failure(path, e, len(data)) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if not _SYNC_AT_END or not _synced_later(path):
                os.fsync(f.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~current_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise write_failure(path, e, len(data)) from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _synced_later(path: Path) -> bool:
    name = os.fspath(path)
    return any(name.startswith(folder) for folder in _SYNC_AT_END)


@contextmanager
def synced_at_end(root: Path) -> Iterator[None]:
    """Files write_atomic writes under ``root`` skip their own fsync; when the block
    succeeds, one ``syncfs`` of root's file system puts all of them (and the folders and
    links made there) on disk. For a tree that is only used once complete, say a staging
    site swapped in by a rename afterwards: the rename must come after this returns, so
    a crash leaves the old tree or the whole new one, never new names on unwritten data.
    """
    folder = os.path.join(os.fspath(root), "")
    _SYNC_AT_END.add(folder)
    try:
        yield
    finally:
        _SYNC_AT_END.discard(folder)
    sync_file_system(root)


def sync_file_system(path: Path) -> None:
    """Flush every write on ``path``'s file system to disk (Linux syncfs, else sync)."""
    import ctypes  # stdlib, loaded only when a tree is synced
    import ctypes.util

    fd = os.open(path, os.O_RDONLY)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        done = libc.syncfs(fd) == 0
    except (OSError, AttributeError):
        done = False
    finally:
        os.close(fd)
    if not done:
        os.sync()


@contextmanager
def exclusive(lock_file: Path, *, busy: Callable[[str], Exception] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created if missing): podpipe's one lock.

    Without ``busy`` it waits for the lock (short read-modify-write steps that two
    commands may run at once). With ``busy`` it does not wait: a lock held elsewhere
    raises ``busy(holder)``, ``holder`` being the pid the holder wrote into the file.
    """
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        # unbuffered: on a full disk the pid is simply not written, nothing fails at close
        f = lock_file.open("a+b", buffering=0)
    except OSError as e:
        raise write_failure(lock_file, e) from e
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (fcntl.LOCK_NB if busy else 0))
        except BlockingIOError:
            f.seek(0)
            holder = f.read().decode(errors="replace").strip()
            raise busy(holder or "another process") from None
        try:
            f.seek(0)
            f.truncate()
            f.write(str(os.getpid()).encode())
        except OSError as e:  # a full disk: the lock holds, the pid is just not written
            if e.errno not in (errno.ENOSPC, errno.EFBIG):
                raise write_failure(lock_file, e) from e
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def tree_hash(root: Path, skip: frozenset[str] | set[str] = frozenset()) -> str:
    """Every folder and file under ``root`` with its size and mtime, in one hash, leaving
    out hidden folders (podpipe's own state, a deploy's) and folders named in ``skip``.
    Cheap enough for `serve --watch` to take every second. Each folder's
    entries by name: the same tree hashes the same, so one walk after a publish serves
    both this record and the site's stamp (fingerprint.site_stamp). Paths relative to
    ``root``: a show copied with its mtimes (shutil.copytree) keeps its site's stamp."""
    h = hashlib.sha256()
    top = os.fspath(root)
    cut = len(top)
    todo = [top]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            h.update(f"{folder[cut:]}\0-\n".encode())
            continue
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    if e.name.startswith(".") or e.name in skip:
                        continue
                    todo.append(e.path)
                    h.update(f"{e.path[cut:]}/\n".encode())
                    continue
                st = e.stat()
                h.update(f"{e.path[cut:]}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            except OSError:
                h.update(f"{e.path[cut:]}\0-\n".encode())
    return h.hexdigest()


class SourceHashes:
    """Content hashes of source files, re-read only when size or mtime change."""

    def __init__(self, store: Path):
        self.store = store
        self._lock = threading.Lock()
        try:
            self._known = json.loads(store.read_text())
        except (OSError, ValueError):
            self._known = {}
        self._dirty = False
        self._resolved: dict[Path, str] = {}  # resolve() walks every component: once
        self._folders: dict[str, str] = {}  # a folder -> its resolved path

    def of(self, path: Path) -> str:
        st = os.stat(path)
        stamp = f"{st.st_size}:{st.st_mtime_ns}"
        key = self._resolved.get(path)
        if key is None:
            key = self._resolved.setdefault(path, self._resolve(path))
        with self._lock:
            known = self._known.get(key)
            if known and known[0] == stamp:
                return known[1]
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        value = h.hexdigest()
        with self._lock:
            self._known[key] = [stamp, value]
            self._dirty = True
        return value

    def _resolve(self, path: Path) -> str:
        """``str(path.resolve())``, each folder resolved once for all the files and
        folders in it (resolve() lstats every component of every path: a thousand
        episodes, a thousand walks to the root)."""
        name = os.fspath(path)
        if not os.path.isabs(name) or os.path.normpath(name) != name:
            return str(path.resolve())
        return self._real(name)

    def _real(self, name: str) -> str:
        folder, base = os.path.split(name)
        if not base or os.path.islink(name):
            return str(Path(name).resolve())
        real = self._folders.get(folder)
        if real is None:
            real = self._folders.setdefault(folder, self._real(folder))
        return os.path.join(real, base)

    def save(self) -> None:
        with self._lock:
            if self._dirty:
                write_atomic(self.store, json.dumps(self._known, indent=0, sort_keys=True))
                self._dirty = False


class StageCache:
    """Finished stage outputs by (stage, key)."""

    def __init__(self, root: Path):
        self.root = root
        self._root = os.fspath(root)
        self._paths: dict[tuple[str, str], Path] = {}
        # stage -> the keys in its folder, listed on first use (one listdir, not a stat
        # per episode and stage) and kept up to date by building() and remove()
        self._listed: dict[str, set[str]] = {}

    def path(self, stage: str, key: str) -> Path:
        found = self._paths.get((stage, key))
        if found is None:
            found = self._paths.setdefault((stage, key), Path(self._root, stage, key))
        return found

    def has(self, stage: str, key: str) -> bool:
        listed = self._listed.get(stage)
        if listed is None:
            try:
                names = os.listdir(os.path.join(self._root, stage))
            except OSError:
                names = []
            listed = self._listed.setdefault(stage, set(names))
        if key in listed:
            return True
        if os.path.isdir(os.path.join(self._root, stage, key)):  # made by another process
            listed.add(key)
            return True
        return False

    def remove(self, stage: str, key: str) -> None:
        """Delete a stage output (to build it again)."""
        self._listed.get(stage, set()).discard(key)
        shutil.rmtree(self.path(stage, key))

    @contextmanager
    def building(self, stage: str, key: str) -> Iterator[Path]:
        """Yield a fresh temporary folder; on success it becomes the stage output."""
        final = self.path(stage, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{key}.", suffix=".tmp"))
        try:
            yield tmp
            if final.exists():  # built meanwhile by another job: keep the first
                shutil.rmtree(tmp)
            else:
                os.replace(tmp, final)
            self._listed.get(stage, set()).add(key)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def prune(self, keep: dict[str, set[str]]) -> int:
        """Delete stage outputs (and stale temporaries) not in ``keep``; return how many."""
        removed = 0
        for stage_dir in self.root.glob("*"):
            if not stage_dir.is_dir():
                continue
            wanted = keep.get(stage_dir.name)
            if wanted is None:
                continue
            for entry in stage_dir.iterdir():
                if entry.name not in wanted:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        return removed


def link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to ``src`` (stage outputs are immutable in the cache: share
    them), a copy where links cannot be made."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def link_tree(source: Path, out: Path) -> None:
    """``source``'s files in ``out`` as hard links (copies where links cannot be made)."""
    for path in source.rglob("*"):
        target = out / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            link_or_copy(path, target)
