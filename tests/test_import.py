"""podpipe import: feeds shaped like Libsyn, Buzzsprout, Podlove and WordPress ones,
served by a real HTTP server on 127.0.0.1, with real MP3s."""

from __future__ import annotations

import email.utils
import io
import re

import feedparser
import podcastparser
import pytest

from podpipe.config import load_show
from podpipe.importer import html_to_markdown, import_feed, part_path
from tests.import_helpers import FEEDS, feed_text, make_media, serve
from tests.show_helpers import podpipe
from tests.workflow_helpers import snapshot


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture()
def host(media):
    server, stop = serve(media)
    yield server
    stop()


def source(host, name):
    """The source feed as feedparser reads it: what podcast apps know."""
    return feedparser.parse(host.files[f"/feeds/{name}.xml"][0])


@pytest.mark.parametrize("name", FEEDS)
def test_import_keeps_guids_titles_dates_and_fetches_the_audio(host, media, tmp_path, name):
    result = import_feed(f"{host.base}/feeds/{name}.xml", tmp_path / "show")
    show = load_show(tmp_path / "show")
    src = [e for e in source(host, name).entries if e.get("enclosures")]
    assert len(show.episodes) == len(src) == result.audio_fetched
    by_guid = {e.id: e for e in src}
    registry = (tmp_path / "show" / "guids.yaml").read_text()
    for ep in show.episodes:
        guid = next(r.guid for r in result.episodes if r.folder == ep.folder)
        entry = by_guid[guid]
        assert ep.title == entry.title
        assert ep.date.isoformat() == re.sub(r"T.*", "", _local_date(entry))
        assert ep.audio.read_bytes() in (media["ep1.mp3"], media["ep2.mp3"])
        assert ep.audio_url == entry.enclosures[0].href
        assert guid in registry
    assert [e.number for e in show.episodes] == sorted(e.number for e in show.episodes)
    assert show.artwork.read_bytes() == media["show.png"]


def _local_date(entry) -> str:
    """The calendar date of the item's pubDate where it was written."""
    return email.utils.parsedate_to_datetime(entry.published).date().isoformat()


def test_libsyn_tracking_redirects_numbers_exact_guids_and_notes(host, tmp_path):
    import_feed(f"{host.base}/feeds/libsyn.xml", tmp_path)
    show = load_show(tmp_path)
    assert [e.slug for e in show.episodes] == [
        "001-trailer-what-this-show-is",
        "002-the-index-card-method",
    ]
    assert ("/libsyn/cdn/fieldnotes/ep2.mp3", None) in host.requests  # two hops followed
    # A GUID that looks like a number stays the same text, leading zero and all.
    assert "guid: '0123456'" in (tmp_path / "guids.yaml").read_text()
    trailer, card = show.episodes
    assert (trailer.episode_type, trailer.season, card.season) == ("trailer", 1, 1)
    assert card.notes == (
        "Why a box of cards beats a notebook.\n\n"
        "- Ordering by [Luhmann](https://example.org/luhmann)\n- Cross-references\n"
    )
    assert card.artwork.name == "artwork.jpg"
    assert show.categories == ("Science > Social Sciences", "Education")
    assert show.title == "Field Notes & Footnotes"


def test_buzzsprout_chapters_guests_transcript_and_channel_tags(host, tmp_path):
    import_feed(f"{host.base}/feeds/buzzsprout.xml", tmp_path)
    show = load_show(tmp_path)
    rye, sourdough = show.episodes
    assert (rye.number, sourdough.number, sourdough.season) == (13, 14, 2)
    assert [(c.start, c.title, c.url) for c in sourdough.chapters] == [
        (0.0, "Hello", None),
        (0.9, "The starter", "https://example.org/starter"),
        (1.6, "Baking day", None),  # the toc: false chapter is left out
    ]
    assert [(g.name, g.link) for g in sourdough.guests] == [
        ("Priya Raman", "https://example.org/priya")
    ]
    srt = (sourdough.folder / "transcript.srt").read_text()
    assert "Welcome to Small Batch Bakers." in srt
    assert "javascript" not in sourdough.notes and "color:red" not in sourdough.notes
    assert "[here](https://example.org/recipe?x=1&y=2) not a link" in sourdough.notes
    assert rye.explicit is True and sourdough.explicit is False
    assert show.locked and show.funding_url == "https://smallbatch.example.org/support"
    assert [h.name for h in show.hosts] == ["Jo Abara"]
    assert (
        "podcast_guid: 2d8bb39b-8d34-48d4-b223-a0d01eb27d71"
        in (tmp_path / "guids.yaml").read_text()
    )


def test_podlove_simple_chapters_and_a_german_show(host, tmp_path):
    result = import_feed(f"{host.base}/feeds/podlove.xml", tmp_path)
    show = load_show(tmp_path)
    assert show.language == "de-de" and not show.transcription.enabled
    assert any("tiny.en" in note for note in result.show_attention)
    assert show.show_type == "serial"
    second = show.episodes[1]
    assert [(c.start, c.title) for c in second.chapters] == [
        (0.0, "Begrüßung"),
        (0.8, "Helle Röstung"),
        (1.5, "Dunkle Röstung"),
    ]
    assert "## Links" in second.notes and "*Eine Frage des Geschmacks.*" in second.notes


