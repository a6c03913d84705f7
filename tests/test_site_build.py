"""The site build, without a browser: pages, escaping, relative URLs, search index, weight."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from podpipe import club, feed, site
from podpipe.config import Cycle
from podpipe.errors import ProcessingError
from podpipe.notes import render_notes
from podpipe.render import safe_url
from podpipe.site import Cue, build_site, group_words, note_paragraphs, parse_segments
from podpipe.text import clock, duration
from podpipe.transcribe import html_cues
from tests.site_helpers import (
    TODAY,
    XSS_GUEST,
    XSS_SPEAKER,
    XSS_TITLE,
    fixture_site,
    page_weight,
)

EP1, EP2 = "001-why-a-learning-club", "002-groupby-stories"
PAGE_BUDGET = 60_000


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    return fixture_site(tmp_path_factory, "site-build")


class Links(HTMLParser):
    """Every URL in a page (href/src) and every element name, via the stdlib parser."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.urls += [attrs[k] for k in ("href", "src") if attrs.get(k) is not None]


def parse(file: Path) -> Links:
    parser = Links()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_every_page_is_written(fx):
    expected = [
        "index.html",
        "search/index.html",
        "search/index.json",
        "static/style.css",
        "static/player.js",
        "static/search.js",
    ]
    for slug in (EP1, EP2):
        expected += [f"episodes/{slug}/index.html", f"episodes/{slug}/transcript.html"]
        expected += [f"episodes/{slug}/transcript.fragment.html"]
    for rel in expected:
        assert (fx.site / rel).is_file(), rel
    assert not list(fx.site.rglob("*.tmp"))


def test_pages_are_world_readable_for_static_hosts(fx):
    for page in html_pages(fx.site):
        assert page.stat().st_mode & stat.S_IROTH, page


def test_internal_links_are_relative_and_resolve(fx):
    """No absolute paths, no third-party assets; every internal link exists in the site."""
    for page in html_pages(fx.site):
        links = parse(page)
        for tag, attrs in links.tags:
            if tag in ("script", "img", "audio") or (
                tag == "link" and attrs.get("rel") == "stylesheet"
            ):
                src = attrs.get("src") or attrs.get("href")
                assert src and not re.match(r"^(https?:)?//", src), (page, src)
        for url in links.urls:
            assert not url.startswith("/"), (page, url)
            if re.match(r"^[a-z]+:", url) or url.startswith("#"):
                continue
            target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
            if target.is_dir():
                target = target / "index.html"
            if "club/" in url or url.endswith("feed.xml"):
                continue  # written by the club and feed stages
            assert target.is_file(), (page, url)


