"""The audio stage's entry: master() and the cache identity of what it writes."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

from podpipe.audio.analysis import analyse
from podpipe.audio.frames import Progress
from podpipe.audio.plan import plan
from podpipe.audio.program import Program, check_paths
from podpipe.audio.render import render
from podpipe.audio.report import report
from podpipe.audio.restoration import Restoration, plan_restoration, restored
from podpipe.audio.spool import Spool
from podpipe.config import AudioSettings
from podpipe.media import ffmpeg_version
from podpipe.records import AudioReport

STAGE_VERSION = 5  # bump when a change makes the same input sound different (5: dfnet segments)


def cache_identity(settings: AudioSettings) -> dict:
    """What decides the MP3 besides the source's content: for the stage cache key.
    (The intro and outro are named by path; hash their content alongside the source.)"""
    values = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()}
    return {
        "stage": "audio",
        "version": STAGE_VERSION,
        "ffmpeg": ffmpeg_version(),
        "settings": values,
        "bitrate_kbps": settings.bitrate,
    }


def master(
    source: Path, out_mp3: Path, settings: AudioSettings, *, progress: Progress | None = None
) -> AudioReport:
    """Level, normalize, limit and encode ``source`` into ``out_mp3`` (written atomically)."""
    source, out_mp3 = Path(source), Path(out_mp3)
    check_paths(source, out_mp3)
    return master_program(Program(source, settings), out_mp3, settings, progress)


def master_program(
    program: Program,
    out_mp3: Path,
    settings: AudioSettings,
    progress: Progress | None,
    restoration: Restoration | None = None,
) -> AudioReport:
    """The two streaming passes over a programme (a recording, or a multitrack mix):
    analysis, restoration when it rewrites the audio, gain plan, render, report. The
    recording is decoded and high-passed once: the analysis pass writes it to a spool
    that the passes after read (a restoration that rewrites it, noise reduction or cuts,
    reads that and writes a second spool, which the second analysis and the render
    read). A given ``restoration`` was planned (and done) upstream: a multitrack mix,
    whose tracks are restored one by one before the crossgate, and which keeps its own
    spool (tracks/mix.py)."""
    out_mp3.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_mp3.with_name(f".{out_mp3.name}.{os.getpid()}.part")
    filtered = (
        Spool(tmp.with_suffix(".filtered"), program.channels) if restoration is None else None
    )
    spool = Spool(tmp.with_suffix(".restored"), program.channels)
    try:
        first = analysis = analyse(program, progress, spool=filtered)
        rest = restoration  # what is left to do to the recording as the passes read it
        if restoration is None:
            restoration = plan_restoration(settings, first.survey, first.hum)
            filtered.frames, filtered.declared_duration = program.source_frames, program.declared_s
            program.spool, rest = filtered, restoration.high_passed()
        else:
            first.hum = None  # nothing is notched here
        channels = program.channels
        transform = lambda s: restored(s, channels, rest)  # noqa: E731
        if restoration.rewrites:  # noise reduction or cuts: restore once, analyse that
            spool.frames, spool.declared_duration = program.source_frames, program.declared_s
            analysis = analyse(program, progress, lambda s: spool.tee(transform(s)))
            analysis.hum = first.hum
            program.spool, program.edits, transform = spool, restoration.timeline(), None
            if filtered is not None:
                filtered.remove()
        gains = plan(analysis, settings)
        meter = render(program, tmp, gains, analysis, settings, progress, transform)
        os.replace(tmp, out_mp3)
    finally:
        tmp.unlink(missing_ok=True)
        spool.remove()
        if filtered is not None:
            filtered.remove()
    return report(program, first, analysis, gains, meter, settings, restoration)
