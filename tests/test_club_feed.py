"""club/feed.xml: one Atom entry per result of a listed participant and one per cycle
announcement, parsed with feedparser and checked against RFC 4287 with lxml."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from podpipe import club
from podpipe.config import load_show
from podpipe.site import write_club_pages
from tests.club_helpers import published_episodes, sample_show_copy

TODAY = dt.date(2026, 11, 20)
A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    show = load_show(sample_show_copy(tmp_path_factory.mktemp("feed") / "show"))
    out = tmp_path_factory.mktemp("site")
    write_club_pages(show, published_episodes(show), out, today=TODAY)
    return show, out


def test_feedparser_reads_one_entry_per_result_and_announcement(built):
    show, out = built
    parsed = feedparser.parse((out / "club" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    results = club.load_results(show)
    people = club.people_of(show, results)
    listed = sum(len(p.entries) for p in people if p.listed)
    announced = [c for c in show.club.cycles if club.announcing_episodes(show, c)]
    assert listed == 5  # six results in the files, Priya's is unlisted
    assert [c.slug for c in announced] == [
        "pandas-groupby",
        "sql-window-functions",
        "plotting-with-matplotlib",
    ]
    assert len(parsed.entries) == listed + len(announced)
    titles = [e.title for e in parsed.entries]
    assert "Chioma Eze: Each district's busiest hour with ROW_NUMBER()" in titles
    assert "New topic: SQL window functions" in titles
    assert not [t for t in titles if "Priya" in t]
    lena = next(e for e in parsed.entries if e.title.startswith("Lena Fischer"))
    assert lena.link == "https://podcast.example.org/club/sql-window-functions/lena-fischer/"
    assert lena.author == "Lena Fischer"
    assert "What I learned: The default frame is RANGE" in lena.summary
    assert [t.term for t in lena.tags] == ["sql-window-functions"]
    assert lena.updated_parsed[:3] == (2026, 10, 27)


def test_atom_rules_ids_updated_links(built):
    show, out = built
    root = etree.fromstring((out / "club" / "feed.xml").read_bytes())
    assert root.tag == f"{A}feed"
    ids = [root.findtext(f"{A}id")] + [e.findtext(f"{A}id") for e in root.iter(f"{A}entry")]
    assert len(ids) == len(set(ids)), "ids are unique"
    for i in ids:
        assert re.match(r"^(https://|tag:[a-z0-9.-]+,\d{4}-\d\d-\d\d:)", i), i
    for element in [root, *root.iter(f"{A}entry")]:
        for tag in ("id", "title", "updated"):
            assert len(element.findall(f"{A}{tag}")) == 1, (element.tag, tag)
        assert RFC3339.match(element.findtext(f"{A}updated"))
        alternates = [
            (link.get("type"), link.get("hreflang"))
            for link in element.findall(f"{A}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternates) == len(set(alternates)) == 1
        for link in element.findall(f"{A}link"):
            assert link.get("href").startswith("https://")
    # every entry has an author, or the feed does (RFC 4287 4.1.1)
    assert root.find(f"{A}author/{A}name").text == "Ada Lindqvist"
    self_link = root.find(f"{A}link[@rel='self']")
    assert self_link.get("href") == "https://podcast.example.org/club/feed.xml"
    newest = max(e.findtext(f"{A}updated") for e in root.iter(f"{A}entry"))
    assert root.findtext(f"{A}updated") == newest
    # each entry's page is in the site
    for e in root.iter(f"{A}entry"):
        href = e.find(f"{A}link[@rel='alternate']").get("href")
        path = href.removeprefix(show.base_url)
        assert (out / path / "index.html").is_file(), href


def test_ids_do_not_change_when_the_site_is_rebuilt_later(built, tmp_path):
    show, out = built
    again = tmp_path / "again"
    write_club_pages(show, [], again, today=dt.date(2026, 12, 30))
    ids = lambda p: {  # noqa: E731
        e.findtext(f"{A}id") for e in etree.parse(str(p / "club" / "feed.xml")).iter(f"{A}entry")
    }
    assert ids(out) <= ids(again)


def test_club_pages_link_the_feed_as_alternate(built):
    _, out = built
    for page in ("club", "club/pandas-groupby", "club/people", "club/people/lena-fischer"):
        doc = lxml_html.fromstring((out / page / "index.html").read_text(encoding="utf-8"))
        [link] = doc.xpath("//head/link[@type='application/atom+xml']")
        assert link.get("rel") == "alternate"
        assert (Path(out / page) / link.get("href")).resolve() == (out / "club" / "feed.xml")
