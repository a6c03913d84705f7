"""The audio stage: a source recording -> a leveled, loudness-normalized, true-peak-limited MP3.

Two streaming passes over the decoded audio, in 10 s chunks, so memory does not grow
with the episode's length:

1. **Analysis.** ffmpeg decodes (and resamples to 44.1 kHz, downmixes to the output
   channels) into a float32 pipe. For every 100 ms block we keep the K-weighted power
   (ITU-R BS.1770) and the true peak, and per second a histogram of energy over the
   limiter's peak envelope: a few hundred floats per second of audio. From those come
   the input loudness and LRA, and a *leveler* gain curve: speech blocks are found by a
   relative gate, the speech level around each moment (3 s window, speech blocks only)
   is pulled toward the programme level, pauses inherit the gain of the speech around
   them (capped, so silence is never boosted beyond speech), and the curve is smoothed.
   The make-up gain is then solved so that the programme, after the limiter's predicted
   loss and the encoder's measured gain, lands on target.
2. **Render.** Decode again, low-pass at 15 kHz, apply the gain curve, run a look-ahead
   true-peak limiter (4x oversampled peak detection, hold, a smooth attack that is down
   before the peak arrives) and pipe the result to libmp3lame, which runs on the other
   core. What goes out is metered for the report.

The limiter ceiling sits 1 dB below the requested one: MP3 encoding adds overs.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from podpipe.config import AudioSettings
from podpipe.errors import ProcessingError
from podpipe.media import Decoder, Mp3Encoder
from podpipe.records import AudioReport

log = logging.getLogger(__name__)

RATE = 44100  # output rate: every podcast app plays it, and Apple recommends it
BLOCK = RATE // 10  # 100 ms analysis block: the BS.1770 gating step
CHUNK = 100 * BLOCK  # 10 s of audio per read: large enough for numpy, small for memory
MIN_DURATION_S = 0.4  # one BS.1770 gating block; loudness is undefined below it
ABSOLUTE_GATE = -70.0  # LUFS
LOWPASS_HZ = 15000  # speech needs nothing above; the encoder gets a matching cutoff
MP3_MARGIN_DB = 1.0  # headroom for the peaks MP3 encoding adds (measured on peaky speech)

# Leveler
SPEECH_GATE_LU = -24.0  # a 400 ms block is speech when within this of the programme level
LEVEL_WINDOW = 30  # blocks (3 s) over which a speaker's level is estimated
SMOOTH = 10  # blocks (1 s) of gain-curve smoothing against pumping
LEVELER_STRENGTH = 0.9  # share of a level difference the leveler removes
MAX_BOOST_DB, MAX_CUT_DB = 18.0, 12.0  # leveler range relative to the programme level

# Limiter, in mini-blocks of 21 frames (0.48 ms): gains are computed per mini-block
MINI = 21
MINI_PER_BLOCK = BLOCK // MINI
MINI_PER_SECOND = RATE // MINI
ATTACK_MB = 3  # 1.4 ms per smoothing stage; two stages = 2.9 ms look-ahead
HOLD_MB = 21  # 10 ms before the gain recovers: short, so peaks cost little loudness
CONTEXT = (HOLD_MB + 2 * ATTACK_MB + 8) * MINI  # frames each side a frame's gain depends on
MAX_LIMITER_LU = 6.0  # most loudness the limiter may be driven to take away
PROFILE_FLOOR_DB, PROFILE_BINS = -90, 100  # peak-envelope histogram: -90..+10 dBFS, 1 dB bins

STAGE_VERSION = 1  # bump when a change makes the same input sound different

Progress = Callable[[float, float], None]


def cache_identity(settings: AudioSettings) -> dict:
    """What decides the MP3 besides the source's content: for the stage cache key.
    (The intro and outro are named by path; hash their content alongside the source.)"""
    from dataclasses import asdict

    from podpipe.media import ffmpeg_version

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
    _check_paths(source, out_mp3)
    program = _Program(source, settings)
    analysis = _analyse(program, progress)
    plan = _plan(analysis, settings)
    out_mp3.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_mp3.with_name(f".{out_mp3.name}.{os.getpid()}.part")
    try:
        meter = _render(program, tmp, plan, analysis, settings, progress)
        os.replace(tmp, out_mp3)
    finally:
        tmp.unlink(missing_ok=True)
    return _report(analysis, plan, meter, settings)


# --------------------------------------------------------------------------- input


def _check_paths(source: Path, out_mp3: Path) -> None:
    if not source.exists():
        raise ProcessingError("file not found", file=source)
    if not source.is_file():
        raise ProcessingError("not a file", file=source)
    if source.stat().st_size == 0:
        raise ProcessingError("the file is empty (0 bytes)", file=source)
    if out_mp3.exists() and out_mp3.resolve() == source.resolve():
        raise ProcessingError("the output would overwrite the source recording", file=source)


class _Program:
    """The programme as a stream: optional intro, the recording, optional outro, crossfaded."""

    def __init__(self, source: Path, settings: AudioSettings):
        self.source = source
        self.channels = 2 if settings.channels == 2 else 1
        self.settings = settings
        self.source_frames = 0
        self.declared_s: float | None = None
        self._intro = self._clip(settings.intro)
        self._outro = self._clip(settings.outro)

    def _clip(self, path: Path | None):
        """Intros and outros are short: decode them whole."""
        import numpy as np

        if path is None:
            return None
        path = Path(path)
        _check_paths(path, Path(os.devnull))
        with Decoder(path, sample_rate=RATE, channels=self.channels, chunk_frames=CHUNK) as dec:
            parts = list(dec)
        clip = np.concatenate(parts) if parts else np.zeros((0, self.channels), np.float32)
        if len(clip) == 0:
            raise ProcessingError("the intro/outro has no audio", file=path)
        return clip

    def chunks(self) -> Iterator:
        """Fixed-size float32 chunks of the whole programme."""
        xf = max(1, int(self.settings.crossfade_ms * RATE / 1000))
        with Decoder(
            self.source, sample_rate=RATE, channels=self.channels, chunk_frames=CHUNK
        ) as dec:
            stream: Iterable = dec
            if self._intro is not None:
                stream = _crossfade_in(self._intro, stream, xf)
            if self._outro is not None:
                stream = _crossfade_out(stream, self._outro, xf)
            yield from _rechunk(_counted(dec, stream, self), CHUNK)


def _counted(dec: Decoder, stream: Iterable, program: _Program) -> Iterator:
    for chunk in stream:
        program.declared_s = program.declared_s or dec.declared_duration
        yield chunk
    program.source_frames = dec.frames


def _fades(n: int):
    """Equal-power fade curves (out, in) of n samples, as column vectors."""
    import numpy as np

    t = (np.arange(n, dtype=np.float32) + 0.5) / n
    return np.cos(t * np.pi / 2)[:, None], np.sin(t * np.pi / 2)[:, None]


def _crossfade_in(intro, stream: Iterable, xf: int) -> Iterator:
    it = iter(stream)
    first = next(it, None)
    if first is None:
        yield intro
        return
    n = min(xf, len(intro) // 2, len(first) // 2)
    fade_out, fade_in = _fades(n) if n else (None, None)
    yield intro[: len(intro) - n]
    if n:
        yield intro[len(intro) - n :] * fade_out + first[:n] * fade_in
    yield first[n:]
    yield from it


def _crossfade_out(stream: Iterable, outro, xf: int) -> Iterator:
    import numpy as np

    held = None
    for chunk in stream:
        held = chunk if held is None else np.concatenate([held, chunk])
        if len(held) > xf:
            yield held[: len(held) - xf]
            held = held[len(held) - xf :]
    n = 0 if held is None else min(len(held), len(outro) // 2)
    if held is not None and n:
        fade_out, fade_in = _fades(n)
        yield held[: len(held) - n]
        yield held[len(held) - n :] * fade_out + outro[:n] * fade_in
    yield outro[n:]


def _rechunk(stream: Iterable, size: int) -> Iterator:
    """Exactly ``size`` frames per chunk (the last one shorter), so 100 ms blocks line up."""
    import numpy as np

    pending: list = []
    count = 0
    for chunk in stream:
        if len(chunk) == 0:
            continue
        pending.append(chunk)
        count += len(chunk)
        while count >= size:
            joined = np.concatenate(pending) if len(pending) > 1 else pending[0]
            yield joined[:size]
            rest = joined[size:]
            pending, count = ([rest], len(rest)) if len(rest) else ([], 0)
    if count:
        yield np.concatenate(pending) if len(pending) > 1 else pending[0]


# --------------------------------------------------------------------------- metering


def k_weighting(rate: int = RATE):
    """BS.1770 K-weighting (high shelf + high pass) as second-order sections for ``rate``."""
    import numpy as np

    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
        1.0,
        2 * (k * k - 1) / a0,
        (1 - k / q + k * k) / a0,
    ]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, highpass])


def _lufs(power):
    import numpy as np

    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(power)


def _moving_mean(values, width: int):
    """Mean of ``width`` blocks ending at each block (shorter at the start)."""
    import numpy as np

    c = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    idx = np.arange(1, len(values) + 1)
    lo = np.maximum(idx - width, 0)
    return (c[idx] - c[lo]) / (idx - lo)


def integrated_loudness(power) -> float:
    """BS.1770-4 gated loudness from 100 ms block powers (400 ms blocks, 75 % overlap)."""

    if len(power) < 4:
        return float("-inf")
    momentary = _moving_mean(power, 4)[3:]
    kept = momentary[_lufs(momentary) > ABSOLUTE_GATE]
    if not len(kept):
        return float("-inf")
    relative = _lufs(kept.mean()) - 10
    kept = kept[_lufs(kept) > relative]
    return float(_lufs(kept.mean())) if len(kept) else float("-inf")


def loudness_range(power) -> float:
    """EBU Tech 3342 LRA from 100 ms block powers (3 s short-term blocks)."""
    import numpy as np

    if len(power) < 30:
        return 0.0
    short = _lufs(_moving_mean(power, 30)[29:])
    short = short[short > ABSOLUTE_GATE]
    if not len(short):
        return 0.0
    energy = 10 ** ((short + 0.691) / 10)
    short = short[short > _lufs(energy.mean()) - 20]
    lo, hi = np.percentile(short, [10, 95])
    return float(hi - lo)


# --------------------------------------------------------------------------- samples


def _sample_peaks(x):
    """Per-frame peak magnitude over channels (column by column: numpy is slow at
    reducing a 2-wide axis)."""
    import numpy as np

    peaks = np.abs(x[:, 0])
    for ch in range(1, x.shape[1]):
        np.maximum(peaks, np.abs(x[:, ch]), out=peaks)
    return peaks


def _pad(values, multiple: int):
    import numpy as np

    extra = -len(values) % multiple
    if not extra:
        return values
    return np.concatenate([values, np.zeros((extra, *values.shape[1:]), values.dtype)])


@functools.cache
def _interpolator():
    """4x oversampling taps: windowed sinc, 16 taps for each of the 3 in-between phases."""
    import numpy as np

    offsets = np.arange(-7, 9)
    t = offsets[:, None] - np.array([0.25, 0.5, 0.75])[None, :]
    taps = np.sinc(t) * (0.5 + 0.5 * np.cos(np.pi * t / 8.5))
    return (taps / taps.sum(axis=0)).astype(np.float32), offsets


def _add_true_peaks(x, peaks, mb_peak, hot_mb) -> None:
    """Raise ``peaks`` (per frame) and ``mb_peak`` (per mini-block) in the mini-blocks
    ``hot_mb`` to their 4x oversampled (true) peak. Only where the level matters is it
    worth the cost; frames within 8 of the buffer's ends keep their sample peak."""
    import numpy as np

    if not len(hot_mb):
        return
    taps, offsets = _interpolator()
    frames = (hot_mb[:, None] * MINI + np.arange(MINI)[None, :]).ravel()
    frames = frames[(frames >= 7) & (frames < len(x) - 9)]
    for start in range(0, len(frames), 1 << 15):  # bounds the gather's memory
        cand = frames[start : start + (1 << 15)]
        idx = cand[:, None] + offsets[None, :]
        between = np.zeros(len(cand), np.float32)
        for ch in range(x.shape[1]):
            # einsum, not @: BLAS would start threads that fight the encoder for the cores
            phases = np.einsum("ij,jk->ik", x[idx, ch], taps)
            np.maximum(between, np.abs(phases).max(axis=1), out=between)
        peaks[cand] = np.maximum(peaks[cand], between)
    mb_peak[hot_mb] = peaks[: len(mb_peak) * MINI].reshape(-1, MINI)[hot_mb].max(axis=1)


