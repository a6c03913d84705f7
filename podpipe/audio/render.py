"""Pass 2: read the recording again (the spool the analysis pass wrote), low-pass, gain
and limit, and pipe the result to the MP3 encoder (which runs on the other core); meter
what goes out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from podpipe.audio.analysis import Analysis
from podpipe.audio.encoding import Lowpass, open_encoder
from podpipe.audio.frames import MINI, RATE, Progress, pad
from podpipe.audio.limiter import Limiter
from podpipe.audio.meter import integrated_loudness, loudness_range
from podpipe.audio.plan import Plan
from podpipe.audio.program import Program
from podpipe.config import AudioSettings
from podpipe.errors import ProcessingError
from podpipe.media import Mp3Encoder


@dataclass
class OutputMeter:
    power: object  # K-weighted power per 100 ms block of what went to the encoder
    true_peak: float

    @property
    def lufs(self) -> float:
        return integrated_loudness(self.power)

    @property
    def lra(self) -> float:
        return loudness_range(self.power)


def render(
    program: Program,
    out: Path,
    plan: Plan,
    analysis: Analysis,
    settings: AudioSettings,
    progress: Progress | None,
    restore: Callable[[Iterable], Iterable] | None,
) -> OutputMeter:
    """Pass 2. ``restore`` (a stream transform of the recording's chunks: the hum
    notches, say) is what is left to do to the recording as the programme reads it."""
    import numpy as np

    limiter = Limiter(plan, program.channels, len(analysis.power))
    lowpass = Lowpass(program.channels)
    encoder = open_encoder(out, channels=program.channels, bitrate_kbps=settings.bitrate)
    written = decoded = 0
    try:
        for chunk in program.chunks(restore):
            decoded += len(chunk)
            frames = limiter.push(pad(lowpass(chunk), MINI))
            written += _write(encoder, frames, analysis.frames - written)
            if progress:
                progress(0.3 * analysis.duration_s + 0.7 * decoded / RATE, analysis.duration_s)
        empty = np.zeros((0, program.channels), np.float32)
        written += _write(encoder, limiter.push(empty, final=True), analysis.frames - written)
        encoder.close()
        if progress:  # done, also where the chunks end short of the analysed length
            progress(analysis.duration_s, analysis.duration_s)
    except BaseException:
        encoder.kill()
        raise
    if decoded != analysis.frames:
        raise ProcessingError("the file changed while it was processed", file=program.source)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(limiter.energy > 0, limiter.weighted / limiter.energy, 0.0)
    return OutputMeter(analysis.power * share, limiter.true_peak)


def _write(encoder: Mp3Encoder, frames, room: int) -> int:
    """Write at most ``room`` frames (the padding added for mini-blocks stays out)."""
    frames = frames[:room]
    if len(frames):
        encoder.write(frames)
    return len(frames)
