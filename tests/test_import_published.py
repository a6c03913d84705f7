"""An imported transcript is published with transcription off: `podpipe import` turns
Whisper off for a show in a language the bundled model does not know, and each episode's
old transcript (its hand-edited transcript) still gets every format, the feed's
podcast:transcript tags, the transcript page, the search index and the MP3's lyrics.
Episodes without one get no transcript, as before. Against the local host of
tests/import_helpers.py, with a Castopod-shaped French feed."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import feedparser
import podcastparser
import pytest
import webvtt
from lxml import etree
from mutagen.id3 import ID3

from podpipe.config import load_show
from podpipe.importer import import_feed
from podpipe.transcribe import read_cue_file
from tests.import_helpers import make_media, serve
from tests.show_helpers import podpipe

PODCAST = {"podcast": "https://podcastindex.org/namespace/1.0"}
TRANSCRIPT_TYPES = {"text/vtt", "application/x-subrip", "application/json", "text/html"}


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture()
def host(media):
    server, stop = serve(media)
    yield server
    stop()


def transcript_tags(feed: bytes) -> dict[str, dict[str, str]]:
    """guid -> {MIME type: URL} of every item's podcast:transcript tags."""
    root = etree.fromstring(feed)
    return {
        item.findtext("guid"): {
            t.get("type"): t.get("url") for t in item.findall("podcast:transcript", PODCAST)
        }
        for item in root.iter("item")
    }


def site_file(show, site: Path, url: str) -> Path:
    return site / url.removeprefix(show.base_url)


def stage_engines(show_dir: Path) -> set[str]:
    reports = (show_dir / ".podpipe/stages/transcript").glob("*/report.json")
    return {json.loads(r.read_text())["engine"] for r in reports}


@pytest.mark.slow
def test_a_french_show_publishes_the_transcripts_it_brought(host, tmp_path):
    show_dir = tmp_path / "show"
    import_feed(f"{host.base}/feeds/castopod.xml", show_dir)
    show = load_show(show_dir)
    assert show.language == "fr" and not show.transcription.enabled
    compost, tomates = show.episodes
    assert compost.transcript.name == "transcript.vtt"  # Podcasting 2.0 JSON converted
    assert tomates.transcript.name == "transcript.srt"  # SubRip kept as it was

    checked = podpipe("check", "--show", str(show_dir))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "not published" not in checked.stdout + checked.stderr
    out = podpipe("publish", "--show", str(show_dir))
    assert out.returncode == 0, out.stderr
    assert stage_engines(show_dir) == {"hand-edited"}  # no Whisper, no model download

    site = show_dir / "site"
    feed = (site / "feed.xml").read_bytes()
    tags = transcript_tags(feed)
    compost_guid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
    tomates_guid = "0f1e2d3c-4b5a-4968-8776-655443322110"
    assert set(tags) == {compost_guid, tomates_guid}
    for links in tags.values():
        assert set(links) == TRANSCRIPT_TYPES
        for url in links.values():
            assert site_file(show, site, url).is_file(), url
    vtt = site_file(show, site, tags[tomates_guid]["text/vtt"]).read_text(encoding="utf-8")
    cues = list(webvtt.from_buffer(io.StringIO(vtt)))
    assert [c.text for c in cues] == [
        "Bonjour et bienvenue au Potager Urbain.",
        "Aujourd'hui : les tomates, été comme hiver.",  # French colon: not a speaker
    ]
    data = json.loads(site_file(show, site, tags[compost_guid]["application/json"]).read_text())
    assert [(s["speaker"], s["body"]) for s in data["segments"]] == [
        ("Camille Roux", "Le compost nourrit la terre."),
        ("Camille Roux", "Les vers font le reste, à leur rythme."),
    ]
    assert 'language="fr"' in feed.decode()

    # Apps: feedparser sees the transcript on every item; podcastparser (gPodder) reads
    # the same GUIDs and titles, and the chapters from psc:chapters (it knows the
    # podcast namespace only by its old GitHub address, so not podcast:transcript).
    entries = feedparser.parse(feed).entries
    assert {e.id for e in entries} == set(tags)
    assert all(e.podcast_transcript["url"].startswith(show.base_url) for e in entries)
    parsed = podcastparser.parse(show.feed_url, io.BytesIO(feed))["episodes"]
    assert [e["guid"] for e in parsed] == [tomates_guid, compost_guid]
    assert [e["title"] for e in parsed] == ["Les tomates sur le balcon", "Le compost, c'est la vie"]
    assert [c["title"] for c in parsed[0]["chapters"]] == ["Bienvenue", "Les tomates"]

    # The site: the transcript page, the player's captions, the search index.
    folder = site / "episodes" / tomates.slug
    page = (folder / "transcript.html").read_text(encoding="utf-8")
    assert "Bonjour et bienvenue au Potager Urbain." in page
    episode_page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<track kind="captions" src="transcript.vtt" srclang="fr"' in episode_page
    assert 'href="transcript.html"' in episode_page
    index = json.loads((site / "search" / "index.json").read_text(encoding="utf-8"))
    texts = {(e["s"], e["x"]) for e in index["entries"] if e["k"] == "c"}
    assert (compost.slug, "Les vers font le reste, à leur rythme.") in texts
    # The MP3 carries it as lyrics, and the notes link it.
    mp3 = ID3(folder / f"{tomates.slug}.mp3")
    assert "été comme hiver" in " ".join(str(mp3.getall("USLT")[0]).split())
    notes = {e.id: e.content[0].value for e in entries}
    assert f"{tomates.slug}/transcript.vtt" in notes[tomates_guid]


