"""The feed lint's findings kept with what they were found in: `status` and `check` of a
large show do not parse a 3 MB feed.xml and look up 3000 files again when nothing
in the site changed.

An entry is kept in ``.podpipe/lint.cache`` under a key of podpipe's version and the
lint's code, the show's ``base_url`` and ``feed_url``, the site folder, the content
hash of its feed.xml and the tree_hash of the site (every file's size and mtime). It
is used only when the lint looked at nothing outside the site's tree_hash (a URL that
leaves the site, a hidden folder): then the findings are the ones the lint would give.
The artwork it checks is kept by file apart from it (images.ImageChecks): a changed feed
(every publish) does not decode the same artwork again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from podpipe import __version__
from podpipe.cache import digest, tree_hash, write_atomic
from podpipe.config import Show
from podpipe.errors import PodpipeError, Problem

LINT_FILE = "lint.cache"
FORMAT = 1
CODE = (Path(__file__).parent, Path(__file__).parent.parent / "config")  # the rules, categories


def code_stamp() -> list:
    """Every file of the lint and the config it reads (APPLE_CATEGORIES), as it is now."""
    return [tree_hash(folder, skip={"__pycache__"}) for folder in CODE]


def key(show: Show, site_dir: Path, tree: str | None = None) -> str | None:
    """The key of the lint of ``site_dir`` as it is now (``tree``: its tree_hash, if
    just taken); None without a feed.xml."""
    try:
        feed = hashlib.sha256((site_dir / "feed.xml").read_bytes()).hexdigest()
    except OSError:
        return None
    site = tree or tree_hash(site_dir)
    return digest(
        FORMAT, __version__, code_stamp(), show.base_url, show.feed_url, str(site_dir), feed, site
    )


def covered(site_dir: Path, paths: list[str]) -> bool:
    """Whether every file the lint looked up is one the site's tree_hash stamps."""
    top = os.path.join(os.path.normpath(os.fspath(site_dir)), "")
    for p in paths:
        p = os.path.normpath(p)
        if not p.startswith(top) or "/." in "/" + p[len(top) :]:
            return False
    return True


def _read(show: Show) -> dict:
    try:
        data = json.loads((show.work_dir / LINT_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recall(show: Show, lint_key: str | None) -> list[Problem] | None:
    """The findings kept under ``lint_key``, if that is the key they were kept with."""
    if lint_key is None:
        return None
    data = _read(show)
    try:
        if data.get("key") != lint_key:
            return None
        return [Problem(Path(f), line, k, msg, sev) for f, line, k, msg, sev in data["findings"]]
    except (KeyError, TypeError, ValueError):
        return None


def keep(show: Show, lint_key: str | None, findings: list[Problem]) -> None:
    """Keep ``findings`` for the next lint (not where there is no .podpipe/: a check of
    a show never published makes none)."""
    if lint_key is None or not show.work_dir.is_dir():
        return
    rows = [[str(p.file), p.line, p.key, p.message, p.severity] for p in findings]
    data = {"key": lint_key, "findings": rows}
    try:
        write_atomic(show.work_dir / LINT_FILE, json.dumps(data))
    except (OSError, PodpipeError):
        pass  # a read-only show folder: the next lint looks again
