"""Alignment: where each track starts against the first, and how fast its clock runs.

Every track carries the other speakers faintly (bleed), so the tracks share sound:

1. **Envelope pass.** Each track is decoded once, streaming, into a 10 ms level
   envelope (a few hundred bytes per second). Onsets (rises of the envelope in dB,
   whatever the level) of the first minutes of the first track are cross-correlated with
   the whole other track: a coarse offset to 10 ms, and a confidence (the correlation
   peak against the next best one).
2. **Refinement at full rate.** Short windows (3 s) where someone speaks, spread over
   the episode, are read from both files at 44.1 kHz and matched by phase correlation
   (GCC-PHAT, 100 Hz-3 kHz), each prediction from the fit so far. A straight line through
   the matches gives the offset and the linear clock drift (a local recording against
   a call recording: up to a few hundred ppm); windows that disagree are left out.

When the tracks share too little (no bleed, or an ambiguous match), ``align`` refuses
with the track's name and how to set its offset by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podpipe.audio.frames import CHUNK, RATE
from podpipe.audio.tracks.reader import Mapping, cubic
from podpipe.errors import ProcessingError
from podpipe.media import Decoder

FRAME = RATE // 100  # 10 ms envelope frames
FPS = 100
COARSE_S = 300.0  # the first track's opening minutes matched against each other track
MAX_AUTO_OFFSET_S = 120.0  # farther apart than this: set offset by hand
WINDOW_S = 3.0  # refinement window
MAX_WINDOWS = 16
WINDOW_EVERY_S = 20.0  # at most one refinement window per this much of the episode
MIN_QUALITY = 7.0  # phase-correlation peak over the spread of the other lags
MAX_DRIFT_PPM = 300.0
MIN_COARSE_RATIO = 1.25  # best coarse peak over the next best one
AGREE_S = 0.002  # a window within this of the fitted line agrees with it
BAND_HZ = (100.0, 3000.0)


@dataclass
class TrackEnvelope:
    path: Path
    env_db: object  # 10 ms frames of the track's own time, dB
    frames: int  # samples at RATE
    declared_s: float | None

    @property
    def duration_s(self) -> float:
        return self.frames / RATE


@dataclass
class Alignment:
    mapping: Mapping
    confidence: float  # share of the refinement windows that agree with the fit (1: manual)
    windows: int  # windows that agreed
    residual_ms: float  # RMS distance of those windows from the line
    auto: bool


def envelope(path: Path, tap: Callable | None = None) -> TrackEnvelope:
    """Pass 1 over one track: the 10 ms level envelope, and its length; ``tap`` sees
    every decoded chunk on the way (restoration's analysis: stage.py)."""
    import numpy as np

    parts = []
    carry = np.zeros(0, np.float32)
    frames = 0
    with Decoder(path, sample_rate=RATE, channels=1, chunk_frames=CHUNK) as dec:
        for chunk in dec:
            x = chunk[:, 0]
            if not np.isfinite(x).all():
                raise ProcessingError(
                    "the audio contains NaN or infinite samples (damaged float data)", file=path
                )
            if tap is not None:
                tap(chunk)
            frames += len(x)
            x = np.concatenate([carry, x]) if len(carry) else x
            n = len(x) // FRAME
            carry = x[n * FRAME :]
            sq = x[: n * FRAME].astype(np.float64).reshape(n, FRAME) ** 2
            parts.append(sq.mean(axis=1))
        declared = dec.declared_duration
    if len(carry):
        parts.append(np.array([np.mean(carry.astype(np.float64) ** 2)]))
    power = np.concatenate(parts) if parts else np.zeros(0)
    return TrackEnvelope(path, 10 * np.log10(power + 1e-12), frames, declared)


def onsets(env_db):
    """Rises of the envelope (dB per frame), above the track's room tone."""
    import numpy as np

    floor = np.percentile(env_db, 20) if len(env_db) else 0.0
    e = np.maximum(env_db, floor)
    return np.maximum(np.diff(e, prepend=e[:1]), 0.0)


def coarse(ref: TrackEnvelope, other: TrackEnvelope) -> tuple[float, float]:
    """(a, ratio): the other track's time at the first track's 0, to 10 ms, and the
    correlation peak over the next best one (outside 0.3 s)."""
    import numpy as np

    o0 = onsets(ref.env_db)[: int(COARSE_S * FPS)]
    ok = onsets(other.env_db)
    o0, ok = o0 - o0.mean(), ok - ok.mean()
    n = 1 << int(np.ceil(np.log2(len(o0) + len(ok) + 1)))
    c = np.fft.irfft(np.conj(np.fft.rfft(o0, n)) * np.fft.rfft(ok, n), n)
    lags = np.arange(n)
    lags = np.where(lags > n // 2, lags - n, lags)  # c[L] = sum o0[t] ok[t + L]
    reach = int(MAX_AUTO_OFFSET_S * FPS)
    ok_lags = (lags >= -min(reach, len(o0) - 1)) & (lags <= min(reach, len(ok) - 1))
    c = np.where(ok_lags, c, -np.inf)
    best = int(np.argmax(c))
    near = np.abs(lags - lags[best]) <= 30
    second = np.max(np.where(near, -np.inf, c))
    peak = c[best]
    ratio = float(peak / second) if second > 0 else (float("inf") if peak > 0 else 0.0)
    return lags[best] / FPS, ratio


class Stretches:
    """Stretches of one track at RATE, read in one streaming pass (seeking is not
    sample-exact in every format: AAC lands tens of ms off)."""

    def __init__(self, path: Path, spans: list[tuple[float, float]]):
        import numpy as np

        self.starts = [int(np.floor(a * RATE)) for a, _ in spans]
        self.data = [np.zeros(int(np.ceil(n * RATE)) + 1, np.float32) for _, n in spans]
        last = max((a + len(d) for a, d in zip(self.starts, self.data, strict=True)), default=0)
        pos = 0
        with Decoder(path, sample_rate=RATE, channels=1, chunk_frames=CHUNK) as dec:
            for chunk in dec:
                x = chunk[:, 0]
                for a, d in zip(self.starts, self.data, strict=True):
                    lo, hi = max(a, pos), min(a + len(d), pos + len(x))
                    if hi > lo:
                        d[lo - a : hi - a] = x[lo - pos : hi - pos]
                pos += len(x)
                if pos >= last:
                    break

    def get(self, start_s: float, seconds: float):
        """``seconds`` from ``start_s`` out of the stretch that holds them (zeros outside)."""
        import numpy as np

        a = int(np.floor(start_s * RATE))
        n = int(round(seconds * RATE))
        out = np.zeros(n, np.float32)
        for s0, d in zip(self.starts, self.data, strict=True):
            if s0 <= a and a + n <= s0 + len(d):
                return d[a - s0 : a - s0 + n].copy()
        for s0, d in zip(self.starts, self.data, strict=True):  # partly covered
            lo, hi = max(a, s0), min(a + n, s0 + len(d))
            if hi > lo:
                out[lo - a : hi - a] = d[lo - s0 : hi - s0]
        return out


def phase_match(x, y):
    """(lag, quality): where ``x`` sits inside the longer ``y`` (fractional samples)."""
    import numpy as np
    from scipy import fft

    n = fft.next_fast_len(len(x) + len(y), real=True)
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    band = slice(int(np.searchsorted(freqs, BAND_HZ[0])), int(np.searchsorted(freqs, BAND_HZ[1])))
    spec = np.zeros(len(freqs), np.complex128)
    cross = fft.rfft(y, n)[band] * np.conj(fft.rfft(x, n)[band])
    spec[band] = cross / (np.abs(cross) + 1e-20)
    c = fft.irfft(spec, n)[: len(y) - len(x) + 1]
    if len(c) < 3:
        return 0.0, 0.0
    i = int(np.argmax(c))
    spread = float(np.std(c))
    quality = float(c[i] / spread) if spread > 0 else 0.0
    frac = 0.0
    if 0 < i < len(c) - 1:
        left, mid, right = c[i - 1], c[i], c[i + 1]
        denom = left - 2 * mid + right
        frac = float(0.5 * (left - right) / denom) if denom else 0.0
    return i + frac, quality


def window_times(ref: TrackEnvelope, start_r: float, end_r: float) -> list[float]:
    """Centres (first track's time) of the refinement windows: in each stretch of the
    overlap, the moment with the most going on."""
    import numpy as np

    lo, hi = max(0.0, start_r) + WINDOW_S, min(ref.duration_s, end_r) - WINDOW_S
    if hi <= lo:
        mid = (max(0.0, start_r) + min(ref.duration_s, end_r)) / 2
        return [mid] if min(ref.duration_s, end_r) - max(0.0, start_r) >= WINDOW_S else []
    activity = np.cumsum(np.concatenate([[0.0], onsets(ref.env_db)]))
    w = int(WINDOW_S * FPS)
    count = max(1, min(MAX_WINDOWS, int((hi - lo) // WINDOW_EVERY_S) + 1))
    edges = np.linspace(lo, hi, count + 1)
    out = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        starts = np.arange(int(a * FPS) - w // 2, max(int(a * FPS), int(b * FPS) - w // 2))
        starts = starts[(starts >= 0) & (starts + w < len(activity))]
        if not len(starts):
            continue
        sums = activity[starts + w] - activity[starts]
        out.append((starts[int(np.argmax(sums))] + w / 2) / FPS)
    return out


def _fit(points: list[tuple[float, float]]) -> Mapping:
    import numpy as np

    r = np.array([p[0] for p in points])
    s = np.array([p[1] for p in points])
    if len(points) >= 3 and r.max() - r.min() >= 60.0:
        b, a = np.polyfit(r, s, 1)
        return Mapping(float(a), float(b))
    return Mapping(float(np.median(s - r)), 1.0)


def refine(
    ref: TrackEnvelope, other: TrackEnvelope, a0: float, ref_windows: dict
) -> Alignment | None:
    """The offset and drift from full-rate windows, starting from the coarse ``a0``;
    ``ref_windows``: the first track's windows, by centre (read once for all tracks)."""
    import numpy as np

    times = window_times(ref, -a0, other.duration_s - a0)
    half = WINDOW_S / 2
    wide = [0.06 + MAX_DRIFT_PPM * 1e-6 * abs(rc) for rc in times]  # a0 is 10 ms, drift unknown
    spans = [(a0 + rc - half - m, WINDOW_S + 2 * m) for rc, m in zip(times, wide, strict=True)]
    theirs = Stretches(other.path, spans)
    missing = [rc for rc in times if rc not in ref_windows]
    if missing:
        mine = Stretches(ref.path, [(rc - half, WINDOW_S) for rc in missing])
        ref_windows.update({rc: mine.get(rc - half, WINDOW_S) for rc in missing})
    guess = Mapping(a0, 1.0)
    points: list[tuple[float, float]] = []
    last = 0.0
    for rc, limit in zip(times, wide, strict=True):
        margin = min(limit, 0.03 + 3e-4 * abs(rc - last)) if points else limit
        sc = guess.local(rc)
        x = ref_windows[rc]
        y_start = sc - half - margin
        span = WINDOW_S + 2 * margin
        raw = theirs.get(y_start - 0.001, span * guess.b + 0.01)
        # on the first track's clock, by the drift known so far
        pos = 0.001 * RATE + guess.b * np.arange(int(span * RATE), dtype=np.float64)
        y = cubic(raw, np.clip(pos, 1, len(raw) - 3))
        if np.abs(x).max() == 0 or np.abs(y).max() == 0:
            continue
        lag, quality = phase_match(x, y)
        if quality < MIN_QUALITY:
            continue
        points.append((rc, y_start + guess.b * (lag / RATE + half)))
        last = rc
        guess = _fit(points)
    if not points:
        return None
    for _ in range(3):  # leave out the windows that disagree with the line
        mapping = _fit(points)
        res = np.array([s - mapping.local(r) for r, s in points])
        keep = [p for p, e in zip(points, res, strict=True) if abs(e) <= AGREE_S]
        if len(keep) == len(points) or len(keep) < 1:
            break
        points = keep
    mapping = _fit(points)
    res = np.array([s - mapping.local(r) for r, s in points])
    agreed = int(np.sum(np.abs(res) <= AGREE_S))
    return Alignment(
        mapping,
        round(agreed / max(1, len(times)), 2),
        agreed,
        round(float(np.sqrt(np.mean(res**2))) * 1000, 3),
        True,
    )


def align(envelopes: list[TrackEnvelope], offsets: list[float | None]) -> list[Alignment]:
    """Each track's mapping onto the first track's time (the first: identity)."""
    out = [Alignment(Mapping(), 1.0, 0, 0.0, False)]
    ref = envelopes[0]
    ref_windows: dict = {}
    for i, (env, offset) in enumerate(zip(envelopes[1:], offsets[1:], strict=True), 1):
        if offset is not None:
            out.append(Alignment(Mapping(-offset, 1.0), 1.0, 0, 0.0, False))
            continue
        a0, ratio = coarse(ref, env)
        found = refine(ref, env, a0, ref_windows) if ratio >= MIN_COARSE_RATIO else None
        reason = None
        if ratio < MIN_COARSE_RATIO:
            reason = "the two recordings share no clear sound (no bleed, or an ambiguous match)"
        elif found is None or found.windows < min(2, len(window_times(ref, -a0, 1e9))):
            reason = "the match at full rate did not hold (too little bleed)"
        elif abs(found.mapping.drift_ppm) > MAX_DRIFT_PPM:
            reason = f"the clocks would drift {found.mapping.drift_ppm:+.0f} ppm, beyond any real recorder"
        elif found.confidence < 0.3:
            reason = f"only {found.windows} of the sample windows agree"
        if reason:
            raise ProcessingError(
                f"cannot align track {i + 1} ({env.path.name}) with the first track "
                f"({ref.path.name}): {reason}. Set its start by hand in episode.yaml: "
                f"tracks[{i}].offset: seconds it starts after the first track (negative: "
                f"before it); the coarse guess was {-a0:+.2f} s",
                file=env.path,
            )
        out.append(found)
    return out
