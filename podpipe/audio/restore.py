"""Restoration of the recording (not the intro or outro): a rumble high-pass, and notches
on mains hum where the analysis pass found it.

- **Rumble** (``audio.highpass``, on by default): a 6th-order Butterworth high-pass at
  75 Hz: -21 dB at 50 Hz, -33 dB at 40 Hz, 0.14 dB at 100 Hz, nothing above. Both passes
  run it, so the loudness the analysis measures is the loudness of what is rendered.
- **Hum**: the analysis pass averages a 0.34 Hz-resolution power spectrum (one 3 s window
  per 10 s chunk) and looks for peaks at the harmonics of 50 and 60 Hz, each searched
  within +-0.6 % (the grid's frequency wanders a little), against the median of the bins
  3 to 10 Hz either side. Hum is present when its fundamental stands 15 dB out, or two of
  the first four harmonics stand 10 dB out (a voice's pitch wanders and leaves no such
  lines). Each harmonic up to the 8th standing 6 dB out is then notched in the render
  pass: a 4th-order band-stop, centred on the frequency measured, 2 Hz + 0.6 % wide.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from podpipe.audio.frames import RATE
from podpipe.audio.pauses import Survey

HIGHPASS_HZ, HIGHPASS_ORDER = 75.0, 6
MAINS_HZ = (50.0, 60.0)
HARMONICS = 8
FFT_SIZE = 1 << 17  # 2.97 s: 0.34 Hz bins
SPECTRUM_TOP_HZ = 1000.0  # the bins kept (hum harmonics up to 8 x 60 Hz)
WANDER = 0.006  # a harmonic is searched within +-0.6 % of its nominal frequency
NEIGHBOURS_HZ = (3.0, 10.0)  # the bins a peak is compared with, either side
FUNDAMENTAL_DB, HARMONIC_DB, NOTCH_DB = 15.0, 10.0, 6.0


@dataclass(frozen=True)
class Hum:
    hz: float  # the fundamental, as measured
    db: float  # the strongest harmonic above its neighbouring bins
    notches: tuple[float, ...]  # the frequencies notched


class HumMeter:
    """Accumulates the low end of the recording's power spectrum, chunk by chunk."""

    def __init__(self) -> None:
        self._sum = None
        self._windows = 0

    def add(self, x) -> None:
        import numpy as np

        if len(x) < RATE:  # a last scrap: too short to resolve hum lines
            return
        from scipy import fft

        mono = x[:FFT_SIZE, 0] if x.shape[1] == 1 else x[:FFT_SIZE].mean(axis=1)
        # float32 (scipy.fft keeps it; numpy's works in float64): 1.6x cheaper, and its
        # error (1e-7 of the largest bin) is far below the lines and their neighbours
        top = int(SPECTRUM_TOP_HZ * FFT_SIZE / RATE)
        bins = fft.rfft(mono * _hanning(len(mono)), FFT_SIZE)[:top]
        spectrum = bins.real.astype(np.float64) ** 2 + bins.imag.astype(np.float64) ** 2
        self._sum = spectrum if self._sum is None else self._sum + spectrum
        self._windows += 1

    def result(self) -> Hum | None:
        if self._sum is None:
            return None
        found = [_lines(self._sum, base) for base in MAINS_HZ]
        hums = [h for h in found if h is not None]
        return max(hums, key=lambda h: h.db) if hums else None


@functools.cache
def _hanning(n: int):
    import numpy as np

    return np.hanning(n).astype(np.float32)


def _lines(spectrum, base: float) -> Hum | None:
    """The hum at ``base`` Hz in an averaged power spectrum, or None."""
    import numpy as np

    bin_hz = RATE / FFT_SIZE
    peaks = []  # (harmonic, measured Hz, prominence dB)
    for h in range(1, HARMONICS + 1):
        f = base * h
        lo, hi = int((f * (1 - WANDER)) / bin_hz), int(np.ceil(f * (1 + WANDER) / bin_hz))
        k = lo + int(np.argmax(spectrum[lo : hi + 1]))
        near, far = (int(d / bin_hz) for d in NEIGHBOURS_HZ)
        around = np.concatenate([spectrum[k - far : k - near], spectrum[k + near : k + far]])
        floor = float(np.median(around))
        if floor <= 0 or spectrum[k] <= 0:
            continue
        a, b, c = np.log(spectrum[k - 1 : k + 2] + 1e-30)
        shift = 0.5 * (a - c) / (a - 2 * b + c) if a - 2 * b + c < 0 else 0.0
        peaks.append((h, (k + shift) * bin_hz, 10 * np.log10(spectrum[k] / floor)))
    strong = [p for p in peaks if p[0] <= 4 and p[2] >= HARMONIC_DB]
    fundamental = any(p[0] == 1 and p[2] >= FUNDAMENTAL_DB for p in peaks)
    if not fundamental and len(strong) < 2:
        return None
    notched = [p for p in peaks if p[2] >= NOTCH_DB]
    hz = float(np.median([f / h for h, f, _ in notched]))
    return Hum(round(hz, 2), round(max(p[2] for p in notched), 1), tuple(f for _, f, _ in notched))


class SourceFilter:
    """Streaming restoration of the recording's chunks: high-pass, then hum notches."""

    def __init__(self, channels: int, *, highpass: bool, notches: tuple[float, ...] = ()):
        import numpy as np
        from scipy import signal

        sections = []
        if highpass:
            sections.append(
                signal.butter(HIGHPASS_ORDER, HIGHPASS_HZ, "highpass", fs=RATE, output="sos")
            )
        for f in notches:
            width = 2.0 + WANDER * f
            band = [f - width / 2, f + width / 2]
            sections.append(signal.butter(2, band, "bandstop", fs=RATE, output="sos"))
        self._sos = np.concatenate(sections) if sections else None
        self._sosfilt = signal.sosfilt
        n = 0 if self._sos is None else len(self._sos)
        self._zi = [np.zeros((n, 2)) for _ in range(channels)]

    @property
    def active(self) -> bool:
        return self._sos is not None

    def __call__(self, x):
        import numpy as np

        if self._sos is None:
            return x
        out = np.empty(x.shape, np.float32)
        for ch in range(x.shape[1]):
            out[:, ch], self._zi[ch] = self._sosfilt(self._sos, x[:, ch], zi=self._zi[ch])
        return out


class AnalysisFilter:
    """The analysis pass's view of the recording: hum measured on the raw audio, the
    rest (loudness, peaks, the survey of block levels for noise and pauses) on the
    high-passed audio the render pass will produce."""

    def __init__(self, channels: int, *, highpass: bool):
        self.hum = HumMeter()
        self.survey = Survey()
        self._filter = SourceFilter(channels, highpass=highpass)

    def __call__(self, x):
        self.hum.add(x)
        y = self._filter(x)
        self.survey.add(y)
        return y
