"""A multitrack episode's transcript: each track on its own, labelled with its speaker.

The tracks are aligned exactly as the audio stage aligns them (audio.tracks.prepare:
the same offsets, drift and plan), read at 16 kHz on the mix's timeline and crossgated
hard (bleed and room tone muted), so Whisper hears each speaker only where that
speaker talks: no sentence appears twice under the wrong name. The per-track segments
are merged in time order (overlapping speech stays as separate cues) and moved onto the
first track's timeline, which the audio report's timeline maps to the published MP3.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from podpipe.audio.tracks import TRANSCRIBE_DEPTH_DB, TrackReader, gate_gains, prepare, sample_gains
from podpipe.config import Track, TranscriptionSettings
from podpipe.records import TranscriptReport
from podpipe.transcribe.decode import SAMPLE_RATE
from podpipe.transcribe.stage import transcribe_arrays

Progress = Callable[[float, float], None]


def track_arrays(tracks: tuple[Track, ...]) -> tuple[list, float]:
    """Each track at 16 kHz on the mix's timeline, crossgated hard; and the lead (how
    far the mix starts before the first track)."""
    import numpy as np

    mixed = prepare(tracks)
    tl = mixed.timeline
    n = int(round(tl.frames * SAMPLE_RATE / 100))
    out = []
    for track, alignment, plan in zip(tracks, tl.alignments, mixed.plans, strict=True):
        gains = gate_gains(plan.speaks, TRANSCRIBE_DEPTH_DB)
        with TrackReader(
            track.file, alignment.mapping, SAMPLE_RATE, tl.start_r, 60 * SAMPLE_RATE
        ) as reader:
            x = reader.read(n)
        out.append(np.ascontiguousarray(x * sample_gains(gains, 0, n, SAMPLE_RATE)))
    return out, tl.lead_s


def transcribe_tracks(
    tracks: tuple[Track, ...],
    out_dir: Path,
    settings: TranscriptionSettings,
    *,
    stem: str = "transcript",
    vocabulary: str = "",
    names=(),
    progress: Progress | None = None,
) -> TranscriptReport:
    """Every format for a multitrack episode, times on the first track's timeline."""
    started = time.monotonic()
    arrays, lead = track_arrays(tracks)
    speakers = tuple(t.speaker for t in tracks)
    report = transcribe_arrays(
        arrays,
        speakers,
        out_dir,
        settings,
        name=tracks[0].file.name,
        stem=stem,
        vocabulary=vocabulary,
        names=names,
        progress=progress,
        started=started,
        shift=-lead,
    )
    return report
