"""The bundled ffmpeg (imageio-ffmpeg wheel): finding it, running it, metering with it."""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
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
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True,
                         text=True, check=False).stdout
    return out.splitlines()[0] if out else "unknown"


def run(args: list[str], *, file: Path | None = None, what: str = "ffmpeg") -> str:
    """Run ffmpeg with ``args``; return stderr (where ffmpeg reports); raise on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
    if proc.returncode != 0:
        raise ProcessingError(f"{what} failed: {last_error_line(proc.stderr)}", file=file)
    return proc.stderr


def last_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


@dataclass(frozen=True)
class Loudness:
    """An EBU R128 measurement: integrated loudness, loudness range, true peak."""

    integrated_lufs: float
    lra: float
    true_peak_dbtp: float


def _last_float(pattern: str, text: str) -> float:
    found = re.findall(pattern, text)
    if not found:
        raise ValueError(pattern)
    value = found[-1]
    return float("-inf") if value.startswith("-inf") else float(value)


def measure(path: Path) -> Loudness:
    """Measure a file with ffmpeg's ``ebur128`` filter (true peak on): the independent meter."""
    err = run(["-i", str(path), "-map", "0:a:0", "-filter:a", "ebur128=peak=true:framelog=quiet",
               "-f", "null", "-"], file=path, what="loudness measurement")
    summary = err[err.rfind("Summary:"):]
    try:
        return Loudness(
            integrated_lufs=_last_float(r"I:\s+(-?[\d.]+|-inf)\s+LUFS", summary),
            lra=_last_float(r"LRA:\s+(-?[\d.]+)\s+LU", summary),
            true_peak_dbtp=_last_float(r"Peak:\s+(-?[\d.]+|-inf)\s+dBFS", summary),
        )
    except ValueError as e:
        raise ProcessingError("could not read the loudness measurement", file=path) from e


def probe_duration(path: Path) -> float:
    """Duration in seconds, by decoding (the wheel has no ffprobe)."""
    err = run(["-i", str(path), "-map", "0:a:0", "-f", "null", "-"], file=path, what="decoding")
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", err)
    if not times:
        raise ProcessingError("no audio stream found", file=path)
    h, m, s = times[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)
