"""The feed, read back by real podcast clients (podcastparser, feedparser) and validated.

The sample show is built from real files: MP3s encoded by the bundled ffmpeg, the
Podcasting 2.0 spec's example transcripts, notes rendered from the episodes' Markdown.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import random
import uuid
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.mp3 import MP3

from podpipe import checks, config, feed
from podpipe.feed import guids
from podpipe.media import probe_duration
from tests.feed_helpers import DATA, XSD, make_show, publish, stage_site

PODCAST = "https://podcastindex.org/namespace/1.0"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# podcastparser 0.6.11 only knows the namespace's original URI. The spec (docs/1.0.md)
# says clients must treat it as identical to the current one.
LEGACY_PODCAST = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"


@dataclasses.dataclass
class Built:
    show: config.Show
    episodes: list
    site: Path
    feed: Path

    def by_guid(self, guid: str):
        return next(p for p in self.episodes if p.guid == guid)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    tmp = tmp_path_factory.mktemp("feed")
    show = config.load_show(make_show(tmp))
    episodes = publish(show, tmp / "work")
    site = tmp / "site"
    return Built(show, episodes, site, stage_site(show, episodes, site))


def _podcastparser(data: bytes, legacy_ns: bool = False) -> dict:
    if legacy_ns:
        data = data.replace(PODCAST.encode(), LEGACY_PODCAST.encode())
    return podcastparser.parse("https://podcast.example.org/feed.xml", io.BytesIO(data))


def test_sample_feed_passes_lint(built):
    assert checks.lint_site(built.show, built.site) == []


def test_podcastparser_reads_back_channel(built):
    show = built.show
    parsed = _podcastparser(built.feed.read_bytes())
    assert parsed["title"] == show.title
    assert parsed["link"] == show.base_url
    assert parsed["description"] == show.description
    assert parsed["language"] == show.language
    assert parsed["cover_url"] == show.base_url + "artwork.png"
    assert parsed["itunes_author"] == show.author
    assert parsed["itunes_owner"] == {"name": show.owner_name, "email": show.owner_email}
    assert parsed["itunes_categories"] == [["Education", "Courses"], ["Technology"]]
    assert parsed["type"] == "episodic"
    assert parsed["explicit"] is False


def test_podcastparser_reads_back_every_episode(built):
    show = built.show
    parsed = _podcastparser(built.feed.read_bytes())["episodes"]
    assert [e["number"] for e in parsed] == [3, 2, 1]  # newest first
    assert {e["guid"] for e in parsed} == set(
        guids.assign(show, show.root / "guids.yaml").episodes.values()
    )
    for item in parsed:
        p = built.by_guid(item["guid"])
        ep = p.episode
        mp3 = built.site / p.mp3_path
        assert item["title"] == ep.title
        assert item["link"] == show.base_url + f"episodes/{ep.slug}/"
        assert item["enclosures"] == [
            {
                "url": show.base_url + f"episodes/{ep.slug}/{ep.slug}.mp3",
                "file_size": mp3.stat().st_size,
                "mime_type": "audio/mpeg",
            }
        ]
        assert abs(item["total_time"] - MP3(mp3).info.length) <= 1.0
        assert abs(item["total_time"] - probe_duration(mp3)) <= 1.0
        assert item["published"] == int(feed.pub_datetime(ep.date).timestamp())
        assert item["season"] == ep.season and item["number"] == ep.number
        assert item["type"] == "full" and item["explicit"] is False
        assert item["description_html"] == p.notes.html.strip()


def test_podcastparser_reads_back_podcast_namespace(built):
    parsed = _podcastparser(built.feed.read_bytes(), legacy_ns=True)["episodes"]
    for item in parsed:
        p = built.by_guid(item["guid"])
        ep = p.episode
        base = built.show.base_url + f"episodes/{ep.slug}/"
        assert item["persons"] == [
            {"name": g.name, "role": "guest", "group": "cast", "href": g.link, "img": None}
            for g in ep.guests
        ]
        # podcastparser keeps the last transcript it sees: the Podcasting 2.0 HTML one.
        assert item["transcript_url"] == base + "transcript.fragment.html"
        if ep.chapters:
            assert item["chapters_json_url"] == base + "chapters.json"
        else:
            assert "chapters_json_url" not in item


def test_feedparser_reads_back(built):
    show = built.show
    parsed = feedparser.parse(built.feed.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == show.title
    assert parsed.feed.link == show.base_url
    assert parsed.feed.language == show.language
    assert parsed.feed.rights == show.copyright
    assert parsed.feed.image.href == show.base_url + "artwork.png"
    assert parsed.feed.author_detail.email == show.owner_email
    expected_guid = str(
        uuid.uuid5(
            uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "podcast.example.org/feed.xml"
        )
    )
    assert parsed.feed.podcast_guid == expected_guid
    self_links = [ln.href for ln in parsed.feed.links if ln.rel == "self"]
    assert self_links == [show.feed_url]
    assert len(parsed.entries) == len(built.episodes)
    for entry in parsed.entries:
        p = built.by_guid(entry.id)
        mp3 = built.site / p.mp3_path
        assert entry.title == p.episode.title
        assert entry.guidislink is False
        enclosure = entry.enclosures[0]
        assert enclosure.href == show.base_url + p.mp3_path
        assert int(enclosure.length) == mp3.stat().st_size
        assert enclosure.type == "audio/mpeg"
        assert abs(int(entry.itunes_duration) - MP3(mp3).info.length) <= 1.0
        assert entry.published_parsed[:3] == p.episode.date.timetuple()[:3]
        assert entry.content[0].value == p.notes.html.strip()
        assert int(entry.itunes_episode) == p.episode.number


def _podcast_elements(path: Path):
    root = etree.parse(str(path)).getroot()
    return root, root.findall(f".//{{{PODCAST}}}*")


def test_podcast_namespace_elements_as_written(built):
    root, _ = _podcast_elements(built.feed)
    ns = {"podcast": PODCAST}
    host = root.find("channel/podcast:person", ns)
    assert (host.text, host.get("role"), host.get("href")) == (
        "Ada Lindqvist",
        "host",
        "https://example.org/ada",
    )
    for item in root.findall("channel/item"):
        p = built.by_guid(item.findtext("guid"))
        base = built.show.base_url + f"episodes/{p.episode.slug}/"
        transcripts = [
            (t.get("url"), t.get("type"), t.get("rel"), t.get("language"))
            for t in item.findall("podcast:transcript", ns)
        ]
        assert transcripts == [
            (base + "transcript.vtt", "text/vtt", "captions", "en"),
            (base + "transcript.srt", "application/x-subrip", None, "en"),
            (base + "transcript.json", "application/json", None, "en"),
            (base + "transcript.fragment.html", "text/html", None, "en"),
        ]
        for url, *_ in transcripts:
            assert (built.site / url[len(built.show.base_url) :]).is_file()
        chapters = item.findall("podcast:chapters", ns)
        if p.episode.chapters:
            assert [(c.get("url"), c.get("type")) for c in chapters] == [
                (base + "chapters.json", "application/json+chapters")
            ]
        else:
            assert chapters == []
        persons = [(g.text, g.get("role")) for g in item.findall("podcast:person", ns)]
        assert persons == [(g.name, "guest") for g in p.episode.guests]


def _validate_against_xsd(path: Path) -> set[str]:
    """Validate every podcast: element the XSD declares; return the names it does not."""
    schema_doc = etree.parse(str(XSD))
    declared = {
        el.get("name")
        for el in schema_doc.getroot()
        if el.tag == "{http://www.w3.org/2001/XMLSchema}element"
    }
    schema = etree.XMLSchema(schema_doc)
    _, elements = _podcast_elements(path)
    assert elements
    undeclared = set()
    for el in elements:
        name = etree.QName(el).localname
        if name not in declared:
            undeclared.add(name)
            continue
        # The XSD has no target namespace: validate a copy of the element without one.
        bare = etree.Element(name, attrib=dict(el.attrib))
        bare.text = el.text
        schema.assertValid(etree.ElementTree(bare))
    return undeclared


def test_podcast_elements_validate_against_the_namespace_xsd(built, tmp_path):
    show = dataclasses.replace(
        built.show,
        locked=True,
        funding_url="https://example.org/give",
        funding_text="Support the club",
    )
    out = tmp_path / "feed.xml"
    feed.build_feed(show, built.episodes, out)
    undeclared = _validate_against_xsd(out)
    # podcast:guid and podcast:license postdate the XSD in the spec repository; check
    # them by hand.
    assert undeclared == {"guid", "license"}
    license_ = etree.parse(str(out)).getroot().findtext(f"channel/{{{PODCAST}}}license")
    assert license_ == "cc-by-4.0"  # show.yaml says "CC BY 4.0"
    root, _ = _podcast_elements(out)
    guid = root.findtext(f"channel/{{{PODCAST}}}guid")
    assert uuid.UUID(guid).version == 5
    locked = root.find(f"channel/{{{PODCAST}}}locked")
    assert (locked.text, locked.get("owner")) == ("yes", show.owner_email)
    funding = root.find(f"channel/{{{PODCAST}}}funding")
    assert (funding.text, funding.get("url")) == ("Support the club", "https://example.org/give")


def test_xsd_check_can_fail(built, tmp_path):
    """A podcast:transcript without its required type must be rejected by the schema."""
    data = built.feed.read_bytes().replace(b' type="text/vtt"', b"", 1)
    broken = tmp_path / "feed.xml"
    broken.write_bytes(data)
    with pytest.raises(etree.DocumentInvalid):
        _validate_against_xsd(broken)


def _shape(value):
    """The JSON shape: key sets and value types, the same for every list member."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return "number" if isinstance(value, int | float) else type(value).__name__


