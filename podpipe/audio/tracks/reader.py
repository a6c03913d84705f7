"""One track as a stream on the episode's timeline: offset and clock drift undone.

A track's own time ``s`` relates to the first track's time ``r`` (the reference) by
``s = a + b * r`` (:class:`Mapping`). The reader decodes the track once, in order,
and interpolates (4-point cubic) at the positions the mapping gives, so a fractional
offset and a drift of a few hundred ppm cost one pass and little memory. Before the
track starts and after it ends it gives silence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from podpipe.media import Decoder


@dataclass(frozen=True)
class Mapping:
    """Track time = a + b * reference time (seconds)."""

    a: float = 0.0
    b: float = 1.0

    @property
    def offset_s(self) -> float:
        """Where the track's first sample sits on the reference timeline."""
        return -self.a / self.b

    @property
    def drift_ppm(self) -> float:
        return (self.b - 1.0) * 1e6

    def local(self, r: float) -> float:
        return self.a + self.b * r

    def reference(self, s: float) -> float:
        return (s - self.a) / self.b


class TrackReader:
    """``read(n)`` gives the next ``n`` frames (mono float32) of the track on a timeline
    that starts at reference time ``start_r``, at ``rate`` frames per second; ``restore``
    runs on the track's own samples (its clock, before the mapping)."""

    def __init__(
        self,
        path: Path,
        mapping: Mapping,
        rate: int,
        start_r: float,
        chunk: int,
        restore: Callable[[Iterable], Iterable] | None = None,
    ):
        self.path = path
        self._restore = restore  # a stream transform of the decoded chunks (restoration)
        self.rate = rate
        self.mapping = mapping
        self._next = 0  # output frames given so far
        self._p0 = mapping.local(start_r) * rate  # source position of output frame 0
        if mapping.b == 1.0:  # no drift: the nearest sample (11 us at 44.1 kHz), no interpolation
            self._p0 = float(round(self._p0))
        self._decoder = Decoder(path, sample_rate=rate, channels=1, chunk_frames=chunk)
        self._chunks: Iterator | None = None
        self._buf = None  # source samples from index self._base on
        self._base = 0
        self._done = False

    def __enter__(self) -> TrackReader:
        import numpy as np

        self._decoder.__enter__()
        chunks = iter(self._decoder)
        self._chunks = iter(self._restore(chunks)) if self._restore else chunks
        self._buf = np.zeros(0, np.float32)
        return self

    def __exit__(self, *exc) -> None:
        if self._chunks is not None and exc[0] is None and not self._done:
            for _ in self._chunks:  # finish decoding: the Decoder checks the file at the end
                pass
        self._decoder.__exit__(*exc)

    @property
    def source_frames(self) -> int:
        return self._decoder.frames

    def _fill(self, upto: int) -> None:
        """Decode until the buffer holds source index ``upto`` (or the file ends)."""
        import numpy as np

        pieces = [self._buf]
        have = self._base + len(self._buf)
        while have <= upto and not self._done:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._done = True
                break
            pieces.append(chunk[:, 0])
            have += len(chunk)
        if len(pieces) > 1:
            self._buf = np.concatenate(pieces)

    def read(self, n: int):
        import numpy as np

        b = self.mapping.b
        start = self._p0 + b * self._next
        self._next += n
        lo, hi = int(np.floor(start)) - 1, int(np.floor(start + b * n)) + 3
        self._fill(hi)
        # drop what no later read needs
        keep_from = max(self._base, lo)
        if keep_from > self._base:
            self._buf = self._buf[keep_from - self._base :]
            self._base = keep_from
        window = _window(self._buf, self._base, lo, hi)
        if b == 1.0 and float(start).is_integer():
            return window[1 : 1 + n].copy()
        return cubic_run(window, start - lo, b, n)


def _window(buf, base: int, lo: int, hi: int):
    """Source samples lo..hi (exclusive), zeros where the track has none."""
    import numpy as np

    out = np.zeros(hi - lo, np.float32)
    a, z = max(lo, base), min(hi, base + len(buf))
    if z > a:
        out[a - lo : z - lo] = buf[a - base : z - base]
    return out


def cubic_run(x, start: float, step: float, n: int):
    """``x`` interpolated at ``start + step * k`` for k < n. With a step near 1 the
    integer part advances one sample at a time except every 1/|step - 1| samples, so
    the work is done on contiguous slices between those jumps (no gathers)."""
    import numpy as np

    k = np.arange(n)
    pos = start + step * k.astype(np.float64)
    i = np.floor(pos).astype(np.int64)
    f = (pos - i).astype(np.float32)
    shift = i - k
    cuts = [0, *(np.flatnonzero(np.diff(shift)) + 1).tolist(), n]
    out = np.empty(n, np.float32)
    for a, z in zip(cuts[:-1], cuts[1:], strict=True):
        base = a + int(shift[a])
        y0, y1 = x[base - 1 : base - 1 + z - a], x[base : base + z - a]
        y2, y3 = x[base + 1 : base + 1 + z - a], x[base + 2 : base + 2 + z - a]
        out[a:z] = _catmull_rom(y0, y1, y2, y3, f[a:z])
    return out


def cubic(x, pos):
    """Catmull-Rom interpolation of ``x`` at fractional positions ``pos`` (1 <= pos <
    len(x) - 2)."""
    import numpy as np

    i = np.floor(pos).astype(np.int64)
    f = (pos - i).astype(np.float32)
    return _catmull_rom(x[i - 1], x[i], x[i + 1], x[i + 2], f)


def _catmull_rom(y0, y1, y2, y3, f):
    return y1 + 0.5 * f * (
        y2 - y0 + f * (2 * y0 - 5 * y1 + 4 * y2 - y3 + f * (3 * (y1 - y2) + y3 - y0))
    )
