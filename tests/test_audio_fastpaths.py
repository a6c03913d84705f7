"""The audio stage's cheap paths give what the plain definitions give: the true peak by
window matrix against oversampling every frame, the limiter's per-frame gain against
np.interp, the spool against what was written to it; and the stage leaves no spool."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import signal

from podpipe import audio
from podpipe.audio.frames import MINI
from podpipe.audio.limiter import CONTEXT, _per_frame
from podpipe.audio.meter import _interpolator, add_true_peaks, mini_peaks, sample_peaks
from podpipe.audio.spool import Spool
from podpipe.config import AudioSettings
from tests.audio_helpers import interview, write_audio


def oversampled_peaks(x):
    """Per-frame peak over the frame and its 3 in-between values, every frame, by
    convolution; frames within 7 / 9 of the ends keep their sample peak."""
    taps, offsets = _interpolator()
    peaks = sample_peaks(x).copy()
    n = len(x)
    for ch in range(x.shape[1]):
        for p in range(3):
            # value at frame f + phase p: sum_j taps[j, p] * x[f + offsets[j]]
            full = np.correlate(x[:, ch].astype(np.float64), taps[:, p].astype(np.float64), "full")
            at = np.abs(full[np.arange(n) + len(taps) - 1 + offsets[0]])
            valid = (np.arange(n) >= 7) & (np.arange(n) < n - 9)
            peaks[valid] = np.maximum(peaks[valid], at[valid])
    return peaks


@pytest.mark.parametrize("channels", [1, 2])
def test_true_peaks_by_window_matrix_match_oversampling_every_frame(channels):
    rng = np.random.default_rng(3)
    n = 50 * MINI + 13  # a partial last mini-block, as the analysis pass sees one
    b, a = signal.butter(4, 15000, fs=44100)
    x = signal.lfilter(b, a, rng.normal(0, 0.3, (n, channels)), axis=0).astype(np.float32)
    x[100:140] = np.sign(x[100:140]) * 0.9  # flat tops: overs between the samples
    padded = np.concatenate([sample_peaks(x), np.zeros(-n % MINI, np.float32)])
    mb_peak = mini_peaks(padded)
    hot = np.arange(len(mb_peak))  # every mini-block, the edges included
    add_true_peaks(x, mb_peak, hot)
    want = oversampled_peaks(x)
    want = np.concatenate([want, np.zeros(-n % MINI, np.float32)]).reshape(-1, MINI).max(axis=1)
    np.testing.assert_allclose(mb_peak, want, rtol=2e-6, atol=1e-7)
    assert (mb_peak > mini_peaks(padded)).any()  # the overs were found


def test_per_frame_gain_is_the_linear_interpolation_between_mini_block_centres():
    gains = np.random.default_rng(5).uniform(0.2, 4.0, 3000)
    lo, hi = CONTEXT // MINI, 3000 - CONTEXT // MINI
    frames = np.arange(lo * MINI, hi * MINI, dtype=np.float64)
    want = np.interp(frames, (np.arange(3000) + 0.5) * MINI, gains)
    np.testing.assert_allclose(_per_frame(gains, lo, hi), want, rtol=1e-6)


def test_spool_reads_back_what_was_written_and_a_failed_write_is_raised(tmp_path):
    rng = np.random.default_rng(1)
    chunks = [rng.normal(size=(n, 2)).astype(np.float32) for n in (441000, 441000, 1234)]
    spool = Spool(tmp_path / "x.spool", 2)
    assert all(c is d for c, d in zip(spool.tee(iter(chunks)), chunks, strict=True))
    assert spool.written == 441000 * 2 + 1234
    np.testing.assert_array_equal(np.concatenate(list(spool)), np.concatenate(chunks))
    spool.remove()
    assert not spool.path.exists()
    if Path("/dev/full").exists():  # every write there fails with ENOSPC
        full = Spool(Path("/dev/full"), 2)
        with pytest.raises(OSError):
            for _ in full.tee(iter(chunks * 3)):
                pass


def test_the_stage_removes_its_spool(tmp_path):
    src = write_audio(tmp_path / "talk.wav", interview(12, seed=2), channels=2)
    out = tmp_path / "out" / "talk.mp3"
    audio.master(src, out, AudioSettings())
    assert [p.name for p in out.parent.iterdir()] == ["talk.mp3"]
