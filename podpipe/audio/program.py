"""The programme as a stream: optional intro, the recording, optional outro, crossfaded,
in fixed-size chunks so the 100 ms blocks line up; and the checks on the input paths."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from podpipe.audio.frames import CHUNK, RATE
from podpipe.config import AudioSettings
from podpipe.errors import ProcessingError
from podpipe.media import Decoder


def check_paths(source: Path, out_mp3: Path) -> None:
    if not source.exists():
        raise ProcessingError("file not found", file=source)
    if not source.is_file():
        raise ProcessingError("not a file", file=source)
    if source.stat().st_size == 0:
        raise ProcessingError("the file is empty (0 bytes)", file=source)
    if out_mp3.exists() and out_mp3.resolve() == source.resolve():
        raise ProcessingError("the output would overwrite the source recording", file=source)


class Program:
    """The programme as a stream: optional intro, the recording, optional outro, crossfaded."""

    def __init__(self, source: Path, settings: AudioSettings):
        self.source = source
        self.channels = 2 if settings.channels == 2 else 1
        self.settings = settings
        self.source_frames = 0
        self.source_start = 0  # the frame of the programme where the recording starts
        self.declared_s: float | None = None
        self.spool = None  # the recording as a pass left it (spool.Spool), read instead
        self.edits: list[list[float]] = []  # cut pauses: restoration.Restoration.timeline()
        self._intro = self._clip(settings.intro)
        self._outro = self._clip(settings.outro)

    def _clip(self, path: Path | None):
        """Intros and outros are short: decode them whole."""
        import numpy as np

        if path is None:
            return None
        path = Path(path)
        check_paths(path, Path(os.devnull))
        with Decoder(path, sample_rate=RATE, channels=self.channels, chunk_frames=CHUNK) as dec:
            parts = list(dec)
        clip = np.concatenate(parts) if parts else np.zeros((0, self.channels), np.float32)
        if len(clip) == 0:
            raise ProcessingError("the intro/outro has no audio", file=path)
        return clip

    def open_recording(self):
        """The recording as a stream of chunks with ``frames`` and ``declared_duration``
        (a multitrack episode's mix replaces it: audio/tracks/mix.py); the spool
        instead, once a pass has written one (audio/spool.py)."""
        if self.spool is not None:
            return self.spool
        return Decoder(self.source, sample_rate=RATE, channels=self.channels, chunk_frames=CHUNK)

    def chunks(self, restore: Callable[[Iterable], Iterable] | None = None) -> Iterator:
        """Fixed-size float32 chunks of the whole programme; ``restore`` (a stream
        transform) sees the recording's chunks alone, before the intro and outro join."""
        xf = max(1, int(self.settings.crossfade_ms * RATE / 1000))
        with self.open_recording() as dec:
            stream: Iterable = restore(dec) if restore else dec
            if self._intro is not None:
                stream = _crossfade_in(self._intro, stream, xf, self)
            if self._outro is not None:
                stream = _crossfade_out(stream, self._outro, xf)
            yield from _rechunk(_counted(dec, stream, self), CHUNK)


def _counted(dec, stream: Iterable, program: Program) -> Iterator:
    for chunk in stream:
        program.declared_s = program.declared_s or dec.declared_duration
        yield chunk
    program.source_frames = dec.frames


def timeline(program: Program) -> list[list[float]]:
    """The recording's place in the programme: [source_start, source_end, output_start]."""
    offset = program.source_start / RATE
    if program.edits:
        return [[a, b, round(out + offset, 6)] for a, b, out in program.edits]
    if not program.source_start:
        return []
    return [[0.0, round(program.source_frames / RATE, 6), round(program.source_start / RATE, 6)]]


def _fades(n: int):
    """Equal-power fade curves (out, in) of n samples, as column vectors."""
    import numpy as np

    t = (np.arange(n, dtype=np.float32) + 0.5) / n
    return np.cos(t * np.pi / 2)[:, None], np.sin(t * np.pi / 2)[:, None]


def _crossfade_in(intro, stream: Iterable, xf: int, program: Program) -> Iterator:
    it = iter(stream)
    first = next(it, None)
    if first is None:
        yield intro
        return
    n = min(xf, len(intro) // 2, len(first) // 2)
    program.source_start = len(intro) - n
    fade_out, fade_in = _fades(n) if n else (None, None)
    yield intro[: len(intro) - n]
    if n:
        yield intro[len(intro) - n :] * fade_out + first[:n] * fade_in
    yield first[n:]
    yield from it


def _crossfade_out(stream: Iterable, outro, xf: int) -> Iterator:
    import numpy as np

    held = None
    for chunk in stream:
        held = chunk if held is None else np.concatenate([held, chunk])
        if len(held) > xf:
            yield held[: len(held) - xf]
            held = held[len(held) - xf :]
    n = 0 if held is None else min(len(held), len(outro) // 2)
    if held is not None and n:
        fade_out, fade_in = _fades(n)
        yield held[: len(held) - n]
        yield held[len(held) - n :] * fade_out + outro[:n] * fade_in
    yield outro[n:]


def _rechunk(stream: Iterable, size: int) -> Iterator:
    """Exactly ``size`` frames per chunk (the last one shorter), so 100 ms blocks line up."""
    import numpy as np

    pending: list = []
    count = 0
    for chunk in stream:
        if len(chunk) == 0:
            continue
        pending.append(chunk)
        count += len(chunk)
        while count >= size:
            joined = np.concatenate(pending) if len(pending) > 1 else pending[0]
            yield joined[:size]
            rest = joined[size:]
            pending, count = ([rest], len(rest)) if len(rest) else ([], 0)
    if count:
        yield np.concatenate(pending) if len(pending) > 1 else pending[0]
