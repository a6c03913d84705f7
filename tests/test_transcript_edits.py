"""Corrections, hand-edited transcripts and the decoder's vocabulary: the functions
over cues, the parsers (checked against webvtt-py and srt), the configuration keys."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import srt as srt_lib
import webvtt

from podpipe import transcribe
from podpipe.config import load_show, load_show_with_warnings
from podpipe.errors import ConfigError
from podpipe.records import TranscriptReport
from podpipe.transcribe import Segment
from tests.show_helpers import copy_sample_show


def cue(start, end, text, speaker=None):
    return Segment(start, end, text, speaker)


# --------------------------------------------------------------------------- corrections

WHISPER = [
    cue(0.0, 3.0, "Welcome. I made a link missed. And I'm Ben O"),
    cue(3.0, 6.0, "'Caffer. Our first topic is split up\nlike a mine with Panda's Ruby."),
    cue(6.0, 8.0, "ben o 'caffer, Benjamin and Ben O'Caffery", "Guest"),
]


def test_a_phrase_is_corrected_across_a_cue_boundary_keeping_its_punctuation():
    out, counts = transcribe.apply_corrections(WHISPER[:2], [("Ben O 'Caffer", "Ben Okafor")])
    assert counts == {"Ben O 'Caffer": 1}
    assert out[0].text == "Welcome. I made a link missed. And I'm Ben Okafor."
    # the rest of the phrase left the second cue; its times stay
    assert out[1].text.startswith("Our first topic is") and out[1].start == 3.0


def test_a_capitalised_match_stays_capitalised_and_the_right_side_is_kept_as_written():
    out, _ = transcribe.apply_corrections(
        [cue(0, 2, "Split up like a mine. We love split up like a mine.")],
        [("split up like a mine", "split-apply-combine")],
    )
    assert out[0].text == "Split-apply-combine. We love split-apply-combine."
    out, _ = transcribe.apply_corrections(
        [cue(0, 2, "ask ben o'caffer")], [("ben o'caffer", "Ben Okafor")]
    )
    assert out[0].text == "ask Ben Okafor"


def test_whole_words_only_and_never_across_speakers():
    cues = [cue(0, 1, "I am Ben", "Host"), cue(1, 2, "Okafer here, Benjamin", "Guest")]
    out, counts = transcribe.apply_corrections(cues, [("Ben Okafer", "Ben Okafor"), ("Ben", "B")])
    assert counts == {"Ben Okafer": 0, "Ben": 1}
    assert [c.text for c in out] == ["I am B", "Okafer here, Benjamin"]


def test_corrections_apply_in_order_and_a_later_one_sees_the_earlier_result():
    out, counts = transcribe.apply_corrections(
        [cue(0, 1, "Panda's Ruby is fun")],
        [("Panda's Ruby", "pandas groupby"), ("groupby", "GroupBy")],
    )
    assert out[0].text == "Pandas GroupBy is fun" and counts["groupby"] == 1  # a sentence start


def test_an_empty_right_side_deletes_and_an_emptied_cue_goes():
    out, _ = transcribe.apply_corrections([cue(0, 1, "um"), cue(1, 2, "so, um, yes")], [("um", "")])
    assert [c.text for c in out] == ["so, yes"]


def test_a_cue_that_grows_is_split_into_lines_of_the_usual_width():
    out, _ = transcribe.apply_corrections(
        [cue(0, 10, "X said it")],
        [("X", "a very long replacement that names everyone in the club and then some more")],
    )
    assert all(len(line) <= transcribe.MAX_LINE for c in out for line in c.lines)
    assert out[0].start == 0 and out[-1].end <= 10


def test_a_correction_applied_twice_changes_nothing_the_second_time():
    fixes = [("analysts", "data analysts"), ("Ben O'Caffer", "Ben Okafor")]
    once, _ = transcribe.apply_corrections([cue(0, 1, "analysts and Ben O'Caffer")], fixes)
    twice, counts = transcribe.apply_corrections(once, fixes)
    assert once[0].text == twice[0].text == "data analysts and Ben Okafor"
    assert counts == {"analysts": 0, "Ben O'Caffer": 0}


def test_unmatched_names_the_corrections_that_match_nothing():
    assert transcribe.unmatched(WHISPER, [("Panda's Ruby", "pandas groupby"), ("zebra", "z")]) == [
        "zebra"
    ]


# --------------------------------------------------------------------------- parsing

GOOD_VTT = """WEBVTT

NOTE podpipe: timed against interview.mp3 (sha256 0123456789abcdef)

intro
00:00:00.000 --> 00:00:02.500
<v Ada Lindqvist>Welcome to Learning Out Loud.

