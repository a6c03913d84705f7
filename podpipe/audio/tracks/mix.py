"""The mix as the programme's recording: every track read on the episode's timeline,
leveled, crossgated and summed to the show's layout, 10 s at a time.

:class:`MixProgram` is the single-file :class:`~podpipe.audio.program.Program` with its
recording replaced, so intro, outro, analysis, leveler, limiter and encoder are the
same code for one file and for many.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from podpipe.audio.frames import CHUNK, RATE
from podpipe.audio.program import Program
from podpipe.audio.tracks.gate import MIX_DEPTH_DB, Timeline, TrackPlan, gate_gains, sample_gains
from podpipe.audio.tracks.reader import TrackReader
from podpipe.config import AudioSettings, Track

SPREAD = 0.3  # stereo: speakers from 30 % left to 30 % right (0 = centre, 1 = hard)


@dataclass
class MixedTracks:
    tracks: tuple[Track, ...]
    timeline: Timeline
    plans: list[TrackPlan]
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

    def __init__(self, mixed: MixedTracks, channels: int):
        self.mixed = mixed
        self.channels = channels
        self.frames = 0
        self.declared_duration = None
        self._readers: list[TrackReader] = []

    def __enter__(self) -> MixSource:
        mixed = self.mixed
        if not mixed.gains:
            mixed.gains = [gate_gains(p.speaks, MIX_DEPTH_DB) for p in mixed.plans]
        start = mixed.timeline.start_r
        try:
            for track, alignment in zip(mixed.tracks, mixed.timeline.alignments, strict=True):
                reader = TrackReader(track.file, alignment.mapping, RATE, start, CHUNK)
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
    def __init__(self, mixed: MixedTracks, settings: AudioSettings):
        super().__init__(mixed.tracks[0].file, settings)
        self.mixed = mixed

    def open_recording(self):
        if self.spool is not None:  # the restored mix, once restoration wrote one
            return self.spool
        return MixSource(self.mixed, self.channels)
