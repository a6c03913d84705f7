"""Hostile participant text through the people pages, result pages, charts and the club
feed: escaped everywhere (parsed with lxml), and nothing runs in real Chromium."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from podpipe import club
from podpipe.config import load_show
from podpipe.site import copy_static, write_club_pages
from tests.club_helpers import published_episodes, sample_show_copy

CHROMIUM = Path("/usr/bin/chromium")
TODAY = dt.date(2026, 11, 20)  # the plotting cycle is open: its progress chart is drawn
NAME = "<script>window.pwned=1</script>Eve"
TITLE = '<svg onload="window.pwned=2"><title>x</title></svg>'
SUMMARY = '"><img src=x onerror="window.pwned=3">'
LEARNED = "[click me](javascript:window.pwned=4) **bold** <iframe src=javascript:alert(4)>"
LINK = 'https://eve.example.org/"onmouseover="window.pwned=5'
ALIAS = "Eve <b onclick=window.pwned=6>"
PAYLOADS = (NAME, TITLE, SUMMARY, LEARNED)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = sample_show_copy(tmp_path_factory.mktemp("hostile") / "show")
    # the open cycle gets Eve's result; the second cycle one under her alias
    (root / "club" / "plotting-with-matplotlib.yaml").write_text(
        "results:\n" + _entry(NAME, "plots", "2026-11-17")
    )
    sql = root / "club" / "sql-window-functions.yaml"
    sql.write_text(sql.read_text(encoding="utf-8") + _entry(ALIAS, "sql", "2026-10-25"))
    people = root / "club" / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8") + f"  - name: {_q(NAME)}\n    aliases: [{_q(ALIAS)}]\n",
        encoding="utf-8",
    )
    show = load_show(root)
    results = club.load_results(show)
    # a result that skipped the loader: the render-time guards still hold
    results["plotting-with-matplotlib"].append(
        club.Result(name="Mallory", url="javascript:window.pwned=7", links=("javascript:x",))
    )
    out = tmp_path_factory.mktemp("site")
    copy_static(show, out)
    write_club_pages(show, published_episodes(show, results), out, today=TODAY, results=results)
    return out


def _entry(name: str, path: str, day: str) -> str:
    return (
        f"  - name: {_q(name)}\n"
        f"    title: {_q(TITLE)}\n"
        f"    url: https://eve.example.org/{path}\n"
        f"    summary: {_q(SUMMARY)}\n"
        f"    learned: {_q(LEARNED)}\n"
        f"    links: [{_q(LINK)}]\n"
        f"    submitted: {day}\n"
    )


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pages(site: Path) -> list[Path]:
    return sorted((site / "club").rglob("index.html"))


def test_the_participant_has_pages_and_every_payload_is_text(site):
    person = site / "club" / "people" / "script-window-pwned-1-script-eve" / "index.html"
    assert person.is_file()
    doc = lxml_html.fromstring(person.read_text(encoding="utf-8"))
    assert doc.xpath("//h1")[0].text_content() == NAME
    texts = {p: 0 for p in PAYLOADS}
    for page in pages(site):
        raw = page.read_text(encoding="utf-8")
        doc = lxml_html.fromstring(raw)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for attr, value in el.attrib.items():
                assert not attr.lower().startswith("on"), (page, el.tag, attr)
                if attr in ("href", "src"):
                    assert not value.strip().lower().startswith("javascript:"), (page, value)
            assert el.tag not in ("iframe", "img", "b"), (page, el.tag)
            if el.tag == "script":
                assert el.get("src") and not (el.text or "").strip(), page
            if el.tag == "svg":
                assert el.get("class") == "club-svg", page
        content = doc.text_content()
        for p in PAYLOADS:
            texts[p] += p in content
    assert all(texts.values()), texts  # each payload reached a page, as text


def test_charts_and_feed_escape_the_payloads(site):
    page = (site / "club" / "plotting-with-matplotlib" / "index.html").read_text(encoding="utf-8")
    start = page.index("<svg")
    svg = etree.fromstring(page[start : page.index("</svg>", start) + 6])
    marks = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert f"{TITLE} by {NAME}, 2026-11-17" in marks
    data = (site / "club" / "feed.xml").read_bytes()
    root = etree.fromstring(data)  # well-formed
    assert not root.xpath("//*[local-name()='script' or local-name()='svg' or local-name()='img']")
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    eve = [e for e in parsed.entries if e.get("author") == NAME]
    assert len(eve) == 2
    assert eve[0].summary_detail.type == "text/plain"
    assert SUMMARY in eve[0].summary
    assert not [
        e for e in parsed.entries if "Mallory" in e.title and "javascript" in e.get("link", "")
    ]
    for e in parsed.entries:
        for link in e.links:
            assert link.href.startswith("https://"), link.href


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_nothing_runs_in_chromium(site):
    from playwright.sync_api import sync_playwright

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for file in pages(site) + [site / "club" / "feed.xml"]:
                path = file.relative_to(site).as_posix().removesuffix("index.html")
                page.goto(base + path)
                for el in page.locator("main a, main p, main svg, main li").all()[:30]:
                    if el.is_visible():
                        el.hover()
                assert page.evaluate("window.pwned") is None, path
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert dialogs == []
