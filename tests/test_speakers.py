"""Speaker labels in a one-file interview, for real: espeak-ng voices and the real voices
of tests/data joined into mono recordings with known turns, published through the whole
pipeline (Whisper, then the GE2E voice encoder), the outputs read back with webvtt-py
and json, and scored against the known turns (diarization error rate, and the share of
words attributed to the right person)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import webvtt

from podpipe import speakers
from tests.show_helpers import REPO, podpipe
from tests.speaker_helpers import (
    GUEST_TURNS,
    HOST_TURNS,
    THIRD_TURNS,
    der,
    interview,
    real_voices_interview,
    speaker_at,
    write_wav,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not speakers.availability().ok, reason="needs podpipe[speakers]"),
]

HOST, GUEST, THIRD = "Ada Lindqvist", "Ben Okafor", "Chioma Eze"
TWO = [("en-us", 165), ("en-us+f3", 150)]
THREE = [("en-us", 165), ("en-us+f3", 150), ("en-gb-scotland+m7", 160)]
SHOW_YAML = """\
title: Voices
description: A show with voices.
language: en
author: Ada Lindqvist
owner:
  name: Ada Lindqvist
  email: ada@example.org
categories:
  - Technology
explicit: false
artwork: artwork.png
base_url: https://podcast.example.org/
hosts:
  - name: Ada Lindqvist
    voice: voices/ada.wav
"""


def episode_yaml(number: int, guests: list[str]) -> str:
    lines = [f"number: {number}", f"title: Episode {number}", "date: 2026-09-25", "notes: Hi."]
    if guests:
        lines.append("guests:")
        lines += [f"  - name: {g}" for g in guests]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    """Five episodes: two people, three people, the guest speaking first (the host's
    voice sample must win over order of appearance), the real voices, and one person."""
    root = tmp_path_factory.mktemp("voices") / "show"
    work = root.parent / "work"
    (root / "voices").mkdir(parents=True)
    shutil.copy(REPO / "artwork.png", root / "artwork.png")
    (root / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    made = {}

    def add(slug, audio, turns, guests, names):
        folder = root / "episodes" / slug
        folder.mkdir(parents=True)
        shutil.copy(audio, folder / "interview.wav")
        n = len(made) + 1
        (folder / "episode.yaml").write_text(episode_yaml(n, guests), encoding="utf-8")
        made[slug] = (turns, names)

    audio, turns = interview(work / "two", TWO, [HOST_TURNS, GUEST_TURNS])
    add("001-two", audio, turns, [GUEST], [HOST, GUEST])
    audio, turns = interview(work / "three", THREE, [HOST_TURNS, GUEST_TURNS, THIRD_TURNS])
    add("002-three", audio, turns, [GUEST, THIRD], [HOST, GUEST, THIRD])
    audio, turns = interview(work / "guest-first", TWO[::-1], [GUEST_TURNS, HOST_TURNS], rounds=4)
    add("003-guest-first", audio, turns, [GUEST], [GUEST, HOST])  # voice 0 is the guest
    audio, turns = real_voices_interview(work / "real")
    add("004-real", audio, turns, [GUEST, THIRD], [HOST, GUEST, THIRD])
    audio, turns = interview(work / "one", TWO[:1], [HOST_TURNS], rounds=4)
    add("005-one", audio, turns, [], [HOST])
    # The host's voice sample: other sentences of the host's voice, alone.
    sample, _ = interview(work / "sample", TWO[:1], [THIRD_TURNS], rounds=2)
    shutil.copy(sample, root / "voices" / "ada.wav")
    result = podpipe("publish", "--today", "2026-10-01", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, made, result.stdout


def cues_of(root: Path, slug: str):
    return list(webvtt.read(str(root / "site" / "episodes" / slug / "transcript.vtt")))


def seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def labelled(root: Path, slug: str) -> list[tuple[float, float, str | None, str]]:
    return [(seconds(c.start), seconds(c.end), c.voice, c.text) for c in cues_of(root, slug)]


def scores(cues, turns, names) -> tuple[float, float]:
    """(DER, share of words with the right speaker): each cue's words spread over it by
    length, each word's speaker taken from the known turn at its time."""
    index = {name: i for i, name in enumerate(names)}
    hyp = [(s, e, index.get(v)) for s, e, v, _ in cues]
    right = total = 0
    for start, end, voice, text in cues:
        words = text.split()
        span, t = end - start, start
        weights = [len(w) + 1 for w in words]
        for weight in weights:
            dt = span * weight / sum(weights)
            truth = speaker_at(turns, t + dt / 2)
            if truth is None:  # a word Whisper put in a pause: the nearest turn's
                truth = min(turns, key=lambda tr: min(abs(tr.start - t), abs(tr.end - t))).speaker
            total += 1
            right += index.get(voice) == truth
            t += dt
    return der(turns, hyp), right / max(1, total)


