"""podpipe's own meter: BS.1770 K-weighting and gated loudness, EBU LRA, true peak.

It works on K-weighted power per 100 ms block, so both passes meter from a few floats
per block instead of keeping the audio.
"""

from __future__ import annotations

import functools
import math

from podpipe.audio.frames import MINI, RATE

ABSOLUTE_GATE = -70.0  # LUFS


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


class KWeighting:
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


def lufs(power):
    import numpy as np

    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(power)


def db(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else float("-inf")


def moving_mean(values, width: int):
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
    momentary = moving_mean(power, 4)[3:]
    kept = momentary[lufs(momentary) > ABSOLUTE_GATE]
    if not len(kept):
        return float("-inf")
    relative = lufs(kept.mean()) - 10
    kept = kept[lufs(kept) > relative]
    return float(lufs(kept.mean())) if len(kept) else float("-inf")


def loudness_range(power) -> float:
    """EBU Tech 3342 LRA from 100 ms block powers (3 s short-term blocks)."""
    import numpy as np

    if len(power) < 30:
        return 0.0
    short = lufs(moving_mean(power, 30)[29:])
    short = short[short > ABSOLUTE_GATE]
    if not len(short):
        return 0.0
    energy = 10 ** ((short + 0.691) / 10)
    short = short[short > lufs(energy.mean()) - 20]
    lo, hi = np.percentile(short, [10, 95])
    return float(hi - lo)


# --------------------------------------------------------------------------- peaks


def sample_peaks(x):
    """Per-frame peak magnitude over channels (column by column: numpy is slow at
    reducing a 2-wide axis)."""
    import numpy as np

    peaks = np.abs(x[:, 0])
    for ch in range(1, x.shape[1]):
        np.maximum(peaks, np.abs(x[:, ch]), out=peaks)
    return peaks


@functools.cache
def _interpolator():
    """4x oversampling taps: windowed sinc, 16 taps for each of the 3 in-between phases."""
    import numpy as np

    offsets = np.arange(-7, 9)
    t = offsets[:, None] - np.array([0.25, 0.5, 0.75])[None, :]
    taps = np.sinc(t) * (0.5 + 0.5 * np.cos(np.pi * t / 8.5))
    return (taps / taps.sum(axis=0)).astype(np.float32), offsets


@functools.cache
def _window_matrix():
    """The interpolator as one matrix: a mini-block's window of 7 + MINI + 8 frames times
    it gives the 3 in-between values of each of its MINI frames (column 3 * frame + phase)."""
    import numpy as np

    taps, offsets = _interpolator()
    matrix = np.zeros((MINI + len(offsets) - 1, 3 * MINI), np.float32)
    for j in range(MINI):
        matrix[j : j + len(offsets), 3 * j : 3 * j + 3] = taps
    return matrix


def add_true_peaks(x, mb_peak, hot_mb) -> None:
    """Raise ``mb_peak`` (per mini-block of ``x``) in the mini-blocks ``hot_mb`` to their
    4x oversampled (true) peak. Only where the level matters is it worth the cost; frames
    within 8 of the buffer's ends keep their sample peak.

    Each hot mini-block's window of frames, gathered as one row, is multiplied by
    :func:`_window_matrix`: one small matrix product per channel (einsum, not @: BLAS
    would start threads that fight the encoder for the cores)."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    if not len(hot_mb):
        return
    matrix = _window_matrix()
    before = 7  # frames of context before a frame (after: 8)
    n = len(x)
    found = None
    for ch in range(x.shape[1]):
        # zero-padded so every mini-block has a full window; frames whose window
        # leaves ``x`` are masked below
        col = np.zeros(before + max(n, len(mb_peak) * MINI) + len(matrix), np.float32)
        col[before : before + n] = x[:, ch]
        rows = sliding_window_view(col, len(matrix))[hot_mb * MINI]
        values = np.abs(np.einsum("ij,jk->ik", rows, matrix))
        edge = np.flatnonzero((hot_mb * MINI < before) | ((hot_mb + 1) * MINI > n - 9))
        if len(edge):
            frame = hot_mb[edge, None] * MINI + np.arange(3 * MINI)[None, :] // 3
            values[edge] *= (frame >= before) & (frame < n - 9)
        top = values.max(axis=1)
        found = top if found is None else np.maximum(found, top)
    mb_peak[hot_mb] = np.maximum(mb_peak[hot_mb], found)


def mini_peaks(peaks):
    """Per-mini-block maximum of per-frame ``peaks`` (a whole number of mini-blocks)."""
    import numpy as np

    return np.maximum.reduceat(peaks, np.arange(0, len(peaks), MINI)) if len(peaks) else peaks
