"""The target protocol every kind of deploy target follows, and what a deploy would do.

A file-by-file target (a folder, rsync, an object store) sends files in the order it is
given and yields each one once the target holds it, so the record can follow; it
removes files the same way. A target whose update is one step (a git push: the branch
moves to the new commit or stays) sets ``whole_site`` and implements ``replace``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from podpipe.config import DeploySettings, DeployTarget, Show
from podpipe.deploy.files import SiteFile
from podpipe.deploy.record import Record, record_file

BATCH_FILES = 500
BATCH_BYTES = 256_000_000


@dataclass
class Change:
    """What a whole-site target changed: the files it sent and the paths it removed."""

    sent: list[SiteFile] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class Target:
    """One deploy target (subclasses: one per kind of target)."""

    whole_site = False

    def __init__(self, target: DeployTarget, show: Show):
        self.target = target
        self.show = show
        self.settings: DeploySettings = show.deploy
        self.state = record_file(show.work_dir, target)  # this target's record
        self.warnings: list[str] = []

    @property
    def label(self) -> str:
        return self.target.address

    def connect(self) -> None:
        """Check the target can be reached and written to; DeployError when not."""

    def holds(self, file: SiteFile) -> bool:
        """Whether a file the record lists is still on the target (where cheap to tell)."""
        return True

    def send(self, files: list[SiteFile]) -> Iterator[SiteFile]:
        raise NotImplementedError

    def remove(self, paths: list[str]) -> Iterator[str]:
        raise NotImplementedError

    def replace(self, site_dir: Path, files: list[SiteFile]) -> Change:
        raise NotImplementedError

    def close(self) -> None:
        """Release connections and temporary files."""


@dataclass
class Plan:
    """What a deploy sends (in order, with why) and removes."""

    send: list[SiteFile]
    new: set[str]  # the paths among ``send`` the target has never had
    remove: list[str]
    unchanged: int

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.send)


def plan(files: list[SiteFile], record: Record, target: Target) -> Plan:
    """Send what the target lacks or holds in another version; remove what podpipe sent
    it before and the site no longer has (nothing else on the target is touched)."""
    send, new = [], set()
    for f in files:
        known = record.files.get(f.path)
        if known is None:
            new.add(f.path)
        if known != f.sha256 or not target.holds(f):
            send.append(f)
    in_site = {f.path for f in files}
    remove = sorted(p for p in record.files if p not in in_site)
    return Plan(send, new, remove, len(files) - len(send))


def batches(files: Iterable[SiteFile]) -> Iterator[list[SiteFile]]:
    """Files in groups of at most BATCH_FILES files or BATCH_BYTES bytes, each of one rank
    (a batch never mixes the MP3s with the pages, nor anything with the feed)."""
    batch: list[SiteFile] = []
    size = 0
    for f in files:
        if batch and (
            len(batch) >= BATCH_FILES or size + f.size > BATCH_BYTES or f.rank != batch[0].rank
        ):
            yield batch
            batch, size = [], 0
        batch.append(f)
        size += f.size
    if batch:
        yield batch
