"""Restoration per track, before the crossgate.

The single-file stage's restoration (audio/restoration.py: rumble high-pass, mains-hum
notches, noise reduction) runs on every track of a multitrack episode, on the track's
own samples, before the tracks are leveled, crossgated and mixed: each microphone has
its own room, hum and noise, so each is measured and treated on its own. The track's
envelope pass (align.envelope) measures it as the single-file analysis pass does
(:class:`~podpipe.audio.restore.AnalysisFilter`: hum on the raw audio, block levels
after the high-pass); :func:`~podpipe.audio.restoration.plan_restoration` decides; the
mix reads each track through :func:`~podpipe.audio.restoration.restored`. The mix
itself is then mastered without restoration of its own. Pause trimming stays with
single-file episodes (a multitrack episode's timeline belongs to its alignment).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from podpipe.audio.pauses import Survey
from podpipe.audio.restoration import Restoration, plan_restoration, restored
from podpipe.audio.restore import AnalysisFilter
from podpipe.config import AudioSettings

MIX = Restoration(highpass=False)  # the mix: its tracks are restored already


class TrackRestoration:
    """One track's restoration: measured in its envelope pass (call it with every
    chunk), planned by :meth:`finish`, run by :meth:`stream` as the mix reads it."""

    def __init__(self, settings: AudioSettings):
        self.settings = dataclasses.replace(settings, trim_pauses=None)
        self._meter = AnalysisFilter(1, highpass=settings.highpass)
        self.hum = None
        self.plan = Restoration(highpass=settings.highpass)
        self.after: Survey | None = None  # block levels of the restored track

    def __call__(self, chunk) -> None:
        self._meter(chunk)

    def finish(self) -> TrackRestoration:
        self.hum = self._meter.hum.result()
        self.plan = plan_restoration(self.settings, self._meter.survey, self.hum)
        return self

    def stream(self, chunks: Iterable) -> Iterator:
        """The track's chunks (mono, at the stage's rate), restored and measured."""
        self.after = Survey()
        for chunk in restored(chunks, 1, self.plan):
            self.after.add(chunk)
            yield chunk

    def row(self) -> dict:
        """The per-track report's restoration fields (noise floors in dBFS, the 3rd
        percentile of the track's 100 ms blocks, before and after, at its own level)."""
        after = self.after.levels().floor_db if self.after is not None else None
        return {
            "hum_hz": float(self.hum.hz) if self.hum else None,  # found and notched
            "hum_db": float(self.hum.db) if self.hum else None,
            "noise_floor_db": self.plan.levels.floor_db,
            "output_noise_floor_db": after,
            "denoise": self.plan.denoise,
            "denoise_db": self.plan.denoise_db,
            "restoration_note": self.plan.note,
        }