class _Lowpass:
    """Streaming 4th-order Butterworth low-pass at LOWPASS_HZ, before the limiter.

    Content near 22 kHz makes inter-sample peaks far above the sample peaks (clipped
    recordings are full of it), and the MP3 encoder removes it anyway, re-creating those
    peaks after the limiter. Removing it first lets the limiter see what the encoder will.
    """

    def __init__(self, channels: int):
        import numpy as np
        from scipy import signal

        self._sosfilt = signal.sosfilt
        self._sos = signal.butter(4, LOWPASS_HZ, fs=RATE, output="sos")
        self._zi = [np.zeros((2, 2)) for _ in range(channels)]

    def __call__(self, x):
        import numpy as np

        out = np.empty(x.shape, np.float32)
        for ch in range(x.shape[1]):
            out[:, ch], self._zi[ch] = self._sosfilt(self._sos, x[:, ch], zi=self._zi[ch])
        return out


class _KWeighting:
    """Streaming K-weighting; returns the per-frame K-weighted power summed over channels
    (channel weights are 1 for L, R and a mono mix)."""

    def __init__(self, channels: int):
        import numpy as np
        from scipy import signal

        self._lfilter = signal.lfilter
        # float32 runs twice as fast; the power it gives differs by 0.001 dB
        b, a = signal.sos2tf(k_weighting())
        self._b, self._a = b.astype(np.float32), a.astype(np.float32)
        self._zi = [np.zeros(4, np.float32) for _ in range(channels)]

    def power(self, x):
        total = None
        for ch in range(x.shape[1]):
            weighted, self._zi[ch] = self._lfilter(self._b, self._a, x[:, ch], zi=self._zi[ch])
            total = weighted * weighted if total is None else total + weighted * weighted
        return total


