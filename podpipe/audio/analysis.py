"""Pass 1: block powers, peaks and the limiter profile of the whole programme, and the
checks that refuse (or warn about) input that cannot make a good episode."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from podpipe.audio.envelope import profile
from podpipe.audio.frames import BLOCK, MINI, MINI_PER_BLOCK, RATE, Progress, pad
from podpipe.audio.meter import (
    KWeighting,
    add_true_peaks,
    integrated_loudness,
    mini_peaks,
    sample_peaks,
)
from podpipe.audio.pauses import Survey
from podpipe.audio.program import Program
from podpipe.audio.restore import AnalysisFilter, Hum
from podpipe.audio.spool import Spool
from podpipe.errors import ProcessingError
from podpipe.media import truncation

MIN_DURATION_S = 0.4  # one BS.1770 gating block; loudness is undefined below it


@dataclass
class Analysis:
    power: object  # K-weighted power per 100 ms block (numpy array)
    peak: object  # true peak per block (where it matters; sample peak elsewhere)
    profile: object  # per second: K-weighted energy by peak-envelope level (1 dB bins)
    frames: int
    source_frames: int
    channels: int
    true_peak: float  # linear
    clipped: int  # samples at full scale
    warnings: list[str] = field(default_factory=list)
    hum: Hum | None = None  # mains hum in the recording (restore.py)
    survey: Survey | None = None  # the recording's block levels (pauses.py)

    @property
    def duration_s(self) -> float:
        return self.frames / RATE


class _Analyser:
    """Pass 1 over fixed-size chunks: block powers, peaks, the limiter profile."""

    def __init__(self, channels: int):
        self._k = KWeighting(channels)
        self.channels = channels
        self.frames = 0
        self.true_peak = 0.0
        self.clipped = 0
        self.powers: list = []
        self.peaks: list = []
        self.profiles: list = []

    def add(self, x) -> None:
        import numpy as np

        n = len(x)
        sq = pad(self._k.power(x), BLOCK)
        peaks = pad(sample_peaks(x), BLOCK)
        self.clipped += int(np.count_nonzero(peaks >= 0.999))  # samples at full scale
        mb_peak = mini_peaks(peaks)
        # oversample only near the loudest peak seen so far: that is where the maximum is
        bar = 0.8 * max(self.true_peak, float(mb_peak.max()))
        add_true_peaks(x, mb_peak, np.flatnonzero(mb_peak >= bar))
        self.true_peak = max(self.true_peak, float(mb_peak.max()))
        power = sq.reshape(-1, BLOCK).mean(axis=1)
        if n % BLOCK:  # the last, partial block: mean over its real frames
            power[-1] *= BLOCK / (n % BLOCK)
        self.powers.append(power)
        self.peaks.append(mb_peak.reshape(-1, MINI_PER_BLOCK).max(axis=1))
        self.profiles.append(profile(sq.reshape(-1, MINI).sum(axis=1), mb_peak))
        self.frames += n

    def result(self, source_frames: int) -> Analysis:
        import numpy as np

        return Analysis(
            np.concatenate(self.powers),
            np.concatenate(self.peaks),
            np.concatenate(self.profiles),
            self.frames,
            source_frames,
            self.channels,
            self.true_peak,
            self.clipped,
        )


def analyse(
    program: Program,
    progress: Progress | None,
    restore: Callable[[Iterable], Iterable] | None = None,
    spool: Spool | None = None,
) -> Analysis:
    """Pass 1 over the programme. Without ``restore`` (a stream transform of the
    recording's chunks), the recording is high-passed and surveyed for hum, noise and
    pauses on the way (and the high-passed recording written to ``spool``, for the
    passes after); with it, what it yields is analysed (the restored recording)."""
    import numpy as np

    analyser = _Analyser(program.channels)
    survey = AnalysisFilter(program.channels, highpass=program.settings.highpass)

    def measured(chunks: Iterable) -> Iterable:
        filtered = map(survey, chunks)
        return spool.tee(filtered) if spool is not None else filtered

    for chunk in program.chunks(restore or measured):
        if not np.isfinite(chunk).all():
            raise ProcessingError(
                "the audio contains NaN or infinite samples (damaged float data)",
                file=program.source,
            )
        analyser.add(chunk)
        if progress:
            progress(0.3 * analyser.frames / RATE, program.declared_s or analyser.frames / RATE)
    analysis = analyser.result(program.source_frames)
    if restore is None:
        analysis.hum, analysis.survey = survey.hum.result(), survey.survey
    _check_content(analysis, program)
    return analysis


def _check_content(analysis: Analysis, program: Program) -> None:
    source_s = analysis.source_frames / RATE
    if analysis.source_frames == 0:
        raise ProcessingError("the file holds no audio samples", file=program.source)
    if source_s < MIN_DURATION_S:
        raise ProcessingError(
            f"the recording is only {source_s * 1000:.0f} ms long; loudness "
            f"needs at least {MIN_DURATION_S * 1000:.0f} ms",
            file=program.source,
        )
    cut = truncation(program.declared_s, source_s)
    if cut:
        raise ProcessingError(cut, file=program.source)
    if analysis.true_peak == 0.0:
        raise ProcessingError("the recording is digital silence", file=program.source)
    if integrated_loudness(analysis.power) == float("-inf"):
        raise ProcessingError(
            "the recording is silent (nothing above -70 LUFS)", file=program.source
        )
    silent_s = int((analysis.peak == 0).sum()) / 10
    if silent_s >= 1:
        analysis.warnings.append(f"input has {silent_s:.1f} s of digital silence")
    if analysis.clipped > 0.0001 * analysis.frames:
        analysis.warnings.append(f"input is clipped: {analysis.clipped} samples at full scale")
