"""The warnings of the last publish, kept in ``.podpipe/warnings.json``.

A warning that has not changed since the last publish (a clipped recording says so on
every run) is printed once, then only counted; `podpipe check` lists them all.
"""

from __future__ import annotations

import json

from podpipe.cache import write_atomic
from podpipe.config import Show

WARNINGS_FILE = "warnings.json"


def last_warnings(show: Show) -> list[str]:
    """The warning lines the last publish printed or counted (oldest first)."""
    try:
        data = json.loads((show.work_dir / WARNINGS_FILE).read_text())
    except (OSError, ValueError):
        return []
    return [str(w) for w in data] if isinstance(data, list) else []


def keep_warnings(show: Show, lines: list[str]) -> None:
    """Record this publish's warning lines, when they differ from the last ones."""
    if lines != last_warnings(show):
        write_atomic(show.work_dir / WARNINGS_FILE, json.dumps(lines, indent=0))
