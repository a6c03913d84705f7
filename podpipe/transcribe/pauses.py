"""Segments split at long pauses between words.

Whisper (batched over the voice-activity chunks) returns segments of up to 30 s. In a
conversation one speaker's segment can run across the other's whole turn: a cue of the
guest spanning the host's question, and a text file that prints each speaker's lines
out of order. Where the words (their timestamps) leave a pause this long, the segment
is cut, so cues, the text file and the merged speakers follow the conversation.
"""

from __future__ import annotations

from podpipe.transcribe.cues import Segment, Word

PAUSE_S = 1.0  # a gap between two words this long ends the segment


def split_at_pauses(segments: list[Segment], pause: float = PAUSE_S) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        words = [w for w in seg.words if w.text.strip()]
        if len(words) < 2 or _words_text(words) != " ".join(seg.text.split()):
            out.append(seg)
            continue
        group = [words[0]]
        for word in words[1:]:
            if word.start - group[-1].end >= pause:
                out.append(_piece(seg, group))
                group = []
            group.append(word)
        out.append(_piece(seg, group) if len(group) < len(words) else seg)
    return out


def _words_text(words) -> str:
    """Whisper's words carry their own leading space ("seven", "-day" has none)."""
    return " ".join("".join(w.text for w in words).split())


def _piece(seg: Segment, words) -> Segment:
    start, end = words[0].start, max(words[0].start, words[-1].end)
    return Segment(start, end, _words_text(words), seg.speaker, tuple(words))


def shifted(segments: list[Segment], by: float) -> list[Segment]:
    """Every segment (and word) ``by`` seconds later (earlier when negative)."""
    out = []
    for seg in segments:
        words = tuple(Word(w.start + by, w.end + by, w.text) for w in seg.words)
        out.append(Segment(seg.start + by, seg.end + by, seg.text, seg.speaker, words))
    return out
