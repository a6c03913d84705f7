"""The stage's AudioReport: input figures from pass 1, output figures from pass 2."""

from __future__ import annotations

import math

from podpipe.audio.analysis import Analysis
from podpipe.audio.encoding import encoder_gain_db
from podpipe.audio.frames import BLOCK, RATE
from podpipe.audio.meter import db, integrated_loudness, loudness_range, lufs
from podpipe.audio.pauses import SILENT
from podpipe.audio.plan import Plan
from podpipe.audio.program import Program, timeline
from podpipe.audio.render import OutputMeter
from podpipe.audio.restoration import Restoration
from podpipe.audio.restore import HIGHPASS_HZ
from podpipe.config import AudioSettings
from podpipe.records import AudioReport


def _finite(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None


def noise_floor(power, start: int, frames: int) -> float:
    """The 10th percentile of the K-weighted 100 ms blocks of frames [start, start +
    frames) of the programme (the recording's part), digital silence left out."""
    import numpy as np

    blocks = power[-(-start // BLOCK) : (start + frames) // BLOCK]
    blocks = blocks[blocks > SILENT]
    return float(lufs(np.percentile(blocks, 10))) if len(blocks) >= 5 else float("-inf")


def report(
    program: Program,
    source: Analysis,
    analysis: Analysis,
    plan: Plan,
    meter: OutputMeter,
    settings: AudioSettings,
    restoration: Restoration,
) -> AudioReport:
    """Input figures from pass 1 over the source (``source``); output figures from what
    went to the encoder, shifted by the encoder's measured gain (they match ffmpeg's
    ebur128 on the MP3 within about 0.1 LU; the encoder may add a few tenths of a dB of
    true peak). ``analysis`` is of what was rendered (the restored recording)."""
    encoder = encoder_gain_db(settings.bitrate, analysis.channels)
    input_lufs = integrated_loudness(source.power)
    start, kept = program.source_start, program.source_frames - restoration.removed_frames
    output_lufs = meter.lufs + encoder
    return AudioReport(
        input_lufs=_finite(input_lufs),
        input_true_peak_dbtp=_finite(db(source.true_peak)),
        input_lra=_finite(loudness_range(source.power)),
        output_lufs=_finite(output_lufs),
        output_true_peak_dbtp=_finite(db(meter.true_peak) + encoder),
        output_lra=_finite(meter.lra),
        # the difference of the two figures as reported, so the three agree to the digit
        gain_db=_finite(round(output_lufs, 2) - round(input_lufs, 2)),
        duration_s=round(analysis.duration_s, 3),
        sample_rate=RATE,
        channels=analysis.channels,
        bitrate_kbps=settings.bitrate,
        warnings=list(dict.fromkeys(source.warnings + analysis.warnings)),
        timeline=timeline(program),
        highpass_hz=HIGHPASS_HZ if settings.highpass else None,
        hum_hz=analysis.hum.hz if analysis.hum and restoration.notches else None,
        hum_db=analysis.hum.db if analysis.hum and restoration.notches else None,
        noise_floor_lufs=_finite(noise_floor(source.power, start, program.source_frames)),
        output_noise_floor_lufs=_finite(noise_floor(meter.power, start, kept) + encoder),
        denoise=restoration.denoise,
        denoise_db=restoration.denoise_db,
        pauses_removed_s=restoration.removed_s,
        pauses_cut=len(restoration.cuts),
        restoration_note=restoration.note,
    )
