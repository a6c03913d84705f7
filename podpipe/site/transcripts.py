"""Transcripts as the site shows them: cues read from the Podcasting 2.0 JSON, word-level
segments grouped into sentence-sized cues."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from podpipe.errors import ProcessingError
from podpipe.records import PublishedEpisode

# Word-level transcripts (one segment per word) are grouped into readable cues.
SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")
MAX_CUE_WORDS = 30
MAX_CUE_GAP_S = 1.5


@dataclass(frozen=True)
class Cue:
    """One line of a transcript as the site shows it."""

    start: float
    end: float
    speaker: str
    body: str


def load_cues(pub: PublishedEpisode, out_dir: Path) -> list[Cue]:
    """The episode's transcript cues, from transcript.json in the site (or the stage dir)."""
    file = out_dir / pub.transcript_path("json")
    if not file.is_file() and pub.transcript and pub.transcript_dir:
        name = pub.transcript.files.get("json")
        file = pub.transcript_dir / name if name else file
    if not file.is_file():
        return []
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProcessingError(f"cannot read the transcript: {e}", file=file) from e
    return group_words(parse_segments(data, file))


def parse_segments(data: object, file: Path) -> list[Cue]:
    """Podcasting 2.0 JSON transcript segments -> cues; a clear error on a wrong shape."""
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise ProcessingError(
            "not a Podcasting 2.0 transcript: expected an object with a 'segments' list", file=file
        )
    cues = []
    for i, seg in enumerate(segments):
        try:
            start, end = float(seg["startTime"]), float(seg["endTime"])
            body = str(seg["body"]).strip()
        except (KeyError, TypeError, ValueError) as e:
            raise ProcessingError(
                f"segment {i}: expected startTime, endTime and body ({e.__class__.__name__}: {e})",
                file=file,
            ) from e
        if body:
            cues.append(Cue(start, max(end, start), str(seg.get("speaker") or ""), body))
    return sorted(cues, key=lambda c: c.start)


def group_words(cues: list[Cue]) -> list[Cue]:
    """Join word-level segments into sentence-sized cues; phrase-level ones pass through."""
    if not cues:
        return cues
    words = sorted(len(c.body.split()) for c in cues)
    if words[len(words) // 2] > 2:
        return cues
    grouped = [cues[0]]
    for cue in cues[1:]:
        last = grouped[-1]
        if (
            cue.speaker == last.speaker
            and cue.start - last.end <= MAX_CUE_GAP_S
            and not SENTENCE_END.search(last.body)
            and len(last.body.split()) < MAX_CUE_WORDS
        ):
            grouped[-1] = Cue(last.start, cue.end, last.speaker, f"{last.body} {cue.body}")
        else:
            grouped.append(cue)
    return grouped
