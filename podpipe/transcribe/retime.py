"""A transcript moved onto another timeline: every cue time of every format mapped through
a function (the audio stage's edits: an intro before the recording, later removed
pauses), everything else left byte for byte. Cheap, so a transcript made once from the
source recording serves any intro without transcribing again."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from podpipe.cache import write_atomic
from podpipe.errors import ProcessingError
from podpipe.transcribe.writers import cue_time

# A cue timing line in VTT (00:00:01.000 --> 00:00:02.500 plus settings) or SRT (commas).
_TIMING = re.compile(
    r"^(\d{2,}):(\d{2}):(\d{2})([.,])(\d{3}) --> (\d{2,}):(\d{2}):(\d{2})[.,](\d{3})"
)


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _caption_lines(text: str, to_output: Callable[[float], float]) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = _TIMING.match(line)
        if not match:
            continue
        g = match.groups()
        sep = g[3]
        start = to_output(_seconds(g[0], g[1], g[2], g[4]))
        end = max(start, to_output(_seconds(*g[5:9])))
        timing = f"{cue_time(start, sep)} --> {cue_time(end, sep)}"
        lines[i] = timing + line[match.end() :]
    return "\n".join(lines)


def _podcast_json(text: str, to_output: Callable[[float], float], file: Path) -> str:
    try:
        doc = json.loads(text)
        for seg in doc["segments"]:
            start = round(to_output(float(seg["startTime"])), 3)
            seg["endTime"] = max(start, round(to_output(float(seg["endTime"])), 3))
            seg["startTime"] = start
    except (ValueError, KeyError, TypeError) as e:
        raise ProcessingError(f"not a Podcasting 2.0 transcript ({e})", file=file) from e
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def retime(
    src_dir: Path, out_dir: Path, files: dict[str, str], to_output: Callable[[float], float]
) -> None:
    """Write ``files`` (format -> name, as TranscriptReport.files) from ``src_dir`` into
    ``out_dir`` with every cue time ``t`` replaced by ``to_output(t)``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt, name in files.items():
        src, dst = src_dir / name, out_dir / name
        if fmt in ("vtt", "srt"):
            write_atomic(dst, _caption_lines(src.read_text(encoding="utf-8"), to_output))
        elif fmt == "json":
            write_atomic(dst, _podcast_json(src.read_text(encoding="utf-8"), to_output, src))
        else:  # the text file has no times
            shutil.copyfile(src, dst)