# --------------------------------------------------------------------------- pass 1


@dataclass
class _Analysis:
    power: object  # K-weighted power per 100 ms block (numpy array)
    peak: object  # true peak per block (where it matters; sample peak elsewhere)
    profile: object  # per second: K-weighted energy by peak-envelope level (1 dB bins)
    frames: int
    source_frames: int
    channels: int
    true_peak: float  # linear
    clipped: int  # samples at full scale
    warnings: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.frames / RATE


class _Analyser:
    """Pass 1 over fixed-size chunks: block powers, peaks, the limiter profile."""

    def __init__(self, channels: int):
        self._k = _KWeighting(channels)
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
        sq = _pad(self._k.power(x), BLOCK)
        peaks = _pad(_sample_peaks(x), BLOCK)
        mb_peak = peaks.reshape(-1, MINI).max(axis=1)
        # oversample only near the loudest peak seen so far: that is where the maximum is
        bar = 0.8 * max(self.true_peak, float(mb_peak.max()))
        _add_true_peaks(x, peaks, mb_peak, np.flatnonzero(mb_peak >= bar))
        self.true_peak = max(self.true_peak, float(mb_peak.max()))
        self.clipped += int(np.count_nonzero(peaks >= 0.999))
        power = sq.reshape(-1, BLOCK).mean(axis=1)
        if n % BLOCK:  # the last, partial block: mean over its real frames
            power[-1] *= BLOCK / (n % BLOCK)
        self.powers.append(power)
        self.peaks.append(mb_peak.reshape(-1, MINI_PER_BLOCK).max(axis=1))
        self.profiles.append(_profile(sq.reshape(-1, MINI).sum(axis=1), mb_peak))
        self.frames += n

    def result(self, source_frames: int) -> _Analysis:
        import numpy as np

        return _Analysis(
            np.concatenate(self.powers),
            np.concatenate(self.peaks),
            np.concatenate(self.profiles),
            self.frames,
            source_frames,
            self.channels,
            self.true_peak,
            self.clipped,
        )


