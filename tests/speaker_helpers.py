"""One-file interviews with known turns, for the speaker-label tests: espeak-ng voices
(and the real voices of tests/data) joined with pauses into one mono recording, with
the reference of who speaks when."""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16000
DATA = Path(__file__).parent / "data"

HOST_TURNS = [
    "Welcome back to the show. Today my guest builds tools for data journalists.",
    "How did you get started with that kind of work?",
    "That is a great story. What was the hardest part of the first project?",
    "Many listeners ask about testing. How do you test a data pipeline?",
    "Before we finish, what should people learn first?",
    "Thank you so much for coming on the show today.",
]
GUEST_TURNS = [
    "Thanks for having me. I have been looking forward to this conversation for weeks.",
    "I started at a small newspaper, cleaning spreadsheets that nobody else wanted to touch. "
    "Over time those scripts grew into a real toolkit.",
    "Honestly the hardest part was the messy dates. Every county wrote them in a different "
    "format, and some of them used two digit years.",
    "We keep a small sample of real data with known answers, and every change runs against it. "
    "That catches most surprises long before a reader sees them.",
    "Learn to read your data carefully. Look at the rows, count things, and ask why.",
    "It was a pleasure. Thanks again.",
]
THIRD_TURNS = [
    "I would add one thing, if I may.",
    "In my team we write the checks before we write the analysis.",
    "And we always keep the raw files untouched.",
    "That saved us more than once.",
    "I agree completely.",
    "Thanks from me as well.",
]


@dataclass(frozen=True)
class Turn:
    speaker: int  # index into the voices
    start: float
    end: float
    text: str


def speak(text: str, voice: str, speed: int, out: Path) -> np.ndarray:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), text],
        check=True,
        capture_output=True,
    )
    return read_wav(out)


def read_wav(path: Path) -> np.ndarray:
    """Mono float32 at 16 kHz (sox resamples whatever espeak or the test data give)."""
    raw = path.with_suffix(".16k.raw")
    subprocess.run(
        [
            "sox",
            str(path),
            "-t",
            "raw",
            "-r",
            str(RATE),
            "-c",
            "1",
            "-e",
            "float",
            "-b",
            "32",
            str(raw),
        ],
        check=True,
        capture_output=True,
    )
    return np.fromfile(raw, dtype=np.float32)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return path


def interview(
    folder: Path,
    voices: list[tuple[str, int]],
    scripts: list[list[str]],
    *,
    rounds: int = 6,
    pause: float = 0.5,
    name: str = "interview.wav",
) -> tuple[Path, list[Turn]]:
    """Turns in order speaker 0, 1, (2,) 0, 1, ... for ``rounds`` rounds, each
    ``voices[i]`` saying the next line of ``scripts[i]``; one mono WAV and its turns."""
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[np.ndarray] = []
    turns: list[Turn] = []
    t = 0.3
    parts.append(np.zeros(int(0.3 * RATE), dtype=np.float32))
    for r in range(rounds):
        for s, (voice, speed) in enumerate(voices):
            text = scripts[s][r % len(scripts[s])]
            audio = speak(text, voice, speed, folder / f"t{r}_{s}.wav")
            audio = audio * (0.5 / max(1e-6, float(np.abs(audio).max())))
            turns.append(Turn(s, round(t, 3), round(t + len(audio) / RATE, 3), text))
            parts += [audio, np.zeros(int(pause * RATE), dtype=np.float32)]
            t += len(audio) / RATE + pause
    return write_wav(folder / name, np.concatenate(parts)), turns


def real_voices_interview(
    folder: Path, *, rounds: int = 4, pause: float = 0.4
) -> tuple[Path, list[Turn]]:
    """The two real voices of stereo_diarization.wav (left, right) and JFK's, turns
    spliced into one mono file: speaker 0 left, 1 right, then 0, 2, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    stereo = DATA / "stereo_diarization.wav"
    left, right = [], []
    for channel, store in ((1, left), (2, right)):
        out = folder / f"ch{channel}.wav"
        subprocess.run(["sox", str(stereo), str(out), "remix", str(channel)], check=True)
        store.append(read_wav(out))
    jfk = read_wav(DATA / "jfk.flac")
    voices = [_trim(left[0]), _trim(right[0]), _trim(jfk)]
    order = [0, 1, 0, 2, 1, 0, 2, 1][: rounds * 2]
    parts, turns, t = [np.zeros(int(0.3 * RATE), dtype=np.float32)], [], 0.3
    for s in order:
        audio = voices[s] * (0.5 / max(1e-6, float(np.abs(voices[s]).max())))
        turns.append(Turn(s, round(t, 3), round(t + len(audio) / RATE, 3), ""))
        parts += [audio, np.zeros(int(pause * RATE), dtype=np.float32)]
        t += len(audio) / RATE + pause
    return write_wav(folder / "real.wav", np.concatenate(parts)), turns


def _trim(x: np.ndarray, floor: float = 0.01) -> np.ndarray:
    loud = np.flatnonzero(np.abs(x) > floor)
    return x[loud[0] : loud[-1] + 1] if len(loud) else x


def speaker_at(turns: list[Turn], t: float) -> int | None:
    for turn in turns:
        if turn.start <= t <= turn.end:
            return turn.speaker
    return None


def der(
    turns: list[Turn], cues: list[tuple[float, float, int | None]], *, collar: float = 0.25
) -> float:
    """Diarization error rate over the reference speech, 10 ms frames, with a collar
    around each reference boundary: missed speech + false alarm + confusion."""
    step = 0.01
    end = max([t.end for t in turns] + [c[1] for c in cues]) + 0.5
    n = int(end / step) + 1
    ref = np.full(n, -1)
    hyp = np.full(n, -1)
    skip = np.zeros(n, dtype=bool)
    for turn in turns:
        ref[int(turn.start / step) : int(turn.end / step)] = turn.speaker
        for edge in (turn.start, turn.end):
            skip[max(0, int((edge - collar) / step)) : int((edge + collar) / step)] = True
    for start, end_, who in cues:
        hyp[int(start / step) : int(end_ / step)] = -2 if who is None else who
    keep = ~skip
    speech = (ref >= 0) & keep
    missed = speech & (hyp == -1)
    false_alarm = (ref < 0) & (hyp != -1) & keep
    confused = speech & (hyp != -1) & (hyp != ref)
    return float((missed.sum() + false_alarm.sum() + confused.sum()) / max(1, speech.sum()))