@pytest.mark.slow
def test_transcription_off_publishes_a_hand_written_transcript_and_no_other(host, tmp_path):
    show_dir = tmp_path / "show"
    result = import_feed(f"{host.base}/feeds/wordpress.xml", show_dir)
    guids = {r.folder.name: r.guid for r in result.episodes}
    yaml = show_dir / "show.yaml"
    yaml.write_text(yaml.read_text().replace("enabled: true", "enabled: false"))
    first, second = load_show(show_dir).episodes
    (first.folder / "transcript.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Sam>Welcome to the plot.\n\n"
        "00:00:01.000 --> 00:00:02.000\n<v Sam>Seeds first.\n",
        encoding="utf-8",
    )
    out = podpipe("publish", "--show", str(show_dir))
    assert out.returncode == 0, out.stderr
    site = show_dir / "site"
    tags = transcript_tags((site / "feed.xml").read_bytes())
    assert set(tags[guids[first.slug]]) == TRANSCRIPT_TYPES
    assert tags[guids[second.slug]] == {}
    assert read_cue_file(site / "episodes" / first.slug / "transcript.vtt")[1].text == (
        "Seeds first."
    )
    # (the transcript page is there for every episode, saying there is none yet)
    assert [p.name for p in (site / "episodes" / second.slug).glob("transcript.*")] == [
        "transcript.html"
    ]
    page = (site / "episodes" / second.slug / "index.html").read_text(encoding="utf-8")
    assert "There is no transcript for this episode yet." in page
    assert "transcript.vtt" not in page  # neither the notes nor the player name one
    assert ID3(site / "episodes" / second.slug / f"{second.slug}.mp3").getall("USLT") == []
    notes = {e.id: e.content[0].value for e in feedparser.parse(site / "feed.xml").entries}
    assert "transcript.vtt" in notes[guids[first.slug]]
    assert "transcript" not in notes[guids[second.slug]]
    assert stage_engines(show_dir) == {"hand-edited"}

    # The show's language is the transcript's: changing it republishes the language.
    yaml.write_text(re.sub(r"(?m)^language: .*$", "language: de", yaml.read_text()))
    assert podpipe("publish", "--show", str(show_dir)).returncode == 0
    feed = etree.fromstring((site / "feed.xml").read_bytes())
    assert {t.get("language") for t in feed.iterfind(".//podcast:transcript", PODCAST)} == {"de"}

    # The file moved away: the episode publishes without a transcript again.
    shutil.move(first.folder / "transcript.vtt", tmp_path / "kept.vtt")
    assert podpipe("publish", "--show", str(show_dir)).returncode == 0
    assert transcript_tags((site / "feed.xml").read_bytes())[guids[first.slug]] == {}
    assert [p.name for p in (site / "episodes" / first.slug).glob("transcript.*")] == [
        "transcript.html"
    ]
    status = podpipe("status", "--show", str(show_dir))
    assert status.returncode == 0, status.stderr
