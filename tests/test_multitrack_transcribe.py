"""Multitrack transcripts on real speech (espeak-ng, bundled tiny.en): each track
transcribed where its speaker talks, labelled with the name, in time order, no sentence
twice from bleed; and segments split at long pauses between words (the stereo
double-ender's cue that spanned the other speaker's question)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from podpipe.config import Track, TranscriptionSettings
from podpipe.transcribe import (
    Segment,
    Word,
    split_at_pauses,
    split_cues,
    transcribe,
    transcribe_tracks,
)
from podpipe.transcribe.writers import plain_text
from tests.multitrack_helpers import conversation, make_tracks, speak_all

STARTS = {"Ada Lindqvist": 0.0, "Ben Okafor": 0.35, "Chioma Eze": -1.2}


@pytest.fixture(scope="module")
def transcript(tmp_path_factory):
    spoken = speak_all(tmp_path_factory.mktemp("voices"))
    folder = tmp_path_factory.mktemp("tracks")
    turns = conversation(spoken, 90, seed=11, overlap_every=6)
    made = make_tracks(
        folder,
        spoken,
        turns,
        90,
        starts=STARTS,
        speeds={"Chioma Eze": 1.0001},
        gains_db={"Ben Okafor": -15.0},
    )
    out = folder / "out"
    tracks = tuple(Track(m.path, m.speaker) for m in made)
    report = transcribe_tracks(tracks, out, TranscriptionSettings())
    return turns, out, report


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def test_every_word_goes_to_the_right_speaker(transcript):
    turns, out, report = transcript
    segments = json.loads((out / "transcript.json").read_text())["segments"]
    right = wrong = 0
    for seg in segments:
        mid = (seg["startTime"] + seg["endTime"]) / 2
        # the turns being spoken around the cue (Whisper's times are a few tenths early)
        near = [t for t in turns if t.start - 0.8 <= mid <= t.end + 0.8]
        n = len(words(seg["body"]))
        if any(t.speaker == seg["speaker"] for t in near):
            right += n
        else:
            wrong += n
    assert right + wrong > 150
    assert right / (right + wrong) >= 0.97, (right, wrong)
    assert set(report.speakers) == set(STARTS)


def test_no_sentence_twice_from_bleed(transcript):
    turns, out, _report = transcript
    segments = json.loads((out / "transcript.json").read_text())["segments"]
    spoken_words = sum(len(words(t.text)) for t in turns)
    heard = sum(len(words(s["body"])) for s in segments)
    assert heard <= 1.1 * spoken_words, (heard, spoken_words)
    for a in segments:
        for b in segments:
            if a["speaker"] == b["speaker"] or a["startTime"] >= b["endTime"]:
                continue
            if a["endTime"] <= b["startTime"]:
                continue
            same = set(words(a["body"])) & set(words(b["body"]))
            assert len(same) < 0.8 * max(1, len(set(words(a["body"])))), (a, b)


def test_vtt_voices_and_text_in_time_order(transcript):
    _turns, out, _report = transcript
    vtt = (out / "transcript.vtt").read_text()
    assert {f"<v {name}>" for name in STARTS} <= set(re.findall(r"<v [^>]+>", vtt))
    starts = [
        float(x)
        for x in re.findall(r"\"startTime\": ([\d.]+)", (out / "transcript.json").read_text())
    ]
    assert starts == sorted(starts)
    txt = (out / "transcript.txt").read_text()
    first = [line.split(":")[0] for line in txt.split("\n\n") if line.strip()]
    assert len(first) > 10 and set(first) == set(STARTS)


def seg(start, end, text, speaker, gaps):
    """A segment whose words sit at the given times."""
    ws = [Word(s, e, f" {w}") for (s, e), w in zip(gaps, text.split(), strict=True)]
    return Segment(start, end, text, speaker, tuple(ws))


def test_a_segment_is_split_where_the_other_speaker_talks():
    guest = seg(
        21.1,
        26.9,
        "Because the window. Is invisible.",
        "Guest",
        [(21.1, 21.5), (21.5, 21.8), (21.8, 22.6), (25.9, 26.2), (26.2, 26.9)],
    )
    host = seg(23.1, 25.5, "Why is that?", "Host", [(23.1, 23.5), (23.5, 23.8), (23.8, 25.5)])
    pieces = split_at_pauses([guest, host])
    assert [(p.start, p.end, p.text) for p in pieces if p.speaker == "Guest"] == [
        (21.1, 22.6, "Because the window."),
        (25.9, 26.9, "Is invisible."),
    ]
    ordered = sorted(pieces, key=lambda s: s.start)
    assert plain_text(ordered) == (
        "Guest: Because the window.\n\nHost: Why is that?\n\nGuest: Is invisible.\n"
    )
    cues = split_cues(ordered)
    assert all(not (c.speaker == "Guest" and c.start < 23.1 < c.end) for c in cues)


def test_short_pauses_and_segments_without_words_stay_whole():
    s = seg(1.0, 3.0, "one two three", "A", [(1.0, 1.5), (1.9, 2.4), (2.5, 3.0)])
    assert split_at_pauses([s]) == [s]
    bare = Segment(0.0, 5.0, "no words here", "A")
    assert split_at_pauses([bare]) == [bare]


def test_words_without_a_leading_space_join_as_whisper_wrote_them():
    """ "seven" + "-day": Whisper's words carry their own spaces."""
    ws = (Word(1.0, 1.3, " a"), Word(1.3, 1.6, " seven"), Word(1.6, 1.9, "-day"))
    ws += (Word(4.0, 4.4, " average."),)
    s = Segment(1.0, 4.4, "a seven-day average.", "Host", ws)
    assert [p.text for p in split_at_pauses([s])] == ["a seven-day", "average."]


def test_stereo_double_ender_text_follows_the_conversation(tmp_path):
    """Episode 3 of the sample show (host left, guest right): the text file alternates
    host and guest as they speak, and no guest cue spans one of the host's."""
    source = Path(__file__).resolve().parents[1] / "episodes/003-windows-and-plots/interview.mp3"
    names = ("Ada Lindqvist", "Dmitri Volkov")
    transcribe(source, tmp_path, TranscriptionSettings(), speakers=names)
    paragraphs = [p.split(":")[0] for p in (tmp_path / "transcript.txt").read_text().split("\n\n")]
    paragraphs = [p for p in paragraphs if p.strip()]
    assert len(paragraphs) >= 10, paragraphs  # 11 turns, not one block per speaker
    assert all(a != b for a, b in zip(paragraphs, paragraphs[1:], strict=False)), paragraphs
    cues = json.loads((tmp_path / "transcript.json").read_text())["segments"]
    for guest in (c for c in cues if c["speaker"] == names[1]):
        for host in (c for c in cues if c["speaker"] == names[0]):
            inside = guest["startTime"] < host["startTime"] and host["endTime"] < guest["endTime"]
            assert not inside, (guest, host)
