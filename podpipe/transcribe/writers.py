"""The transcript files: WebVTT, SRT and Podcasting 2.0 JSON from the cues, text from
the segments, written together so a reader never sees a half-updated set."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

from podpipe.cache import write_atomic
from podpipe.transcribe.cues import Segment
from podpipe.transcribe.formats import file_name

PARAGRAPH_PAUSE = 2.0  # seconds of silence that start a new paragraph in the text file
PARAGRAPH_WORDS = 80  # past this many words, a paragraph ends at the next sentence end
TEXT_WIDTH = 80  # the text file's lines are wrapped at this many characters
SENTENCE_END = (".", "?", "!", "…", '."', '?"', '!"')


def cue_time(seconds: float, sep: str = ".") -> str:
    """A cue timestamp: HH:MM:SS.mmm (VTT) or HH:MM:SS,mmm (SRT).

    Not progress.clock, which writes durations for people (m:ss, h:mm:ss): cue times
    always have hours and milliseconds, as the caption formats require.
    """
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt(cues: list[Segment]) -> str:
    """WebVTT; a speaker becomes a voice tag (<v Name>) that Apple Podcasts shows."""
    out = ["WEBVTT", ""]
    for cue in cues:
        out.append(f"{cue_time(cue.start)} --> {cue_time(cue.end)}")
        lines = [_vtt_escape(line) for line in cue.lines]
        if cue.speaker:
            name = _vtt_escape(cue.speaker).replace(">", "")
            lines[0] = f"<v {name}>{lines[0]}"
        out.extend(lines)
        out.append("")
    return "\n".join(out)


def srt(cues: list[Segment]) -> str:
    """SubRip; a speaker's name starts the cue ("Name: ...")."""
    out = []
    for n, cue in enumerate(cues, 1):
        lines = cue.lines
        if cue.speaker:
            lines = [f"{cue.speaker}: {lines[0]}", *lines[1:]]
        out += [str(n), f"{cue_time(cue.start, ',')} --> {cue_time(cue.end, ',')}", *lines, ""]
    return "\n".join(out)


def podcast_json(cues: list[Segment]) -> str:
    """The Podcasting 2.0 JSON transcript: version 1.0.0, segments with times in seconds."""
    segments = []
    for cue in cues:
        item: dict = {}
        if cue.speaker:
            item["speaker"] = cue.speaker
        item.update(
            startTime=round(cue.start, 3), endTime=round(cue.end, 3), body=" ".join(cue.lines)
        )
        segments.append(item)
    return (
        json.dumps({"version": "1.0.0", "segments": segments}, indent=2, ensure_ascii=False) + "\n"
    )


def plain_text(segments: list[Segment]) -> str:
    """Paragraphs of text, lines wrapped at TEXT_WIDTH: a new paragraph on a change of
    speaker, a long pause, or at a sentence end once a paragraph is long."""
    paragraphs: list[tuple[str | None, list[str]]] = []
    previous: Segment | None = None
    words = 0
    for seg in segments:
        text = " ".join(seg.text.split())
        if not text:
            continue
        new = (
            previous is None
            or seg.speaker != previous.speaker
            or seg.start - previous.end >= PARAGRAPH_PAUSE
            or (words >= PARAGRAPH_WORDS and paragraphs[-1][1][-1].endswith(SENTENCE_END))
        )
        if new:
            paragraphs.append((seg.speaker, [text]))
            words = 0
        else:
            paragraphs[-1][1].append(text)
        words += len(text.split())
        previous = seg
    blocks = [
        textwrap.fill(
            (f"{who}: " if who else "") + " ".join(parts),
            TEXT_WIDTH,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for who, parts in paragraphs
    ]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


WORDS_SUFFIX = ".words.json"  # <stem>.words.json beside the formats: not published


def write_words(path: Path, segments: list[Segment], snapped=()) -> None:
    """Whisper's words with their times and the decoder's confidence, for `podpipe
    transcript review`: [start, end, word, probability, speaker] each; and the near
    misses of the show's names that were spelled as the show spells them."""
    rows = [
        [round(w.start, 3), round(w.end, 3), w.text.strip(), _p(w.probability), seg.speaker]
        for seg in segments
        for w in seg.words
        if w.text.strip()
    ]
    doc = {"version": 1, "words": rows, "snapped": [list(p) for p in snapped]}
    write_atomic(path, json.dumps(doc, ensure_ascii=False) + "\n")


def _p(probability: float | None) -> float | None:
    return None if probability is None else round(float(probability), 3)


WRITERS = {"vtt": vtt, "srt": srt, "json": podcast_json}  # the formats written from cues


def write_transcripts(
    out_dir: Path, stem: str, segments: list[Segment], cues: list[Segment]
) -> dict[str, str]:
    """Write every format into a temporary folder, then move each file into place."""
    texts = {fmt: writer(cues) for fmt, writer in WRITERS.items()}
    texts["txt"] = plain_text(segments)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{stem}.", dir=out_dir))
    try:
        for fmt, text in texts.items():
            (tmp / file_name(stem, fmt)).write_text(text, encoding="utf-8")
        for fmt in texts:
            os.replace(tmp / file_name(stem, fmt), out_dir / file_name(stem, fmt))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {fmt: file_name(stem, fmt) for fmt in texts}
