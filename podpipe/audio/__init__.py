"""The audio stage: a source recording -> a leveled, loudness-normalized, true-peak-limited MP3.

Two streaming passes over the decoded audio, in 10 s chunks, so memory does not grow
with the episode's length:

1. **Analysis** (analysis.py). ffmpeg decodes (and resamples to 44.1 kHz, downmixes to
   the output channels) into a float32 pipe (program.py). For every 100 ms block we keep
   the K-weighted power (ITU-R BS.1770, meter.py) and the true peak, and per second a
   histogram of energy over the limiter's peak envelope (envelope.py): a few hundred
   floats per second of audio. From those come the input loudness and LRA, and a
   *leveler* gain curve (leveler.py): speech blocks are found by a relative gate, the
   speech level around each moment (3 s window, speech blocks only) is pulled toward the
   programme level, pauses inherit the gain of the speech around them (capped, so
   silence is never boosted beyond speech), and the curve is smoothed. The make-up gain
   is then solved (plan.py) so that the programme, after the limiter's predicted loss and
   the encoder's measured gain (encoding.py), lands on target.
2. **Render** (render.py). Decode again, low-pass at 15 kHz, apply the gain curve, run a
   look-ahead true-peak limiter (limiter.py: 4x oversampled peak detection, hold, a
   smooth attack that is down before the peak arrives) and pipe the result to
   libmp3lame, which runs on the other core. What goes out is metered for the report
   (report.py).

The limiter ceiling sits 1 dB below the requested one: MP3 encoding adds overs.

Every module here imports numpy and scipy inside the functions that need them, so
importing the stage is cheap.
"""

from __future__ import annotations

from podpipe.audio.encoding import encoder_gain_db
from podpipe.audio.leveler import leveler_curve
from podpipe.audio.limiter import Limiter
from podpipe.audio.meter import integrated_loudness, k_weighting, loudness_range
from podpipe.audio.plan import Plan
from podpipe.audio.stage import STAGE_VERSION, cache_identity, master
from podpipe.audio.tracks import MULTITRACK_VERSION, master_tracks

__all__ = [
    "MULTITRACK_VERSION",
    "STAGE_VERSION",
    "Limiter",
    "Plan",
    "cache_identity",
    "encoder_gain_db",
    "integrated_loudness",
    "k_weighting",
    "leveler_curve",
    "loudness_range",
    "master",
    "master_tracks",
]
