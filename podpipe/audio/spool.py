"""The restored recording on disk: written once (float32, raw) by the pass that restores
it, read back by the passes after, so noise reduction and cuts run once per episode.

A temporary file beside the output (4 bytes per sample: 10.6 MB a minute mono), removed
when the stage ends; memory stays flat whatever the length."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from podpipe.audio.frames import CHUNK


class Spool:
    def __init__(self, path: Path, channels: int, source_frames: int, declared_s: float | None):
        self.path = path
        self.channels = channels
        self.frames = source_frames  # of the recording it was made from (for the timeline)
        self.declared_duration = declared_s
        self.written = 0  # frames in the file

    def tee(self, chunks: Iterable) -> Iterator:
        """``chunks`` passed through, and written to the file."""
        import numpy as np

        self.written = 0
        with open(self.path, "wb") as f:
            for chunk in chunks:
                np.ascontiguousarray(chunk, np.float32).tofile(f)
                self.written += len(chunk)
                yield chunk

    # read back, as a Decoder is (context manager, iterator of chunks)
    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def __iter__(self) -> Iterator:
        import numpy as np

        with open(self.path, "rb") as f:
            while True:
                chunk = np.fromfile(f, np.float32, CHUNK * self.channels)
                if not len(chunk):
                    return
                yield chunk.reshape(-1, self.channels)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
