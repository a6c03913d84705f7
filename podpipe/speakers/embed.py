"""Voice embeddings: Resemblyzer's GE2E speaker encoder, run with podpipe's own front end.

The encoder (a 3-layer LSTM over 40-band mel spectrograms, 256-dimensional
L2-normalised embeddings; Wan et al., "Generalized End-to-End Loss for Speaker
Verification", 2018) ships its trained weights inside the ``resemblyzer`` wheel on
PyPI (``pretrained.pt``, 17 MB), so it runs offline with nothing to download. Only the
weights file is used: importing the ``resemblyzer`` package pulls in librosa and
webrtcvad (which fails to import without the old ``pkg_resources``), so the network is
rebuilt here in torch from the same shapes and the mel front end is computed with
NumPy exactly as librosa's defaults do (Hann window, Slaney mel scale and norm).
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 16000
WINDOW = 400  # 25 ms
HOP = 160  # 10 ms
MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s of frames per embedding
HIDDEN = 256
LAYERS = 3
EXTRA = "speakers"  # pip install 'podpipe[speakers]'
WEIGHTS_PACKAGE = "resemblyzer"
WEIGHTS_FILE = "pretrained.pt"


@dataclass(frozen=True)
class Availability:
    ok: bool
    version: str  # "resemblyzer 0.1.4, torch 2.13.0" or what is missing
    why: str = ""


def weights_file() -> Path | None:
    """The encoder's weights inside the installed resemblyzer wheel (not imported)."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE
    return path if path.is_file() else None


@functools.cache
def availability() -> Availability:
    """Whether speaker labels can run here, and the versions that make up their output."""
    from importlib import metadata

    versions, missing = [], []
    for dist in ("resemblyzer", "torch"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            missing.append(dist)
    if not missing and weights_file() is None:
        missing.append(f"{WEIGHTS_PACKAGE}/{WEIGHTS_FILE}")
    if missing:
        return Availability(False, "missing: " + ", ".join(missing), ", ".join(missing))
    return Availability(True, ", ".join(versions))


def mel_filters():
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40): Slaney scale, Slaney norm."""
    import numpy as np

    def hz_to_mel(f):
        f = np.asanyarray(f, dtype=float)
        mels = f / (200.0 / 3)
        log = f >= 1000.0
        mels = np.where(
            log, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), mels
        )
        return mels

    def mel_to_hz(m):
        m = np.asanyarray(m, dtype=float)
        f = (200.0 / 3) * m
        log = m >= 15.0
        return np.where(log, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), f)

    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + WINDOW // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : MELS + 2] - mel_f[:MELS]))[:, None]
    return weights.astype(np.float32)


def mel_frames(samples):
    """Power mel spectrogram frames (n_frames, 40) of 16 kHz float32 samples, centred
    frames with zero padding as librosa.feature.melspectrogram computes them."""
    import numpy as np

    x = np.pad(np.asarray(samples, dtype=np.float32), WINDOW // 2)
    n = 1 + (len(x) - WINDOW) // HOP
    if n <= 0:
        return np.zeros((0, MELS), dtype=np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(x, WINDOW)[::HOP][:n]
    window = np.hanning(WINDOW + 1)[:-1].astype(np.float32)  # periodic Hann
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    return (power.astype(np.float32) @ mel_filters().T).astype(np.float32)


class Encoder:
    """The GE2E network with the wheel's weights; embed() gives one vector per window."""

    def __init__(self, weights: Path | None = None):
        import torch
        from torch import nn

        path = weights or weights_file()
        if path is None:
            raise FileNotFoundError(f"{WEIGHTS_PACKAGE}/{WEIGHTS_FILE}")
        self._torch = torch
        self.lstm = nn.LSTM(MELS, HIDDEN, LAYERS, batch_first=True)
        self.linear = nn.Linear(HIDDEN, HIDDEN)
        state = torch.load(path, map_location="cpu", weights_only=True)["model_state"]
        self.lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
        self.linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
        self.lstm.eval()

    def embed(self, mels, batch: int = 256):
        """Embeddings (n, 256) of mel windows (n, 160, 40), L2-normalised."""
        import numpy as np

        torch = self._torch
        out = []
        with torch.inference_mode():
            for i in range(0, len(mels), batch):
                chunk = torch.from_numpy(np.ascontiguousarray(mels[i : i + batch]))
                _, (hidden, _) = self.lstm(chunk)
                raw = torch.relu(self.linear(hidden[-1]))
                out.append((raw / raw.norm(dim=1, keepdim=True).clamp_min(1e-9)).numpy())
        return np.concatenate(out) if out else np.zeros((0, HIDDEN), dtype=np.float32)
