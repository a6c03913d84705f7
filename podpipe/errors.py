"""Errors a user can cause. The CLI turns them into messages and exit codes."""

from __future__ import annotations

import errno
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the show's configuration, located precisely."""

    file: Path
    line: int | None  # 1-based; None when the problem is not tied to a line
    key: str  # dotted path, e.g. "club.cycles[1].start"
    message: str
    severity: str = "error"  # "error" or "warning"

    @property
    def where(self) -> str:
        """``file:line`` (or the file alone): ``feed.xml:12``, ``show.yaml``."""
        return str(self.file) + (f":{self.line}" if self.line else "")

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.where}:{key} {self.message}"

    def labelled(self) -> str:
        """The problem as `check` and `status` list it: ``error: feed.xml:12: ...``."""
        return f"{self.severity}: {self}"

    @classmethod
    def at(cls, where: str, message: str, severity: str = "error") -> Problem:
        """A problem in a built file, located as ``name`` or ``name:line``."""
        name, _, line = (
            where.rpartition(":") if where.rpartition(":")[2].isdigit() else (where, "", "")
        )
        return cls(Path(name), int(line) if line else None, "", message, severity)


def exit_code(config: list[Problem], site: list[Problem] = ()) -> int:
    """What `check` and `status` exit with: 2 for configuration errors (nothing can be
    published), 1 for errors in the built site, 0 otherwise."""
    if any(p.severity == "error" for p in config):
        return 2
    return 1 if any(p.severity == "error" for p in site) else 0


class PodpipeError(Exception):
    """Base class for errors with a user-facing message."""

    exit_code = 1


class ConfigError(PodpipeError):
    """The show's configuration is invalid; carries every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        n = len(errors)
        head = f"{n} configuration problem{'s' if n != 1 else ''}:"
        super().__init__("\n".join([head, *("  " + str(p) for p in errors)]))


class ProcessingError(PodpipeError):
    """A stage failed on real input (corrupt audio, a missing model...)."""

    exit_code = 1

    def __init__(self, message: str, *, file: Path | None = None):
        self.file = file
        super().__init__(f"{file}: {message}" if file else message)


class RequestError(PodpipeError):
    """What was asked for cannot be done as asked (an option's value, a model name):
    a mistake in the request, like a configuration error, so exit code 2."""

    exit_code = 2


class DeployError(PodpipeError):
    """The deploy target cannot be reached, refuses the site or lacks credentials."""

    exit_code = 1


class BusyError(PodpipeError):
    """Another podpipe run holds the show's lock."""

    exit_code = 1


def write_failure(path: Path | None, err: OSError, needed: int | None = None) -> ProcessingError:
    """A write that failed for lack of space, a file-size limit or permissions, as a
    message naming the path and what to do (the one wording for every target: the lock,
    guids.yaml, club files, the stage cache, the staging site, the old site). ``path``
    is the file meant (not a temporary one); None: the file the error names."""
    if path is None:
        path = Path(err.filename) if getattr(err, "filename", None) else Path(".")
    if err.errno == errno.ENOSPC:
        free = _free_bytes(path)
        need = f"{needed:,} bytes needed, " if needed else ""
        what = f"no space left on the device ({need}{free} free): free some space and run again"
    elif err.errno == errno.EFBIG:
        what = (
            "the file would pass the file-size limit of this process (ulimit -f)"
            f"{f' at {needed:,} bytes' if needed else ''}: raise the limit and run again"
        )
    elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = (
            f"{'read-only' if err.errno == errno.EROFS else 'not writable'} "
            f"({err.strerror}): make it and its folder writable and run again"
        )
    else:
        what = f"{err.strerror or err}"
    return ProcessingError(what, file=path)


def _free_bytes(path: Path) -> str:
    for folder in (path, *path.parents):
        try:
            return f"{shutil.disk_usage(folder).free:,} bytes"
        except OSError:
            continue
    return "unknown"
