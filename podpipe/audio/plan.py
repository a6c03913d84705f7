"""The gain plan: leveler curve plus the make-up gain that lands the limited, encoded
programme on the target loudness, and the limiter ceiling below the requested one."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from podpipe.audio.analysis import Analysis
from podpipe.audio.encoding import MP3_MARGIN_DB, encoder_gain_db
from podpipe.audio.envelope import limiter_loss
from podpipe.audio.leveler import leveler_curve
from podpipe.audio.meter import db, integrated_loudness
from podpipe.config import AudioSettings

# The stage's logger, named as before the split: -v output prints the logger name.
log = logging.getLogger("podpipe.audio")

MAX_LIMITER_LU = 6.0  # most loudness the limiter may be driven to take away


@dataclass
class Plan:
    gain_db: object  # total gain per 100 ms block (leveler + make-up), numpy array
    makeup_db: float
    ceiling: float  # linear limiter ceiling (below the requested one: MP3 margin)


def plan(analysis: Analysis, settings: AudioSettings) -> Plan:
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
        db(ceiling),
    )
    if makeup > 25:
        analysis.warnings.append(
            f"the recording is very quiet: +{makeup:.1f} dB of gain raises its background noise too"
        )
    return Plan(level + makeup, makeup, ceiling)


def _solve_makeup(analysis: Analysis, level, target: float, ceiling: float) -> float:
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
        loss = limiter_loss(analysis.profile, second_gain, ceiling)
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
