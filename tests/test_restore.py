"""Restoration in the audio stage: the rumble high-pass (on by default) and mains-hum
notches (only when hum is there), measured on espeak-ng speech with sox-made rumble and
hum, through the real stage and the real MP3 encoder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from scipy import signal

from podpipe import audio
from podpipe.audio.restore import SourceFilter
from podpipe.config import AudioSettings
from podpipe.media import Decoder, measure
from tests.audio_helpers import interview, write_audio

RATE = 44100
LINES = [
    "We talk about learning in public, and why small finished projects keep people going.",
    "Our guest runs a study group for analysts, and she brought three stories today.",
    "The first is about a spreadsheet that grew into a data pipeline over one summer.",
    "Then we look at maps, rivers and the weather, and what the numbers could not tell.",
]


def sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)


def decode(path: Path) -> np.ndarray:
    with Decoder(path, sample_rate=RATE, channels=1, chunk_frames=1 << 20) as dec:
        return np.concatenate(list(dec))[:, 0].astype(np.float64)


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> Path:
    """About 20 s of espeak-ng speech (two voices) at 44.1 kHz mono."""
    folder = tmp_path_factory.mktemp("restore")
    parts = []
    for i, line in enumerate(LINES):
        raw = folder / f"raw{i}.wav"
        voice = "en-us" if i % 2 == 0 else "en-us+f3"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", str(raw), line], check=True)
        parts.append(str(raw))
    out = folder / "speech.wav"
    sox(*parts, "-r", str(RATE), "-c", "1", str(out))
    return out


def duration(path: Path) -> float:
    return len(decode(path)) / RATE


def mix(speech: Path, noise_args: list[str], out: Path, volume: float) -> Path:
    """``speech`` with a noise sox synthesizes (``noise_args``) mixed in at ``volume``."""
    noise = out.with_name(out.stem + "-noise.wav")
    sox(
        "-n",
        "-r",
        str(RATE),
        "-c",
        "1",
        str(noise),
        "synth",
        f"{duration(speech):.3f}",
        *noise_args,
    )
    sox("-m", "-v", "1", str(speech), "-v", str(volume), str(noise), str(out))
    return out


def spectrum(x: np.ndarray):
    return signal.welch(x, RATE, nperseg=1 << 16)


def band_db(freqs, power, lo: float, hi: float) -> float:
    return float(10 * np.log10(power[(freqs >= lo) & (freqs < hi)].sum()))


def prominence_db(freqs, power, f: float) -> float:
    """The spectral peak at ``f`` (+-1 bin) over the median of the bins 3 to 10 Hz away."""
    k = int(round(f / freqs[1]))
    near = (np.abs(freqs - f) >= 3) & (np.abs(freqs - f) <= 10)
    return float(10 * np.log10(power[k - 1 : k + 2].max() / np.median(power[near])))


def assert_loudness_bars(mp3: Path) -> None:
    m = measure(mp3)
    assert abs(m.integrated_lufs + 16.0) <= 0.5, m
    assert m.true_peak_dbtp <= -1.0, m
    assert m.lra <= 8.0, m


SPEECH_BANDS = [(100 * 2**i, 100 * 2 ** (i + 1)) for i in range(7)]  # 100 Hz to 12.8 kHz


def test_highpass_removes_rumble_and_leaves_the_speech_band():
    """The filter itself, on white noise: below 50 Hz down by 20 dB or more, each octave
    from 100 Hz to 12.8 kHz within 0.5 dB."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((20 * RATE, 1)).astype(np.float32) * 0.1
    f = SourceFilter(1, highpass=True)
    y = np.concatenate([f(x[i : i + 441000]) for i in range(0, len(x), 441000)])[:, 0]
    fi, pi = spectrum(x[:, 0])
    fo, po = spectrum(y)
    assert band_db(fi, pi, 20, 50) - band_db(fo, po, 20, 50) >= 20
    for lo, hi in SPEECH_BANDS:
        assert abs(band_db(fi, pi, lo, hi) - band_db(fo, po, lo, hi)) <= 0.5, (lo, hi)