def test_chapters_json_follows_the_spec_example(built):
    example = json.loads((DATA / "examples_chapters_example.json").read_text())
    allowed = set().union(*(c.keys() for c in example["chapters"]))
    for p in built.episodes:
        path = built.site / p.chapters_path
        if not p.episode.chapters:
            assert not path.exists()
            continue
        doc = json.loads(path.read_text())
        assert doc.keys() == example.keys() and doc["version"] == example["version"]
        for chapter in doc["chapters"]:
            assert {"startTime", "title"} <= chapter.keys() <= allowed
            assert _shape(chapter["startTime"]) == "number"
        assert [(c["startTime"], c["title"]) for c in doc["chapters"]] == [
            (c.start, c.title) for c in p.episode.chapters
        ]


def test_chapters_json_keeps_fractions_and_urls(built):
    ep = dataclasses.replace(
        built.episodes[0].episode,
        chapters=(
            config.Chapter(0, "Intro"),
            config.Chapter(61.25, "Deep dive", "https://example.org/x"),
        ),
    )
    doc = json.loads(feed.chapters_json(ep))
    assert doc == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "title": "Intro"},
            {"startTime": 61.25, "title": "Deep dive", "url": "https://example.org/x"},
        ],
    }


def test_linked_transcript_json_follows_the_spec_example(built):
    example = json.loads((DATA / "examples_transcripts_example.json").read_text())
    for p in built.episodes:
        doc = json.loads((built.site / p.transcript_path("json")).read_text())
        assert _shape(doc) == _shape(example)


