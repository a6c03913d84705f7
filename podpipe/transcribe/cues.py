"""Segments, words and the cues they are split into for captions.

Whisper segments can run to a few hundred characters; apps show captions best in
short cues (Apple and the Podcasting 2.0 docs advise lines of about 65 characters),
so segments are split into cues of at most two such lines before writing. Every
format is written from the same cues, so their timings agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LINE = 65  # characters per caption line
MAX_LINES = 2  # lines per cue


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float | None = None  # the decoder's confidence (0..1), when it gave one


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
        words = list(seg.words) or spread_words(seg)
        # Room for the "Name: " prefix written into SRT and text lines.
        width = max(20, max_line - (len(seg.speaker) + 2 if seg.speaker else 0))
        for group in _pack(words, width, max_lines):
            start = max(seg.start, group[0][0].start)
            end = min(seg.end, max(start, group[-1][-1].end))
            text = "\n".join(" ".join(w.text for w in line) for line in group)
            cues.append(Segment(start, end, text, seg.speaker))
    return cues


def spread_words(seg: Segment) -> list[Word]:
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
