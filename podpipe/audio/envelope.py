"""The limiter's peak envelope: its timing, and the loudness it will take, predicted.

Pass 1 keeps, per second, a histogram of K-weighted energy over the level of the
limiter's peak envelope (the profile); the gain plan asks it what the limiter would take
at any gain, without a second look at the audio. The limiter itself (limiter.py) runs on
the same hold and attack, so the prediction and the real thing agree.
"""

from __future__ import annotations

from podpipe.audio.frames import MINI_PER_SECOND

ATTACK_MB = 3  # 1.4 ms per smoothing stage; two stages = 2.9 ms look-ahead
HOLD_MB = 21  # 10 ms before the gain recovers: short, so peaks cost little loudness
PROFILE_FLOOR_DB, PROFILE_BINS = -90, 100  # peak-envelope histogram: -90..+10 dBFS, 1 dB bins


def profile(mb_energy, mb_peak):
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


def limiter_loss(profile, gain_db, ceiling: float):
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
