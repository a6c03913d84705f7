"""How long a recording is, found by decoding it (the wheel has no ffprobe)."""

from __future__ import annotations

import re
from pathlib import Path

from podpipe.errors import ProcessingError
from podpipe.media.ffmpeg import clock_seconds, run


def probe_duration(path: Path) -> float:
    """Duration in seconds, by decoding (the wheel has no ffprobe)."""
    err = run(["-i", str(path), "-map", "0:a:0", "-f", "null", "-"], file=path, what="decoding")
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", err)
    if not times:
        raise ProcessingError("no audio stream found", file=path)
    return clock_seconds(*times[-1])
