"""The independent loudness meter: ffmpeg's ``ebur128`` filter, true peak on.

Not podpipe's own meter (that is podpipe.audio.meter): tests and benchmarks check the
audio stage's output with this one, so a mistake in the stage's meter cannot hide itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from podpipe.errors import ProcessingError
from podpipe.media.ffmpeg import run


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
    err = run(
        [
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-filter:a",
            "ebur128=peak=true:framelog=quiet",
            "-f",
            "null",
            "-",
        ],
        file=path,
        what="loudness measurement",
    )
    summary = err[err.rfind("Summary:") :]
    try:
        return Loudness(
            integrated_lufs=_last_float(r"I:\s+(-?[\d.]+|-inf)\s+LUFS", summary),
            lra=_last_float(r"LRA:\s+(-?[\d.]+)\s+LU", summary),
            true_peak_dbtp=_last_float(r"Peak:\s+(-?[\d.]+|-inf)\s+dBFS", summary),
        )
    except ValueError as e:
        raise ProcessingError("could not read the loudness measurement", file=path) from e
