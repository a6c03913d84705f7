"""The recording on disk, as the analysis pass left it: written once (float32, raw) by
the pass that makes it, read back by the passes after, so the source is decoded, the
rumble filter run, and noise reduction and cuts done once per episode.

A temporary file beside the output (4 bytes per sample: 10.6 MB a minute mono), removed
when the stage ends; memory stays flat whatever the length."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from podpipe.audio.frames import CHUNK


class Spool:
    def __init__(
        self, path: Path, channels: int, source_frames: int = 0, declared_s: float | None = None
    ):
        self.path = path
        self.channels = channels
        self.frames = source_frames  # of the recording it was made from (for the timeline)
        self.declared_duration = declared_s
        self.written = 0  # frames in the file

    def tee(self, chunks: Iterable) -> Iterator:
        """``chunks`` passed through, and written to the file by a thread, so the
        writes overlap the caller's work (the chunks must not be changed afterwards)."""
        import queue
        import threading

        import numpy as np

        self.written = 0
        pending: queue.Queue = queue.Queue(maxsize=4)  # bounded: memory stays flat
        failed: list[OSError] = []

        def write(f) -> None:
            while (data := pending.get()) is not None:
                if not failed:
                    try:
                        data.tofile(f)
                    except OSError as e:  # disk full: the caller raises it
                        failed.append(e)

        with open(self.path, "wb") as f:
            writer = threading.Thread(target=write, args=(f,), daemon=True)
            writer.start()
            try:
                for chunk in chunks:
                    if failed:
                        raise failed[0]
                    pending.put(np.ascontiguousarray(chunk, np.float32))
                    self.written += len(chunk)
                    yield chunk
            finally:
                pending.put(None)
                writer.join()
            if failed:
                raise failed[0]

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
