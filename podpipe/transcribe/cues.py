"""Transcript cues and the files people use: WebVTT, SRT, Podcasting 2.0 JSON, plain text.

Whisper segments can run to a few hundred characters; apps show captions best in
short cues (Apple and the Podcasting 2.0 docs advise lines of about 65 characters),
so segments are split into cues of at most two such lines before writing. Every
format is written from the same cues, so their timings agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LINE = 65  # characters per caption line
MAX_LINES = 2  # lines per cue
PARAGRAPH_PAUSE = 2.0  # seconds of silence that start a new paragraph in the text file


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Segment:
    """A stretch of speech with its times in seconds; also used for a finished cue."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


# --------------------------------------------------------------------------- cues


def split_cues(
    segments: Iterable[Segment], *, max_line: int = MAX_LINE, max_lines: int = MAX_LINES
) -> list[Segment]:
    """Split segments into cues of at most ``max_lines`` lines of ``max_line`` characters."""
    cues: list[Segment] = []
    for seg in segments:
        words = list(seg.words) or _spread_words(seg)
        # Room for the "Name: " prefix written into SRT and text lines.
        width = max(20, max_line - (len(seg.speaker) + 2 if seg.speaker else 0))
        for group in _pack(words, width, max_lines):
            start = max(seg.start, group[0][0].start)
            end = min(seg.end, max(start, group[-1][-1].end))
            text = "\n".join(" ".join(w.text for w in line) for line in group)
            cues.append(Segment(start, end, text, seg.speaker))
    return cues


def _spread_words(seg: Segment) -> list[Word]:
    """Words with times spread over the segment by their length (no word timestamps)."""
    tokens = seg.text.split()
    if not tokens:
        return []
    total = sum(len(t) + 1 for t in tokens)
    span = max(0.0, seg.end - seg.start)
    words, t = [], seg.start
    for token in tokens:
        dt = span * (len(token) + 1) / total
        words.append(Word(t, t + dt, token))
        t += dt
    return words


def _pack(words: list[Word], width: int, max_lines: int) -> list[list[list[Word]]]:
    """Words into cues of at most ``max_lines`` balanced lines of ``width`` characters.

    A cue is filled greedily and closed early at a sentence end once it holds a
    line's worth of text; its words are then spread evenly over its lines.
    """
    cues: list[list[Word]] = []
    cue: list[Word] = []
    for word in words:
        text = word.text.strip()
        if not text:
            continue
        word = Word(word.start, word.end, text)
        if cue and not _fits([*cue, word], width, max_lines):
            cues.append(cue)
            cue = []
        cue.append(word)
        if text[-1] in ".?!" and _length(cue) > width // 2:
            cues.append(cue)
            cue = []
    if cue:
        cues.append(cue)
    return [_balance(c, width, max_lines) for c in cues]


def _fits(words: list[Word], width: int, max_lines: int) -> bool:
    return len(_greedy_lines(words, width)) <= max_lines


def _greedy_lines(words: list[Word], width: int) -> list[list[Word]]:
    lines: list[list[Word]] = [[]]
    for word in words:
        if lines[-1] and _length([*lines[-1], word]) > width:
            lines.append([])
        lines[-1].append(word)
    return lines


def _balance(words: list[Word], width: int, max_lines: int) -> list[list[Word]]:
    """One line if it fits; else the two-line split with the shortest longer line."""
    lines = _greedy_lines(words, width)
    if len(lines) != 2 or max_lines < 2:
        return lines
    best = lines
    for cut in range(1, len(words)):
        a, b = words[:cut], words[cut:]
        if max(_length(a), _length(b)) < max(_length(best[0]), _length(best[1])):
            best = [a, b]
    return best


def _length(line: list[Word]) -> int:
    return sum(len(w.text) for w in line) + len(line) - 1


# --------------------------------------------------------------------------- writers


def clock(seconds: float, sep: str = ".") -> str:
    """HH:MM:SS.mmm (VTT) or HH:MM:SS,mmm (SRT)."""
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
        out.append(f"{clock(cue.start)} --> {clock(cue.end)}")
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
        out += [str(n), f"{clock(cue.start, ',')} --> {clock(cue.end, ',')}", *lines, ""]
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
    """Paragraphs of text; a new one on a change of speaker or a long pause."""
    paragraphs: list[tuple[str | None, list[str]]] = []
    previous: Segment | None = None
    for seg in segments:
        text = " ".join(seg.text.split())
        if not text:
            continue
        new = (
            previous is None
            or seg.speaker != previous.speaker
            or seg.start - previous.end >= PARAGRAPH_PAUSE
        )
        if new:
            paragraphs.append((seg.speaker, [text]))
        else:
            paragraphs[-1][1].append(text)
        previous = seg
    blocks = [(f"{who}: " if who else "") + " ".join(parts) for who, parts in paragraphs]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def word_count(segments: Iterable[Segment]) -> int:
    return sum(len(re.findall(r"\w+(?:['\u2019]\w+)*", s.text)) for s in segments)


def tidy_times(segments: Iterable[Segment], duration: float) -> list[Segment]:
    """Times inside [0, duration], each speaker's segments in order and not overlapping."""
    ordered = sorted(segments, key=lambda s: (s.start, s.end))
    last_end: dict[str | None, float] = {}
    out = []
    for seg in ordered:
        start = min(max(seg.start, last_end.get(seg.speaker, 0.0), 0.0), duration)
        end = min(max(seg.end, start), duration)
        last_end[seg.speaker] = end
        out.append(Segment(round(start, 3), round(end, 3), seg.text, seg.speaker, seg.words))
    return out


WRITERS = {"vtt": vtt, "srt": srt, "json": podcast_json}
