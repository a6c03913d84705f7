"""Near misses of the show's names spelled as the show spells them (snap.py): found by
how they sound, word by word; ordinary speech and names spelled right left alone; the
transcription stage applies them and keeps them for `podpipe transcript review`."""

from __future__ import annotations

import json

import pytest

from podpipe.config import TranscriptionSettings
from podpipe.transcribe import Segment, Word, snap_pairs, snap_segments, transcribe
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
        ("we try scikit -learn next", [("scikit -learn", "scikit-learn")]),
        ("thanks to Mena Akafor, and", [("Mena Akafor", "Ben Okafor")]),
        # the show writes it in lower case; a capital only at a sentence start
        ("to talk about, Pandas groupby, and", [("Pandas groupby", "pandas groupby")]),
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
        "Pandas groupby is where we start.",  # a sentence start keeps its capital
        "Okafor's notebook and Ben Okafor's chart",  # possessives spelled right
        "see you next time, Lindqvist said",  # called by one of the name's words
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


def test_a_possessive_keeps_its_ending_and_punctuation_stays():
    assert pairs("That was Ben O'Caffer's idea.") == [("Ben O'Caffer's", "Ben Okafor's")]
    (seg,), _ = snap_segments([Segment(0, 1, "That was Ben O'Caffer's idea.")], TERMS)
    assert seg.text == "That was Ben Okafor's idea."


SHOW = ["Sofia Marchetti", "Kwame Mensah", "Ingrid Halvorsen", "Tariq Haddad"]
SHOW += ["Data After Dark", "NumPy", "Jupyter", "PostgreSQL", "seaborn"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # as many words as the term has, not a piece of it ("Gator Data After Dark")
        ("welcome to Gator After Dark. My", [("Gator After Dark", "Data After Dark")]),
        ("a heat map she drew in Sivorn.", [("Sivorn", "seaborn")]),
        ("answers in Postgresql can", [("Postgresql", "PostgreSQL")]),
        # a word that sounds the same as the show's term takes the show's spelling
        ("his first Jupiter notebook", [("Jupiter", "Jupyter")]),
    ],
)
def test_other_shows_terms(text, expected):
    assert snap_pairs([Segment(0, 1, text)], SHOW) == expected


def test_a_name_made_of_ordinary_words_is_not_found_in_ordinary_speech():
    names = ["Learning Out Loud", "Data After Dark"]
    assert snap_pairs([Segment(0, 1, "we are learning out loud, data after dark")], names) == []
    assert snap_pairs([Segment(0, 1, "This is Learning out loud.")], names) == [
        ("Learning out loud", "Learning Out Loud")
    ]


def test_lower_case_words_do_not_stand_for_a_capitalised_word_of_a_name():
    """ "says Tariq Haddad and it is fast": "Haddad and it" sounds like Ada Lindqvist."""
    assert snap_pairs([Segment(0, 1, "says Tariq Haddad and it is fast")], TERMS) == []
    heard = [Segment(0, 1, "Leon and Out Loud is made by volunteers")]
    assert snap_pairs(heard, ["Learning Out Loud"]) == [("Leon and Out Loud", "Learning Out Loud")]


def test_a_word_that_is_another_of_the_shows_names_stays():
    """ "Tariq Halvorsen" sounds like Ingrid Halvorsen, but Tariq is the show's own."""
    assert snap_pairs([Segment(0, 1, "Keeps, Tariq Halvorsen, Kwame")], SHOW) == []


ORDINARY = """Good evening and welcome back. Tonight we look at how people learn
together, why small projects get finished, and what to do when the first week is hard.
Later we read your letters. After dark the city is quiet, and data from the bike share
tells us where people ride. The answer is yes, and it is fast. Thank you for joining,
see you in two weeks. Dark matter, afterwards, Ingrid said, is a different story.
Nobody has to be an expert; we analyse data after dark. Pandas eat bamboo. Sofia and Marc
met at the station. Python is a language."""


def test_ordinary_sentences_are_left_untouched():
    """Plain English around the show's words (some of them close: "after dark",
    "Jupiter", "Sofia") is not rewritten into names."""
    segments = [Segment(i, i + 1, line) for i, line in enumerate(ORDINARY.splitlines())]
    assert snap_pairs(segments, SHOW) == []
    assert snap_pairs(segments, TERMS) == []
    assert snap_segments(segments, [*SHOW, *TERMS])[0] == segments


