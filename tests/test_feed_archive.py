"""feed.limit (newest N items in feed.xml, every episode on the site) and feed.archive
(RFC 5005 archived feed pages), read back with feedparser and lxml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from podpipe import config, pipeline
from tests.scale_helpers import episode_folder, generated_show
from tests.show_helpers import podpipe

TODAY = dt.date(2026, 11, 20)
BASE = "https://podcast.example.org/"
FH = "http://purl.org/syndication/history/1.0"
ATOM = "http://www.w3.org/2005/Atom"


def set_feed(show: Path, text: str) -> None:
    (show / "show.yaml").write_text((show / "show.yaml").read_text() + text)


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> Path:
    show = generated_show(tmp_path_factory.mktemp("arch") / "show", 7)
    set_feed(show, "feed:\n  limit: 3\n  archive: true\n")
    assert not pipeline.publish(show, today=TODAY).failed
    return show


def links(doc) -> dict[str, str]:
    return {link.rel: link.href for link in doc.feed.links}


def numbers(doc) -> list[int]:
    return [int(e.itunes_episode) for e in doc.entries]


def test_feed_has_the_newest_items_and_the_site_has_all(archived):
    site = archived / "site"
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert numbers(feed) == [7, 6, 5]
    assert links(feed)["prev-archive"] == BASE + "feed/archive/2.xml"
    assert links(feed)["self"] == BASE + "feed.xml"
    for n in range(1, 8):
        assert (site / "episodes" / episode_folder(n) / "index.html").is_file()
    home = (site / "index.html").read_text()
    assert all(episode_folder(n) in home for n in range(1, 8))


def test_archive_pages_walk_back_through_the_whole_history(archived):
    site = archived / "site"
    seen, url = [], links(feedparser.parse((site / "feed.xml").read_bytes()))["prev-archive"]
    pages = []
    while url:
        path = site / url.removeprefix(BASE)
        doc = feedparser.parse(path.read_bytes())
        assert not doc.bozo
        assert links(doc)["current"] == BASE + "feed.xml"
        assert links(doc)["self"] == url
        root = etree.parse(str(path)).getroot()
        assert root.find(f"channel/{{{FH}}}archive") is not None
        pages.append(path.name)
        seen += numbers(doc)
        url = links(doc).get("prev-archive")
    assert pages == ["2.xml", "1.xml"]
    assert seen == [4, 3, 2, 1]  # newest first, each episode once
    first = feedparser.parse((site / "feed/archive/1.xml").read_bytes())
    assert links(first)["next-archive"] == BASE + "feed/archive/2.xml"
    assert "prev-archive" not in links(first)
    # the subscription feed is not an archive
    root = etree.parse(str(site / "feed.xml")).getroot()
    assert root.find(f"channel/{{{FH}}}archive") is None
    assert podpipe("check", cwd=archived).returncode == 0


def test_limit_without_archive_and_bad_values(tmp_path):
    show = generated_show(tmp_path / "show", 4)
    set_feed(show, "feed:\n  limit: 2\n")
    pipeline.publish(show, today=TODAY)
    feed = feedparser.parse((show / "site" / "feed.xml").read_bytes())
    assert numbers(feed) == [4, 3] and "prev-archive" not in links(feed)
    assert not (show / "site" / "feed").exists()
    text = (show / "show.yaml").read_text().replace("limit: 2", "limit: 0\n  archive: yes")
    (show / "show.yaml").write_text(text)
    _, problems = config.load_show_with_warnings(show)
    keys = {p.key for p in problems if p.severity == "error"}
    assert {"feed.limit", "feed.archive"} <= keys
