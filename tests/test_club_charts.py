"""The club's SVG charts: well-formed XML with a <title> and <desc>, numbers printed and
patterned (readable without colour), a data table beside them, and counts that match
the results files (read here with PyYAML, not podpipe's loader)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from lxml import etree
from lxml import html as lxml_html

from podpipe.config import load_show
from podpipe.site import write_club_pages
from tests.club_helpers import sample_show_copy

TODAY = dt.date(2026, 11, 20)
S = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = sample_show_copy(tmp_path_factory.mktemp("charts") / "show")
    out = tmp_path_factory.mktemp("site")
    show = load_show(root)
    write_club_pages(show, [], out, today=TODAY)
    return show, root, out


def svgs(page_text: str) -> dict[str, etree._Element]:
    """Each inline <svg> of a page parsed as XML on its own, by its title id."""
    out = {}
    for text in re.findall(r"<svg\b.*?</svg>", page_text, flags=re.S):
        svg = etree.fromstring(text)
        out[svg.find(f"{S}title").get("id")] = svg
    return out


def result_files(root) -> dict[str, list[dict]]:
    return {
        f.stem: yaml.safe_load(f.read_text(encoding="utf-8"))["results"]
        for f in sorted((root / "club").glob("*.yaml"))
        if f.name != "people.yaml"
    }


def test_results_per_cycle_match_the_results_files(built):
    show, root, out = built
    page = (out / "club" / "index.html").read_text(encoding="utf-8")
    chart = svgs(page)["club-results-chart-title"]
    assert chart.get("role") == "img"
    assert chart.find(f"{S}title").text == "Results per cycle"
    files = result_files(root)
    started = [c for c in show.club.cycles if c.start <= TODAY]
    expected = [len(files.get(c.slug, [])) for c in started]
    assert expected == [3, 3, 0]
    labels = [t.text for t in chart.iter(f"{S}text") if t.text.endswith(("result", "results"))]
    assert labels == [f"{n} result{'' if n == 1 else 's'}" for n in expected]
    desc = chart.find(f"{S}desc").text
    for c, n in zip(started, expected, strict=True):
        assert f"{c.title}: {n} result" in desc
    # the text alternative: the same numbers in a table
    doc = lxml_html.fromstring(page)
    table = doc.xpath("//figure[1]//table[@class='club-chart-data']")[0]
    rows = [[c.text_content() for c in tr] for tr in table.xpath("tbody/tr")]
    assert rows == [[c.title, str(n)] for c, n in zip(started, expected, strict=True)]


def test_new_and_returning_participants(built):
    show, root, out = built
    chart = svgs((out / "club" / "index.html").read_text(encoding="utf-8"))[
        "club-people-chart-title"
    ]
    texts = [t.text for t in chart.iter(f"{S}text")]
    # cycle 1: Chioma, Tomás, Priya are new; cycle 2: Lena and Dmitri new, Chioma back
    assert "3 new, 0 returning" in texts
    assert "2 new, 1 returning" in texts
    assert "0 new, 0 returning" in texts
    assert "returning (hatched)" in texts  # the legend names the pattern, not a colour
    hatched = [r for r in chart.iter(f"{S}rect") if r.get("class") == "club-bar-returning"]
    assert len(hatched) == 1 and hatched[0].get("fill") == "url(#club-people-chart-hatch)"
    assert chart.find(f".//{S}pattern").get("id") == "club-people-chart-hatch"


def test_open_cycle_page_shows_days_elapsed_and_results_so_far(built, tmp_path):
    show, root, out = built
    page = (out / "club" / "plotting-with-matplotlib" / "index.html").read_text(encoding="utf-8")
    chart = svgs(page)["club-progress-chart-title"]
    assert chart.find(f"{S}desc").text == "Day 5 of 14, 0 results so far"
    closed = (out / "club" / "pandas-groupby" / "index.html").read_text(encoding="utf-8")
    assert "<svg" not in closed
    # on a day of the second cycle: two results in, marked on their days
    write_club_pages(show, [], tmp_path, today=dt.date(2026, 10, 31))
    page = (tmp_path / "club" / "sql-window-functions" / "index.html").read_text(encoding="utf-8")
    chart = svgs(page)["club-progress-chart-title"]
    assert chart.find(f"{S}desc").text == "Day 13 of 14, 2 results so far"
    marks = [m.find(f"{S}title").text for m in chart.iter(f"{S}circle")]
    assert marks == [
        "Running totals of a household budget in SQLite by Lena Fischer, 2026-10-27",
        "Ranking sales reps with RANK, DENSE_RANK and ROW_NUMBER by Dmitri Volkov, 2026-10-30",
    ]
    files = result_files(root)["sql-window-functions"]
    assert len([r for r in files if r["submitted"] <= dt.date(2026, 10, 31)]) == len(marks)
