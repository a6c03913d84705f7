"""A local or mounted folder: each file copied under a temporary name, then renamed, so
a web server serving the folder never serves half a file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from podpipe.cache import current_umask
from podpipe.deploy.files import SiteFile
from podpipe.deploy.target import Target
from podpipe.errors import DeployError


class FolderTarget(Target):
    @property
    def root(self) -> Path:
        return Path(self.target.location)

    def connect(self) -> None:
        root = self.root
        if not root.exists():
            if not root.parent.is_dir():
                raise DeployError(
                    f"cannot deploy to {root}: {root.parent} does not exist "
                    "(is the drive mounted?); create the folder first"
                )
            self._mkdir(root)
        if not root.is_dir():
            raise DeployError(f"cannot deploy to {root}: it is a file, not a folder")
        if not os.access(root, os.W_OK | os.X_OK):
            raise DeployError(f"cannot deploy to {root}: the folder is not writable")

    def holds(self, file: SiteFile) -> bool:
        try:
            return (self.root / file.path).stat().st_size == file.size
        except OSError:
            return False

    def send(self, files: list[SiteFile]) -> Iterator[SiteFile]:
        for f in files:
            self._copy(f.file, self.root / f.path)
            yield f

    def remove(self, paths: list[str]) -> Iterator[str]:
        for path in paths:
            dest = self.root / path
            try:
                dest.unlink(missing_ok=True)
            except OSError as e:
                raise DeployError(f"cannot remove {dest}: {e.strerror}") from None
            self._prune(dest.parent)
            yield path

    def _copy(self, src: Path, dest: Path) -> None:
        self._mkdir(dest.parent)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, src.open("rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
            os.chmod(tmp, 0o666 & ~current_umask())
            os.replace(tmp, dest)
        except OSError as e:
            Path(tmp).unlink(missing_ok=True)
            raise DeployError(f"cannot write {dest}: {e.strerror}") from None

    def _mkdir(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DeployError(f"cannot create {folder}: {e.strerror}") from None

    def _prune(self, folder: Path) -> None:
        """Remove folders left empty (a removed episode's), never the target itself."""
        root = self.root.resolve()
        while folder.resolve() != root and root in folder.resolve().parents:
            try:
                folder.rmdir()  # only when empty: the host's own files stay
            except OSError:
                return
            folder = folder.parent
