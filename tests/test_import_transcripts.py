"""The old host's transcript becomes the episode's hand-edited transcript: kept as
transcript.vtt/.srt (Podcasting 2.0 JSON and HTML converted to WebVTT), published in
every format, and Whisper does not run for it."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest
import webvtt
from lxml import etree

from podpipe.config import load_show
from podpipe.importer import import_feed
from podpipe.importer.transcripts import save_transcript
from podpipe.transcribe import html_cues, json_cues
from tests.import_helpers import make_media, serve
from tests.show_helpers import podpipe


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture()
def host(media):
    server, stop = serve(media)
    yield server
    stop()


def vtt_texts(text: str) -> list[str]:
    """Cue texts as webvtt-py reads them (it leaves the WebVTT escapes: &amp;)."""
    return [html.unescape(" ".join(c.text.split())) for c in webvtt.from_buffer(io.StringIO(text))]


def test_word_level_json_is_grouped_into_sentences_with_speakers():
    words = "Hello and welcome . Ben Okafor here ."
    segments, t = [], 0.0
    for w in words.split():
        if w == ".":
            segments[-1]["body"] += "."
            continue
        speaker = "Ada" if len(segments) < 3 else "Ben"
        segments.append({"speaker": speaker, "startTime": t, "endTime": t + 0.3, "body": w})
        t += 0.35
    cues = json_cues(json.dumps({"version": "1.0.0", "segments": segments}).encode())
    assert [(c.speaker, c.text) for c in cues] == [
        ("Ada", "Hello and welcome."),
        ("Ben", "Ben Okafor here."),
    ]
    assert cues[0].start == 0.0 and cues[1].start == pytest.approx(1.05)


def test_html_fragment_paragraphs_last_until_the_next_and_scripts_are_dropped():
    data = (Path(__file__).parent / "data/import/buzzsprout-transcript.html").read_bytes()
    cues = html_cues(data)
    assert [(c.start, c.end, c.speaker) for c in cues[:2]] == [
        (0.0, 1.0, "Jo Abara"),
        (1.0, pytest.approx(1.0 + 0.4 * 7), "Jo Abara"),
    ]
    assert cues[0].text == "Rye needs a different touch & more water."
    assert "alert" not in cues[1].text and cues[1].text == "It is sticky, so wet your hands."


@pytest.mark.parametrize(
    "data, message",
    [
        (b"{}", "no 'segments' list"),
        (b"{not json", "not a JSON transcript"),
        (b'{"segments": [{"startTime": 0}]}', "segment 1: expected startTime, endTime and body"),
    ],
)
def test_a_broken_json_transcript_says_what_is_wrong(data, message):
    with pytest.raises(ValueError, match=message):
        json_cues(data)


def test_a_broken_vtt_is_not_kept_and_the_next_format_is_tried(host, tmp_path):
    host.files["/t/bad.vtt"] = (b"WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nHi\n", "text/vtt")
    host.files["/t/good.srt"] = (b"1\n00:00:00,000 --> 00:00:01,000\nHi there\n", "text/srt")
    links = ((f"{host.base}/t/bad.vtt", "text/vtt"), (f"{host.base}/t/good.srt", "text/srt"))
    assert save_transcript(links, tmp_path) == ("transcript.srt", None)
    assert not (tmp_path / "transcript.vtt").exists()
    (tmp_path / "alone").mkdir()
    name, note = save_transcript(links[:1], tmp_path / "alone")
    assert name is None and "bad.vtt was not read: line 3: expected a cue timing" in note


@pytest.mark.slow
def test_round_trip_the_imported_transcripts_are_published_and_whisper_does_not_run(host, tmp_path):
    show_dir = tmp_path / "show"
    import_feed(f"{host.base}/feeds/buzzsprout.xml", show_dir)
    show = load_show(show_dir)
    assert show.transcription.enabled  # an English show: Whisper would run
    rye, sourdough = show.episodes
    assert sourdough.transcript.name == "transcript.srt"  # SubRip kept as it was
    assert (
        rye.transcript.name == "transcript.vtt"
    )  # the HTML one converted (text/plain has no times)
    assert "Edit it to fix a word" in (rye.folder / "episode.yaml").read_text()

    out = podpipe("publish", "--show", str(show_dir))
    assert out.returncode == 0, out.stderr
    reports = list((show_dir / ".podpipe/stages/transcript").glob("*/report.json"))
    assert len(reports) == 2
    assert {json.loads(r.read_text())["engine"] for r in reports} == {"hand-edited"}

    site = show_dir / "site"
    root = etree.fromstring((site / "feed.xml").read_bytes())
    ns = {"podcast": "https://podcastindex.org/namespace/1.0"}
    published = {}
    for item in root.iter("item"):
        tags = item.findall("podcast:transcript", ns)
        links = {t.get("type"): t.get("url") for t in tags}
        assert {"text/vtt", "application/x-subrip", "application/json"} <= links.keys()
        path = links["text/vtt"].removeprefix(show.base_url)
        published[item.findtext("guid")] = vtt_texts((site / path).read_text())
    assert published["Buzzsprout-12345678"][0] == "Welcome to Small Batch Bakers."
    assert published["Buzzsprout-12345601"] == [
        "Rye needs a different touch & more water.",
        "It is sticky, so wet your hands.",
    ]