def test_hostile_text_is_escaped(fx):
    page = (fx.site / "episodes" / EP2 / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "<script>window" not in page
    assert "&lt;img src=x onerror=&#34;window.pwned=1;alert(1)&#34;&gt;" in page
    assert "&lt;script&gt;window.pwned=3&lt;/script&gt;Chioma" in page
    assert "javascript:" not in page  # the guest's javascript: link is dropped
    scripts = [a for t, a in parse(fx.site / "episodes" / EP2 / "index.html").tags if t == "script"]
    assert scripts == [{"src": "../../static/player.js", "defer": None}]
    for page in html_pages(fx.site):
        text = page.read_text(encoding="utf-8")
        assert "onerror=alert" not in text.replace("&lt;img src=x onerror=alert", ""), page


def test_home_page(fx):
    page = (fx.site / "index.html").read_text(encoding="utf-8")
    assert (
        '<img class="artwork" src="artwork-480.jpg" srcset="artwork-192.jpg 192w, artwork-480.jpg 480w"'
        in page
    )
    assert 'alt="Cover art of Learning Out Loud"' in page
    assert 'href="https://podcasts.apple.com/podcast/id000">Apple Podcasts' in page
    assert 'href="feed.xml">RSS feed' in page
    # Newest first, and the open cycle (28 Sep to 11 Oct, today 5 Oct) with 7 days left.
    assert page.index(f"episodes/{EP2}/") < page.index(f"episodes/{EP1}/")
    assert "Split-apply-combine with pandas groupby" in page
    assert "7 days left" in page


def test_episode_page_contents(fx):
    page = (fx.site / "episodes" / EP1 / "index.html").read_text(encoding="utf-8")
    assert (
        '<audio id="player" controls preload="metadata" src="001-why-a-learning-club.mp3"' in page
    )
    assert '<track kind="captions" src="transcript.vtt" srclang="en"' in page
    assert "<strong>learning together</strong>" in page  # notes HTML is rendered, not escaped
    # The cues are not in the page: the player fetches them from transcript.json (beside
    # it); the page links the transcript page, which has them.
    assert '<div id="cues" data-src="transcript.json"></div>' in page
    assert '<a href="transcript.html">Read the transcript</a> (6 lines' in page
    assert 'class="cue"' not in page and "hard to ignore" not in page
    assert "Why study groups work" in page and 'href="#t=6.46"' in page
    for fmt in ("vtt", "srt", "json", "txt"):
        assert f'href="transcript.{fmt}" download' in page
    # The announced topic is named once: in the notes' club block, not again beside it.
    cycle = fx.show.club.cycles[0]
    assert fx.episodes[0].announces == cycle  # (the fixture's first episode announces it)
    assert page.count(cycle.title) == 1, page
    transcript = (fx.site / "episodes" / EP1 / "transcript.html").read_text(encoding="utf-8")
    assert 'href="./#t=10.09"' in transcript
    assert fx.cues[EP1][3]["startTime"] == 10.09
    assert '<li class="cue" data-start="10.09" data-end="13.318">' in transcript
    assert "Because a deadline shared with friends is hard to ignore." in transcript
    assert transcript.count('class="cue"') == len(fx.cues[EP1])
    assert transcript.count('class="spk">Ben<') == 3


def test_search_index(fx):
    data = json.loads((fx.site / "search" / "index.json").read_text(encoding="utf-8"))
    assert [e["slug"] for e in data["episodes"]] == [EP2, EP1]
    assert data["episodes"][0]["title"] == XSS_TITLE
    cues = [e for e in data["entries"] if e["k"] == "c"]
    notes = [e for e in data["entries"] if e["k"] == "n"]
    assert len(cues) == len(fx.cues[EP1]) + len(fx.cues[EP2])
    hit = next(e for e in cues if "deadline shared" in e["x"])
    assert (hit["s"], hit["t"], hit["p"]) == (EP1, fx.cues[EP1][3]["startTime"], "Ben")
    assert any(e["p"] == XSS_SPEAKER for e in cues)
    assert {"s": EP1, "k": "n", "x": "Read the pandas guide."} in notes
    assert {
        "s": EP2,
        "k": "n",
        "x": "<script>window.pwned=7</script> raw HTML in notes stays text.",
    } in notes


def test_search_indexes_the_notes_the_page_shows(fx):
    """A "Show notes" hit links to #notes: only what that section shows is indexed, not
    the summary, guests and chapters the feed's copy of the notes repeats."""
    import dataclasses

    from podpipe.records import Notes
    from podpipe.site import search_entries

    pub = dataclasses.replace(
        fx.episodes[0],
        notes=Notes(
            "",
            "<p>Summary line.</p><h2>Guests</h2><p>Body text.</p>",
            page_html="<p>Body text.</p>",
        ),
    )
    notes = [e["x"] for e in search_entries(pub, []) if e["k"] == "n"]
    assert notes == ["Body text."]


def test_episode_page_weight_is_under_budget(fx, capsys):
    """HTML + CSS + JS of the episode page, reported in test-output/page-weight.json."""
    report = {}
    for name, page in (
        ("episode", fx.site / "episodes" / EP1 / "index.html"),
        ("transcript", fx.site / "episodes" / EP1 / "transcript.html"),
        ("home", fx.site / "index.html"),
    ):
        parts = page_weight(page)
        report[name] = {**parts, "total": sum(parts.values())}
    out = Path(__file__).resolve().parent.parent / "test-output" / "page-weight.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    with capsys.disabled():
        print(f"\npage weight (HTML+CSS+JS, bytes): {json.dumps(report)}")
    assert report["episode"]["total"] <= PAGE_BUDGET, report["episode"]
    assert set(report["episode"]) == {"html", "style.css", "player.js", "total"}


def test_show_templates_override_builtins(fx, tmp_path):
    templates = tmp_path / "templates"
    (templates / "static").mkdir(parents=True)
    (templates / "index.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>Custom home for {{ show.title }}'
        "</p>{% endblock %}",
        encoding="utf-8",
    )
    (templates / "static" / "extra.css").write_text("body{}", encoding="utf-8")
    show = dataclasses.replace(fx.show, templates_dir=templates)
    out = tmp_path / "site"
    out.mkdir()
    build_site(show, [], out, today=TODAY)
    assert "<p>Custom home for Learning Out Loud</p>" in (out / "index.html").read_text()
    assert (out / "static" / "extra.css").is_file() and (out / "static" / "player.js").is_file()


def test_bad_transcript_json_names_the_file(fx, tmp_path):
    out = tmp_path / "site"
    folder = out / "episodes" / EP1
    folder.mkdir(parents=True)
    (folder / "transcript.json").write_text('{"segments": [{"startTime": 1}]}', encoding="utf-8")
    with pytest.raises(ProcessingError) as err:
        build_site(fx.show, fx.episodes[:1], out, today=TODAY)
    assert str(err.value).startswith(
        f"{folder / 'transcript.json'}: segment 0: expected startTime, endTime and body"
    )
    (folder / "transcript.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ProcessingError, match="cannot read the transcript"):
        build_site(fx.show, fx.episodes[:1], out, today=TODAY)


def test_word_level_segments_are_grouped_into_sentences():
    words = [
        ("Darth", "I", 0.5),
        ("Darth", "am", 1.0),
        ("Darth", "your", 1.5),
        ("Darth", "father.", 2.25),
        ("Luke", "Nooooo", 2.75),
        ("Luke", "way.", 3.2),
    ]
    segments = {
        "segments": [
            {"speaker": s, "startTime": t, "endTime": t + 0.25, "body": b} for s, b, t in words
        ]
    }
    cues = group_words(parse_segments(segments, Path("t.json")))
    assert cues == [
        Cue(0.5, 2.5, "Darth", "I am your father."),
        Cue(2.75, 3.45, "Luke", "Nooooo way."),
    ]


def test_sentence_segments_pass_through():
    cues = [Cue(0, 2, "A", "One two three."), Cue(2, 4, "A", "Four five six")]
    assert group_words(cues) == cues


def test_note_paragraphs():
    html = (
        "<h2>Links</h2><ul><li>One <a href='x'>two</a></li><li>Three &amp; four</li></ul>"
        "<p>Para<br>graph</p>"
    )
    assert note_paragraphs(html) == ["Links", "One two", "Three & four", "Para", "graph"]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.org/a", "https://example.org/a"),
        ("club/x/", "club/x/"),
        ("mailto:a@b.org", "mailto:a@b.org"),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,x", ""),
        (None, ""),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_open_cycle_and_days_left(fx):
    first, second = fx.show.club.cycles
    assert club.open_or_next(fx.show, dt.date(2026, 10, 11)) == first
    assert club.days_left(first, dt.date(2026, 10, 11)) == 1
    assert club.days_left(first, dt.date(2026, 9, 28)) == 14
    assert club.open_or_next(fx.show, dt.date(2026, 10, 12)) == second  # next one upcoming
    assert club.days_left(second, dt.date(2026, 10, 12)) == 7
    assert club.open_or_next(fx.show, dt.date(2027, 1, 1)) is None
    assert isinstance(first, Cycle)


def test_xss_fixture_texts_are_really_hostile():
    # Guards the fixture: the escaping tests mean nothing if these lose their markup.
    for text in (XSS_TITLE, XSS_GUEST, XSS_SPEAKER):
        assert "<img src=x" in text or "<script>" in text


def test_episode_without_transcript_or_chapters(fx, tmp_path):
    pub = dataclasses.replace(
        fx.episodes[0],
        episode=dataclasses.replace(fx.episodes[0].episode, chapters=()),
        transcript=None,
        transcript_dir=None,
    )
    out = tmp_path / "site"
    out.mkdir()
    build_site(fx.show, [pub], out, today=dt.date(2027, 1, 1))
    page = (out / "episodes" / EP1 / "index.html").read_text(encoding="utf-8")
    assert "There is no transcript for this episode yet." in page
    assert "Chapters" not in page and 'class="cue"' not in page
    assert page.count(" download>") == 1  # only the MP3
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "days left" not in home and "next topic" not in home  # no open or upcoming cycle
    index = json.loads((out / "search" / "index.json").read_text(encoding="utf-8"))
    assert {e["k"] for e in index["entries"]} == {"n"}


def test_base_template_needs_only_show_and_root(fx, tmp_path):
    """The contract other page writers (the club pages) rely on."""
    (tmp_path / "topic.html").write_text(
        '{% extends "base.html" %}{% block title %}Topic{% endblock %}'
        "{% block content %}<h1>{{ heading }}</h1>{% endblock %}",
        encoding="utf-8",
    )
    env = site.site_environment(dataclasses.replace(fx.show, templates_dir=tmp_path))
    page = env.get_template("topic.html").render(show=fx.show, root="../../", heading="<b>x</b>")
    assert "<title>Topic</title>" in page and "<h1>&lt;b&gt;x&lt;/b&gt;</h1>" in page
    assert 'href="../../static/style.css"' in page and 'href="../../club/"' in page


def test_club_pages_are_built_with_the_site(fx, tmp_path):
    """build_site has the club module write its pages in the same look and links them."""
    out = tmp_path / "site"
    out.mkdir()
    build_site(fx.show, fx.episodes, out, today=TODAY)
    club_index = (out / "club" / "index.html").read_text(encoding="utf-8")
    assert 'href="../static/style.css"' in club_index  # same base template
    assert (out / "club" / "pandas-groupby" / "index.html").is_file()
    assert (out / "club.ics").is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="club/pandas-groupby/">Split-apply-combine' in home
    episode = (out / "episodes" / EP1 / "index.html").read_text(encoding="utf-8")
    assert 'href="../../club/pandas-groupby/">Split-apply-combine' in episode


def test_search_script_links_episodes_where_urls_puts_them():
    """search.js builds result links in the browser: it must spell the episode page as
    podpipe.urls does (the one home of the layout; this test holds the script to it)."""
    from podpipe import urls

    script = (Path(site.__file__).parent.parent / "static" / "search.js").read_text()
    assert urls.episode_page("SLUG") == "episodes/SLUG/"
    assert 'root + "episodes/" + encodeURIComponent(entry.s) + "/"' in script


def test_the_announced_topic_is_named_once_when_the_notes_present_it(fx, tmp_path):
    """The sample notes template's club block names the topic in its heading; the page
    then says nothing more about it beside the player."""
    pub = fx.episodes[0]
    cycle = pub.announces
    ep = dataclasses.replace(pub.episode, announces=cycle.slug)
    notes = render_notes(fx.show, ep)
    assert notes.page_html.count(cycle.title) == 1  # the heading, not also in bold below
    assert notes.html.count(cycle.title) == 2  # the feed's copy keeps both
    moved = dataclasses.replace(pub, notes=notes)
    assert site.club_links(moved) == []
    assert site.club_links(pub) == [("This episode announces the club topic", cycle)]


def test_durations_are_rounded_alike_on_pages_and_in_the_feed(fx, tmp_path):
    """68.6 s is 69 s in the feed and 1:09 on the pages (once 1:08 beside the feed's 69)."""
    assert (duration(68.6), clock(68.6), duration(68.4), duration(3599.5)) == (
        "1:09",
        "1:08",
        "1:08",
        "1:00:00",
    )
    pubs = [dataclasses.replace(p, duration_s=68.6) for p in fx.episodes]
    out = tmp_path / "site"
    shutil.copytree(fx.site, out)
    build_site(fx.show, pubs, out, today=TODAY)
    feed.build_feed(fx.show, pubs, out / "feed.xml")
    itunes = "{http://www.itunes.com/dtds/podcast-1.0.dtd}duration"
    durations = {el.text for el in etree.parse(str(out / "feed.xml")).iter(itunes)}
    assert durations == {"69"}
    page = (out / "episodes" / EP1 / "index.html").read_text(encoding="utf-8")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "· 1:09</p>" in page and "· 1:09</p>" in home and "1:08" not in page


def test_the_feeds_html_transcript_is_the_podcasting_20_fragment(fx):
    """<cite> when the speaker changes, <time> and <p> per cue; no page, no links; the
    text escaped. The site keeps its own transcript page beside it."""
    folder = fx.site / "episodes" / EP2
    text = (folder / "transcript.fragment.html").read_text(encoding="utf-8")
    assert "<html" not in text and "<body" not in text and "<a " not in text
    assert "<script" not in text and "&lt;" in text  # the hostile speaker, as text
    doc = lxml.html.fragment_fromstring(text, create_parent="div")
    assert [el.tag for el in doc][:3] == ["cite", "time", "p"]
    cues = fx.cues[EP2]
    assert [t.text for t in doc.iter("time")] == [clock(c["startTime"]) for c in cues]
    assert [p.text_content() for p in doc.iter("p")] == [c["body"] for c in cues]
    speakers = [c["speaker"] for c in cues]
    changes = [s for i, s in enumerate(speakers) if i == 0 or s != speakers[i - 1]]
    assert [c.text_content() for c in doc.iter("cite")] == [f"{s}:" for s in changes]
    # podpipe import reads it back as the same cues (the format round-trips)
    back = html_cues(text.encode())
    assert [(c.start, " ".join(c.text.split())) for c in back] == [
        (float(int(c["startTime"])), c["body"]) for c in cues
    ]
    assert "<!doctype html>" in (folder / "transcript.html").read_text(encoding="utf-8").lower()
