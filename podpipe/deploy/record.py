"""What a target holds: the content hash of every file podpipe sent it, per target.

``.podpipe/deploy/<target-id>.json`` is updated as files arrive (atomically, every few
files and when the deploy ends or is interrupted), so a deploy stopped part-way knows
on the next run what is already there and sends only the rest. A file is recorded
only after the target confirmed it, and forgotten only after the target removed it:
the record never claims more than the target has.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from podpipe.cache import digest, write_atomic
from podpipe.config import DeployTarget

SAVE_EVERY_S = 2.0


def record_file(work_dir: Path, target: DeployTarget) -> Path:
    """``.podpipe/deploy/<kind>-<name>-<hash>.json``: readable, and one per address."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", target.location).strip("-")[-40:] or "root"
    return work_dir / "deploy" / f"{target.kind}-{name}-{digest(target.address)[:8]}.json"


class Record:
    def __init__(self, path: Path, target: DeployTarget):
        self.path = path
        self.target = target
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.files: dict[str, str] = dict(data["files"])
        except (OSError, ValueError, KeyError, TypeError):
            self.files = {}
        self._saved_at = time.monotonic()
        self._dirty = False

    def sent(self, path: str, sha256: str) -> None:
        self.files[path] = sha256
        self._changed()

    def removed(self, path: str) -> None:
        self.files.pop(path, None)
        self._changed()

    def replace_all(self, files) -> None:
        """The target holds exactly these files now (a whole-site target was updated)."""
        self.files = {f.path: f.sha256 for f in files}
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        if time.monotonic() - self._saved_at >= SAVE_EVERY_S:
            self.save()

    def save(self) -> None:
        if not self._dirty:
            return
        data = {"target": self.target.address, "files": dict(sorted(self.files.items()))}
        write_atomic(self.path, json.dumps(data, indent=1) + "\n")
        self._saved_at = time.monotonic()
        self._dirty = False
