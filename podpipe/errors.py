"""Errors a user can cause. The CLI turns them into messages and exit codes."""

from __future__ import annotations

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

    def __str__(self) -> str:
        where = str(self.file) + (f":{self.line}" if self.line else "")
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


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


class BusyError(PodpipeError):
    """Another podpipe run holds the show's lock."""

    exit_code = 1
