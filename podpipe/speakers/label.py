"""Cues labelled with who speaks them: each word goes to the speaker of the voice
window nearest to it, a cue in which the speaker changes is split at the word where
the change is, and each speaker index gets a name."""

from __future__ import annotations

from dataclasses import dataclass

from podpipe.speakers.diarize import Diarization
from podpipe.transcribe import Segment, fit_lines, spread_words

LOW_MARGIN = 0.05  # a cue whose voice is this little closer to its speaker: uncertain
MIN_PART_WORDS = 2  # a change of speaker for fewer words than this is not believed
SNAP_WORDS = 3  # how far a change of speaker may move to meet a sentence end


@dataclass(frozen=True)
class LabelledCue:
    cue: Segment
    margin: float  # mean over its words; below LOW_MARGIN it is worth a look


def label_cues(cues: list[Segment], found: Diarization, names: list[str]) -> list[LabelledCue]:
    """``cues`` with ``speaker`` set from ``found`` (speaker i -> names[i]); cues split
    where the voice changes."""
    out: list[LabelledCue] = []
    previous: int | None = None
    for cue in cues:
        words = spread_words(Segment(cue.start, cue.end, " ".join(cue.lines)))
        if not words:
            continue
        labels = [found.label_at((w.start + w.end) / 2) for w in words]
        who = _filled([None if x is None else x[0] for x in labels], previous)
        margins = [1.0 if x is None else x[1] for x in labels]
        who = _at_sentence_ends(_no_short_parts(who), [w.text for w in words])
        for start, end in _parts(who):
            part = words[start:end]
            speaker = who[start]
            text = " ".join(w.text for w in part)
            seg = Segment(
                round(max(cue.start, part[0].start), 3),
                round(min(cue.end, part[-1].end), 3),
                text,
                names[speaker] if speaker is not None and speaker < len(names) else None,
            )
            margin = sum(margins[start:end]) / (end - start)
            out += [LabelledCue(c, round(margin, 4)) for c in fit_lines([seg])]
            previous = speaker
    return out


def _filled(labels: list[int | None], previous: int | None) -> list[int | None]:
    """Words with no voice window near them take their neighbour's speaker."""
    out = list(labels)
    last = previous
    for i, v in enumerate(out):
        if v is None:
            out[i] = last
        else:
            last = v
    nxt = None
    for i in range(len(out) - 1, -1, -1):
        if labels[i] is not None:
            nxt = labels[i]
        elif out[i] is None:
            out[i] = nxt
    return out


def _no_short_parts(who: list[int | None]) -> list[int | None]:
    """A run of fewer than MIN_PART_WORDS words between two parts goes to a neighbour."""
    if len(who) < 2 * MIN_PART_WORDS:
        majority = max(set(who), key=who.count)
        return [majority] * len(who)
    out = list(who)
    for start, end in _parts(out):
        if end - start >= MIN_PART_WORDS:
            continue
        left = out[start - 1] if start > 0 else None
        right = out[end] if end < len(out) else None
        fill = left if left is not None else right
        if fill is not None:
            out[start:end] = [fill] * (end - start)
    return out


def _at_sentence_ends(who: list[int | None], texts: list[str]) -> list[int | None]:
    """A change of speaker moved to the nearest sentence end within SNAP_WORDS words:
    the voice windows place it to within about half a second, punctuation exactly."""
    out = list(who)
    for start, _end in _parts(who)[1:]:
        ends = [
            j
            for j in range(max(1, start - SNAP_WORDS), min(len(texts), start + SNAP_WORDS + 1))
            if texts[j - 1][-1:] in ".?!"
        ]
        if not ends:
            continue
        j = min(ends, key=lambda j: abs(j - start))
        if j < start:
            out[j:start] = [who[start]] * (start - j)
        elif j > start:
            out[start:j] = [who[start - 1]] * (j - start)
    return out


def _parts(who: list) -> list[tuple[int, int]]:
    parts, start = [], 0
    for i in range(1, len(who) + 1):
        if i == len(who) or who[i] != who[start]:
            parts.append((start, i))
            start = i
    return parts
