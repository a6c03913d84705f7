"""The bundled ffmpeg (imageio-ffmpeg wheel): finding it, its version, running it."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

from podpipe.errors import ProcessingError


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: $IMAGEIO_FFMPEG_EXE, else the one in the wheel."""
    exe = os.environ.get("IMAGEIO_FFMPEG_EXE")
    if exe:
        return exe
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@functools.cache
def ffmpeg_version() -> str:
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True, text=True, check=False
    ).stdout
    return out.splitlines()[0] if out else "unknown"


def command(*args: str) -> list[str]:
    """An ffmpeg command line: no banner, never reading the terminal."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]


def run(args: list[str], *, file: Path | None = None, what: str = "ffmpeg") -> str:
    """Run ffmpeg with ``args``; return stderr (where ffmpeg reports); raise on failure."""
    proc = subprocess.run(
        command(*args), capture_output=True, text=True, errors="replace", check=False
    )
    if proc.returncode != 0:
        raise ProcessingError(f"{what} failed: {last_error_line(proc.stderr)}", file=file)
    return proc.stderr


def last_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def clock_seconds(h: str, m: str, s: str) -> float:
    """Seconds from the hours, minutes and seconds of an ffmpeg ``HH:MM:SS.ss`` time."""
    return int(h) * 3600 + int(m) * 60 + float(s)
