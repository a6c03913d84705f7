"""The host's transcript workflow end to end on a copy of the sample show: corrections
and a hand-edited transcript survive `publish --force`, a change of audio settings and
a model change; every published format is read back with independent parsers
(webvtt-py, srt, json), with the search index and the MP3's ID3 lyrics."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import srt
import webvtt
from mutagen.id3 import ID3

from podpipe import media
from podpipe.transcribe import bundled_model_dir
from tests.show_helpers import copy_sample_show, podpipe

pytestmark = pytest.mark.slow
TODAY = "2026-11-24"
EP1 = "001-why-a-learning-club"


def run(show: Path, *args: str, code: int = 0):
    result = podpipe(*args, "--show", str(show))
    assert result.returncode == code, result.stdout + result.stderr
    return result


def publish(show: Path, *args: str):
    return run(show, "publish", "--today", TODAY, *args)


def published_texts(show: Path, slug: str = EP1) -> dict[str, str]:
    """Each published format of the episode's transcript, read by its own parser, plus
    the search index's text for it and the MP3's lyrics."""
    site = show / "site"
    folder = site / "episodes" / slug
    vtt = " ".join(c.text.replace("\n", " ") for c in webvtt.read(str(folder / "transcript.vtt")))
    subs = " ".join(
        s.content.replace("\n", " ") for s in srt.parse((folder / "transcript.srt").read_text())
    )
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    index = json.loads((site / "search" / "index.json").read_text())
    lyrics = ID3(folder / f"{slug}.mp3").getall("USLT")
    return {
        "vtt": vtt,
        "srt": subs,
        "json": " ".join(s["body"] for s in segments),
        "txt": (folder / "transcript.txt").read_text(),
        "search": " ".join(
            e["x"] for e in index["entries"] if e["s"] == slug and e["k"] == "c"
        ),  # the transcript's cues in the index (the notes have their own entries)
        "id3": " ".join(frame.text for frame in lyrics),
    }


def assert_everywhere(show: Path, present: str, absent: str | None = None) -> None:
    for where, text in published_texts(show).items():
        assert present in " ".join(text.split()), f"{present!r} missing from {where}"
        if absent:
            assert absent not in text, f"{absent!r} still in {where}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def show(tmp_path_factory) -> Path:
    root = copy_sample_show(tmp_path_factory.mktemp("workflow") / "show")
    edit(
        root / "show.yaml",
        "  language: en\n",
        '  language: en\n  corrections:\n    - "analysts -> data analysts"\n',
    )
    with (root / "episodes" / EP1 / "episode.yaml").open("a") as f:
        f.write('corrections:\n  - "study group -> reading circle"\n  - "zebra crossing -> x"\n')
    publish(root)
    return root


def transcript_folder(show: Path, slug: str = EP1) -> Path:
    """The episode's transcript stage output as last published."""
    keys = json.loads((show / ".podpipe/published.json").read_text())[slug]
    return show / ".podpipe/stages/transcript" / keys["transcript"]


def test_corrections_reach_every_format_search_and_tags(show):
    assert_everywhere(show, "run a reading circle for data analysts", absent="study group")
    # Whisper's own output is kept beside the corrected one, for the next correction
    whisper_text = (transcript_folder(show) / "whisper/transcript.txt").read_text()
    assert "study group for analysts" in " ".join(whisper_text.split())  # lines wrapped


def test_check_warns_about_a_correction_that_matches_nothing(show):
    out = run(show, "check").stdout
    file = show / "episodes" / EP1 / "episode.yaml"
    line = file.read_text().splitlines().index("corrections:") + 1
    assert (
        f"warning: {file}:{line}: corrections: 'zebra crossing' matches nothing in the "
        "transcript" in out
    )
    assert "'study group'" not in out and "'analysts'" not in out


def test_corrections_survive_force_audio_settings_and_a_model_change(show):
    raw_report = (transcript_folder(show) / "whisper/report.json").read_bytes()
    # a new correction is applied to the cached Whisper output: no second Whisper run
    edit(show / "episodes" / EP1 / "episode.yaml", "reading circle", "study circle")
    publish(show, "--only", "1")
    assert_everywhere(show, "a study circle for data analysts", absent="reading circle")
    assert (transcript_folder(show) / "whisper/report.json").read_bytes() == raw_report
    publish(show, "--force", "--only", "1")
    assert_everywhere(show, "a study circle for data analysts", absent="study group")
    edit(show / "show.yaml", "target_lufs: -16", "target_lufs: -18")
    publish(show, "--only", "1")
    assert_everywhere(show, "a study circle for data analysts", absent="study group")
    edit(show / "show.yaml", "model: tiny.en", f"model: {bundled_model_dir()}")
    publish(show, "--only", "1")
    assert_everywhere(show, "a study circle for data analysts", absent="study group")


def test_a_hand_edited_transcript_wins_and_survives(show, tmp_path):
    folder = show / "episodes" / EP1
    out = run(show, "transcript", "export", "1").stdout
    edited = folder / "transcript.vtt"
    assert f"wrote {edited}" in out
    cues = list(webvtt.read(str(edited)))
    assert all("\n" not in c.text for c in cues) and len(cues) > 10
    # episode 1 is a multitrack episode: the first track is its timeline
    assert "NOTE podpipe: timed against ada.mp3 (sha256 " in edited.read_text()
    # it is the episode's transcript now: never overwritten by a second export
    again = run(show, "transcript", "export", EP1, code=2)
    assert "exists already" in again.stderr and "never overwrites it" in again.stderr
    # the host's words, even a near miss of a name Whisper's output would have snapped
    edit(edited, "every Friday", "every Thursday at noon with Ben O'Kafer")
    before = edited.read_bytes()
    publish(show, "--only", "1")
    assert_everywhere(show, "every Thursday at noon with Ben O'Kafer", absent="every Friday")
    # corrections still apply to it (the export already had them applied)
    assert_everywhere(show, "study circle for data analysts")
    report = json.loads(
        (show / "site/episodes" / EP1 / "transcript.json").read_text()
    )  # the published JSON parses; the stage's report says where it came from
    assert report["version"] == "1.0.0"
    for change in (
        ("--force",),
        ("target_lufs: -18", "target_lufs: -17"),
        (f"model: {bundled_model_dir()}", "model: tiny.en"),
    ):
        if len(change) == 2:
            edit(show / "show.yaml", *change)
            publish(show, "--only", "1")
        else:
            publish(show, *change, "--only", "1")
        assert_everywhere(show, "every Thursday at noon", absent="every Friday")
        assert edited.read_bytes() == before  # never overwritten

    # a new recording (the first track exported again): its times may no longer match
    again = tmp_path / "ada.mp3"
    media.run(["-i", str(folder / "ada.mp3"), "-c:a", "libmp3lame", "-b:a", "32k", str(again)])
    shutil.copyfile(again, folder / "ada.mp3")
    result = publish(show, "--only", "1")
    assert (
        f"warning: {EP1}: transcript.vtt: the recording ada.mp3 changed after this "
        "transcript was written; its times may no longer match" in result.stdout
    )

    # a broken hand-edited transcript is a configuration error naming the line
    lines = edited.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if "-->" in line) + 1
    lines[n - 1] = "00:00:01.000 -> 00:00:02.000"
    edited.write_text("\n".join(lines) + "\n")
    for command in (("check",), ("publish", "--today", TODAY)):
        result = run(show, *command, code=2)
        assert f"{edited}:{n}: hand-edited transcript: expected a cue timing like" in (
            result.stdout + result.stderr
        )
