"""Per-track leveling and the crossgate, planned on the 10 ms envelopes.

On the episode's timeline every track's level is known every 10 ms (align.py's
envelopes moved through each track's mapping). A track *speaks* where it is well above
its own room tone and not far below the loudest other track (after matching the
speakers' levels): where another speaker is much louder, what this microphone hears
is that speaker's bleed. Each speaker's gain brings its speech to the same level
(``loudness in`` is the speech level before, in dBFS RMS). The crossgate attenuates a
track where it does not speak: opened 60 ms ahead of speech (look-ahead, so word
starts are never cut), held 250 ms after it, and smoothed (90 ms), so it swells and
fades instead of clicking. Overlapping speech opens both tracks.
"""

from __future__ import annotations

from dataclasses import dataclass

from podpipe.audio.tracks.align import FPS, Alignment, TrackEnvelope
from podpipe.errors import ProcessingError

SILENT_DB = -120.0  # a track before it starts / after it ends
ROOM_MARGIN_DB = 12.0  # speech: this far above the track's room tone
BLEED_MARGIN_DB = 12.0  # not speech: this far below the loudest other (leveled) track
LOOKAHEAD_S = 0.06
HOLD_S = 0.25
SMOOTH_S = 0.09
MIX_DEPTH_DB = 18.0  # how far the crossgate turns a track down in the mix
TRANSCRIBE_DEPTH_DB = 80.0  # what Whisper hears of a track where it does not speak
SHORT_SHARE = 0.5  # a track shorter than half the longest one (and by a minute) is cut


@dataclass
class TrackPlan:
    gain_db: float  # leveling + the host's gain_db
    speech_db: float | None  # speech level before (dBFS RMS), None: no speech of its own
    speaks: object  # bool per 10 ms frame of the timeline
    gated_share: float  # of the track's recorded time, the share the gate held down


@dataclass
class Timeline:
    start_r: float  # first track's time at the start of the mix (<= 0)
    frames: int  # 10 ms frames of the mix
    alignments: list[Alignment]

    @property
    def lead_s(self) -> float:
        return -self.start_r


def timeline(envelopes: list[TrackEnvelope], alignments: list[Alignment]) -> Timeline:
    import math

    starts = [min(0.0, a.mapping.offset_s) for a in alignments]
    ends = [a.mapping.reference(e.duration_s) for e, a in zip(envelopes, alignments, strict=True)]
    start = min(starts)
    return Timeline(start, int(math.ceil((max(ends) - start) * FPS)), alignments)


def aligned_levels(env: TrackEnvelope, alignment: Alignment, tl: Timeline):
    """The track's 10 ms levels on the mix's timeline (SILENT_DB where it has none)."""
    import numpy as np

    r = tl.start_r + (np.arange(tl.frames) + 0.5) / FPS
    idx = np.floor(alignment.mapping.local(r) * FPS).astype(np.int64)
    inside = (idx >= 0) & (idx < len(env.env_db))
    out = np.full(tl.frames, SILENT_DB)
    out[inside] = env.env_db[idx[inside]]
    return out, inside


def plan_tracks(
    envelopes: list[TrackEnvelope], tl: Timeline, user_gains: list[float]
) -> list[TrackPlan]:
    import numpy as np

    longest = max(e.duration_s for e in envelopes)
    for i, env in enumerate(envelopes):
        if env.frames == 0 or env.env_db.max() <= -100:
            raise ProcessingError(
                f"track {i + 1} is silent (no audio above -100 dBFS)", file=env.path
            )
        if env.duration_s < SHORT_SHARE * longest and longest - env.duration_s > 60:
            raise ProcessingError(
                f"track {i + 1} is {env.duration_s:.0f} s long, the longest {longest:.0f} s: "
                "it looks cut short; export the whole recording",
                file=env.path,
            )
    levels, inside = zip(
        *(aligned_levels(e, a, tl) for e, a in zip(envelopes, tl.alignments, strict=True)),
        strict=True,
    )
    floors = [float(np.percentile(lv[ins], 10)) for lv, ins in zip(levels, inside, strict=True)]
    loud = [float(np.percentile(lv[ins], 95)) for lv, ins in zip(levels, inside, strict=True)]
    gains = [np.mean(loud) - x for x in loud]
    speaks = _speaks(levels, floors, gains)
    speech = []
    for i, (lv, sp) in enumerate(zip(levels, speaks, strict=True)):
        if not sp.any():
            raise ProcessingError(
                f"track {i + 1} holds no speech of its own (only the others' bleed or "
                "room tone): is it the right file?",
                file=envelopes[i].path,
            )
        speech.append(float(10 * np.log10(np.mean(10 ** (lv[sp] / 10)))))
    target = float(np.mean(speech))
    gains = [target - s for s in speech]
    speaks = _speaks(levels, floors, gains)
    out = []
    for i, sp in enumerate(speaks):
        opened = open_gate(sp)
        recorded = inside[i].sum()
        gated = float((~opened & inside[i]).sum() / recorded) if recorded else 0.0
        out.append(TrackPlan(round(gains[i] + user_gains[i], 2), round(speech[i], 2), sp, gated))
    return out


def _speaks(levels, floors, gains) -> list:
    import numpy as np

    leveled = [lv + g for lv, g in zip(levels, gains, strict=True)]
    out = []
    for k, lv in enumerate(levels):
        others = [m for j, m in enumerate(leveled) if j != k]
        loudest = np.max(others, axis=0)
        out.append((lv > floors[k] + ROOM_MARGIN_DB) & (leveled[k] > loudest - BLEED_MARGIN_DB))
    return out


def open_gate(speaks):
    """Open LOOKAHEAD_S before speech and HOLD_S after it."""
    import numpy as np

    ahead, hold = int(LOOKAHEAD_S * FPS), int(HOLD_S * FPS)
    kernel = np.ones(ahead + hold + 1)
    # opened[t] = any(speaks[t - hold : t + ahead])
    counts = np.convolve(speaks.astype(np.float64), kernel, "full")[ahead : ahead + len(speaks)]
    return counts > 0.5


def gate_gains(speaks, depth_db: float):
    """The crossgate's linear gain per 10 ms frame, smoothed."""
    import numpy as np

    opened = open_gate(speaks)
    floor = 10 ** (-depth_db / 20)
    g = np.where(opened, 1.0, floor)
    width = int(SMOOTH_S * FPS) | 1
    kernel = np.hanning(width + 2)[1:-1]
    kernel /= kernel.sum()
    padded = np.concatenate([np.full(width, g[0]), g, np.full(width, g[-1])])
    return np.convolve(padded, kernel, "same")[width:-width]


def sample_gains(frame_gains, first_frame: int, n: int, rate: int):
    """Per-sample gains for ``n`` samples from sample ``first_frame`` (at ``rate``),
    interpolated between the 10 ms frame centres."""
    import numpy as np

    t = (first_frame + np.arange(n)) * (FPS / rate) - 0.5
    return np.interp(t, np.arange(len(frame_gains)), frame_gains).astype(np.float32)
