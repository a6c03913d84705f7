#!/usr/bin/env python3
"""Make the sample show's audio and artwork (committed; rerun only to change them).

Each episode is a short scripted interview spoken by espeak-ng with two voices, the
guest much quieter than the host (as in a real remote interview), mixed with sox and
encoded with the bundled ffmpeg to MP3 (under 1 MB each). Episode 3 is a
"double-ender": host on the left channel, guest on the right. Episode 1 is a multitrack
episode: one file per speaker (three), each carrying the others faintly (bleed, 24 dB
down) and a little room noise; Ben's recorder started 0.8 s after the others.

Needs the Debian packages espeak-ng and sox:  python3 tools/make_sample_show.py [FOLDER...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST_VOICE = "en-us+f3"
GUEST_VOICE = "en-gb+m3"
GUEST_GAIN_DB = -14  # the quiet remote guest
GAP = 0.45  # seconds of silence between turns
THIRD_VOICE = "en+f4"
BLEED_DB = -24  # what each microphone hears of the other speakers
LATE_START_S = 0.8  # multitrack: the guest's recorder started this much later
TRACKS = {"host": ("ada", 0), "guest": ("ben", -10), "guest2": ("elena", -4)}  # file, gain dB
VOICES = {"host": HOST_VOICE, "guest": GUEST_VOICE, "guest2": THIRD_VOICE}

EPISODES = {
    "001-why-a-learning-club": (
        "tracks",
        [
            (
                "host",
                "Welcome to Learning Out Loud, the podcast of our data science learning club. "
                "I am Ada Lindqvist.",
            ),
            ("guest", "And I am Ben Okafor. Thanks for having me on the show."),
            (
                "host",
                "Ben, you run a study group for analysts. Why learn together instead of alone?",
            ),
            (
                "guest",
                "Because people finish things when someone is waiting to see them. "
                "A small project that is done teaches more than a big one that is not.",
            ),
            ("host", "How do you keep people going when the first week gets hard?"),
            (
                "guest",
                "We meet for half an hour every Friday. Everyone shows one thing, even a "
                "broken chart. Nobody has to be an expert, and questions are welcome.",
            ),
            (
                "guest2",
                "I am Elena Sato. I joined Ben's group last spring. What helped me most "
                "was seeing other people's unfinished work.",
            ),
            ("host", "And how do you pick a topic?"),
            (
                "guest",
                "It has to be small enough for two weeks and useful at work on Monday. "
                "Grouping data is a good first topic, because everyone does it every day.",
            ),
            ("host", "So each cycle should end with something you can show."),
            ("guest2", "And it should be small enough to explain in five minutes."),
            (
                "guest",
                "Exactly. A notebook, a blog post, or a small repository. Two weeks is enough.",
            ),
            (
                "host",
                "That is our plan. Our first topic is split apply combine with pandas groupby. "
                "The cycle starts on September twenty eighth and runs for two weeks. "
                "The resources are on the topic page. Send us what you build.",
            ),
            ("guest", "I will be there with my bike share data."),
        ],
    ),
    "002-groupby-stories": (
        "mono",
        [
            (
                "host",
                "Welcome back to Learning Out Loud. Today we look at what you built with "
                "pandas groupby. My guest is Chioma Eze.",
            ),
            (
                "guest",
                "Hello Ada. I used the city bike share data and grouped trips by station "
                "and by hour of the day.",
            ),
            ("host", "What surprised you?"),
            (
                "guest",
                "That transform is so useful. You can compare each trip with the average of "
                "its own station without a join.",
            ),
            ("host", "Did anything go wrong along the way?"),
            (
                "guest",
                "My first version was very slow. I used apply with a Python function for "
                "everything. Then I found the built in aggregations, and it ran in seconds.",
            ),
            ("host", "That is a lesson many of you wrote about. Vectorize first."),
            (
                "guest",
                "And name your columns after the aggregation, or you will forget what they "
                "mean a week later.",
            ),
            ("host", "Eleven people sent results this cycle. The links are on the results page."),
            ("guest", "I learned the most from reading the other notebooks."),
            (
                "host",
                "Our next topic is SQL window functions: running totals, rankings and moving "
                "averages. The cycle starts on October nineteenth. See you there.",
            ),
        ],
    ),
    "003-windows-and-plots": (
        "stereo",
        [
            (
                "host",
                "This is Learning Out Loud. My guest today is Dmitri Volkov, who teaches SQL "
                "to analysts.",
            ),
            ("guest", "Thank you Ada. Window functions are my favourite part of SQL."),
            ("host", "Why do people find them hard?"),
            (
                "guest",
                "Because the window is invisible. Once you draw the partition and the order "
                "on paper, the running total makes sense.",
            ),
            ("host", "What is the first window function you teach?"),
            (
                "guest",
                "Row number. Everyone understands numbering rows inside a group. Then rank, "
                "then the running sum with an order by clause.",
            ),
            ("host", "And the most common mistake?"),
            (
                "guest",
                "Forgetting that the default frame ends at the current row. Your running "
                "total looks right, but your average does not.",
            ),
            ("host", "Several participants computed a seven day moving average of sales."),
            ("guest", "And one ranked the top three products in every region. Very clean work."),
            (
                "host",
                "Next we learn to make clear plots with matplotlib. A good plot starts with a "
                "question. The cycle starts on November sixteenth.",
            ),
        ],
    ),
}


def sh(*cmd: str) -> None:
    if cmd[0] == "sox":  # repeatable: the same noise and dither on every run
        cmd = ("sox", "-R", *cmd[1:])
    subprocess.run(cmd, check=True)


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def speak(text: str, voice: str, out: Path) -> None:
    # 22.05 kHz mono, as espeak-ng speaks; -s words per minute, -a amplitude.
    sh("espeak-ng", "-v", voice, "-s", "155", "-a", "160", "-w", str(out), text)


def make_episode(folder: str, layout: str, turns: list[tuple[str, str]], tmp: Path) -> None:
    if layout == "tracks":
        make_tracks(folder, turns, tmp)
        return
    pieces = []
    for i, (who, text) in enumerate(turns):
        raw = tmp / f"{folder}-{i}.wav"
        speak(text, VOICES[who], raw)
        shaped = tmp / f"{folder}-{i}-shaped.wav"
        gain = "0" if who == "host" else str(GUEST_GAIN_DB)
        if layout == "stereo":
            # Host on the left, guest on the right; the other channel is silent.
            remix = "1 0" if who == "host" else "0 1"
            sh(
                "sox",
                str(raw),
                "-r",
                "44100",
                "-c",
                "2",
                str(shaped),
                "gain",
                gain,
                "remix",
                *remix.split(),
                "pad",
                "0",
                str(GAP),
            )
        else:
            sh(
                "sox",
                str(raw),
                "-r",
                "44100",
                "-c",
                "1",
                str(shaped),
                "gain",
                gain,
                "pad",
                "0",
                str(GAP),
            )
        pieces.append(str(shaped))
    mixed = tmp / f"{folder}.wav"
    sh("sox", *pieces, str(mixed), "pad", "0.5", "0.5")
    out = ROOT / "episodes" / folder / "interview.mp3"
    bitrate = "64k" if layout == "stereo" else "48k"
    sh(
        ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(mixed),
        "-codec:a",
        "libmp3lame",
        "-b:a",
        bitrate,
        str(out),
    )
    print(f"{out.relative_to(ROOT)}: {out.stat().st_size // 1024} KB")


def make_tracks(folder: str, turns: list[tuple[str, str]], tmp: Path) -> None:
    """One file per speaker: every turn on every track, the others' at BLEED_DB; the
    guest's file starts LATE_START_S after the others (trimmed), all with room noise."""
    raw = []
    for i, (who, text) in enumerate(turns):
        speak(text, VOICES[who], tmp / f"{folder}-{i}.wav")
        raw.append((who, tmp / f"{folder}-{i}.wav"))
    for role, (name, gain) in TRACKS.items():
        pieces = []
        for i, (who, wav) in enumerate(raw):
            level = gain + (0 if who == role else BLEED_DB)  # this microphone's gain
            piece = tmp / f"{folder}-{name}-{i}.wav"
            sh("sox", str(wav), str(piece), "gain", str(level), "pad", "0", str(GAP))
            pieces.append(str(piece))
        joined = tmp / f"{folder}-{name}.wav"
        sh("sox", *pieces, str(joined), "pad", "1.0", "0.5")
        noise = tmp / f"{folder}-{name}-noise.wav"
        seconds = subprocess.run(
            ["soxi", "-D", str(joined)], check=True, capture_output=True, text=True
        ).stdout.strip()
        sh("sox", "-n", "-r", "22050", "-c", "1", str(noise), "synth", seconds, "pinknoise")
        track = tmp / f"{folder}-{name}-track.wav"
        late = ["trim", str(LATE_START_S)] if role == "guest" else []
        sh("sox", "-m", "-v", "0.9", str(joined), "-v", "0.002", str(noise), str(track), *late)
        out = ROOT / "episodes" / folder / f"{name}.mp3"
        sh(
            ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(track),
            "-codec:a", "libmp3lame", "-b:a", "16k", str(out),
        )  # fmt: skip
        print(f"{out.relative_to(ROOT)}: {out.stat().st_size // 1024} KB")
    (ROOT / "episodes" / folder / "interview.mp3").unlink(missing_ok=True)


