"""Progress for long work: seconds of audio processed, with an estimate of time left.

Stages report ``progress(done_seconds, total_seconds)``; this turns that into one
updating line on a terminal, or occasional plain lines when output is not a terminal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import click

from podpipe.text import clock, megabytes


class TerminalProgress:
    """Renders progress from any number of labelled tasks (thread-safe)."""

    def __init__(self, console, *, min_interval: float = 0.2, plain_interval: float = 10.0):
        self.console = console
        self.enabled = console.verbosity >= 0
        self.tty = console.tty
        self.min_interval = min_interval if self.tty else plain_interval
        self._lock = threading.Lock()
        self._last = 0.0
        self._width = 0

    def callback(self, label: str) -> Callable[[float, float], None]:
        started = time.monotonic()
        said_done: list[float] = []  # the total a finished line was written for

        def report(done: float, total: float) -> None:
            if not self.enabled:
                return
            now = time.monotonic()
            finished = total > 0 and done >= total
            with self._lock:
                if finished and said_done == [total]:
                    return  # a task's last line once, however often it says so
                if not finished and now - self._last < self.min_interval:
                    return
                said_done[:] = [total] if finished else []
                self._last = now
                fraction = min(1.0, done / total) if total > 0 else 0.0
                elapsed = now - started
                eta = elapsed * (1 - fraction) / fraction if fraction > 0.02 else None
                text = f"{label}: {clock(done)} / {clock(total)} of audio ({fraction:4.0%})" + (
                    f", about {clock(eta)} left" if eta and not finished else ""
                )
                self._write(text, finished)

        return report

    def transfer(self, label: str) -> Callable[[int, int | None], None]:
        """Progress of a download: bytes so far of bytes in all (None: unknown), with an
        estimate of the time left."""
        started = time.monotonic()

        def report(done: int, total: int | None) -> None:
            if not self.enabled:
                return
            now = time.monotonic()
            finished = bool(total) and done >= total
            with self._lock:
                if not finished and now - self._last < self.min_interval:
                    return
                self._last = now
                text = f"{label}: {megabytes(done)}"
                if total:
                    fraction = min(1.0, done / total)
                    text += f" / {megabytes(total)} ({fraction:4.0%})"
                    elapsed = now - started
                    if 0.02 < fraction < 1:
                        text += f", about {clock(elapsed * (1 - fraction) / fraction)} left"
                self._write(text, finished)

        return report

    def message(self, text: str) -> None:
        if self.enabled:
            with self._lock:
                self._write(text, True)

    def _write(self, text: str, final: bool) -> None:
        if self.tty:
            pad = " " * max(0, self._width - len(text))
            click.echo("\r" + text + pad, err=True, nl=final)
            self._width = 0 if final else len(text)
        else:
            click.echo(text, err=True)

    def close(self) -> None:
        if self.tty and self._width:
            click.echo("", err=True)
            self._width = 0
