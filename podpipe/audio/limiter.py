"""Pass 2's gain stage: the leveler's gain plus a look-ahead true-peak limiter, metering
what it lets out."""

from __future__ import annotations

import functools

from podpipe.audio.envelope import ATTACK_MB, HOLD_MB
from podpipe.audio.frames import BLOCK, MINI, MINI_PER_BLOCK, pad
from podpipe.audio.meter import add_true_peaks, mini_peaks, sample_peaks
from podpipe.audio.plan import Plan

CONTEXT = (HOLD_MB + 2 * ATTACK_MB + 8) * MINI  # frames each side a frame's gain depends on


class Limiter:
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

    def __init__(self, plan: Plan, channels: int, blocks: int):
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
            x = pad(np.concatenate([x, np.zeros((CONTEXT, x.shape[1]), np.float32)]), MINI)
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
        mb_peak = mini_peaks(sample_peaks(work))
        # 4.4 dB below the ceiling: after the low-pass no inter-sample overshoot is larger
        hot = np.flatnonzero(mb_peak * level >= 0.6 * self.ceiling)
        add_true_peaks(work, mb_peak, hot)
        peak = mb_peak * level
        if peak.max(initial=0) <= self.ceiling:
            return level, mb_peak
        needed = np.minimum(1.0, self.ceiling / np.maximum(peak, 1e-12))
        span = HOLD_MB + 2 * ATTACK_MB + 1  # HOLD_MB + 1 back, 2 * ATTACK_MB - 1 ahead
        held = _shift(self._minimum(needed, span, mode="nearest"), span // 2 - HOLD_MB - 1)
        return level * _box(_box(held, ATTACK_MB), ATTACK_MB), mb_peak

    def _apply(self, work, gain_mb, ready: int):
        import numpy as np

        gain = _per_frame(gain_mb, CONTEXT // MINI, (CONTEXT + ready) // MINI)
        out = np.empty((ready, work.shape[1]), np.float32)
        for ch in range(work.shape[1]):
            np.multiply(work[CONTEXT : CONTEXT + ready, ch], gain, out=out[:, ch])
        np.clip(out, -self.ceiling, self.ceiling, out=out)  # a no-op but for rounding
        return out

    def _meter(self, work, gain_mb, mb_peak, ready: int) -> None:
        import numpy as np

        lo, hi = CONTEXT // MINI, (CONTEXT + ready) // MINI
        region = work[CONTEXT : CONTEXT + ready]
        energy = np.add.reduceat(np.einsum("ij,ij->i", region, region), np.arange(0, ready, MINI))
        gain = gain_mb[lo:hi]
        first = (self._start + CONTEXT) // MINI
        block = np.minimum((first + np.arange(hi - lo)) // MINI_PER_BLOCK, len(self.energy) - 1)
        self.weighted += np.bincount(block, energy * gain**2, minlength=len(self.energy))
        self.energy += np.bincount(block, energy, minlength=len(self.energy))
        self.true_peak = max(self.true_peak, float((mb_peak[lo:hi] * gain).max(initial=0)))


def _per_frame(gain_mb, lo: int, hi: int):
    """The gain at every frame of mini-blocks lo..hi-1, interpolated linearly between
    mini-block centres (as np.interp would, without its search): one row of MINI frames
    per stretch from one centre to the next, the first starting MINI // 2 frames before
    mini-block lo."""
    import numpy as np

    g = gain_mb[lo - 1 : hi + 1].astype(np.float32)
    rows = g[:-1, None] + np.diff(g)[:, None] * _phases()
    return rows.reshape(-1)[MINI // 2 : MINI // 2 + (hi - lo) * MINI]


@functools.cache
def _phases():
    """Where each frame of a stretch sits between its two centres (0..1)."""
    import numpy as np

    return ((np.arange(MINI) + 0.5) / MINI).astype(np.float32)


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
