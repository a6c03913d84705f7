"""Speech-like test recordings made with numpy and written with the bundled ffmpeg.

A "speaker" is a pitched harmonic source plus breath noise through three formant
resonances, shaped into syllables (about 4 per second) grouped into phrases with
pauses between them: the level statistics loudness meters and levelers react to,
without needing a speech synthesizer. Everything is seeded, so files are reproducible,
and streamed to ffmpeg turn by turn, so hours-long files need little memory.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from scipy import signal

from podpipe.media import ffmpeg_exe

FORMANTS = {"host": (120.0, (600, 1200, 2600)), "guest": (210.0, (800, 1500, 3000))}


def _voice(rng, seconds: float, rate: int, speaker: str) -> np.ndarray:
    pitch, formants = FORMANTS[speaker]
    n = int(seconds * rate)
    t = np.arange(n) / rate
    drift = 1 + 0.08 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6))
    phase = 2 * np.pi * np.cumsum(pitch * drift / rate)
    # harmonics with random phases: a peak-to-loudness ratio of about 13 dB, like speech
    source = sum(np.sin(k * phase + rng.uniform(0, 2 * np.pi)) / k for k in range(1, 12))
    source += 0.15 * rng.standard_normal(n)
    out = np.zeros(n)
    for f in formants:
        b, a = signal.iirpeak(f, 2.5, fs=rate)
        out += signal.lfilter(b, a, source)
    return out


def _syllables(rng, n: int, rate: int) -> np.ndarray:
    """Envelope: phrases of syllables separated by pauses."""
    env = np.zeros(n)
    pos = int(rng.uniform(0.05, 0.2) * rate)
    while pos < n:
        phrase_end = pos + int(rng.uniform(1.0, 3.5) * rate)
        while pos < min(phrase_end, n):
            length = int(rng.uniform(0.12, 0.3) * rate)
            piece = np.sqrt(np.hanning(length)) * rng.uniform(0.7, 1.0)
            end = min(n, pos + length)
            env[pos:end] = np.maximum(env[pos:end], piece[: end - pos])
            pos += int(length * rng.uniform(0.8, 1.2))
        pos += int(rng.uniform(0.25, 0.8) * rate)
    return env


def _turn(rng, seconds: float, rate: int, speaker: str, level_db: float, peaky: bool) -> np.ndarray:
    n = int(seconds * rate)
    x = _voice(rng, seconds, rate, speaker) * _syllables(rng, n, rate)
    active = x[np.abs(x) > 1e-4]
    rms = np.sqrt(np.mean(active**2)) if len(active) else 1.0
    x *= 10 ** (level_db / 20) / rms
    if peaky:  # plosives and desk knocks: short bursts 14-20 dB above the speech level
        for _ in range(int(seconds)):
            at = rng.integers(0, max(1, n - 400))
            burst = rng.standard_normal(300) * np.exp(-np.arange(300) / 40)
            peak_db = level_db + rng.uniform(14, 20)
            x[at : at + 300] += burst / np.abs(burst).max() * 10 ** (peak_db / 20)
    return x


def interview(
    seconds: float,
    *,
    rate: int = 44100,
    host_db: float = -20.0,
    guest_db: float = -34.0,
    noise_db: float = -65.0,
    peaky: bool = False,
    clip: float | None = None,
    seed: int = 1,
):
    """Yield mono float64 turns: host and guest alternating, 3-8 s each."""
    rng = np.random.default_rng(seed)
    done, speaker = 0.0, "host"
    while done < seconds:
        length = min(seconds - done, rng.uniform(3.0, 8.0))
        level = host_db if speaker == "host" else guest_db
        x = _turn(rng, length, rate, speaker, level, peaky)
        x += 10 ** (noise_db / 20) * rng.standard_normal(len(x))
        if clip is not None:
            np.clip(x, -clip, clip, out=x)
        yield x
        done += length
        speaker = "guest" if speaker == "host" else "host"


def _ffmpeg_from_pipe(path: Path, rate: int, channels: int, codec: list[str]) -> list[str]:
    """An ffmpeg command reading raw float32 frames on stdin and writing ``path``."""
    return [
        *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *("-f", "f32le", "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0"),
        *codec,
        str(path),
    ]


def write_audio(
    path: Path, turns, *, rate: int = 44100, channels: int = 1, codec: list[str] | None = None
) -> Path:
    """Stream mono turns into a file (channels copied, slightly different per channel)."""
    cmd = _ffmpeg_from_pipe(path, rate, channels, codec or ["-c:a", "pcm_s16le"])
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    gains = np.linspace(1.0, 0.7, channels) if channels > 1 else np.ones(1)
    for x in turns:
        frames = (x[:, None] * gains[None, :]).astype("<f4")
        proc.stdin.write(frames.tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg could not write {path}")
    return path


def write_samples(
    path: Path, samples: np.ndarray, *, rate: int = 44100, codec: list[str] | None = None
) -> Path:
    """Write a (frames, channels) array as-is (NaNs survive in float WAV)."""
    if len(samples) == 0:
        return write_audio(path, [], rate=rate, channels=samples.shape[1], codec=codec)
    cmd = _ffmpeg_from_pipe(path, rate, samples.shape[1], codec or ["-c:a", "pcm_f32le"])
    subprocess.run(cmd, input=samples.astype("<f4").tobytes(), check=True)
    return path


HOST_LINES = (
    "Welcome back to the show. Today I am talking with a guest who learned statistics "
    "in two weeks with our learning club. Tell us how it started."
)
GUEST_LINES = (
    "Well, it started with a question about averages. I did not know where to begin, "
    "so I joined the club and read one chapter every evening."
)


def spoken_interview(folder: Path, *, guest_gain: float = 0.16) -> Path:
    """A spoken interview: espeak-ng voices the host and the guest, sox joins host,
    quiet guest (about -16 dB), host, guest (WAV, 22.05 kHz mono, about 37 s)."""
    host, guest, out = folder / "host.wav", folder / "guest.wav", folder / "spoken.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(host), HOST_LINES], check=True
    )
    subprocess.run(
        ["espeak-ng", "-v", "en-us+f3", "-s", "150", "-w", str(guest), GUEST_LINES], check=True
    )
    subprocess.run(
        [
            "sox",
            str(host),
            "-v",
            str(guest_gain),
            str(guest),
            str(host),
            "-v",
            str(guest_gain * 1.25),
            str(guest),
            str(out),
        ],
        check=True,
    )
    return out
