"""The stage's AudioReport: input figures from pass 1, output figures from pass 2."""

from __future__ import annotations

import math

from podpipe.audio.analysis import Analysis
from podpipe.audio.encoding import encoder_gain_db
from podpipe.audio.frames import RATE
from podpipe.audio.meter import db, integrated_loudness, loudness_range
from podpipe.audio.plan import Plan
from podpipe.audio.program import Program, timeline
from podpipe.audio.render import OutputMeter
from podpipe.audio.restore import HIGHPASS_HZ
from podpipe.config import AudioSettings
from podpipe.records import AudioReport


def _finite(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None


def report(
    program: Program, analysis: Analysis, plan: Plan, meter: OutputMeter, settings: AudioSettings
) -> AudioReport:
    """Input figures from pass 1; output figures from what went to the encoder, shifted
    by the encoder's measured gain (they match ffmpeg's ebur128 on the MP3 within about
    0.1 LU; the encoder may add a few tenths of a dB of true peak)."""
    encoder = encoder_gain_db(settings.bitrate, analysis.channels)
    input_lufs = integrated_loudness(analysis.power)
    output_lufs = meter.lufs + encoder
    return AudioReport(
        input_lufs=_finite(input_lufs),
        input_true_peak_dbtp=_finite(db(analysis.true_peak)),
        input_lra=_finite(loudness_range(analysis.power)),
        output_lufs=_finite(output_lufs),
        output_true_peak_dbtp=_finite(db(meter.true_peak) + encoder),
        output_lra=_finite(meter.lra),
        # the difference of the two figures as reported, so the three agree to the digit
        gain_db=_finite(round(output_lufs, 2) - round(input_lufs, 2)),
        duration_s=round(analysis.duration_s, 3),
        sample_rate=RATE,
        channels=analysis.channels,
        bitrate_kbps=settings.bitrate,
        warnings=list(analysis.warnings),
        timeline=timeline(program),
        highpass_hz=HIGHPASS_HZ if settings.highpass else None,
        hum_hz=analysis.hum.hz if analysis.hum else None,
        hum_db=analysis.hum.db if analysis.hum else None,
    )