def _profile(mb_energy, mb_peak):
    """Energy per (second, level of the limiter's peak envelope) in 1 dB bins: what the
    limiter will take from each second at any gain (chunks start on whole seconds)."""
    import numpy as np
    from scipy import ndimage

    envelope = ndimage.maximum_filter1d(mb_peak, HOLD_MB + 4 * ATTACK_MB + 1)
    with np.errstate(divide="ignore"):
        level = np.floor(20 * np.log10(envelope)) - PROFILE_FLOOR_DB
    bins = np.clip(np.nan_to_num(level, neginf=0), 0, PROFILE_BINS - 1).astype(np.int64)
    second = np.arange(len(mb_energy)) // MINI_PER_SECOND
    seconds = int(second[-1]) + 1
    hist = np.bincount(
        second * PROFILE_BINS + bins, weights=mb_energy, minlength=seconds * PROFILE_BINS
    )
    return hist.reshape(seconds, PROFILE_BINS).astype(np.float32)


def _analyse(program: _Program, progress: Progress | None) -> _Analysis:
    import numpy as np

    analyser = _Analyser(program.channels)
    for chunk in program.chunks():
        if not np.isfinite(chunk).all():
            raise ProcessingError(
                "the audio contains NaN or infinite samples (damaged float data)",
                file=program.source,
            )
        analyser.add(chunk)
        if progress:
            progress(0.3 * analyser.frames / RATE, program.declared_s or analyser.frames / RATE)
    analysis = analyser.result(program.source_frames)
    _check_content(analysis, program)
    return analysis


