"""One deploy, in order:

1. hash the built site's files (cached by size and mtime: MP3s are hashed once);
2. compare them with the target's record: what is new or changed, what is gone;
3. send the new and changed files in the order of :func:`files.rank` (the MP3s first,
   the feed last), recording each as the target confirms it;
4. only then remove what the site no longer has, so the feed on the target never names
   a file that is not there.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from podpipe.cache import SourceHashes
from podpipe.config import DeployTarget, Show
from podpipe.deploy.files import SiteFile, site_files
from podpipe.deploy.folder import FolderTarget
from podpipe.deploy.git import GitTarget
from podpipe.deploy.record import Record
from podpipe.deploy.rsync import RsyncTarget
from podpipe.deploy.s3 import S3Target
from podpipe.deploy.target import Plan, Target, plan
from podpipe.text import megabytes

KINDS: dict[str, type[Target]] = {
    "folder": FolderTarget,
    "rsync": RsyncTarget,
    "git": GitTarget,
    "s3": S3Target,
}
PHASES = {0: "audio", 1: "transcripts, chapters, images and scripts", 2: "pages", 3: "feeds"}
PHASES[4] = "the feed"


@dataclass
class DeployResult:
    show: Show
    target: DeployTarget
    plan: Plan
    dry_run: bool = False
    sent: list[SiteFile] = field(default_factory=list)  # in the order the target got them
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def bytes_sent(self) -> int:
        return sum(f.size for f in self.sent)

    def lines(self, verbose: bool = False) -> list[str]:
        label = self.target.address
        out = [f"warning: {w}" for w in self.warnings]
        if self.dry_run:
            p = self.plan
            out += [
                f"  send    {f.path} ({'new' if f.path in p.new else 'changed'}, "
                f"{megabytes(f.size)})"
                for f in p.send
            ]
            out += [f"  remove  {path}" for path in p.remove]
            out.append(
                f"Would send {len(p.send)} file(s) ({megabytes(p.bytes)}) to {label} and "
                f"remove {len(p.remove)}; {p.unchanged} unchanged. "
                "Dry run: nothing was sent or removed."
            )
            return out
        if verbose:
            out += [f"  sent    {f.path}" for f in self.sent]
            out += [f"  removed {path}" for path in self.removed]
        if not self.sent and not self.removed:
            out.append(f"{label} is up to date: nothing to send ({self.plan.unchanged} file(s)).")
        else:
            out.append(
                f"Deployed to {label}: {len(self.sent)} file(s) sent "
                f"({megabytes(self.bytes_sent)}), {len(self.removed)} removed, "
                f"{self.plan.unchanged} unchanged."
            )
        out.append(f"The feed to submit to podcast directories: {self.show.feed_url}")
        return out


def deploy(show: Show, target: DeployTarget, *, dry_run: bool = False, progress=None):
    """Send the built site in ``show.site_dir`` to ``target``; see the module's steps."""
    hashes = SourceHashes(show.work_dir / "deploy" / "hashes.json")
    files = site_files(show.site_dir, hashes)
    hashes.save()
    kind = KINDS[target.kind](target, show)
    record = Record(kind.state, target)
    result = DeployResult(show, target, plan(files, record, kind), dry_run=dry_run)
    if dry_run:
        return result
    if not kind.whole_site and not result.plan.send and not result.plan.remove:
        return result  # up to date: nothing to connect for
    say = progress.message if progress else (lambda text: None)
    say(f"deploying to {kind.label}")
    kind.connect()
    try:
        if kind.whole_site:
            # The branch itself says what it holds: compare with it, not the record.
            change = kind.replace(show.site_dir, files)
            result.sent, result.removed = change.sent, change.removed
            result.plan = Plan(change.sent, set(), change.removed, len(files) - len(change.sent))
            record.replace_all(files)
        else:
            send(kind, result, record, say)
    finally:
        record.save()
        kind.close()
        result.warnings += kind.warnings
    return result


def send(target: Target, result: DeployResult, record: Record, say) -> None:
    """File by file, phase by phase; the record follows every confirmed file."""
    for rank, group in itertools.groupby(result.plan.send, key=lambda f: f.rank):
        files = list(group)
        say(
            f"sending {PHASES[rank]}: {len(files)} file(s), {megabytes(sum(f.size for f in files))}"
        )
        for f in target.send(files):
            record.sent(f.path, f.sha256)
            result.sent.append(f)
    if result.plan.remove:
        say(f"removing {len(result.plan.remove)} file(s) the site no longer has")
        for path in target.remove(result.plan.remove):
            record.removed(path)
            result.removed.append(path)