def test_two_speakers_labelled_with_their_names(show):
    root, made, _ = show
    cues = labelled(root, "001-two")
    error, words = scores(cues, *made["001-two"])
    print(f"two speakers: DER {error:.1%}, words right {words:.1%}")
    assert error <= 0.10
    assert words >= 0.95
    assert {c[2] for c in cues} == {HOST, GUEST}


def test_three_speakers(show):
    root, made, _ = show
    error, words = scores(labelled(root, "002-three"), *made["002-three"])
    print(f"three speakers: DER {error:.1%}, words right {words:.1%}")
    assert error <= 0.15


def test_host_voice_sample_wins_over_order_of_appearance(show):
    root, made, _ = show
    cues = labelled(root, "003-guest-first")
    turns, names = made["003-guest-first"]
    error, words = scores(cues, turns, names)
    print(f"guest first, host voice sample: DER {error:.1%}, words right {words:.1%}")
    first = next(c for c in cues if c[3].strip())
    assert first[2] == GUEST  # by order of appearance it would have been the host
    assert words >= 0.95


def test_real_voices_spliced_into_one_file(show):
    root, made, _ = show
    error, words = scores(labelled(root, "004-real"), *made["004-real"])
    print(f"real voices: DER {error:.1%}, words right {words:.1%}")
    assert error <= 0.15
    assert words >= 0.90


def test_speakers_in_every_format(show):
    root, _, _ = show
    folder = root / "site" / "episodes" / "001-two"
    doc = json.loads((folder / "transcript.json").read_text())
    assert {s.get("speaker") for s in doc["segments"]} == {HOST, GUEST}
    srt = (folder / "transcript.srt").read_text()
    assert f"{HOST}: " in srt and f"{GUEST}: " in srt
    txt = (folder / "transcript.txt").read_text()
    paragraphs = [p for p in txt.split("\n\n") if p.strip()]
    assert paragraphs[0].startswith(f"{HOST}: ")
    assert all(p.startswith((f"{HOST}: ", f"{GUEST}: ")) for p in paragraphs)
    page = (folder / "transcript.html").read_text()
    assert GUEST in page
    index = json.loads((root / "site" / "search" / "index.json").read_text())
    assert GUEST in json.dumps(index)


def test_one_person_gets_no_labels_and_no_model_run(show):
    root, _, _ = show
    cues = labelled(root, "005-one")
    assert cues and all(c[2] is None for c in cues)
    reports = list((root / ".podpipe" / "stages" / "speakers").glob("*/speakers.json"))
    assert len(reports) == 4  # the four episodes with several people, not this one


def test_speaker_report_and_cost(show):
    root, _, _ = show
    for path in (root / ".podpipe" / "stages" / "speakers").glob("*/speakers.json"):
        report = json.loads(path.read_text())
        assert report["count"] in (2, 3)
        assert report["model"].startswith("resemblyzer")
        assert report["windows"] > 10


def test_mel_front_end_matches_librosa():
    librosa = pytest.importorskip("librosa")
    x = np.random.RandomState(1).randn(16000 * 2).astype(np.float32) * 0.1
    ours = speakers.mel_frames(x)
    theirs = librosa.feature.melspectrogram(y=x, sr=16000, n_fft=400, hop_length=160, n_mels=40).T
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() <= 1e-5 * np.abs(theirs).max()


def test_short_voice_sample_is_a_clear_error(tmp_path):
    short = write_wav(tmp_path / "short.wav", np.zeros(8000, dtype=np.float32))
    from podpipe.errors import ProcessingError

    with pytest.raises(ProcessingError, match="a few seconds"):
        speakers.voice_embedding(short, speakers.Encoder())


def test_without_the_speaker_model_publish_says_once_how_to_turn_it_on(monkeypatch, tmp_path):
    """Plumbing: what a default install (no podpipe[speakers]) is told, once per publish."""
    from podpipe.config import load_show
    from podpipe.speakers import embed
    from tests.show_helpers import copy_sample_show

    show = load_show(copy_sample_show(tmp_path / "show"))
    monkeypatch.setattr(embed, "availability", lambda: embed.Availability(False, "missing"))
    monkeypatch.setattr(speakers.stage, "availability", embed.availability)
    notice = speakers.setup_notice(show)
    assert len(notice) == 1
    assert "1 episode(s)" in notice[0] and "pip install 'podpipe[speakers]'" in notice[0]
    off = dataclasses.replace(
        show, transcription=dataclasses.replace(show.transcription, speaker_labels="off")
    )
    assert speakers.setup_notice(off) == []
