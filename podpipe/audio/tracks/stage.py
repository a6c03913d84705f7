"""master_tracks(): a multitrack episode's tracks -> the episode's MP3.

Envelope pass and alignment (align.py), the per-track plan (gate.py) and restoration
(restoring.py, measured in the envelope pass), then the single-file stage's two
streaming passes over the mix (mix.py): analysis, gain plan, render with limiter and
encoder. Memory does not grow with the length: the tracks are
read 10 s at a time; what is kept per track is a level every 10 ms.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from podpipe.audio.frames import RATE, Progress
from podpipe.audio.program import check_paths
from podpipe.audio.stage import master_program
from podpipe.audio.tracks.align import Alignment, align, envelope
from podpipe.audio.tracks.gate import MIX_DEPTH_DB, TrackPlan, plan_tracks, timeline
from podpipe.audio.tracks.mix import MixedTracks, MixProgram
from podpipe.audio.tracks.restoring import MIX, TrackRestoration
from podpipe.config import AudioSettings, Track
from podpipe.errors import ProcessingError
from podpipe.records import AudioReport

MULTITRACK_VERSION = 2  # bump when a change makes the same tracks sound different


def prepare(tracks: tuple[Track, ...], settings: AudioSettings | None = None) -> MixedTracks:
    """Alignment and per-track plan: everything before the audio is mixed; with
    ``settings``, each track's restoration too (measured in the same pass)."""
    if len(tracks) < 2:
        raise ProcessingError("a multitrack episode needs at least two tracks")
    for track in tracks:
        check_paths(track.file, Path(os.devnull))
    restorations = [TrackRestoration(settings) for _ in tracks] if settings else []
    envelopes = [
        envelope(t.file, restorations[i] if restorations else None) for i, t in enumerate(tracks)
    ]
    for env in envelopes:
        declared = env.declared_s
        if declared and declared > 5 and env.duration_s < declared * 0.98 - 0.5:
            raise ProcessingError(
                f"the audio is truncated: {env.duration_s:.1f} s decoded of the "
                f"{declared:.1f} s its header declares",
                file=env.path,
            )
    alignments = align(envelopes, [t.offset for t in tracks])
    tl = timeline(envelopes, alignments)
    plans = plan_tracks(envelopes, tl, [t.gain_db for t in tracks])
    return MixedTracks(tracks, tl, plans, [r.finish() for r in restorations])


def master_tracks(
    tracks: tuple[Track, ...],
    out_mp3: Path,
    settings: AudioSettings,
    *,
    progress: Progress | None = None,
) -> AudioReport:
    """Align, level, crossgate and mix ``tracks``, then master the mix into ``out_mp3``."""
    out_mp3 = Path(out_mp3)
    for track in tracks:
        if out_mp3.exists() and out_mp3.resolve() == track.file.resolve():
            raise ProcessingError("the output would overwrite a track", file=track.file)
    mixed = prepare(tracks, settings)
    # Restoration runs on each track before the crossgate (restoring.py), not on the
    # mix; pause trimming is left to single-file episodes, whose timeline it owns.
    settings = dataclasses.replace(settings, trim_pauses=None)
    out_mp3.parent.mkdir(parents=True, exist_ok=True)
    spool = out_mp3.with_name(f".{out_mp3.name}.{os.getpid()}.mix")
    program = MixProgram(mixed, dataclasses.replace(settings, highpass=False), spool)
    try:
        result = master_program(program, out_mp3, settings, progress, restoration=MIX)
    finally:
        program.remove_spool()
    start = mixed.timeline.start_r
    if start < 0 or program.source_start:
        end = round(start + program.source_frames / RATE, 6)
        result.timeline = [[round(start, 6), end, round(program.source_start / RATE, 6)]]
    result.tracks = track_rows(tracks, mixed.timeline.alignments, mixed.plans)
    for row, restoration in zip(result.tracks, mixed.restorations, strict=True):
        row.update(restoration.row())
    return result


def track_rows(
    tracks: tuple[Track, ...], alignments: list[Alignment], plans: list[TrackPlan]
) -> list[dict]:
    rows = []
    for i, (track, a, p) in enumerate(zip(tracks, alignments, plans, strict=True)):
        rows.append(
            {
                "file": track.file.name,
                "speaker": track.speaker,
                "offset_s": round(a.mapping.offset_s, 4) + 0.0,
                "offset": "reference" if i == 0 else "auto" if a.auto else "set",
                "drift_ppm": round(a.mapping.drift_ppm, 1),
                "confidence": a.confidence,
                "loudness_in_db": p.speech_db,
                "gain_db": p.gain_db,
                "gated_percent": round(100 * p.gated_share, 1),
                "gate_depth_db": MIX_DEPTH_DB,
            }
        )
    return rows