def test_feed_is_byte_stable(built, tmp_path):
    first = built.feed.read_bytes()
    shuffled = built.episodes[:]
    random.Random(7).shuffle(shuffled)
    again = tmp_path / "feed.xml"
    feed.build_feed(copy.deepcopy(built.show), shuffled, again)
    assert again.read_bytes() == first
    root = etree.fromstring(first)
    assert root.findtext("channel/lastBuildDate") == "Thu, 05 Nov 2026 12:00:00 +0000"


def test_feed_changes_only_when_inputs_do(built, tmp_path):
    renamed = [
        dataclasses.replace(p, episode=dataclasses.replace(p.episode, title="New"))
        if p.episode.number == 1
        else p
        for p in built.episodes
    ]
    out = tmp_path / "feed.xml"
    feed.build_feed(built.show, renamed, out)
    assert out.read_bytes() != built.feed.read_bytes()
    assert b"<title>New</title>" in out.read_bytes()


def test_explicit_is_written_true_false(built, tmp_path):
    show = dataclasses.replace(built.show, explicit=True)
    episodes = [
        dataclasses.replace(p, episode=dataclasses.replace(p.episode, explicit=False))
        if p.episode.number == 2
        else p
        for p in built.episodes
    ]
    out = tmp_path / "feed.xml"
    feed.build_feed(show, episodes, out)
    root = etree.parse(str(out)).getroot()
    assert root.findtext(f"channel/{{{ITUNES}}}explicit") == "true"
    by_number = {
        int(i.findtext(f"{{{ITUNES}}}episode")): i.findtext(f"{{{ITUNES}}}explicit")
        for i in root.findall("channel/item")
    }
    assert by_number == {1: "true", 2: "false", 3: "true"}
    parsed = _podcastparser(out.read_bytes())
    assert parsed["explicit"] is True
    assert {e["number"]: e["explicit"] for e in parsed["episodes"]} == {1: True, 2: False, 3: True}