00:02.500 --> 00:00:05.000 align:start
<v.loud Ben Okafor>I am Ben Okafor &amp; I <i>like</i> groupby.</v>
second line
"""


def test_vtt_cues_times_speakers_and_text(tmp_path):
    f = tmp_path / "transcript.vtt"
    f.write_text(GOOD_VTT)
    cues = transcribe.read_cue_file(f)
    assert [(c.start, c.end, c.speaker) for c in cues] == [
        (0.0, 2.5, "Ada Lindqvist"),
        (2.5, 5.0, "Ben Okafor"),
    ]
    assert cues[1].lines == ["I am Ben Okafor & I like groupby.", "second line"]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("WEBVT\n\n00:00:00.000 --> 00:00:01.000\nhi\n", 1, "starts with the line WEBVTT"),
        ("WEBVTT\n\n00:00:00.000 -> 00:00:01.000\nhi\n", 3, "expected a cue timing"),
        (
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nhi\n\n00:00:0x.000 --> 00:00:02.000\nho\n",
            6,
            "expected a cue timing",
        ),  # fmt: skip
        ("WEBVTT\n\n00:00:03.000 --> 00:00:01.000\nhi\n", 3, "ends (00:00:01.000) before"),
        (
            "WEBVTT\n\n00:00:03.000 --> 00:00:04.000\nhi\n\n00:00:01.000 --> 00:00:02.000\nho\n",
            6,
            "before the one above it",
        ),  # fmt: skip
        ("WEBVTT\n\nid\n00:00:03.000 --> 00:00:04.000\n\n", 4, "has no text"),
    ],
)
def test_a_broken_vtt_names_the_line(tmp_path, text, line, message):
    f = tmp_path / "transcript.vtt"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        transcribe.read_cue_file(f)
    problem = err.value.problems[0]
    assert (problem.file, problem.line) == (f, line)
    assert message in problem.message and "hand-edited transcript" in problem.message


def test_srt_with_speakers_and_its_errors(tmp_path):
    f = tmp_path / "transcript.srt"
    f.write_text(
        "1\n00:00:00,000 --> 00:00:02,000\nAda: Hello there\n\n2\n00:00:02,000 --> 00:00:03,000\nyes\n"
    )
    cues = transcribe.read_cue_file(f)
    assert [(c.speaker, c.text) for c in cues] == [(None, "Ada: Hello there"), (None, "yes")]
    f.write_text(
        "1\n00:00:00,000 --> 00:00:02,000\nAda: Hello there\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nToday: sourdough.\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nAda: Bye\n"
    )
    cues = transcribe.read_cue_file(f)
    # "Name: words" is SubRip's speaker convention only for a name that recurs
    assert [(c.speaker, c.text) for c in cues] == [
        ("Ada", "Hello there"),
        (None, "Today: sourdough."),
        ("Ada", "Bye"),
    ]
    f.write_text("1\n00:00:00,000 --> 00:00:02,000\nhi\n\nx\n00:00:02,000 --> 00:00:03,000\nyes\n")
    with pytest.raises(ConfigError) as err:
        transcribe.read_cue_file(f)
    assert err.value.problems[0].line == 5


def test_our_vtt_and_srt_read_back_exactly():
    cues = [
        cue(0.0, 1.25, "one\ntwo", "Ada"),
        cue(1.25, 3.0, "three & <four>"),
        cue(3.0, 4.0, "five", "Ada"),
    ]
    vtt_file = io.StringIO(transcribe.vtt(cues))
    # webvtt-py leaves the escapes in the text, as the file has them
    assert [c.text for c in webvtt.from_buffer(vtt_file)] == [
        "one\ntwo",
        "three &amp; &lt;four&gt;",
        "five",
    ]
    back = transcribe.parse_vtt(transcribe.vtt(cues), Path("x.vtt"))
    assert back == cues
    assert transcribe.parse_srt(transcribe.srt(cues), Path("x.srt")) == cues


# --------------------------------------------------------------------------- export


def test_export_is_one_cue_per_line_with_voices_and_a_note_that_parsers_accept():
    cues = [cue(0.0, 4.0, "first line of text\nsecond one", "Dmitri Volkov"), cue(4, 5, "ok")]
    text = transcribe.export_text(cues, "interview.mp3", "ab" * 32)
    parsed = list(webvtt.from_buffer(io.StringIO(text)))
    assert [(c.voice, c.text) for c in parsed] == [
        ("Dmitri Volkov", "first line of text"),
        ("Dmitri Volkov", "second one"),
        (None, "ok"),
    ]
    assert parsed[0].end == parsed[1].start  # the cue's time shared by the lines
    assert "NOTE podpipe: timed against interview.mp3 (sha256 abababababababab)" in text
    back = transcribe.parse_vtt(text, Path("t.vtt"))
    assert [c.text for c in back] == ["first line of text", "second one", "ok"]


def test_from_cues_writes_every_format_for_independent_parsers(tmp_path):
    import json

    report = TranscriptReport("hand-edited", "transcript.vtt", "en", 5.0, 0, 0)
    cues = [cue(0.0, 2.0, "I am Ben O", "Guest"), cue(2.0, 5.0, "'Caffer, hello.", "Guest")]
    done = transcribe.from_cues(
        cues, tmp_path, report, corrections=[("Ben O 'Caffer", "Ben Okafor")]
    )
    assert done.files == {
        "vtt": "transcript.vtt",
        "srt": "transcript.srt",
        "json": "transcript.json",
        "txt": "transcript.txt",
    }
    vtt = list(webvtt.read(str(tmp_path / "transcript.vtt")))
    assert [(c.voice, c.text) for c in vtt] == [("Guest", "I am Ben Okafor,"), ("Guest", "hello.")]
    subs = list(srt_lib.parse((tmp_path / "transcript.srt").read_text()))
    assert [s.content for s in subs] == ["Guest: I am Ben Okafor,", "Guest: hello."]
    segments = json.loads((tmp_path / "transcript.json").read_text())["segments"]
    assert [s["body"] for s in segments] == ["I am Ben Okafor,", "hello."]
    assert (tmp_path / "transcript.txt").read_text() == "Guest: I am Ben Okafor, hello.\n"
    assert done.word_count == 5 and done.segment_count == 2 and done.speakers == ["Guest"]


# --------------------------------------------------------------------------- configuration


def test_corrections_and_vocabulary_keys(tmp_path):
    root = copy_sample_show(tmp_path / "show")
    show_yaml = root / "show.yaml"
    show_yaml.write_text(
        show_yaml.read_text().replace(
            "  language: en\n",
            '  language: en\n  corrections:\n    - "Panda\'s Ruby -> pandas groupby"\n'
            "  vocabulary: [DataTalksClub]\n",
        )
    )
    ep = root / "episodes/001-why-a-learning-club/episode.yaml"
    ep.write_text(ep.read_text() + "corrections:\n  - Ben O'Caffer -> Ben Okafor\n  - uh ->\n"
                  "vocabulary:\n  - Okafor\n")  # fmt: skip
    show = load_show(root)
    assert show.transcription.corrections == (("Panda's Ruby", "pandas groupby"),)
    first = show.episodes[0]
    assert first.corrections == (("Ben O'Caffer", "Ben Okafor"), ("uh", ""))
    words = transcribe.decoder_vocabulary(show, first)
    assert words.startswith(
        "Okafor, Ben Okafor, Elena Sato, Ada Lindqvist, DataTalksClub, Learning Out Loud"
    )
    assert "Split-apply-combine with pandas groupby" in words and "Learning in public" in words
    assert len(words) <= transcribe.vocabulary.MAX_CHARS
    # repr (and so the notes stage's key) does not change with the new fields
    assert "corrections=" not in repr(first) and "vocabulary=" not in repr(show.transcription)


def test_a_bad_correction_names_file_line_and_key(tmp_path):
    root = copy_sample_show(tmp_path / "show")
    ep = root / "episodes/002-groupby-stories/episode.yaml"
    ep.write_text(ep.read_text() + "corrections:\n  - fine -> good\n  - no arrow here\n")
    _, problems = load_show_with_warnings(root)
    [p] = [p for p in problems if p.key == "corrections"]
    assert p.file == ep and p.line == len(ep.read_text().splitlines())
    assert "item 2: expected a string like" in p.message and "'no arrow here'" in p.message


def test_vocabulary_from_show_off_keeps_only_the_lists(tmp_path):
    root = copy_sample_show(tmp_path / "show")
    show_yaml = root / "show.yaml"
    show_yaml.write_text(
        show_yaml.read_text().replace(
            "  language: en\n", "  language: en\n  vocabulary_from_show: false\n"
        )
    )
    show = load_show(root)
    assert transcribe.decoder_vocabulary(show, show.episodes[0]) == ""


def test_two_hand_edited_transcripts_are_an_error(tmp_path):
    root = copy_sample_show(tmp_path / "show")
    folder = root / "episodes/001-why-a-learning-club"
    (folder / "transcript.vtt").write_text("WEBVTT\n")
    (folder / "transcript.srt").write_text("")
    _, problems = load_show_with_warnings(root)
    assert any("two hand-edited transcripts" in p.message for p in problems)