def _check_content(analysis: _Analysis, program: _Program) -> None:
    source_s = analysis.source_frames / RATE
    if analysis.source_frames == 0:
        raise ProcessingError("the file holds no audio samples", file=program.source)
    if source_s < MIN_DURATION_S:
        raise ProcessingError(
            f"the recording is only {source_s * 1000:.0f} ms long; loudness "
            f"needs at least {MIN_DURATION_S * 1000:.0f} ms",
            file=program.source,
        )
    declared = program.declared_s
    if declared and declared > 5 and source_s < declared * 0.98 - 0.5:
        raise ProcessingError(
            f"the audio is truncated: {source_s:.1f} s decoded of the "
            f"{declared:.1f} s its header declares",
            file=program.source,
        )
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


# --------------------------------------------------------------------------- the gain plan


@dataclass
class _Plan:
    gain_db: object  # total gain per 100 ms block (leveler + make-up), numpy array
    makeup_db: float
    ceiling: float  # linear limiter ceiling (below the requested one: MP3 margin)


def leveler_curve(power, *, strength: float = LEVELER_STRENGTH):
    """Gain per 100 ms block (dB) that pulls each speaker's level toward the programme's.

    Speech blocks pass a gate relative to the programme loudness; a speaker's level is
    the mean power of the speech blocks within a 3 s window. Blocks with no speech near
    them (pauses, silence) take the gain interpolated from the speech around them, capped
    at the median speech gain: silence is never boosted more than speech.
    """
    import numpy as np

    programme = integrated_loudness(power)
    momentary = _lufs(_centered_mean(power, 4))
    # The absolute gate as it will be after make-up gain (taken as bringing the programme
    # to -23 LUFS at least): a guest 15 LU under a very quiet host (-60 LUFS) is speech.
    floor = ABSOLUTE_GATE - max(0.0, -23.0 - programme)
    speech = (momentary > max(floor, programme + SPEECH_GATE_LU)).astype(np.float64)
    energy = _centered_mean(power * speech, LEVEL_WINDOW)
    share = _centered_mean(speech, LEVEL_WINDOW)
    known = share * LEVEL_WINDOW >= 5  # at least 0.5 s of speech in the window
    gain = np.zeros(len(power))
    if known.any():
        level = _lufs(energy[known] / share[known])
        gain[known] = np.clip(strength * (programme - level), -MAX_CUT_DB, MAX_BOOST_DB)
        index = np.arange(len(power))
        typical = float(np.median(gain[known]))
        # long pauses: the gain of the speech around them, but never more than the
        # typical speech gain (a pause after a quiet guest must not rise to a hiss)
        gain = np.where(
            known,
            np.interp(index, index[known], gain[known]),
            np.minimum(np.interp(index, index[known], gain[known]), typical),
        )
    return _centered_mean(gain, SMOOTH)


def _centered_mean(values, width: int):
    import numpy as np

    ahead = width // 2
    padded = np.concatenate([values, np.full(ahead, values[-1] if len(values) else 0.0)])
    return _moving_mean(padded, width)[ahead:]


