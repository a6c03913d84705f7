"""One timeline: with an intro and its crossfade, every published time (transcript cues in
every format, chapters in chapters.json, the ID3 CHAP frames, the episode page and the
search index) lands where its words are in the published MP3.

Where the words are is measured, not assumed: a phrase of the source recording (made with
espeak-ng, joined with sox) is found in the decoded MP3 by cross-correlation."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from podpipe.media import Decoder
from tests.show_helpers import REPO, podpipe

pytestmark = pytest.mark.slow
RATE = 44100
SLUG = "001-maps"
TOLERANCE_S = 0.05
PHRASE_A = "Welcome to the show about rivers and mountains and the people who map them."
PHRASE_B = "Now the second part begins with the history of maps and compasses."
CUE_TIME = re.compile(r"(\d+):(\d\d):(\d\d)[.,](\d{3}) --> ")


def decode(path: Path) -> np.ndarray:
    with Decoder(path, sample_rate=RATE, channels=1, chunk_frames=1 << 20) as dec:
        return np.concatenate(list(dec))[:, 0]


def sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)


def speak(text: str, out: Path, voice: str = "en-us") -> Path:
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
    sox(str(raw), "-r", str(RATE), str(out))
    return out


def make_intro(folder: Path, tone_s: float) -> Path:
    """A spoken line and a tone: an intro of about 1.5 s + ``tone_s``."""
    voice = speak("This is the intro.", folder / "intro-voice.wav", voice="en-gb")
    sox(
        "-n",
        "-r",
        str(RATE),
        "-c",
        "1",
        str(folder / "tone.wav"),
        "synth",
        str(tone_s),
        "sine",
        "440",
        "vol",
        "0.2",
    )
    out = folder / f"intro-{tone_s}.wav"
    sox(str(voice), str(folder / "tone.wav"), str(out))
    return out


def build_show(root: Path, pause_s: float, audio_yaml: str = "") -> float:
    """A one-episode show with an intro and ``pause_s`` of silence around and between two
    phrases; returns the source time of phrase B."""
    ep = root / "episodes" / SLUG
    ep.mkdir(parents=True)
    shutil.copy(REPO / "artwork.png", root / "artwork.png")
    work = root.parent
    a, b = speak(PHRASE_A, work / "a.wav"), speak(PHRASE_B, work / "b.wav")
    sox("-n", "-r", str(RATE), "-c", "1", str(work / "pause.wav"), "trim", "0", str(pause_s))
    pause = str(work / "pause.wav")
    sox(pause, str(a), pause, str(b), pause, str(ep / "interview.wav"))
    b_start = 2 * pause_s + len(decode(a)) / RATE
    intro = make_intro(work, 2.5)
    shutil.copy(intro, root / "intro.wav")
    (root / "show.yaml").write_text(
        "title: Maps\ndescription: A show about maps.\nlanguage: en\nauthor: Ada\n"
        "owner:\n  name: Ada\n  email: ada@example.org\ncategories:\n  - Technology\n"
        "explicit: false\nartwork: artwork.png\nbase_url: https://podcast.example.org/\n"
        "audio:\n  intro: intro.wav\n  crossfade_ms: 500\n" + audio_yaml,
        encoding="utf-8",
    )
    (ep / "episode.yaml").write_text(
        "number: 1\ntitle: Maps\ndate: 2026-09-25\nnotes: Hello.\nchapters:\n"
        f'  - start: "00:00"\n    title: Welcome\n  - start: {b_start:.3f}\n    title: Part two\n',
        encoding="utf-8",
    )
    return b_start


@pytest.fixture(scope="module")
def show(tmp_path_factory) -> tuple[Path, float]:
    """A one-episode show with an intro; returns it and the source time of phrase B."""
    root = tmp_path_factory.mktemp("timeline") / "show"
    return root, build_show(root, 1.0)


def publish(root: Path) -> str:
    result = podpipe("publish", "--today", "2026-10-01", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def find_phrase(mp3: Path, source: Path, start_s: float) -> float:
    """Where the 2 s of ``source`` from ``start_s`` are in ``mp3``, by cross-correlation."""
    from scipy import signal

    out = decode(mp3)
    src = decode(source)
    snippet = src[int(start_s * RATE) : int((start_s + 2.0) * RATE)]
    corr = signal.correlate(out, snippet, mode="valid", method="fft")
    return float(np.argmax(np.abs(corr))) / RATE


def cue_starts(text: str) -> list[float]:
    return [
        int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
        for h, m, s, ms in CUE_TIME.findall(text)
    ]


def source_transcript(root: Path) -> Path:
    [folder] = (root / ".podpipe" / "stages" / "transcript").iterdir()
    return folder


def check_published_times(root: Path, b_start: float) -> float:
    site = root / "site" / "episodes" / SLUG
    b_out = find_phrase(site / f"{SLUG}.mp3", root / "episodes" / SLUG / "interview.wav", b_start)
    shift = b_out - b_start
    assert shift > 1.0  # the intro is there

    chapters = json.loads((site / "chapters.json").read_text())["chapters"]
    assert chapters[0] == {"startTime": 0, "title": "Intro"}
    by_title = {c["title"]: c["startTime"] for c in chapters}
    assert abs(by_title["Part two"] - b_out) <= TOLERANCE_S, (by_title, b_out)
    assert abs(by_title["Welcome"] - shift) <= TOLERANCE_S

    from mutagen.id3 import ID3

    chaps = {
        f.sub_frames.getall("TIT2")[0].text[0]: f.start_time
        for f in ID3(site / f"{SLUG}.mp3").getall("CHAP")
    }
    assert chaps["Intro"] == 0
    assert abs(chaps["Part two"] / 1000 - b_out) <= TOLERANCE_S, (chaps, b_out)

    page = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="#t={by_title["Part two"]:g}"' in page

    source = source_transcript(root)
    for name in ("transcript.vtt", "transcript.srt"):
        before, after = (
            cue_starts((source / name).read_text()),
            cue_starts((site / name).read_text()),
        )
        assert len(after) == len(before) >= 2
        for s, o in zip(before, after, strict=True):
            assert abs(o - (s + shift)) <= TOLERANCE_S, (name, s, o, shift)
    segments = json.loads((site / "transcript.json").read_text())["segments"]
    originals = json.loads((source / "transcript.json").read_text())["segments"]
    for seg, orig in zip(segments, originals, strict=True):
        assert abs(seg["startTime"] - (orig["startTime"] + shift)) <= TOLERANCE_S
        assert abs(seg["endTime"] - (orig["endTime"] + shift)) <= TOLERANCE_S
        assert seg["body"] == orig["body"]
    # The cue of phrase B is where phrase B is (to Whisper's own accuracy).
    second = next(s for s in segments if "second part" in s["body"])
    assert abs(second["startTime"] - b_out) <= 0.6, (second, b_out)
    # Search hits link to the published times.
    index = json.loads((root / "site" / "search" / "index.json").read_text())
    hits = [
        e["t"]
        for e in (index if isinstance(index, list) else index["entries"])
        if e.get("k") == "c"
    ]
    assert sorted(hits) == sorted(round(s["startTime"], 3) for s in segments)
    assert (site / "transcript.txt").read_bytes() == (source / "transcript.txt").read_bytes()
    return shift


def test_every_published_time_follows_the_intro(show):
    root, b_start = show
    out = publish(root)
    shift = check_published_times(root, b_start)
    report = json.loads(next((root / ".podpipe/stages/audio").glob("*/report.json")).read_text())
    [[src_start, _, out_start]] = report["timeline"]
    assert src_start == 0 and abs(out_start - shift) <= TOLERANCE_S
    assert "done" in out

    # A longer intro: the transcript is not made again, but every time moves with it.
    intro = make_intro(root.parent, 6.0)
    shutil.copy(intro, root / "intro.wav")
    out = publish(root)
    row = next(line for line in out.splitlines() if SLUG in line)
    assert row.split()[2:4] == ["done", "reused"], row  # audio done, transcript reused
    longer = check_published_times(root, b_start)
    assert longer - shift == pytest.approx(3.5, abs=TOLERANCE_S)


def test_trimmed_pauses_keep_every_published_time_in_sync(tmp_path):
    """Pauses of 3 s tightened to 0.7 s, after an intro with a crossfade: the cut
    stretches are in the timeline, and every cue, chapter, CHAP frame and search time is
    where its words are in the MP3."""
    from podpipe.records import output_time

    root = tmp_path / "show"
    b_start = build_show(root, 3.0, "  trim_pauses: {min: 1.5, target: 0.7}\n")
    publish(root)
    report = json.loads(next((root / ".podpipe/stages/audio").glob("*/report.json")).read_text())
    timeline = report["timeline"]
    assert report["pauses_cut"] == 3 and len(timeline) == 4
    assert report["pauses_removed_s"] == pytest.approx(3 * 2.3, abs=0.6)
    site = root / "site" / "episodes" / SLUG
    mp3, source = site / f"{SLUG}.mp3", root / "episodes" / SLUG / "interview.wav"
    for start in (3.0, b_start):  # both phrases, measured in the MP3
        assert abs(find_phrase(mp3, source, start) - output_time(timeline, start)) <= TOLERANCE_S
    b_out = find_phrase(mp3, source, b_start)
    chapters = json.loads((site / "chapters.json").read_text())["chapters"]
    by_title = {c["title"]: c["startTime"] for c in chapters}
    assert abs(by_title["Part two"] - b_out) <= TOLERANCE_S, (by_title, b_out)
    from mutagen.id3 import ID3

    chaps = {f.sub_frames.getall("TIT2")[0].text[0]: f.start_time for f in ID3(mp3).getall("CHAP")}
    assert abs(chaps["Part two"] / 1000 - b_out) <= TOLERANCE_S
    src = source_transcript(root)
    for name in ("transcript.vtt", "transcript.srt"):
        before = cue_starts((src / name).read_text())
        after = cue_starts((site / name).read_text())
        assert len(after) == len(before) >= 2
        for s, o in zip(before, after, strict=True):
            assert abs(o - output_time(timeline, s)) <= TOLERANCE_S, (name, s, o)
    segments = json.loads((site / "transcript.json").read_text())["segments"]
    second = next(s for s in segments if "second part" in s["body"])
    assert abs(second["startTime"] - b_out) <= 0.6, (second, b_out)
    index = json.loads((root / "site" / "search" / "index.json").read_text())
    hits = [
        e["t"]
        for e in (index if isinstance(index, list) else index["entries"])
        if e.get("k") == "c"
    ]
    assert sorted(hits) == sorted(round(s["startTime"], 3) for s in segments)
