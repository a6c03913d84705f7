"""The grid every pass of the audio stage shares: the output rate, the 100 ms block, the
10 s chunk, the limiter's mini-block; padding to it; progress in seconds of programme."""

from __future__ import annotations

from collections.abc import Callable

RATE = 44100  # output rate: every podcast app plays it, and Apple recommends it
BLOCK = RATE // 10  # 100 ms analysis block: the BS.1770 gating step
CHUNK = 100 * BLOCK  # 10 s of audio per read: large enough for numpy, small for memory

# The limiter works in mini-blocks of 21 frames (0.48 ms): gains are computed per mini-block
MINI = 21
MINI_PER_BLOCK = BLOCK // MINI
MINI_PER_SECOND = RATE // MINI

Progress = Callable[[float, float], None]  # (done seconds, total seconds)


def pad(values, multiple: int):
    """``values`` with zero frames appended up to a whole number of ``multiple``."""
    import numpy as np

    extra = -len(values) % multiple
    if not extra:
        return values
    return np.concatenate([values, np.zeros((extra, *values.shape[1:]), values.dtype)])