def test_html_notes_become_safe_markdown():
    html = (
        '<p>Hi <b>there</b> <a href="javascript:x()">bad</a> <a href="https://e.org/a b">ok</a></p>'
        "<script>alert(1)</script><ul><li>one <i>two</i></li><li>three</li></ul><p>1. not a list *x*</p>"
    )
    assert html_to_markdown(html) == (
        "Hi **there** bad [ok](https://e.org/a%20b)\n\n- one *two*\n- three\n\n1\\. not a list \\*x\\*\n"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", FEEDS)
def test_round_trip_the_published_feed_keeps_guids_titles_dates_and_order(host, tmp_path, name):
    show_dir = tmp_path / "show"
    import_feed(f"{host.base}/feeds/{name}.xml", show_dir)
    yaml = show_dir / "show.yaml"
    yaml.write_text(yaml.read_text().replace("enabled: true", "enabled: false"))
    out = podpipe("publish", "--show", str(show_dir))
    assert out.returncode == 0, out.stderr
    published = (show_dir / "site" / "feed.xml").read_bytes()
    src = [e for e in source(host, name).entries if e.get("enclosures")]
    new = feedparser.parse(published).entries
    assert [e.id for e in new] == [e.id for e in src]
    assert [e.title for e in new] == [e.title for e in src]
    assert [_local_date(e) for e in new] == [_local_date(e) for e in src]

    # podcastparser as an app reads both (it lists a serial show oldest first).
    url = f"{host.base}/feeds/{name}.xml"
    old = podcastparser.parse(url, io.BytesIO(host.files[f"/feeds/{name}.xml"][0]))["episodes"]
    old = [e for e in old if e["enclosures"]]  # a blog post is not an episode
    parsed = podcastparser.parse(url, io.BytesIO(published))["episodes"]
    assert [e["guid"] for e in parsed] == [e["guid"] for e in old]
    assert [e["title"] for e in parsed] == [e["title"] for e in old]
    if name in ("buzzsprout", "podlove", "castopod"):  # the chapters are in the new feed
        assert b"<podcast:chapters" in published
    # Each episode's chapters as gPodder reads them (psc:chapters), and the transcripts
    # the old feed linked, published although transcription is off here.
    chapters = {ep.title: [c.title for c in ep.chapters] for ep in load_show(show_dir).episodes}
    assert {e["title"]: [c["title"] for c in e.get("chapters", [])] for e in parsed} == chapters
    had = {e.id for e in src if e.get("podcast_transcript")}
    assert {e.id for e in new if e.get("podcast_transcript")} == had
    if name in ("buzzsprout", "castopod"):
        assert len(had) == 2
    # A second publish keeps guids.yaml as the import wrote it.
    before = (show_dir / "guids.yaml").read_bytes()
    assert podpipe("publish", "--show", str(show_dir)).returncode == 0
    assert (show_dir / "guids.yaml").read_bytes() == before


def test_import_again_adds_only_new_items_and_changes_no_file(host, media, tmp_path):
    url = f"{host.base}/feeds/wordpress.xml"
    import_feed(url, tmp_path)
    before = snapshot(tmp_path)
    again = import_feed(url, tmp_path)
    assert (len(again.episodes), again.already, again.audio_fetched) == (0, 2, 0)
    assert snapshot(tmp_path) == before
    # A new episode on the old host: only its folder and its guids.yaml record are new.
    text = feed_text("wordpress", host.base, media).replace(
        "\t<item>",
        "\t<item><title>Spring</title><pubDate>Sun, 07 Jan 2024 08:00:00 +0000</pubDate>"
        '<guid isPermaLink="true">https://allotment.example.org/?p=430</guid>'
        f'<enclosure url="{host.base}/media/ep1.mp3" length="1" type="audio/mpeg"/></item>\n\t<item>',
        1,
    )
    host.files["/feeds/wordpress.xml"] = (text.encode(), "application/rss+xml")
    third = import_feed(url, tmp_path)
    assert [e.folder.name for e in third.episodes] == ["003-spring"]
    after = snapshot(tmp_path)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"guids.yaml", *(k for k in after if k.startswith("episodes/003-spring/"))}
    assert set(before) <= set(after)
    assert "https://allotment.example.org/?p=430" in (tmp_path / "guids.yaml").read_text()


def test_a_dropped_connection_resumes_to_an_identical_file(host, media, tmp_path):
    host.drop_after["/podlove/download/ks002.mp3"] = 7000
    result = import_feed(f"{host.base}/feeds/podlove.xml", tmp_path, jobs=2)
    ep = next(e for e in result.episodes if e.number == 2)
    assert ep.audio == "resumed"
    assert (ep.folder / "audio.mp3").read_bytes() == media["ep2.mp3"]
    assert ("/podlove/download/ks002.mp3", "bytes=7000-") in host.requests


