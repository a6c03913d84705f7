"""The pipes to a streaming ffmpeg child: its stderr drained in a thread, a wider pipe."""

from __future__ import annotations

import re

from podpipe.media.ffmpeg import clock_seconds


class StderrReader:
    """Drains a child's stderr in a thread (a full pipe would block ffmpeg)."""

    def __init__(self, stream):
        import threading

        self.lines: list[str] = []
        self._stream = stream
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        for raw in iter(self._stream.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace").rstrip())

    def join(self) -> str:
        self._thread.join()
        return "\n".join(self.lines)

    def declared_duration(self) -> float | None:
        """The duration the container declares; None when ffmpeg only guessed it."""
        if any("Estimating duration from bitrate" in line for line in self.lines):
            return None
        for line in self.lines:
            found = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", line)
            if found:
                return clock_seconds(*found.groups())
        return None


def widen(pipe) -> None:
    """Ask Linux for a 1 MB pipe (default 64 KB): fewer wake-ups per second of audio."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass  # not Linux, or over the system's limit: the default works, a little slower