def test_a_name_heard_in_pieces_keeps_the_times_of_its_pieces():
    """Whisper's words "Ben" " O" " 'Caffer" become one word "Ben Okafor" from the
    start of the first to the end of the last; the other words keep their times."""
    words = [(0.0, 0.4, " And"), (0.4, 0.6, " I'm"), (0.6, 0.9, " Ben"), (0.9, 1.0, " O")]
    words += [(1.0, 1.5, " 'Caffer."), (1.6, 2.0, " Thanks")]
    seg = Segment(0.0, 2.0, "And I'm Ben O 'Caffer. Thanks", None, tuple(Word(*w) for w in words))
    (out,), found = snap_segments([seg], TERMS)
    assert found == [("Ben O 'Caffer", "Ben Okafor")]
    assert out.text == "And I'm Ben Okafor. Thanks"
    assert [(w.start, w.end, w.text.strip()) for w in out.words] == [
        (0.0, 0.4, "And"),
        (0.4, 0.6, "I'm"),
        (0.6, 1.5, "Ben Okafor."),
        (1.6, 2.0, "Thanks"),
    ]
    assert (out.start, out.end, out.speaker) == (seg.start, seg.end, seg.speaker)


def said(text: str, unsure: tuple[str, ...] = ()) -> list[Segment]:
    """One segment of ``text`` with a word per token, the ``unsure`` ones at a word
    probability of 0.2 and the others at 0.9."""
    parts = text.split()
    words = tuple(
        Word(i * 0.5, i * 0.5 + 0.4, " " + w, 0.2 if w.strip(",.") in unsure else 0.9)
        for i, w in enumerate(parts)
    )
    return [Segment(0.0, len(parts) * 0.5, text, None, words)]


def test_a_name_with_one_word_heard_exactly_and_one_as_no_english_word():
    """ "Thanks to Ben Okafor" heard as "and Staman Okafor": the surname as the show
    writes it, and before it a word Whisper was unsure of that is no English word."""
    assert snap_pairs(said("and Staman Okafor, and", ("Staman",)), TERMS) == [
        ("Staman Okafor", "Ben Okafor")
    ]
    # Whisper sure of the word, an English word, or one in lower case
    assert snap_pairs(said("and Staman Okafor, and"), TERMS) == []
    assert snap_pairs(said("Thanks Okafor, and", ("Thanks",)), TERMS) == []
    assert snap_pairs(said("and stamen Okafor said", ("stamen",)), TERMS) == []
    # nor when the other word is far from the name's ("Zyx" is nothing like "Ben")
    assert snap_pairs(said("and Zyxq Okafor, and", ("Zyxq",)), TERMS) == []


def test_a_title_with_all_but_one_word_heard_as_the_show_writes_them():
    heard = said("Good evening, and welcome today to After Dark.", ("today", "to"))
    assert snap_pairs(heard, SHOW) == [("today to After Dark", "Data After Dark")]
    # the same words in lower case are ordinary speech
    assert snap_pairs(said("the kids stay out later after dark."), SHOW) == []
    assert snap_pairs(said("we stay out later after dark.", ("later",)), SHOW) == []


RARE = """We sieve the flour and stir in saffron, then the seabird flies over the lighthouse.
Her vectorized loops ran on parquet files; the aggregations were fast.
A kettle, a candle and a paddle lay by the tandem bicycle near the pagoda.
The seaborne cargo and the jupiter probe were in the newsletter.
Matadors, pandemics and groupings of ordinals are all words.
The tensors flow, polar bears roam, and kegels and bagels are eaten by the pollards."""
THIRD = ["Priya Raghunathan", "Mateo Fuentes", "Yuki Tanaka", "Niamh Gallagher"]
THIRD += ["Code and Coffee", "Polars", "DuckDB", "TensorFlow", "Kaggle"]


def test_lower_case_words_missing_from_the_common_words_are_left_alone():
    """English words the tokenizer's vocabulary lacks ("seaborne", "pollards", "tensors
    flow") sound like terms, but in lower case Whisper did not take them for names."""
    segments = [Segment(i, i + 1, line) for i, line in enumerate(RARE.splitlines())]
    for names in (SHOW, TERMS, THIRD):
        assert snap_pairs(segments, names) == []


def test_common_words_come_from_the_tokenizer_vocabulary():
    from podpipe.transcribe.common_words import common_words, is_common

    assert len(common_words()) > 20_000
    assert all(is_common(w) for w in ("the", "Keeps", "Monday", "Python", "don't", "Elena"))
    assert not any(is_common(w) for w in ("Staman", "Okafor", "sivorn", "Kwame", "groupby"))
