"""An rsync destination (``rsync://`` daemon or ``[user@]host:path`` over ssh), through
the rsync program.

podpipe decides what to send (from its record) and in what order; rsync moves the bytes,
one run per batch, so a batch of MP3s is on the server before the pages and the feed
that name them. Removals are one more run with ``--delete-missing-args``: only the
files podpipe sent before and the site no longer has are removed, never others.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from podpipe.deploy.files import SiteFile
from podpipe.deploy.target import Target, batches
from podpipe.errors import DeployError

# -r -t: folders and modification times (so a later rsync by hand compares cheaply);
# world-readable files and folders, as a web server needs them, whatever the umask.
OPTIONS = ("-rt", "--chmod=D755,F644", "--from0", "--timeout=120")


class RsyncTarget(Target):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_dir: Path | None = None

    def connect(self) -> None:
        if shutil.which("rsync") is None:
            raise DeployError(
                f"deploying to {self.label} needs the rsync program, which is not installed: "
                "apt-get install rsync (Debian, Ubuntu) or brew install rsync (macOS)"
            )

    def send(self, files: list[SiteFile]) -> Iterator[SiteFile]:
        for batch in batches(files):
            root = batch[0].file.parents[len(batch[0].path.split("/")) - 1]
            self._run([f.path for f in batch], root, "sending files")
            yield from batch

    def remove(self, paths: list[str]) -> Iterator[str]:
        if not paths:
            return
        # The paths are missing from a folder holding only their parent folders (rsync
        # walks those): each missing file becomes a deletion request, nothing else is.
        with tempfile.TemporaryDirectory(prefix="podpipe-rsync-") as empty:
            for path in paths:
                (Path(empty) / path).parent.mkdir(parents=True, exist_ok=True)
            self._run(paths, Path(empty), "removing files", "--delete-missing-args")
        yield from paths

    def _run(self, paths: list[str], root: Path, doing: str, *extra: str) -> None:
        with tempfile.NamedTemporaryFile("wb", prefix="podpipe-rsync-", suffix=".list") as lst:
            lst.write(b"\0".join(os.fsencode(p) for p in paths) + b"\0")
            lst.flush()
            argv = ["rsync", *OPTIONS, *extra, f"--files-from={lst.name}"]
            argv += [f"{root}/", self.target.location]
            try:
                done = subprocess.run(argv, capture_output=True, text=True, errors="replace")
            except OSError as e:
                raise DeployError(f"cannot run rsync: {e.strerror}") from None
        if done.returncode != 0:
            said = [line for line in done.stderr.splitlines() if line.strip()][-3:]
            raise DeployError(
                f"rsync {doing} to {self.label} failed (rsync exit code {done.returncode}): "
                + (" / ".join(said) or "no message")
                + ". Check the address, the network and your ssh or rsync daemon access; "
                "what was sent is recorded: run podpipe deploy again to finish"
            )
