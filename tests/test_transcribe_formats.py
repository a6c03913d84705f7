"""Fast tests of cue splitting, the transcript writers, the quality guards and the converter."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import srt
import webvtt

from podpipe import transcribe as fmt
from podpipe.transcribe import (
    Segment,
    Word,
    clean_segments,
    drop_repeated_segments,
    is_sound_label,
    remove_repeats,
)
from podpipe.transcribe.writers import TEXT_WIDTH

EXAMPLES = Path(__file__).resolve().parent / "data" / "podcast-namespace"
LONG = (
    "So the question we kept coming back to in the club was how anybody finds the time "
    "to practice when work and family already take every evening, and the answer, as "
    "always, turned out to be twenty minutes a day. Short sessions win. Then we talked "
    "about bread for a very long time without stopping to breathe at all really."
)


def _cues(segments):
    return fmt.tidy_times(fmt.split_cues(segments), duration=120.0)


def test_cues_respect_line_and_cue_limits_and_keep_every_word():
    cues = _cues([Segment(3.0, 40.0, LONG)])
    assert len(cues) > 2
    for cue in cues:
        assert 1 <= len(cue.lines) <= fmt.MAX_LINES
        assert all(len(line) <= fmt.MAX_LINE for line in cue.lines)
    assert " ".join(" ".join(c.lines) for c in cues).split() == LONG.split()
    assert cues[0].start == 3.0 and cues[-1].end == 40.0
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:], strict=False))


def test_two_line_cues_are_balanced():
    (cue,) = _cues(
        [Segment(0, 8, "And so my fellow Americans ask not what your country can do for you")]
    )
    a, b = cue.lines
    assert abs(len(a) - len(b)) < 12


def test_word_timestamps_time_the_cues():
    words = [Word(i * 0.5, i * 0.5 + 0.4, f"w{i}") for i in range(40)]
    seg = Segment(0.0, 20.0, " ".join(w.text for w in words), words=tuple(words))
    cues = fmt.split_cues([seg], max_line=20)
    first_words = cues[1].text.split()
    assert cues[1].start == words[int(first_words[0][1:])].start


def test_speaker_names_leave_room_in_the_line():
    cues = _cues([Segment(0, 30, LONG, speaker="Guest")])
    assert all(len("Guest: " + line) <= fmt.MAX_LINE for c in cues for line in c.lines)


def test_vtt_parses_with_voices_and_escapes():
    cues = _cues([Segment(0, 2, "Fish & chips <3", "Host"), Segment(1, 4, "Hello there.", "Guest")])
    text = fmt.vtt(cues)
    assert text.startswith("WEBVTT\n\n")
    parsed = webvtt.from_string(text)
    assert [c.voice for c in parsed.captions] == ["Host", "Guest"]
    # webvtt-py leaves character references as written; a player decodes them.
    assert parsed.captions[0].text == "Fish &amp; chips &lt;3"
    assert html.unescape(parsed.captions[0].text) == "Fish & chips <3"
    assert parsed.captions[1].start == "00:00:01.000"


def test_srt_parses_and_names_the_speaker():
    cues = _cues([Segment(0, 2, "One.", "Host"), Segment(61.5, 3725.25, "Two.", None)])
    subs = list(srt.parse(fmt.srt(cues)))
    assert [s.content for s in subs] == ["Host: One.", "Two."]
    assert subs[1].end.total_seconds() == pytest.approx(120.0)  # clamped to the audio


def test_json_has_the_podcasting_2_shape_of_the_spec_example():
    example = json.loads((EXAMPLES / "examples_transcripts_example.json").read_text())
    ours = json.loads(
        fmt.podcast_json(
            _cues([Segment(0.5, 2.0, "I am your father.", "Vader"), Segment(2.75, 3.0, "Nooooo")])
        )
    )
    assert ours["version"] == example["version"] == "1.0.0"
    assert set(ours["segments"][0]) == set(example["segments"][0])
    assert ours["segments"][0] == {
        "speaker": "Vader",
        "startTime": 0.5,
        "endTime": 2.0,
        "body": "I am your father.",
    }
    assert "speaker" not in ours["segments"][1]
    assert all(isinstance(s["startTime"], float | int) for s in ours["segments"])


def test_spec_example_vtt_still_parses_with_the_same_parser():
    # Guards the test itself: the parser reads voices the way the spec example writes them.
    parsed = webvtt.read(str(EXAMPLES / "examples_transcripts_example.vtt"))
    assert parsed.captions[0].voice == "Sarah"


def test_plain_text_long_paragraphs_end_at_a_sentence_and_lines_are_wrapped():
    sentence = "This sentence has exactly ten words in it, you see."
    segs = [Segment(i * 3.0, i * 3.0 + 2.9, sentence) for i in range(20)]  # no pauses
    text = fmt.plain_text(segs)
    paragraphs = text.strip().split("\n\n")
    assert [len(p.split()) for p in paragraphs] == [80, 80, 40]
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= TEXT_WIDTH == 80
    assert " ".join(text.split()) == " ".join([sentence] * 20)
    # a long paragraph waits for its sentence to end
    run_on = [
        Segment(i * 3.0, i * 3.0 + 2.9, "ten words that go on and on without any end")
        for i in range(9)
    ]
    assert fmt.plain_text(run_on).count("\n\n") == 0
    # one long word is not broken; a speaker's name starts the paragraph
    assert fmt.plain_text([Segment(0, 1, "x" * 100, "Ada")]) == "Ada:\n" + "x" * 100 + "\n"


def test_plain_text_paragraphs_by_speaker_and_pause():
    segs = [
        Segment(0, 2, "Hello.", "Host"),
        Segment(2.1, 3, "Welcome.", "Host"),
        Segment(3, 5, "Thanks.", "Guest"),
        Segment(9, 10, "Later.", "Guest"),
    ]
    assert fmt.plain_text(segs) == ("Host: Hello. Welcome.\n\nGuest: Thanks.\n\nGuest: Later.\n")
    assert fmt.plain_text([]) == ""


def test_repetition_loops_are_collapsed_but_normal_repeats_stay():
    loop = "Thank you. " * 9 + "Bye now."
    assert remove_repeats(loop) == "Thank you. Bye now."
    assert remove_repeats("I said no, no, no to that.") == "I said no, no, no to that."
    assert remove_repeats("the the the the the end") == "the end"


def test_repeated_segments_keep_only_the_first():
    segs = [Segment(i, i + 1, "We'll be right back.") for i in range(5)]
    assert [s.start for s in drop_repeated_segments(segs)] == [0]
    pair = [Segment(0, 1, "Yes."), Segment(1, 2, "Yes."), Segment(2, 3, "No.")]
    assert len(drop_repeated_segments(pair)) == 3


def test_clean_segments_clamps_and_orders_times():
    segs = [
        Segment(5.0, 4.0, "b"),
        Segment(-1.0, 2.0, "a"),
        Segment(9.0, 99.0, "c"),
        Segment(3.0, 3.5, "   "),
    ]
    out = clean_segments(segs, duration=10.0)
    assert [(s.start, s.end, s.text) for s in out] == [
        (0.0, 2.0, "a"),
        (5.0, 5.0, "b"),
        (9.0, 10.0, "c"),
    ]


def test_cue_time_formats():
    assert fmt.cue_time(3725.2506) == "01:02:05.251"
    assert fmt.cue_time(0.0004, ",") == "00:00:00,000"


def test_converted_names_match_openai_whisper_exactly():
    """Every tensor of openai-whisper's model is filled, with the right shape, losslessly."""
    whisper = pytest.importorskip("whisper", reason="openai-whisper (and torch) not installed")
    import numpy as np

    from podpipe.transcribe import bundled_model_dir, checkpoint_state, read_ct2_variables

    variables = read_ct2_variables(bundled_model_dir() / "model.bin")
    dims, state = checkpoint_state(variables)
    model = whisper.model.Whisper(whisper.model.ModelDimensions(**dims))
    expected = model.state_dict()
    assert set(state) == set(expected)
    assert all(tuple(state[k].shape) == tuple(expected[k].shape) for k in state)
    qkv = variables["encoder/layer_2/self_attention/linear_0/weight"]
    assert np.array_equal(state["encoder.blocks.2.attn.value.weight"], qkv[2 * 384 :])
    assert state["decoder.token_embedding.weight"].dtype == np.float16