def _plan(analysis: _Analysis, settings: AudioSettings) -> _Plan:
    import numpy as np

    level = leveler_curve(analysis.power) if settings.leveler else np.zeros(len(analysis.power))
    ceiling = 10 ** ((settings.true_peak_dbtp - MP3_MARGIN_DB) / 20)
    target = settings.target_lufs - encoder_gain_db(settings.bitrate, analysis.channels)
    makeup = _solve_makeup(analysis, level, target, ceiling)
    log.debug(
        "leveler %+.1f..%+.1f dB, make-up %+.2f dB, limiter ceiling %.2f dBFS",
        level.min(initial=0),
        level.max(initial=0),
        makeup,
        _db(ceiling),
    )
    if makeup > 25:
        analysis.warnings.append(
            f"the recording is very quiet: +{makeup:.1f} dB of gain raises its background noise too"
        )
    return _Plan(level + makeup, makeup, ceiling)


def _solve_makeup(analysis: _Analysis, level, target: float, ceiling: float) -> float:
    """The make-up gain whose output, after the limiter, lands on ``target``.

    Without the limiter this is exact arithmetic on the block powers. The limiter takes
    loudness away on peaky speech; its loss is predicted from the peak-envelope profile,
    and the gain found by a few secant steps (the loss grows with the gain).
    """
    import numpy as np

    seconds = np.arange(len(level)) // 10

    def predicted(makeup: float) -> float:
        gain = level + makeup
        second_gain = np.bincount(seconds, gain) / np.bincount(seconds)
        loss = _limiter_loss(analysis.profile, second_gain, ceiling)
        return integrated_loudness(analysis.power * 10 ** (gain / 10) * loss[seconds])

    linear = target - integrated_loudness(analysis.power * 10 ** (level / 10))
    a, fa = linear, predicted(linear) - target
    b = a - fa
    for _ in range(12):
        if abs(fa) < 0.01:
            break
        b = min(b, linear + MAX_LIMITER_LU)
        fb = predicted(b) - target
        slope = (fb - fa) / (b - a) if b != a else 1.0
        a, fa = b, fb
        if b >= linear + MAX_LIMITER_LU and fb < 0:
            analysis.warnings.append(
                "the speech is too peaky to reach the target loudness "
                "without crushing it; it stays quieter"
            )
            break
        b = b - fb / max(slope, 0.05)
    return float(a)


def _limiter_loss(profile, gain_db, ceiling: float):
    """Share of each second's K-weighted energy left after limiting at ``gain_db``.

    A frame whose peak envelope E (after gain) exceeds the ceiling is scaled by
    ceiling / E: its energy by (ceiling / E) squared.
    """
    import numpy as np

    centers = 10 ** ((np.arange(PROFILE_BINS) + PROFILE_FLOOR_DB + 0.5) / 20)
    envelope = centers[None, :] * 10 ** (gain_db[: len(profile), None] / 20)
    kept = np.minimum(1.0, ceiling / envelope) ** 2
    total = profile.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (profile * kept).sum(axis=1) / total
    return np.where(total > 0, share, 1.0)


# --------------------------------------------------------------------------- pass 2


