"""The mix as the programme's recording: every track read on the episode's timeline,
leveled, crossgated and summed to the show's layout, 10 s at a time.

:class:`MixProgram` is the single-file :class:`~podpipe.audio.program.Program` with its
recording replaced, so intro, outro, analysis, leveler, limiter and encoder are the
same code for one file and for many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from podpipe.audio.frames import CHUNK, RATE
from podpipe.audio.program import Program
from podpipe.audio.spool import Spool
from podpipe.audio.tracks.gate import MIX_DEPTH_DB, Timeline, TrackPlan, gate_gains, sample_gains
from podpipe.audio.tracks.reader import TrackReader
from podpipe.audio.tracks.restoring import TrackRestoration
from podpipe.config import AudioSettings, Track

SPREAD = 0.3  # stereo: speakers from 30 % left to 30 % right (0 = centre, 1 = hard)


@dataclass
class MixedTracks:
    tracks: tuple[Track, ...]
    timeline: Timeline
    plans: list[TrackPlan]
    restorations: list[TrackRestoration] = field(default_factory=list)  # none: raw tracks
    gains: list = field(default_factory=list)  # crossgate gain per 10 ms frame, per track

    @property
    def frames(self) -> int:
        return int(round(self.timeline.frames * RATE / 100))


def pan(count: int, channels: int):
    """(count, channels) weights: mono sums; stereo spreads the speakers a little,
    equal-power, in the order of the tracks."""
    import numpy as np

    if channels == 1:
        return np.ones((count, 1), np.float32)
    where = np.linspace(-SPREAD, SPREAD, count)
    angle = (where + 1) * np.pi / 4
    return (np.stack([np.cos(angle), np.sin(angle)], axis=1) * np.sqrt(2)).astype(np.float32)


class MixSource:
    """What the Decoder is to a single file: chunks of the mix, ``frames``,
    ``declared_duration``."""

    def __init__(self, mixed: MixedTracks, channels: int, spool: Spool | None = None):
        self.mixed = mixed
        self.channels = channels
        self.frames = 0
        self.declared_duration = mixed.frames / RATE  # known: the progress has its total
        self.spool = spool  # written on the way, when restoring the tracks is costly
        self._readers: list[TrackReader] = []

    def __enter__(self) -> MixSource:
        mixed = self.mixed
        if not mixed.gains:
            mixed.gains = [gate_gains(p.speaks, MIX_DEPTH_DB) for p in mixed.plans]
        start = mixed.timeline.start_r
        try:
            for k, (track, alignment) in enumerate(
                zip(mixed.tracks, mixed.timeline.alignments, strict=True)
            ):
                restore = mixed.restorations[k].stream if mixed.restorations else None
                reader = TrackReader(track.file, alignment.mapping, RATE, start, CHUNK, restore)
                self._readers.append(reader.__enter__())
        except BaseException as e:
            self.__exit__(type(e), e, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for reader in self._readers:
            reader.__exit__(*exc)
        self._readers = []

    def __iter__(self):
        if self.spool is None:
            yield from self._mix()
            return
        yield from self.spool.tee(self._mix())
        self.spool.frames = self.frames

    def _mix(self):
        import numpy as np

        weights = pan(len(self._readers), self.channels)
        levels = [10 ** (p.gain_db / 20) for p in self.mixed.plans]
        total = self.mixed.frames
        while self.frames < total:
            n = min(CHUNK, total - self.frames)
            out = np.zeros((n, self.channels), np.float32)
            for k, reader in enumerate(self._readers):
                x = reader.read(n)
                x *= sample_gains(self.mixed.gains[k], self.frames, n, RATE) * levels[k]
                out += x[:, None] * weights[k]
            self.frames += n
            yield out


class MixProgram(Program):
    """The mix as the recording. When a track's restoration rewrites it (noise
    reduction), the first pass writes the mix to ``spool`` and the passes after read
    that, so the model runs once per track."""

    def __init__(self, mixed: MixedTracks, settings: AudioSettings, spool: Path | None = None):
        super().__init__(mixed.tracks[0].file, settings)
        self.mixed = mixed
        rewrites = any(r.plan.rewrites for r in mixed.restorations)
        self._spool = Spool(spool, self.channels, 0, None) if spool and rewrites else None

    def remove_spool(self) -> None:
        if self._spool is not None:
            self._spool.remove()

    def open_recording(self):
        if self.spool is not None:  # the mix, once a pass has written it
            return self.spool
        if self._spool is not None and self._spool.written == self.mixed.frames > 0:
            self.spool = self._spool
            return self.spool
        return MixSource(self.mixed, self.channels, self._spool)
