"""Multitrack test recordings: a scripted conversation of three espeak-ng voices, each
speaker's own track carrying the others as bleed, recorded from different moments
and (optionally) on a drifting clock (sox ``speed``).

The sentences are spoken once (espeak-ng) and reused in a seeded, irregular order, so
ten minutes cost a few seconds to make and never repeat with a fixed period.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.io import wavfile

RATE = 22050  # espeak-ng's own rate
VOICES = {"Ada Lindqvist": "en-us+f3", "Ben Okafor": "en-gb+m3", "Chioma Eze": "en-us+m7"}
SCRIPT = {
    "Ada Lindqvist": [
        "Welcome back to the show, it is good to have you both here.",
        "What did you build during the last cycle of the club?",
        "That sounds like a lot of careful work with the data.",
        "How long did the first version take you to finish?",
        "Let us talk about the charts you made for the report.",
        "Thank you, that is a very clear way to explain it.",
    ],
    "Ben Okafor": [
        "I grouped the bike trips by station and by the hour.",
        "The first attempt was slow, so I rewrote it with vector operations.",
        "Most people forget to name the columns after the aggregation.",
        "A small project that is finished teaches more than a big one.",
        "We meet every Friday for half an hour to show our progress.",
    ],
    "Chioma Eze": [
        "My favourite part was the rolling average of the sales figures.",
        "Window functions looked strange until I drew them on paper.",
        "I ranked the top three products in every region of the country.",
        "Plotting the result made the seasonal pattern easy to see.",
        "Next time I want to try a map of the stations instead.",
    ],
}


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str
    start: float  # true time, seconds
    end: float


@dataclass(frozen=True)
class MadeTrack:
    path: Path
    speaker: str
    start: float  # true time at which this recorder started
    speed: float  # sox speed factor: track time s = (t - start) / speed

    def local(self, t: float) -> float:
        return (t - self.start) / self.speed


def speak_all(folder: Path) -> dict[str, list[np.ndarray]]:
    """Every sentence of the script, spoken once (float32 at RATE)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[np.ndarray]] = {}
    for speaker, lines in SCRIPT.items():
        out[speaker] = []
        for i, text in enumerate(lines):
            wav = folder / f"{VOICES[speaker].replace('+', '_')}-{i}.wav"
            if not wav.exists():
                subprocess.run(
                    ["espeak-ng", "-v", VOICES[speaker], "-s", "160", "-w", str(wav), text],
                    check=True,
                )
            rate, data = wavfile.read(wav)
            assert rate == RATE
            out[speaker].append(data.astype(np.float32) / 32768)
    return out


def conversation(
    spoken: dict[str, list[np.ndarray]],
    seconds: float,
    *,
    speakers: tuple[str, ...] = tuple(SCRIPT),
    seed: int = 3,
    overlap_every: int = 0,
) -> list[Turn]:
    """Turns in a seeded irregular order, from 1 s on, until ``seconds`` is filled;
    every ``overlap_every``-th turn starts before the previous one ends."""
    rng = np.random.default_rng(seed)
    turns: list[Turn] = []
    t = 1.0
    previous = None
    n = 0
    while True:
        who = rng.choice([s for s in speakers if s != previous])
        i = int(rng.integers(len(spoken[who])))
        length = len(spoken[who][i]) / RATE
        if t + length > seconds - 0.5:
            break
        turns.append(Turn(str(who), SCRIPT[who][i], t, t + length))
        n += 1
        gap = rng.uniform(0.3, 1.0)
        if overlap_every and n % overlap_every == 0:
            gap = -min(0.8, length / 3)
        t += length + gap
        previous = who
    return turns


def make_tracks(
    folder: Path,
    spoken: dict[str, list[np.ndarray]],
    turns: list[Turn],
    seconds: float,
    *,
    starts: dict[str, float],
    speeds: dict[str, float] | None = None,
    gains_db: dict[str, float] | None = None,
    bleed_db: float = -25.0,
    noise_db: float = -62.0,
    rates: dict[str, int] | None = None,
    suffix: str = "wav",
) -> list[MadeTrack]:
    """One file per speaker: own voice, the others at ``bleed_db``, room noise."""
    speeds, gains_db, rates = speeds or {}, gains_db or {}, rates or {}
    lead = max(0.0, -min(starts.values()))
    n = int((seconds + lead + 2) * RATE)
    voice = {s: np.zeros(n, np.float32) for s in starts}
    for turn in turns:
        x = spoken[turn.speaker][SCRIPT[turn.speaker].index(turn.text)]
        at = int((turn.start + lead) * RATE)
        voice[turn.speaker][at : at + len(x)] += x
    rng = np.random.default_rng(7)
    made = []
    bleed = 10 ** (bleed_db / 20)
    for k, speaker in enumerate(starts):
        signal = voice[speaker] + bleed * sum(v for s, v in voice.items() if s != speaker)
        signal = signal + 10 ** (noise_db / 20) * rng.standard_normal(n).astype(np.float32)
        signal *= 10 ** (gains_db.get(speaker, 0.0) / 20)
        begin = int((starts[speaker] + lead) * RATE)
        length = int((seconds - starts[speaker]) * RATE)
        piece = signal[begin : begin + length]
        raw = folder / f"raw-{k}.wav"
        wavfile.write(raw, RATE, (np.clip(piece, -1, 1) * 32767).astype(np.int16))
        path = folder / f"track{k + 1}-{speaker.split()[0].lower()}.{suffix}"
        speed = speeds.get(speaker, 1.0)
        effects = ["speed", f"{speed:.9f}"] if speed != 1.0 else []
        rate = rates.get(speaker)
        subprocess.run(
            ["sox", str(raw), *(["-r", str(rate)] if rate else []), str(path), *effects],
            check=True,
        )
        raw.unlink()
        made.append(MadeTrack(path, speaker, starts[speaker], speed))
    return made