def test_a_killed_import_resumes_from_its_part_file(host, media, tmp_path):
    """An import stopped mid-download leaves a part file; the next run continues it."""
    result = import_feed(f"{host.base}/feeds/podlove.xml", tmp_path, audio=False)
    ep = result.episodes[0]
    assert not (ep.folder / "audio.mp3").exists() and result.audio_missing
    part_path(ep.folder / "audio.mp3").write_bytes(media["ep1.mp3"][:5000])
    again = import_feed(f"{host.base}/feeds/podlove.xml", tmp_path)
    assert again.earlier_fetched == 2
    assert (ep.folder / "audio.mp3").read_bytes() == media["ep1.mp3"]
    assert not part_path(ep.folder / "audio.mp3").exists()
    assert ("/podlove/download/ks001.mp3", "bytes=5000-") in host.requests


def test_no_audio_records_the_url_and_check_names_the_command(host, tmp_path):
    out = podpipe("import", f"{host.base}/feeds/libsyn.xml", str(tmp_path), "--no-audio")
    assert out.returncode == 0, out.stderr
    assert "2 episodes imported; audio fetched for 0." in out.stdout
    assert "To fetch the missing audio: podpipe import" in out.stdout
    check = podpipe("check", "--show", str(tmp_path))
    assert check.returncode == 2
    said = check.stdout + check.stderr
    assert "audio_url: the audio has not been downloaded yet" in said
    assert "run `podpipe import FEED SHOW_DIR` again" in said
    assert "Traceback" not in out.stderr + check.stderr


def test_a_messy_feed_is_reported_item_by_item(host, tmp_path):
    out = podpipe("import", f"{host.base}/feeds/messy.xml", str(tmp_path))
    assert out.returncode == 0, out.stderr
    err = out.stderr
    assert "'Same GUID again': duplicate GUID 'messy-1'" in err
    assert "002-bad-date: its date 'sometime in February' does not parse" in err
    assert "003-gone: its audio was not fetched: the server answered 404 Not Found" in err
    assert "004-a-video: its enclosure is video/mp4, not audio" in err
    assert "005-a-web-page: its audio was not fetched: the server sent text/html" in err
    assert "006-no-guid: has no <guid>" in err
    assert "Traceback" not in err
    assert "6 episodes imported; audio fetched for 3" in out.stdout
    assert "3 episode(s) without audio yet" in out.stdout


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        ("/feeds/page.html", "the page names its feed: https://feeds.example.org/smallbatch.rss"),
        ("/feeds/nothing.xml", "the server answered 404 Not Found"),
    ],
)
def test_not_a_feed_exits_1_with_a_message(host, tmp_path, feed, message):
    out = podpipe("import", f"{host.base}{feed}", str(tmp_path / "show"))
    assert out.returncode == 1
    assert message in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "show").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no-enclosures.xml", "none of the feed's 2 items is an episode"),
        ("not-a-feed.html", "an HTML page, not an RSS feed"),
    ],
)
def test_local_files_with_nothing_usable_exit_1(tmp_path, name, message):
    from tests.import_helpers import DATA

    out = podpipe("import", str(DATA / name), str(tmp_path / "show"))
    assert out.returncode == 1
    assert message in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "show").exists()


def test_xml_with_an_external_entity_is_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss><channel><title>&x;</title><item><title>a</title><guid>g</guid>"
        "<pubDate>Mon, 05 Feb 2024 10:00:00 +0000</pubDate>"
        '<enclosure url="http://127.0.0.1:9/a.mp3" type="audio/mpeg"/></item></channel></rss>'
    )
    import_feed(str(feed), tmp_path / "show", audio=False)
    assert "TOP SECRET" not in (tmp_path / "show" / "show.yaml").read_text()


def test_an_enclosure_far_larger_than_announced_is_not_kept(host, media, tmp_path):
    """A file more than twice the announced length (plus 1 MB) is not the episode, or
    never ends: it is stopped, nothing is left behind, and the item needs attention."""
    host.files["/media/huge.mp3"] = (media["ep1.mp3"] * 60, "audio/mpeg")  # ~1.6 MB
    text = feed_text("wordpress", host.base, media).replace(
        "\t<item>",
        "\t<item><title>Huge</title><pubDate>Sun, 07 Jan 2024 08:00:00 +0000</pubDate>"
        "<guid>huge-1</guid>"
        f'<enclosure url="{host.base}/media/huge.mp3" length="1000" type="audio/mpeg"/></item>'
        "\n\t<item>",
        1,
    )
    host.files["/feeds/huge.xml"] = (text.encode(), "application/rss+xml")
    out = podpipe("import", f"{host.base}/feeds/huge.xml", str(tmp_path))
    assert out.returncode == 0, out.stderr  # the other two are usable
    assert "the file is far larger than the feed announces (1000 bytes): not kept" in out.stderr
    assert "3 episodes imported; audio fetched for 2" in out.stdout
    huge = next(p for p in (tmp_path / "episodes").iterdir() if p.name.endswith("-huge"))
    assert [p.name for p in huge.iterdir()] == ["episode.yaml"]  # no audio, no part file
    assert "audio_url:" in (huge / "episode.yaml").read_text()
    assert "Traceback" not in out.stderr