def make_artwork(out: Path) -> None:
    """A 1400x1400 RGB PNG: a title card drawn with Pillow (no fonts needed)."""
    from PIL import Image, ImageDraw

    size = 1400
    img = Image.new("RGB", (size, size), (20, 52, 74))
    draw = ImageDraw.Draw(img)
    for i in range(12):  # sound-wave bars
        h = [180, 320, 520, 680, 420, 760, 600, 300, 520, 380, 240, 140][i]
        x = 190 + i * 90
        draw.rounded_rectangle(
            [x, 700 - h // 2, x + 50, 700 + h // 2],
            radius=25,
            fill=(244, 183, 64) if i % 3 else (236, 240, 241),
        )
    draw.rectangle([0, 1180, size, size], fill=(236, 240, 241))
    draw.text((120, 1230), "LEARNING OUT LOUD", fill=(20, 52, 74), font_size=110)
    img.save(out, optimize=True)
    print(f"{out.relative_to(ROOT)}: {out.stat().st_size // 1024} KB")


def main(only: list[str]) -> int:
    """Every episode and the artwork; or only the episode folders named."""
    with tempfile.TemporaryDirectory() as tmp:
        for folder, (layout, turns) in EPISODES.items():
            if only and folder not in only:
                continue
            (ROOT / "episodes" / folder).mkdir(parents=True, exist_ok=True)
            make_episode(folder, layout, turns, Path(tmp))
    if not only:
        make_artwork(ROOT / "artwork.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
