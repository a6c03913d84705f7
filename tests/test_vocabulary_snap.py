"""Near misses of the show's names spelled as the show spells them (snap.py): found by
how they sound, word by word; ordinary speech and names spelled right left alone; the
transcription stage applies them and keeps them for `podpipe transcript review`."""

from __future__ import annotations

import json

import pytest

from podpipe.config import TranscriptionSettings
from podpipe.transcribe import Segment, snap_pairs, transcribe
from podpipe.transcribe.snap import sound_key
from tests.show_helpers import REPO

NAMES = ["Ada Lindqvist", "Ben Okafor", "Chioma Eze", "The Learning Out Loud club"]
TERMS = [*NAMES, "pandas groupby", "matplotlib", "scikit-learn", "SQL"]


def pairs(text: str) -> list[tuple[str, str]]:
    return snap_pairs([Segment(0, 1, text)], TERMS)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("And I'm Ben O'Caffer. Thanks", [("Ben O'Caffer", "Ben Okafor")]),
        ("My guest is Kiloma Eze. Hello", [("Kiloma Eze", "Chioma Eze")]),
        ("start with mat plot lib first", [("mat plot lib", "matplotlib")]),
        ("we try scikit learn next", [("scikit learn", "scikit-learn")]),
        ("talk about pandas group by.", [("pandas group by", "pandas groupby")]),
    ],
)
def test_near_misses_of_names_and_terms_are_found(text, expected):
    assert pairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Welcome back, The Learning Out Loud Today we look",  # "Today" is not "club"
        "This is Learning Out Loud My guest",
        "Today Ben Okafor joins us, and Okafor said",  # spelled right already
        "the meetre mile wrote a query",  # too far from Dmitri Volkov to guess
        "a band of afar travellers",  # sounds close, but not capitalised as a name
        "we group by the station",  # ordinary words
    ],
)
def test_ordinary_speech_and_right_spellings_are_left_alone(text):
    assert pairs(text) == []


def test_sound_keys_make_spellings_of_one_sound_alike():
    assert sound_key("O'Caffer") == sound_key("Okafor") == "akafar"
    assert sound_key("Philip") == sound_key("Filip")


@pytest.mark.slow
def test_the_stage_spells_a_misheard_name_as_the_show_does(tmp_path):
    """Without the hot words tiny.en writes the sample guest as "Ben O'Caffer"; with his
    name among the show's names, every format has the show's spelling, and transcript.words.json
    keeps the decoder's word probabilities and the pair."""
    audio = REPO / "tests" / "data" / "interview-one-file.mp3"  # episode 1 as one recording
    out = tmp_path / "out"
    transcribe(audio, out, TranscriptionSettings(), names=["Ben Okafor", "Ada Lindqvist"])
    words = json.loads((out / "transcript.words.json").read_text())
    assert words["words"] and all(0 <= w[3] <= 1 for w in words["words"])
    assert ["Ben Okafor"] == sorted({right for _, right in words["snapped"]})
    for name in ("transcript.vtt", "transcript.srt", "transcript.txt", "transcript.json"):
        text = " ".join((out / name).read_text().split())
        assert "Ben Okafor" in text and "O'Caffer" not in text, name