class _Limiter:
    """Leveler gain plus a look-ahead true-peak limiter over a stream, exact across chunks.

    Gains are computed per 21-frame mini-block (0.5 ms) and interpolated to frames. The
    gain a mini-block needs is ceiling / (its true peak after leveling). A running
    minimum over the hold and look-ahead window, then two moving averages of ATTACK_MB,
    give a smooth gain that is at or below the needed gain at every frame: each averaged
    value is a minimum over a window holding the frame's mini-block and its neighbours
    (the interpolation's support).

    It also meters what it lets out: per 100 ms block the energy-weighted mean squared
    gain (the output's K-weighted power is pass 1's times that) and the true peak.
    """

    def __init__(self, plan: _Plan, channels: int, blocks: int):
        import numpy as np
        from scipy import ndimage

        self._minimum = ndimage.minimum_filter1d
        self._centers = (np.arange(len(plan.gain_db)) + 0.5) * BLOCK
        self._level = 10 ** (plan.gain_db / 20)
        self.ceiling = plan.ceiling
        self._buffer = np.zeros((CONTEXT, channels), np.float32)  # left context: silence
        self._start = -CONTEXT  # absolute frame of the buffer's first frame
        self.weighted = np.zeros(blocks)  # sum of energy * gain^2 per 100 ms block
        self.energy = np.zeros(blocks)
        self.true_peak = 0.0

    def push(self, x, *, final: bool = False):
        """Add decoded frames; return the frames that are now final, gained and limited."""
        import numpy as np

        if final:
            x = _pad(np.concatenate([x, np.zeros((CONTEXT, x.shape[1]), np.float32)]), MINI)
        work = np.concatenate([self._buffer, x])
        ready = len(work) - 2 * CONTEXT  # frames with full context on both sides
        if ready <= 0:
            self._buffer = work
            return work[:0]
        gain_mb, mb_peak = self._gain(work)
        out = self._apply(work, gain_mb, ready)
        self._meter(work, gain_mb, mb_peak, ready)
        self._buffer = work[ready:]
        self._start += ready
        return out

    def _gain(self, work):
        import numpy as np

        mbs = len(work) // MINI
        centers = self._start + (np.arange(mbs) + 0.5) * MINI
        level = np.interp(centers, self._centers, self._level)
        peaks = _sample_peaks(work)
        mb_peak = peaks.reshape(-1, MINI).max(axis=1)
        # 4.4 dB below the ceiling: after the low-pass no inter-sample overshoot is larger
        hot = np.flatnonzero(mb_peak * level >= 0.6 * self.ceiling)
        _add_true_peaks(work, peaks, mb_peak, hot)
        peak = mb_peak * level
        if peak.max(initial=0) <= self.ceiling:
            return level, mb_peak
        needed = np.minimum(1.0, self.ceiling / np.maximum(peak, 1e-12))
        span = HOLD_MB + 2 * ATTACK_MB + 1  # HOLD_MB + 1 back, 2 * ATTACK_MB - 1 ahead
        held = _shift(self._minimum(needed, span, mode="nearest"), span // 2 - HOLD_MB - 1)
        return level * _box(_box(held, ATTACK_MB), ATTACK_MB), mb_peak

    def _apply(self, work, gain_mb, ready: int):
        import numpy as np

        frames = np.arange(CONTEXT, CONTEXT + ready, dtype=np.float64)
        gain = np.interp(frames, (np.arange(len(gain_mb)) + 0.5) * MINI, gain_mb).astype(np.float32)
        out = np.empty((ready, work.shape[1]), np.float32)
        for ch in range(work.shape[1]):
            np.multiply(work[CONTEXT : CONTEXT + ready, ch], gain, out=out[:, ch])
        np.clip(out, -self.ceiling, self.ceiling, out=out)  # a no-op but for rounding
        return out

    def _meter(self, work, gain_mb, mb_peak, ready: int) -> None:
        import numpy as np

        lo, hi = CONTEXT // MINI, (CONTEXT + ready) // MINI
        region = work[CONTEXT : CONTEXT + ready]
        energy = np.einsum("ij,ij->i", region, region).reshape(-1, MINI).sum(axis=1)
        gain = gain_mb[lo:hi]
        first = (self._start + CONTEXT) // MINI
        block = np.minimum((first + np.arange(hi - lo)) // MINI_PER_BLOCK, len(self.energy) - 1)
        self.weighted += np.bincount(block, energy * gain**2, minlength=len(self.energy))
        self.energy += np.bincount(block, energy, minlength=len(self.energy))
        self.true_peak = max(self.true_peak, float((mb_peak[lo:hi] * gain).max(initial=0)))


def _shift(values, d: int):
    """values[n + d] at n (edge values repeated)."""
    import numpy as np

    if d > 0:
        return np.concatenate([values[d:], np.full(d, values[-1])])
    if d < 0:
        return np.concatenate([np.full(-d, values[0]), values[:d]])
    return values


def _box(values, width: int):
    """Mean of the ``width`` values ending at each index (the first value repeated before)."""
    import numpy as np

    c = np.cumsum(np.concatenate([np.full(width, values[0], np.float64), values]))
    return (c[width:] - c[:-width]) / width


@dataclass
class _OutputMeter:
    power: object  # K-weighted power per 100 ms block of what went to the encoder
    true_peak: float

    @property
    def lufs(self) -> float:
        return integrated_loudness(self.power)

    @property
    def lra(self) -> float:
        return loudness_range(self.power)


def _render(
    program: _Program,
    out: Path,
    plan: _Plan,
    analysis: _Analysis,
    settings: AudioSettings,
    progress: Progress | None,
) -> _OutputMeter:
    import numpy as np

    limiter = _Limiter(plan, program.channels, len(analysis.power))
    lowpass = _Lowpass(program.channels)
    encoder = Mp3Encoder(
        out,
        sample_rate=RATE,
        channels=program.channels,
        bitrate_kbps=settings.bitrate,
        cutoff_hz=LOWPASS_HZ + 1000,
    )
    written = decoded = 0
    try:
        for chunk in program.chunks():
            decoded += len(chunk)
            frames = limiter.push(_pad(lowpass(chunk), MINI))
            written += _write(encoder, frames, analysis.frames - written)
            if progress:
                progress(0.3 * analysis.duration_s + 0.7 * decoded / RATE, analysis.duration_s)
        empty = np.zeros((0, program.channels), np.float32)
        written += _write(encoder, limiter.push(empty, final=True), analysis.frames - written)
        encoder.close()
    except BaseException:
        encoder.kill()
        raise
    if decoded != analysis.frames:
        raise ProcessingError("the file changed while it was processed", file=program.source)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(limiter.energy > 0, limiter.weighted / limiter.energy, 0.0)
    return _OutputMeter(analysis.power * share, limiter.true_peak)


def _write(encoder: Mp3Encoder, frames, room: int) -> int:
    """Write at most ``room`` frames (the padding added for mini-blocks stays out)."""
    frames = frames[:room]
    if len(frames):
        encoder.write(frames)
    return len(frames)


@functools.cache
def encoder_gain_db(bitrate_kbps: int, channels: int) -> float:
    """How much louder (negative: quieter) libmp3lame makes a programme, in LU.

    Measured, not assumed: at 160 kbps and below LAME comes out about 0.5 LU quieter
    than its input (even a pure tone), at 256 kbps not at all. Two seconds of a harmonic
    tone are encoded, decoded and metered once per setting.
    """
    import tempfile

    import numpy as np

    from podpipe.media import Decoder

    rng = np.random.default_rng(0)
    t = np.arange(2 * RATE) / RATE
    tone = sum(np.sin(2 * np.pi * 150 * k * t + rng.uniform(0, 6)) / k for k in range(1, 27))
    noise = np.repeat((0.05 * tone)[:, None], channels, axis=1).astype(np.float32)
    with tempfile.TemporaryDirectory(prefix="podpipe-") as tmp:
        mp3 = Path(tmp) / "calibration.mp3"
        encoder = Mp3Encoder(
            mp3,
            sample_rate=RATE,
            channels=channels,
            bitrate_kbps=bitrate_kbps,
            cutoff_hz=LOWPASS_HZ + 1000,
        )
        encoder.write(noise)
        encoder.close()
        with Decoder(mp3, sample_rate=RATE, channels=channels, chunk_frames=4 * RATE) as dec:
            decoded = np.concatenate(list(dec))
    skip = RATE // 4  # the encoder's delay and the filters' settling
    before = _KWeighting(channels).power(noise)[skip:-skip].mean()
    after = _KWeighting(channels).power(decoded)[skip:-skip].mean()
    return float(10 * np.log10(after / before))


# --------------------------------------------------------------------------- report


def _db(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else float("-inf")


def _finite(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None


def _report(
    analysis: _Analysis, plan: _Plan, meter: _OutputMeter, settings: AudioSettings
) -> AudioReport:
    """Input figures from pass 1; output figures from what went to the encoder, shifted
    by the encoder's measured gain (they match ffmpeg's ebur128 on the MP3 within about
    0.1 LU; the encoder may add a few tenths of a dB of true peak)."""
    encoder = encoder_gain_db(settings.bitrate, analysis.channels)
    input_lufs = integrated_loudness(analysis.power)
    output_lufs = meter.lufs + encoder
    return AudioReport(
        input_lufs=_finite(input_lufs),
        input_true_peak_dbtp=_finite(_db(analysis.true_peak)),
        input_lra=_finite(loudness_range(analysis.power)),
        output_lufs=_finite(output_lufs),
        output_true_peak_dbtp=_finite(_db(meter.true_peak) + encoder),
        output_lra=_finite(meter.lra),
        gain_db=_finite(output_lufs - input_lufs),
        duration_s=round(analysis.duration_s, 3),
        sample_rate=RATE,
        channels=analysis.channels,
        bitrate_kbps=settings.bitrate,
        warnings=list(analysis.warnings),
    )
