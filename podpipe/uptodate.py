"""Whether a plain `podpipe publish` has anything to do, without reading the show.

A successful full publish records what it read (``.podpipe/published.inputs``): the
paths of every input file and of every folder it listed to find them, the site folder,
the day, podpipe's version and the folders Python imports from. A later publish with no
option that asks for work stats those paths; when every size and mtime is as recorded
(a file added to or removed from a listed folder changes that folder's mtime; a package
installed or upgraded changes its site-packages folder's) and the site is as the
publish left it, there is nothing to do. That costs a stat per file: no YAML parsed, no
stage module imported (podpipe.config is, for its one constant). Anything else (no record, a changed stamp, a cluster to contact,
a publish running) falls back to the full check of podpipe.pipeline, which stays the
authority: this only ever says "nothing to do" where it would say so too.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import sys
from pathlib import Path

from podpipe import __version__
from podpipe.cache import tree_hash, write_atomic
from podpipe.config.model import WORK_DIR

RECORD = "published.inputs"
LOCK = "lock"
FORMAT = 1
NOTHING_CHANGED = "Nothing changed since the last publish; {site} is up to date."


def stamps(paths: list[str]) -> str:
    """One hash of every path's size and mtime (a missing path counts as missing)."""
    h = hashlib.sha256()
    for p in paths:
        try:
            st = os.stat(p)
            h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{p}\0-\n".encode())
    return h.hexdigest()


def environment(today: dt.date) -> list:
    """What a publish depends on besides its files: the day, podpipe, the installed
    packages (their folders' mtimes), whether a cluster is named in the environment."""
    paths = [p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")]
    return [FORMAT, __version__, str(today), stamps(paths), bool(os.environ.get("PODPIPE_CLUSTER"))]


def record(
    show_dir: Path,
    *,
    files: list[str],
    folders: list[str],
    site_dir: Path,
    today: dt.date,
    cluster: bool = False,
    site_tree: str | None = None,
) -> None:
    """Record a successful full publish's inputs (called once the site is in place);
    ``cluster``: the show names one (a publish then contacts it first, change or not);
    ``site_tree``: tree_hash(site_dir) if the caller has just taken it."""
    paths = sorted(set(files) | set(folders))
    data = {
        "root": str(Path(show_dir).resolve()),  # a copied or moved show: the full check
        "environment": environment(today),
        "paths": paths,
        "stamps": stamps(paths),
        "site": str(site_dir),
        "site_tree": site_tree or tree_hash(site_dir),
        "cluster": cluster,
    }
    write_atomic(Path(show_dir) / WORK_DIR / RECORD, json.dumps(data, separators=(",", ":")))


def nothing_to_do(
    show_dir: Path,
    today: dt.date | None = None,
    *,
    only: tuple[str, ...] = (),
    force: bool = False,
    dry_run: bool = False,
    cluster: str | None = None,
    site_tree: tuple[Path, str] | None = None,
) -> Path | None:
    """The site folder when a publish with these options would change nothing, as far as
    the record of the last one tells; None when the full check must decide.
    ``site_tree``: (a folder, its tree_hash) if the caller has just taken it."""
    if only or force or dry_run or cluster:
        return None
    work = Path(show_dir) / WORK_DIR
    try:
        data = json.loads((work / RECORD).read_text())
        if data["root"] != str(Path(show_dir).resolve()):
            return None
        if data["environment"] != environment(today or dt.date.today()) or busy(work / LOCK):
            return None
        if data["environment"][-1] or data["cluster"] or stamps(data["paths"]) != data["stamps"]:
            return None
        site = Path(data["site"])
        known = site_tree[1] if site_tree and site_tree[0] == site else None
        if (known or tree_hash(site)) != data["site_tree"]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return site


def busy(lock_file: Path) -> bool:
    """Whether a publish holds the show's lock now (then it decides, not this)."""
    try:
        with open(lock_file, "rb") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
    except FileNotFoundError:
        return False
    return False
