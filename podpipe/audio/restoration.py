"""What restoration does to one recording (or one track), decided from the analysis pass,
and the chunk stream that does it: rumble high-pass, hum notches, noise reduction, long
pauses tightened, in that order.

For a caller with its own passes (multitrack, per track):

1. analysis pass: feed the track's chunks through :class:`restore.AnalysisFilter`
   (``f = AnalysisFilter(channels, highpass=...)``; ``map(f, chunks)``), which measures
   hum (``f.hum.result()``) and the block levels (``f.survey``);
2. ``r = plan_restoration(settings, f.survey, f.hum.result())``;
3. render: ``restored(chunks, channels, r)`` yields the restored chunks (shorter when
   pauses were cut; ``r.timeline()`` then says where the kept parts land).

``audio.denoise``: ``off`` never runs the model; ``light`` caps its attenuation at 12 dB
(room tone stays, mixed back); ``strong`` lets it take everything it finds; ``auto`` runs
it only when the noise would be audible after leveling (speech-to-floor below 30 dB: the
leveler brings speech to the target, so the floor would sit above target - 30, e.g. -46
LUFS) and then removes enough to put the floor 45 dB under the speech (15 to 40 dB).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from podpipe.audio import denoise, pauses
from podpipe.audio.frames import RATE
from podpipe.audio.pauses import Survey
from podpipe.audio.restore import Hum, SourceFilter
from podpipe.config import AudioSettings

LIGHT_DB, STRONG_DB = 12.0, 100.0  # DeepFilterNet's attenuation cap per mode
AUDIBLE_SNR_DB = 30.0  # auto runs the model below this speech-to-floor ratio
AUTO_SNR_DB, AUTO_RANGE_DB = 45.0, (15.0, 40.0)  # and pulls the floor this far under
MODEL_SPEECH_DB, MODEL_GAIN_RANGE_DB = -20.0, (-10.0, 50.0)  # the level the model hears


@dataclass(frozen=True)
class Restoration:
    highpass: bool = True
    notches: tuple[float, ...] = ()  # hum frequencies to notch
    denoise: str | None = None  # the mode that runs the model; None: it does not run
    denoise_db: float | None = None  # the model's attenuation cap
    cuts: tuple[tuple[int, int], ...] = ()  # (start, end) frames of pauses taken out
    frames: int = 0  # the recording's length before the cuts
    levels: pauses.Levels = pauses.Levels(None, None)
    note: str | None = None  # why auto did or did not act, for the report

    @property
    def rewrites(self) -> bool:
        """True when the recording changes beyond filters (a pass of its own is needed)."""
        return self.denoise_db is not None or bool(self.cuts)

    @property
    def model_gain_db(self) -> float:
        """The gain that brings the speech to an ordinary level for the model."""
        if self.levels.speech_db is None:
            return 0.0
        lo, hi = MODEL_GAIN_RANGE_DB
        return min(hi, max(lo, MODEL_SPEECH_DB - self.levels.speech_db))

    @property
    def removed_frames(self) -> int:
        return sum(b - a for a, b in self.cuts)

    @property
    def removed_s(self) -> float:
        return round(self.removed_frames / RATE, 3)

    def high_passed(self) -> Restoration:
        """What is left to do once the rumble filter has run (the analysis pass's spool)."""
        return dataclasses.replace(self, highpass=False)

    def timeline(self) -> list[list[float]]:
        return pauses.stretches(list(self.cuts), self.frames)


def _denoise_choice(settings: AudioSettings, levels: pauses.Levels) -> tuple:
    """(mode, attenuation cap, note) for the model; (None, None, note) when it stays off."""
    mode = settings.denoise
    if mode == "off":
        return None, None, None
    if mode == "light":
        return "light", LIGHT_DB, None
    if mode == "strong":
        return "strong", STRONG_DB, None
    snr = levels.snr_db
    if snr is None or snr >= AUDIBLE_SNR_DB:
        said = "no noise floor" if snr is None else f"speech {snr:.0f} dB over the noise"
        return None, None, f"noise reduction not needed ({said})"
    if not denoise.available():
        return (
            None,
            None,
            (
                f"noise reduction skipped: the noise is audible (speech {snr:.0f} dB over it) "
                f"but {denoise.PACKAGE} is not installed (pip install {denoise.PACKAGE})"
            ),
        )
    lo, hi = AUTO_RANGE_DB
    cap = round(min(hi, max(lo, AUTO_SNR_DB - snr)), 1)
    return "auto", cap, None


def plan_restoration(settings: AudioSettings, survey: Survey, hum: Hum | None) -> Restoration:
    """What to do to the recording, from what its analysis pass measured."""
    levels = survey.levels()
    mode, cap, note = _denoise_choice(settings, levels)
    cuts: list = []
    if settings.trim_pauses:
        min_s, target_s = settings.trim_pauses
        cuts = pauses.plan_cuts(survey.power, levels, survey.frames, min_s, target_s)
    if hum and settings.dehum == "off":
        left = f"hum notch skipped (audio.dehum: off): mains hum at {hum.hz:.1f} Hz found"
        note = f"{note}; {left}" if note else left
    return Restoration(
        highpass=settings.highpass,
        notches=hum.notches if hum and settings.dehum != "off" else (),
        denoise=mode,
        denoise_db=cap,
        cuts=tuple(cuts),
        frames=survey.frames,
        levels=levels,
        note=note,
    )


def restored(chunks: Iterable, channels: int, restoration: Restoration) -> Iterator:
    """The recording's chunks, restored: filters, then the model, then the cuts."""
    f = SourceFilter(channels, highpass=restoration.highpass, notches=restoration.notches)
    stream: Iterable = map(f, chunks) if f.active else chunks
    if restoration.denoise_db is not None:
        stream = denoise.denoised(
            stream, channels, restoration.denoise_db, restoration.model_gain_db
        )
    if restoration.cuts:
        stream = pauses.trimmed(stream, list(restoration.cuts))
    return iter(stream)
