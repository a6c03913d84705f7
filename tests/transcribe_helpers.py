"""Known speech and non-speech audio for the transcription tests and benchmark.

Real recordings (tests/data, see ATTRIBUTION.md) with their reference texts, spoken
samples made with espeak-ng from text we wrote, and silence and noise made with the
bundled ffmpeg. WER here is the usual word error rate after lower-casing and
removing punctuation.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

DATA = Path(__file__).parent / "data"

JFK = DATA / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
STEREO = DATA / "stereo_diarization.wav"
STEREO_LEFT = (
    "He began a confused complaint against the wizard, who had vanished behind "
    "the curtain on the left."
)
STEREO_RIGHT = "The horizon seems extremely distant."

# An interview-like script for espeak-ng: plain words, no digits, so the reference
# text is exactly what is spoken.
SCRIPT = [
    "Welcome back to the learning club podcast, where we pick one topic and learn it "
    "together for two weeks.",
    "Today my guest is a teacher who has spent many years helping adults learn new skills "
    "in their spare time.",
    "Thank you for having me, it is a pleasure to be here and to talk about learning.",
    "Let us start with the basics. Why do so many people give up on a new skill after a few days?",
    "Most people expect quick progress, and when the first week feels slow they decide "
    "that they are simply not talented.",
    "The truth is that the early days are always slow, because the brain is building the "
    "foundations that later progress depends on.",
    "So what would you tell someone who wants to learn to draw, or to play the guitar, or "
    "to write better code?",
    "I would tell them to practice a little every day, to keep a short diary of what they "
    "did, and to share their results with a friend.",
    "Sharing results sounds frightening. Many listeners will not want to show unfinished "
    "work to anybody.",
    "That is exactly why a club helps. Everyone is a beginner together, and nobody expects "
    "perfect results.",
    "When you see that other people struggle with the same problems, the struggle stops "
    "feeling like a personal failure.",
    "How long should a single practice session be for a busy person with a job and a family?",
    "Twenty minutes is plenty. A short session that really happens is worth more than a "
    "long session that you keep postponing.",
    "The next topic for our club is bread baking, and the cycle starts on Monday.",
    "Bread is a wonderful topic, because the feedback is honest and arrives within a single "
    "afternoon.",
    "If the loaf is flat, you learn something about the dough, the oven, or your own patience.",
    "Participants can send us a photo and a few sentences about what went well and what "
    "went wrong.",
    "We will read some of the stories in the episode after next, and we will link every "
    "result on the website.",
    "Before we finish, what is the one habit that made the biggest difference for your students?",
    "Writing down one small question at the end of every session, so the next session "
    "starts with a clear goal.",
    "That is a simple idea that anyone can try tonight. Thank you so much for joining us.",
    "Thank you, and good luck to everyone in the club. I look forward to seeing the bread.",
]
SCRIPT_TEXT = " ".join(SCRIPT)


def normalize(text: str) -> list[str]:
    """Lower-cased words without punctuation."""
    text = text.lower().replace("\u2019", "'")
    return re.sub(r"[^a-z0-9' ]+", " ", text.replace("-", " ")).split()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: (substitutions + deletions + insertions) / reference words."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))


def ffmpeg(*args: str) -> None:
    from podpipe.media import ffmpeg_exe

    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args], check=True, capture_output=True
    )


def espeak(text: str, out: Path, *, voice: str = "en-us", speed: int = 160) -> Path:
    """Speak ``text`` to a WAV file with espeak-ng."""
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), text],
        check=True,
        capture_output=True,
    )
    return out


def spoken_script(folder: Path, *, repeats: int = 1, pause_s: float = 0.7) -> tuple[Path, str]:
    """The SCRIPT spoken ``repeats`` times (alternating voices) as a 16-bit mono WAV at
    44.1 kHz, with short pauses between sentences; returns (file, reference text)."""
    voices = [("en-us", 160), ("en-gb", 150), ("en-us", 170), ("en-gb-x-rp", 155)]
    parts = []
    for n in range(repeats):
        voice, speed = voices[n % len(voices)]
        for i, sentence in enumerate(SCRIPT):
            parts.append(espeak(sentence, folder / f"s{n}_{i}.wav", voice=voice, speed=speed))
    listing = folder / "parts.txt"
    silence = folder / "pause.wav"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=22050:cl=mono",
        "-t",
        str(pause_s),
        "-c:a",
        "pcm_s16le",
        str(silence),
    )
    listing.write_text("".join(f"file '{p}'\nfile '{silence}'\n" for p in parts))
    out = folder / f"script_x{repeats}.wav"
    ffmpeg(
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(listing),
        "-ar",
        "44100",
        "-ac",
        "1",
        "-c:a",
        "pcm_s16le",
        str(out),
    )
    return out, " ".join([SCRIPT_TEXT] * repeats)


def silence(out: Path, seconds: float = 30.0) -> Path:
    """Digital silence (all samples zero)."""
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=44100:cl=stereo",
        "-t",
        str(seconds),
        "-c:a",
        "pcm_s16le",
        str(out),
    )
    return out


def noise(out: Path, seconds: float = 30.0, color: str = "pink") -> Path:
    """Steady noise at a speech-like level (about -20 dBFS)."""
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"anoisesrc=color={color}:amplitude=0.2:seed=7:r=44100",
        "-t",
        str(seconds),
        "-ac",
        "1",
        "-c:a",
        "pcm_s16le",
        str(out),
    )
    return out


def tones(out: Path, seconds: float = 30.0) -> Path:
    """A little tune: a stepping melody with tremolo over a held chord."""
    melody = (
        "0.2*sin(2*PI*(220+110*floor(mod(t*2,4)))*t)*(0.6+0.4*sin(2*PI*5*t))"
        "+0.1*sin(2*PI*330*t)+0.1*sin(2*PI*440*t)"
    )
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc='{melody}':s=44100:d={seconds}", "-ac", "1", str(out))
    return out


BLEED_HOST = "Welcome to the show. Today we talk about gardening in small cities."
BLEED_GUEST = "Thanks for having me. I have grown tomatoes on my balcony for many years."


def double_ender_with_bleed(folder: Path, bleed: float = 0.125, guest_gain: float = 0.5) -> Path:
    """Host (left) speaks, then the guest (right) answers; each microphone also hears
    the other speaker ``bleed`` times as loud (0.125: -18 dB), as in a real room, and
    the guest's microphone is ``guest_gain`` times as loud as the host's (0.5: -6 dB)."""
    host = espeak(BLEED_HOST, folder / "host.wav", voice="en-us")
    guest = espeak(BLEED_GUEST, folder / "guest.wav", voice="en-gb")
    out = folder / "double_ender.wav"
    ffmpeg(
        "-i",
        str(host),
        "-i",
        str(guest),
        "-filter_complex",
        "[0:a]apad=pad_dur=7[h];[1:a]adelay=5500,apad=pad_dur=1[g];[h][g]amerge=inputs=2,"
        f"pan=stereo|c0=c0+{bleed}*c1|c1={guest_gain}*c1+{bleed * guest_gain}*c0[o]",
        "-map",
        "[o]",
        "-ar",
        "44100",
        str(out),
    )
    return out
