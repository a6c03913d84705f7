"""Speech and pauses in the recording, from the analysis pass; long pauses tightened.

- :class:`Survey` keeps the mean-square level of every 100 ms block of the recording (in
  source time, after the rumble filter): 10 floats a second. From it come the noise
  floor (the 3rd percentile of the blocks' levels, digital silence left out: low enough
  that a quiet guest's speech is not taken for noise), the speech level (the 90th
  percentile) and which blocks are pauses.
- A block is a pause when it is below the midpoint (in dB) of the floor and the speech
  level (-57 dBFS for speech at -21 over a -93 floor; -29 for speech at -21 over noise
  at -37). A pause of at least ``min_s``
  is shortened to ``target_s`` by cutting out its middle: ``target_s / 2`` of it stays on
  either side, so the edges of words (and a soft syllable the gate misjudged as pause) are
  never touched; the cut is joined with a 20 ms equal-power crossfade of room tone.
- :func:`trimmed` applies the cuts to a chunk stream; :func:`stretches` says where the
  kept parts land, for the one timeline (``AudioReport.timeline``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from podpipe.audio.frames import BLOCK, RATE

SILENT = 1e-12  # mean square below this (-120 dBFS): digital silence, not a noise floor
FLOOR_PCT, SPEECH_PCT = 3, 90
CROSSFADE_S = 0.02


class Survey:
    """Block levels of the recording, chunk by chunk (the analysis pass feeds it)."""

    def __init__(self) -> None:
        self._blocks: list = []
        self._tail = None
        self.frames = 0

    def add(self, x) -> None:
        import numpy as np

        x = np.asarray(x, np.float32)
        sq = np.einsum("ij,ij->i", x, x) * np.float32(1 / x.shape[1])  # mean over channels
        if self._tail is not None:
            sq = np.concatenate([self._tail, sq])
        n = len(sq) // BLOCK * BLOCK
        self._blocks.append(sq[:n].reshape(-1, BLOCK).mean(axis=1))
        self._tail = sq[n:]
        self.frames += len(x)

    @property
    def power(self):
        import numpy as np

        parts = list(self._blocks)
        if self._tail is not None and len(self._tail):
            parts.append(np.array([self._tail.mean()]))
        return np.concatenate(parts) if parts else np.zeros(0)

    def levels(self) -> Levels:
        import numpy as np

        power = self.power
        sound = power[power > SILENT]
        if len(sound) < 5:
            return Levels(None, None)
        lo, hi = np.percentile(10 * np.log10(sound), [FLOOR_PCT, SPEECH_PCT])
        return Levels(round(float(lo), 1), round(float(hi), 1))


@dataclass(frozen=True)
class Levels:
    floor_db: float | None  # dBFS, the pauses' noise
    speech_db: float | None  # dBFS, the speech

    @property
    def snr_db(self) -> float | None:
        if self.floor_db is None or self.speech_db is None:
            return None
        return self.speech_db - self.floor_db


def pause_blocks(power, levels: Levels):
    """Which 100 ms blocks are pauses (a boolean array)."""
    import numpy as np

    if levels.speech_db is None or levels.floor_db is None:
        return np.zeros(len(power), bool)
    gate = 0.5 * (levels.floor_db + levels.speech_db)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(np.maximum(power, 1e-30)) < gate


def plan_cuts(power, levels: Levels, frames: int, min_s: float, target_s: float) -> list:
    """The stretches (start, end) in frames to take out: the middle of each long pause."""
    import numpy as np

    pause = pause_blocks(power, levels)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], pause.astype(np.int8), [0]])))
    keep = int(target_s * RATE / 2)
    xf = int(CROSSFADE_S * RATE)
    cuts = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        start, end = int(a) * BLOCK, min(int(b) * BLOCK, frames)
        if (end - start) < min_s * RATE:
            continue
        cut = (start + keep, end - keep - xf)  # the crossfade reads xf frames past the end
        if cut[1] - cut[0] > xf:
            cuts.append(cut)
    return cuts


def stretches(cuts: list, frames: int) -> list[list[float]]:
    """Where the kept parts of the recording land: [source_start, source_end, output_start]
    in seconds (empty when nothing is cut)."""
    if not cuts:
        return []
    out, start, rows = 0, 0, []
    for a, b in cuts:
        rows.append([round(start / RATE, 6), round(a / RATE, 6), round(out / RATE, 6)])
        out += a - start
        start = b
    rows.append([round(start / RATE, 6), round(frames / RATE, 6), round(out / RATE, 6)])
    return rows


def _fades(n: int):
    import numpy as np

    t = (np.arange(n, dtype=np.float32) + 0.5) / n
    return np.cos(t * np.pi / 2)[:, None], np.sin(t * np.pi / 2)[:, None]


def trimmed(chunks: Iterable, cuts: list) -> Iterator:
    """``chunks`` with each cut (start, end) taken out: ``x[:start]``, then ``x[start:start
    + n]`` crossfaded into ``x[end:end + n]``, then ``x[end + n:]`` (n = 20 ms)."""
    import numpy as np

    xf = int(CROSSFADE_S * RATE)
    fade_out, fade_in = _fades(xf)
    pos, ci = 0, 0
    held: list = []  # the fade-out of the current cut
    coming: list = []  # the fade-in
    for chunk in chunks:
        out, i, n = [], 0, len(chunk)
        while i < n:
            if ci >= len(cuts):
                out.append(chunk[i:])
                break
            s, e = cuts[ci]
            g = pos + i
            if g < s:
                step = min(n - i, s - g)
                out.append(chunk[i : i + step])
            elif g < s + xf:
                step = min(n - i, s + xf - g)
                held.append(chunk[i : i + step])
            elif g < e:
                step = min(n - i, e - g)
            else:
                step = min(n - i, e + xf - g)
                coming.append(chunk[i : i + step])
                if g + step == e + xf:
                    out.append(np.concatenate(held) * fade_out + np.concatenate(coming) * fade_in)
                    held, coming, ci = [], [], ci + 1
            i += step
        pos += n
        if out:
            yield np.concatenate(out) if len(out) > 1 else out[0]
    if held:  # the recording ended inside a cut (cannot happen with plan_cuts' margins)
        yield np.concatenate(held)