def test_new_feed_url_moves_subscribers_to_the_new_feed(built, tmp_path):
    out = tmp_path / "feed.xml"
    feed.build_feed(built.show, built.episodes, out)
    assert b"new-feed-url" not in out.read_bytes()
    moved = dataclasses.replace(built.show, new_feed_url="https://new.example.net/show/feed.xml")
    feed.build_feed(moved, built.episodes, out)
    root = etree.parse(str(out)).getroot()
    assert root.findtext(f"channel/{{{ITUNES}}}new-feed-url") == moved.new_feed_url
    assert _podcastparser(out.read_bytes())["new_url"] == moved.new_feed_url  # as apps read it


def test_episode_artwork_gets_its_own_itunes_image(built, tmp_path):
    art = tmp_path / "cover.jpg"
    art.write_bytes(b"")  # only the path matters to the feed
    p = dataclasses.replace(
        built.episodes[0], episode=dataclasses.replace(built.episodes[0].episode, artwork=art)
    )
    out = tmp_path / "feed.xml"
    feed.build_feed(built.show, [p], out)
    parsed = _podcastparser(out.read_bytes())["episodes"][0]
    assert parsed["episode_art_url"] == (
        built.show.base_url + f"episodes/{p.episode.slug}/artwork.jpg"
    )


def test_no_transcript_links_without_words(built, tmp_path):
    report = dataclasses.replace(built.episodes[0].transcript, word_count=0)
    p = dataclasses.replace(built.episodes[0], transcript=report)
    out = tmp_path / "feed.xml"
    feed.build_feed(built.show, [p], out)
    assert b"podcast:transcript" not in out.read_bytes()


def test_empty_show_has_a_valid_feed_without_build_date(built, tmp_path):
    out = tmp_path / "feed.xml"
    feed.build_feed(built.show, [], out)
    parsed = _podcastparser(out.read_bytes())
    assert parsed["title"] == built.show.title and parsed["episodes"] == []
    assert b"lastBuildDate" not in out.read_bytes()
    again = tmp_path / "again.xml"
    feed.build_feed(built.show, [], again)
    assert again.read_bytes() == out.read_bytes()


def test_build_feed_writes_atomically(built, tmp_path):
    out = tmp_path / "site" / "feed.xml"
    feed.build_feed(built.show, built.episodes, out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["feed.xml"]


def test_podcast_guid_matches_the_spec_examples():
    from podpipe.feed import podcast_guid

    # docs/tags/guid.md in the namespace repository
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert podcast_guid("http://podnews.net/rss////") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_podcastparser_reads_the_chapters_of_every_episode(built):
    """gPodder's parser reads chapters only from psc:chapters inside the item: every
    episode with chapters has them there, at the published MP3's times (as chapters.json)."""
    parsed = _podcastparser(built.feed.read_bytes())["episodes"]
    with_chapters = 0
    for item in parsed:
        p = built.by_guid(item["guid"])
        if not p.episode.chapters:
            assert "chapters" not in item
            continue
        with_chapters += 1
        published = json.loads((built.site / p.chapters_path).read_text(encoding="utf-8"))
        # podcastparser keeps whole seconds of a start.
        assert [(c["start"], c["title"]) for c in item["chapters"]] == [
            (int(c["startTime"]), c["title"]) for c in published["chapters"]
        ]
        assert [c.get("href") for c in item["chapters"]] == [
            c.get("url") for c in published["chapters"]
        ]
    assert with_chapters >= 1


def test_psc_chapters_sit_beside_podcast_chapters(built):
    root = etree.fromstring(built.feed.read_bytes())
    ns = {"psc": feed.podcast_ns.PSC_NS, "podcast": PODCAST}
    for item in root.iter("item"):
        psc = item.findall("psc:chapters", ns)
        assert len(psc) == len(item.findall("podcast:chapters", ns)) <= 1
        for chapters in psc:
            assert chapters.get("version") == "1.2"
            starts = [c.get("start") for c in chapters.findall("psc:chapter", ns)]
            assert starts and all(len(s) == 12 and s[2] == s[5] == ":" for s in starts)
            assert starts == sorted(starts)


def test_npt_times():
    assert feed.podcast_ns.npt(0) == "00:00:00.000"
    assert feed.podcast_ns.npt(3723.5) == "01:02:03.500"
    assert feed.podcast_ns.npt(59.9996) == "00:01:00.000"
