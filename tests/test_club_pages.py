"""Club pages and the club calendar, parsed with real HTML and iCalendar parsers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from podpipe import club, notes
from podpipe.config import load_show
from podpipe.records import AudioReport, PublishedEpisode
from podpipe.site import write_club_pages
from tests.club_helpers import sample_show_copy

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory) -> Path:
    return sample_show_copy(tmp_path_factory.mktemp("club") / "show")


def published(show) -> list[PublishedEpisode]:
    results = club.load_results(show)
    return [
        PublishedEpisode(
            episode=ep,
            guid=f"guid-{ep.number}",
            mp3=ep.audio,
            mp3_size=1,
            duration_s=1.0,
            audio=AudioReport(None, None, None, None, None, None, None, 1.0),
            notes=notes.render_notes(show, ep, results=results),
        )
        for ep in show.episodes
    ]


@pytest.fixture(scope="module")
def site(template_dir, tmp_path_factory) -> Path:
    show = load_show(template_dir)
    out = tmp_path_factory.mktemp("site")
    write_club_pages(show, published(show), out, today=TODAY)
    return out


def _page(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def test_index_lists_every_cycle_open_first_with_badges(site):
    page = _page(site / "club" / "index.html")
    items = page.xpath("//ol[@class='club-timeline']/li")
    titles = [li.xpath(".//h2/a/text()")[0] for li in items]
    badges = [li.xpath(".//span[contains(@class,'badge')]/text()")[0] for li in items]
    assert titles == [
        "Clear plots with matplotlib",
        "Your first model with scikit-learn",
        "SQL window functions",
        "Split-apply-combine with pandas groupby",
    ]
    assert badges == ["Open", "Upcoming", "Closed", "Closed"]
    links = [li.xpath(".//h2/a/@href")[0] for li in items]
    assert links[0] == "../club/plotting-with-matplotlib/"
    assert page.xpath("//a[@type='text/calendar']/@href") == ["../club.ics"]


def test_every_link_on_the_club_pages_resolves_inside_the_site(site):
    for page_file in (site / "club").rglob("index.html"):
        for href in _page(page_file).xpath("//a/@href"):
            href = href.split("#")[0]
            if not href or href.startswith(("http://", "https://")):
                continue  # same-page anchors (skip link) and external resources
            target = (page_file.parent / href).resolve()
            where = target.relative_to(site.resolve()).parts
            if not where or where[0] in ("episodes", "search", "feed.xml", "static"):
                continue  # episode pages, home, search and feed are the site module's
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page_file}: {href}"


def test_cycle_page_has_resources_episodes_and_results(site):
    page = _page(site / "club" / "pandas-groupby" / "index.html")
    assert page.xpath("//h1/text()")[0].strip() == "Split-apply-combine with pandas groupby"
    assert page.xpath("//ul[@class='club-resources']/li/a/@href") == [
        "https://pandas.pydata.org/docs/user_guide/groupby.html",
        "https://www.jstatsoft.org/article/view/v040i01",
    ]
    episodes = page.xpath("//ul[@class='club-episodes']/li")
    assert [e.text_content().strip() for e in episodes] == [
        "Announced in 1. Why a learning club?",
        "Results featured in 2. Groupby stories",
    ]
    assert episodes[0].xpath("a/@href") == ["../../episodes/001-why-a-learning-club/"]
    results = page.xpath("//ul[@class='club-results']/li")
    assert len(results) == 3
    for a in page.xpath("//ul[@class='club-results']//a"):
        internal = not a.get("href").startswith("http")  # people and result pages
        assert a.get("rel") == (None if internal else "nofollow ugc noopener")
    assert "club-late" in results[2].get("class")
    assert "Late" in results[2].text_content()


def test_upcoming_cycle_page_says_how_to_take_part(site):
    page = _page(site / "club" / "intro-to-scikit-learn" / "index.html")
    text = page.text_content()
    assert "How to take part" in text
    assert page.xpath("//a[text()='Submit your result']/@href") == [
        "https://example.org/club/submit"
    ]
    assert "The cycle has not started yet." in text


def test_script_name_and_javascript_url_never_reach_the_page(template_dir, tmp_path):
    show_dir = tmp_path / "show"
    shutil.copytree(template_dir, show_dir)
    (show_dir / "club" / "plotting-with-matplotlib.yaml").write_text(
        "results:\n"
        "  - name: <script>alert(1)</script>\n"
        "    title: <img src=x onerror=alert(2)>\n"
        "    url: https://ok.example.org/plot\n"
        "  - name: Mallory\n"
        "    url: javascript:alert(3)\n",
        encoding="utf-8",
    )
    show = load_show(show_dir)
    # Loading rejects the javascript: URL and names the line...
    results, problems = club.check_results(show)
    assert [str(p) for p in problems] == [
        f"{show_dir / 'club' / 'plotting-with-matplotlib.yaml'}:6: results[1].url: result "
        "left out: expected an absolute http(s) URL, found 'javascript:alert(3)'"
    ]
    # ...and a Result that bypassed validation is still neutralised when rendered.
    results["plotting-with-matplotlib"].append(club.Result(name="Eve", url="javascript:alert(4)"))
    out = tmp_path / "site"
    write_club_pages(show, [], out, today=TODAY, results=results)
    raw = (out / "club" / "plotting-with-matplotlib" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<img" not in raw
    assert 'href="javascript:' not in raw
    assert "<span>javascript:alert(4)</span>" in raw  # shown as text, not a link
    page = lxml_html.fromstring(raw)
    assert [s.get("src") for s in page.xpath("//script")] == ["../../static/dates.js"]
    assert not [s for s in page.xpath("//script") if (s.text or "").strip()]
    names = page.xpath("//*[@class='club-name']/text()")
    assert names == ["<script>alert(1)</script>", "Eve"]
    assert page.xpath("//ul[@class='club-results']//a[@rel]/@href") == [
        "https://ok.example.org/plot"
    ]


def test_calendar_parses_with_icalendar_and_has_stable_uids(site, template_dir, tmp_path):
    import icalendar

    data = (site / "club.ics").read_bytes()
    assert b"\r\n" in data
    cal = icalendar.Calendar.from_ical(data)
    events = [e for e in cal.walk("VEVENT")]
    assert len(events) == 8
    by_uid = {str(e["UID"]): e for e in events}
    start = by_uid["pandas-groupby-start@podcast.example.org"]
    end = by_uid["pandas-groupby-end@podcast.example.org"]
    assert start.decoded("DTSTART") == dt.date(2026, 9, 28)
    assert start.decoded("DTEND") == dt.date(2026, 9, 29)
    assert end.decoded("DTSTART") == dt.date(2026, 10, 11)
    # The event's URL is where to ask (the club's discussion_url); the text keeps the page.
    assert str(start["URL"]) == "https://github.com/example/learning-out-loud/discussions"
    assert "Topic page: https://podcast.example.org/club/pandas-groupby/" in str(
        start["DESCRIPTION"]
    )
    plots = by_uid["plotting-with-matplotlib-start@podcast.example.org"]
    assert str(plots["URL"]) == "https://forum.example.org/t/clear-plots-with-matplotlib"
    assert "Aggregations, transforms and filters" in str(start["DESCRIPTION"])
    assert (
        str(by_uid["intro-to-scikit-learn-end@podcast.example.org"]["SUMMARY"])
        == "The Learning Out Loud club: last day of Your first model with scikit-learn"
    )
    # Rebuilding writes the same bytes: calendar apps see no changed events.
    again = club.write_calendar(load_show(template_dir), tmp_path / "club.ics")
    assert again.read_bytes() == data
    for line in data.split(b"\r\n"):
        assert len(line) <= 75


def test_pages_show_the_results_that_existed_on_today(template_dir, tmp_path):
    """A preview for a past day agrees with `club status` for that day: the sample's SQL
    results were submitted 2026-10-27 and 2026-10-30."""
    show = load_show(template_dir)
    for today, count in ((dt.date(2026, 10, 28), 1), (dt.date(2026, 10, 31), 2)):
        out = tmp_path / str(today)
        write_club_pages(show, published(show), out, today=today)
        page = _page(out / "club" / "sql-window-functions" / "index.html")
        assert len(page.xpath("//ul[@class='club-results']/li")) == count
        status = club.status(show, today)
        assert len(status.results["sql-window-functions"]) == count


def test_a_result_dated_ahead_is_named_in_a_warning(template_dir):
    show = load_show(template_dir)
    results = club.load_results(show)
    warnings = club.dated_ahead(show, results, dt.date(2026, 10, 28))
    assert len(warnings) == 2  # Dmitri's of 2026-10-30 and Chioma's of 2026-11-01
    assert "sql-window-functions.yaml: the result https://" in warnings[0]
    assert "is dated 2026-10-30, after today (2026-10-28)" in warnings[0]
    assert club.dated_ahead(show, results, TODAY) == []