def test_rumble_is_removed_by_default_and_kept_when_off(speech, tmp_path):
    # Brown noise low-passed at 60 Hz: traffic, handling noise, a desk bumped.
    rumble = ["brownnoise", "lowpass", "60", "lowpass", "60"]
    # (Noise reduction off: it would take rumble away too; this is the filter's test.)
    noisy = mix(speech, rumble, tmp_path / "rumble.wav", 0.8)
    report = audio.master(noisy, tmp_path / "default.mp3", AudioSettings(denoise="off"))
    assert report.highpass_hz == 75.0
    assert_loudness_bars(tmp_path / "default.mp3")
    plain = audio.master(
        noisy, tmp_path / "plain.mp3", AudioSettings(highpass=False, denoise="off")
    )
    assert plain.highpass_hz is None
    # The rumble below 50 Hz, relative to the speech band (the two outputs have different
    # gains): 20 dB or more lower.
    fon, pon = spectrum(decode(tmp_path / "default.mp3"))
    foff, poff = spectrum(decode(tmp_path / "plain.mp3"))
    rumble_on = band_db(fon, pon, 20, 50) - band_db(fon, pon, 200, 4000)
    rumble_off = band_db(foff, poff, 20, 50) - band_db(foff, poff, 200, 4000)
    assert rumble_off - rumble_on >= 20, (rumble_off, rumble_on)
    # Clean speech with and without the filter (leveler off, so only the filter and the
    # make-up gain differ): every octave from 100 Hz to 6.4 kHz within 0.5 dB.
    on, off = tmp_path / "on.mp3", tmp_path / "off.mp3"
    audio.master(speech, on, AudioSettings(leveler=False))
    audio.master(speech, off, AudioSettings(leveler=False, highpass=False))
    fon, pon = spectrum(decode(on))
    foff, poff = spectrum(decode(off))
    moves = [band_db(fon, pon, lo, hi) - band_db(foff, poff, lo, hi) for lo, hi in SPEECH_BANDS[:6]]
    assert max(abs(m) for m in moves) <= 0.5, moves


@pytest.mark.parametrize("mains", [60, 50])
def test_mains_hum_is_found_and_notched(speech, tmp_path, mains):
    """Hum with two harmonics, its frequency sweeping +-0.15 % (sox synth), the fundamental
    28 dB and more above the neighbouring bins: found, reported and notched to within 3 dB."""
    tones = []
    for h in (1, 2, 3):
        f = mains * h
        tones += ["sine", f"{f * 0.9985:.3f}:{f * 1.0015:.3f}"]
    hum = tmp_path / "hum.wav"
    sox(
        "-n",
        "-r",
        str(RATE),
        "-c",
        "3",
        str(hum),
        "synth",
        f"{duration(speech):.3f}",
        *tones,
        "remix",
        "1-3",
    )
    noisy = tmp_path / "noisy.wav"
    sox("-m", "-v", "1", str(speech), "-v", "0.03", str(hum), str(noisy))
    freqs, before = spectrum(decode(noisy))
    assert prominence_db(freqs, before, mains) >= 28
    assert all(prominence_db(freqs, before, mains * h) >= 10 for h in (2, 3))

    out = tmp_path / "out.mp3"
    report = audio.master(noisy, out, AudioSettings())
    assert report.hum_hz == pytest.approx(mains, abs=0.2)
    assert report.hum_db >= 25
    assert_loudness_bars(out)
    freqs, after = spectrum(decode(out))
    for h in (1, 2, 3):
        assert prominence_db(freqs, after, mains * h) <= 3.0, (
            h,
            prominence_db(freqs, after, mains * h),
        )
    if mains == 60:  # audio.dehum: off leaves it, and says what it left
        kept = tmp_path / "kept.mp3"
        report = audio.master(noisy, kept, AudioSettings(dehum="off"))
        assert report.hum_hz is None and report.hum_db is None
        assert "audio.dehum: off" in report.restoration_note and "60.0 Hz" in (
            report.restoration_note
        )
        assert prominence_db(*spectrum(decode(kept)), mains) >= 20


def test_clean_speech_gets_no_notch(speech, tmp_path):
    report = audio.master(speech, tmp_path / "clean.mp3", AudioSettings())
    assert report.hum_hz is None and report.hum_db is None
    src = write_audio(
        tmp_path / "interview.wav", interview(60, host_db=-18, guest_db=-30), channels=2
    )
    assert audio.master(src, tmp_path / "interview.mp3", AudioSettings()).hum_hz is None


def test_summary_says_what_was_skipped_even_when_the_model_ran():
    """The publish summary's restoration cell (plumbing): a hum left in by
    ``audio.dehum: off`` is said beside the noise reduction that did run; "not needed"
    stays in report.json only."""
    from podpipe.pipeline.report import restoration_phrases

    left = "hum notch skipped (audio.dehum: off): mains hum at 60.0 Hz found"
    row = {"denoise": "auto", "denoise_db": 18.0, "restoration_note": left}
    said = restoration_phrases(row, -52.0, -70.0, "LUFS")
    assert said.startswith("noise reduced (auto, up to 18 dB): noise floor -52 > -70 LUFS")
    assert left in said
    quiet = {"restoration_note": "noise reduction not needed (speech 40 dB over the noise)"}
    assert restoration_phrases(quiet, None, None, "LUFS") is None
    both = {"restoration_note": f"noise reduction not needed (speech 40 dB over the noise); {left}"}
    assert restoration_phrases(both, None, None, "LUFS") == left