def test_sound_labels_are_not_speech():
    assert is_sound_label("[Music]") and is_sound_label("(upbeat music)")
    assert is_sound_label("♪ ♪") and is_sound_label("*applause*")
    assert not is_sound_label("(laughs) That's funny.")
    assert clean_segments([Segment(0, 2, "[MUSIC PLAYING]"), Segment(2, 3, "Hi.")], 5.0) == [
        Segment(2.0, 3.0, "Hi.")
    ]


def test_the_format_registry_holds_every_transcript_format_once():
    """One row per format; the feed, notes, site and server read these, so pin them."""
    assert [(f.key, f.suffix, f.mime, f.label) for f in fmt.FORMATS] == [
        ("vtt", ".vtt", "text/vtt", "WebVTT"),
        ("srt", ".srt", "application/x-subrip", "SubRip (SRT)"),
        ("json", ".json", "application/json", "JSON (Podcasting 2.0)"),
        ("txt", ".txt", "text/plain", "Plain text"),
        ("fragment", ".fragment.html", "text/html", "HTML (Podcasting 2.0)"),
        ("html", ".html", "text/html", "Transcript page"),
    ]
    assert fmt.FEED_FORMATS == ("vtt", "srt", "json", "fragment")
    assert fmt.SITE_FORMATS == ("fragment", "html")
    assert fmt.NOTES_FORMATS == ("vtt", "srt", "txt", "html")
    assert fmt.FILE_FORMATS == ("vtt", "srt", "json", "txt")
    assert fmt.mime_type("srt") == "application/x-subrip"
    assert fmt.transcript_format("vtt").content_type == "text/vtt; charset=utf-8"
    assert fmt.transcript_format("json").content_type == "application/json"
    assert fmt.file_name("transcript", "html") == "transcript.html"
    assert fmt.file_name("transcript", "fragment") == "transcript.fragment.html"
    with pytest.raises(KeyError):
        fmt.mime_type("docx")


def test_the_stage_writes_exactly_the_registry_files(tmp_path):
    seg = [Segment(0.0, 2.0, "Hello there.")]
    files = fmt.write_transcripts(tmp_path, "t", seg, _cues(seg))
    assert list(files) == list(fmt.FILE_FORMATS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files.values())
