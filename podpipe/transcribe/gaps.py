"""Speech that batched decoding left without text: found, decoded again, or warned of.

The VAD looks for speech under the stretches without text; each such gap is decoded
again, sequentially, and what is still missing becomes a warning in the report. A
segment whose words run into a decoding loop ("Tariq Halvorsen, Tariq Halvorsen, ...",
which the glossary can set off) is cut where the loop starts, so the speech the loop
stood for is such a gap too.
"""

from __future__ import annotations

import logging

from podpipe.text import clock
from podpipe.transcribe.cues import Segment, Word
from podpipe.transcribe.decode import SAMPLE_RATE
from podpipe.transcribe.engine import Engine
from podpipe.transcribe.guards import cut_loop

log = logging.getLogger(__name__)

# Batched Whisper sometimes ends a 30 s chunk early and drops the rest of its speech.
# Speech with no text over more than GAP_MIN_SPEECH_S is decoded again, sequentially;
# shorter stretches are breaths, coughs and laughs. Word times are approximate, so
# text this close to speech counts as covering it.
GAP_MIN_SPEECH_S = 2.0
GAP_PAD_S = 0.5


def fill_gaps(
    engine: Engine, samples, found: list[Segment], options: dict
) -> tuple[list[Segment], list[tuple[float, float, float]]]:
    """Decode again, sequentially, the speech that has no text; (segments in time order,
    the gaps still without text).

    The VAD only looks at the stretches without text long enough to hold a gap, so
    this costs next to nothing when the text covers the recording.
    """
    duration = len(samples) / SAMPLE_RATE
    found = [cut_loop(seg) for seg in found]  # a loop stands for speech it did not decode
    spans = [(s.start, s.end) for s in found]
    speech = [
        region
        for start, end in untexted(spans, duration, GAP_MIN_SPEECH_S + 2 * GAP_PAD_S)
        for region in speech_regions(samples, start, end)
    ]
    gaps = uncovered_speech(speech, spans)
    if not gaps:
        return found, []
    for start, end, seconds in gaps:
        log.info("no text for %.1f s of speech at %s; decoding it again", seconds, clock(start))
        piece = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        redone = [_shifted(seg, start) for seg in engine.retry(piece, **options)]
        found = found + [seg for seg in redone if not _inside(seg, found)]
    found.sort(key=lambda seg: (seg.start, seg.end))
    return found, uncovered_speech(speech, [(s.start, s.end) for s in found])


def untexted(
    spans: list[tuple[float, float]], duration: float, longest: float
) -> list[tuple[float, float]]:
    """The stretches of [0, duration] that no text span touches, longer than ``longest``."""
    out = []
    before = 0.0
    for start, end in [*sorted(spans), (duration, duration)]:
        if start - before > longest:
            out.append((before, min(start, duration)))
        before = max(before, end)
    return out


def speech_regions(
    samples, start: float = 0.0, end: float | None = None
) -> list[tuple[float, float]]:
    """Speech in seconds between ``start`` and ``end``, found by Silero VAD with the
    options of faster-whisper's batched decoding (short pauses split it; no region
    longer than a Whisper chunk)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    first = int(start * SAMPLE_RATE)
    piece = samples[first : None if end is None else int(end * SAMPLE_RATE)]
    options = VadOptions(max_speech_duration_s=30, min_silence_duration_ms=160)
    return [
        ((first + c["start"]) / SAMPLE_RATE, (first + c["end"]) / SAMPLE_RATE)
        for c in get_speech_timestamps(piece, options)
    ]


def uncovered_speech(
    speech: list[tuple[float, float]],
    text: list[tuple[float, float]],
    *,
    min_speech: float = GAP_MIN_SPEECH_S,
    pad: float = GAP_PAD_S,
) -> list[tuple[float, float, float]]:
    """Stretches of ``speech`` that no ``text`` span covers, as (start, end, seconds of
    speech) for each stretch holding more than ``min_speech`` of it.

    A stretch runs from where the text before it ends to where the text after it
    begins (clipped to the speech), so decoding it again cuts no word; the speech in
    it is counted ``pad`` away from that text.
    """
    gaps = []
    before = float("-inf")  # where the text so far ends
    for after, end in [*sorted(text), (float("inf"), float("inf"))]:
        parts = [(max(s, before), min(e, after)) for s, e in speech if s < after and e > before]
        seconds = sum(max(0.0, min(e, after - pad) - max(s, before + pad)) for s, e in parts)
        if seconds > min_speech:
            gaps.append((parts[0][0], parts[-1][1], round(seconds, 3)))
        before = max(before, end)  # text spans may overlap or nest
    return gaps


def gap_warning(name: str, gap: tuple[float, float, float], speaker: str | None) -> str:
    whose = f"{speaker}'s speech" if speaker else "speech"
    start, end, seconds = gap
    return f"{name}: no text for {seconds:.1f} s of {whose} at {clock(start)}-{clock(end)}"


def _shifted(seg: Segment, offset: float) -> Segment:
    words = tuple(Word(w.start + offset, w.end + offset, w.text, w.probability) for w in seg.words)
    return Segment(seg.start + offset, seg.end + offset, seg.text, seg.speaker, words)


def _inside(seg: Segment, found: list[Segment]) -> bool:
    """The segment's middle lies in text already found: decoded twice, keep the first."""
    middle = (seg.start + seg.end) / 2
    return any(other.start <= middle <= other.end for other in found)
