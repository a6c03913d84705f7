"""Transcripts in the formats other hosts publish, read into cues so ``podpipe import``
can keep them as the episode's hand-edited transcript (a WebVTT file).

WebVTT and SubRip are read by :mod:`edited` (the same checks as a host's own file);
this module reads the two others a feed's ``podcast:transcript`` may link: the
Podcasting 2.0 JSON (phrase- or word-level segments) and the Podcasting 2.0 HTML
fragment (``<cite>`` speaker, ``<time>`` start, ``<p>`` text). Both raise ValueError
with what is wrong; neither trusts the text (it is escaped when written as WebVTT).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from podpipe.transcribe.cues import Segment, Word, split_cues

SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")
MAX_GAP_S = 1.5  # a longer pause starts a new segment
MAX_WORDS = 30
SECONDS_PER_WORD = 0.4  # the last HTML paragraph's length, which the format does not give
TIME_RE = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?\s*$")


def json_cues(data: bytes) -> list[Segment]:
    """A Podcasting 2.0 JSON transcript -> caption-sized cues (words grouped)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not a JSON transcript ({e})") from None
    segments = doc.get("segments") if isinstance(doc, dict) else None
    if not isinstance(segments, list):
        raise ValueError("not a Podcasting 2.0 JSON transcript (no 'segments' list)")
    pieces = []
    for i, seg in enumerate(segments):
        try:
            start, end = float(seg["startTime"]), float(seg["endTime"])
            body = " ".join(str(seg["body"]).split())
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"segment {i + 1}: expected startTime, endTime and body") from None
        if body and start >= 0:
            speaker = seg.get("speaker")
            pieces.append((start, max(end, start), body, str(speaker) if speaker else None))
    return _cues(sorted(pieces, key=lambda p: p[0]))


def html_cues(data: bytes) -> list[Segment]:
    """A Podcasting 2.0 HTML transcript (``<cite>``, ``<time>``, ``<p>``) -> cues; each
    paragraph lasts until the next one starts."""
    reader = _HtmlTranscript()
    try:
        reader.feed(data.decode("utf-8-sig"))
        reader.close()
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text ({e.reason})") from None
    paragraphs = [p for p in reader.paragraphs if p[2]]
    if not paragraphs:
        raise ValueError(
            "no <time> followed by a <p> of text: not a Podcasting 2.0 HTML transcript"
        )
    pieces = []
    for n, (start, speaker, text) in enumerate(paragraphs):
        following = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else None
        end = following if following is not None else start + SECONDS_PER_WORD * len(text.split())
        pieces.append((start, max(start, end), text, speaker))
    return _cues(sorted(pieces, key=lambda p: p[0]), group=False)


def _cues(pieces: list[tuple[float, float, str, str | None]], group: bool = True) -> list[Segment]:
    """Pieces (start, end, text, speaker) -> segments of a speaker's sentence, split into
    caption-sized cues. Word-level pieces are joined; phrase-level ones stay apart."""
    if not pieces:
        raise ValueError("the transcript has no text")
    joined: list[list] = []
    for start, end, text, speaker in pieces:
        last = joined[-1] if joined else None
        if (
            group
            and last
            and speaker == last[3]
            and start - last[1] <= MAX_GAP_S
            and not SENTENCE_END.search(last[2][-1].text)
            and len(last[2]) < MAX_WORDS
            and len(text.split()) <= 2
        ):
            last[1] = max(last[1], end)
            last[2].append(Word(start, end, text))
        else:
            joined.append([start, end, [Word(start, end, text)], speaker])
    segments = [
        Segment(start, end, " ".join(w.text for w in words), speaker, tuple(_split(words)))
        for start, end, words, speaker in joined
    ]
    return split_cues(segments)


def _split(words: list[Word]) -> list[Word]:
    """Words of several-word pieces spread over their piece's time (for cue splitting)."""
    out = []
    for w in words:
        parts = w.text.split()
        step = (w.end - w.start) / len(parts)
        out += [Word(w.start + i * step, w.start + (i + 1) * step, t) for i, t in enumerate(parts)]
    return out


def _time(text: str) -> float | None:
    m = TIME_RE.match(text)
    if not m:
        return None
    h, mi, s, frac = m.groups()
    return (
        int(h or 0) * 3600 + int(mi) * 60 + int(s) + (int(frac.ljust(3, "0")) / 1000 if frac else 0)
    )


class _HtmlTranscript(HTMLParser):
    """Collects (start, speaker, text) for each <p> after a <time>; ignores scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[tuple[float, str | None, str]] = []
        self._in: str | None = None
        self._buf: list[str] = []
        self._speaker: str | None = None
        self._time: float | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("cite", "time", "p") and not self._skip:
            self._in, self._buf = tag, []

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
            return
        if tag != self._in:
            return
        text = " ".join("".join(self._buf).split())
        if tag == "cite":
            self._speaker = text.rstrip(":").strip() or None
        elif tag == "time":
            self._time = _time(text)
        elif tag == "p" and self._time is not None:
            self.paragraphs.append((self._time, self._speaker, text))
            self._time = None
        self._in = None

    def handle_data(self, data) -> None:
        if self._in and not self._skip:
            self._buf.append(data)
