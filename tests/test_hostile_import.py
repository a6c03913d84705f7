"""`podpipe import` of a hostile feed (issue 20): external entities, entity expansion
("billion laughs"), a huge enclosure length, javascript: URLs and hostile HTML in the
notes, control characters in titles. No traceback, no hang, nothing read from the disk
or the network, and the imported show is one `podpipe check` reads without errors of
the importer's making; a feed with nothing usable exits 1 and writes nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from lxml import html as lxml_html

from podpipe.render.markdown import markdown_html
from tests.hostile_helpers import run_cli

ITEM = (
    "<item><title>{title}</title><guid>g{n}</guid>"
    "<pubDate>Mon, 05 Feb 2024 10:00:00 +0000</pubDate>"
    '<enclosure url="https://cdn.example.org/{n}.mp3" length="{length}" type="audio/mpeg"/>'
    "<description>{description}</description></item>"
)


def _feed(tmp_path: Path, items: str, doctype: str = "", title: str = "Hostile") -> Path:
    path = tmp_path / "feed.xml"
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<rss version="2.0"><channel>'
        f"<title>{title}</title><description>A show.</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    return path


def _item(n: int, title: str = "An episode", length: str = "1000", description: str = "") -> str:
    return ITEM.format(n=n, title=title, length=length, description=description)


def _import(feed: Path, show: Path):
    start = time.monotonic()
    result = run_cli("import", str(feed), str(show), "--no-audio", cwd=feed.parent, timeout=60)
    assert time.monotonic() - start < 60
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    return result, out


def _imported_text(show: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(show.rglob("*"))
        if p.is_file() and p.suffix in (".yaml", ".md")
    )


def test_an_external_entity_reads_nothing_from_the_disk(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    doctype = f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
    feed = _feed(tmp_path, _item(1, title="&x;", description="&x;"), doctype, title="&x;")
    result, out = _import(feed, tmp_path / "show")
    assert "TOP SECRET" not in out
    if (tmp_path / "show").exists():
        assert "TOP SECRET" not in _imported_text(tmp_path / "show")


def test_a_billion_laughs_feed_is_not_expanded(tmp_path):
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = "<!DOCTYPE rss [" + "".join(entities) + "]>"
    feed = _feed(tmp_path, _item(1, title="&l9;", description="&l9;"), doctype, title="&l9;")
    result, out = _import(feed, tmp_path / "show")
    if (tmp_path / "show").exists():
        assert len(_imported_text(tmp_path / "show")) < 100_000
    assert "lollollol" not in out


def test_a_huge_enclosure_length_is_not_trusted(tmp_path):
    items = _item(1, length="9" * 400) + _item(2, length="-5") + _item(3, length="1e309")
    feed = _feed(tmp_path, items)
    result, out = _import(feed, tmp_path / "show")
    assert result.returncode == 0, out
    check = run_cli("check", cwd=tmp_path / "show", timeout=60)
    assert "Traceback" not in check.stdout + check.stderr
    assert "9" * 40 not in _imported_text(tmp_path / "show")


@pytest.mark.parametrize(
    "description",
    [
        "&lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt;",
        "&lt;a href=&quot; JaVaScRiPt:alert(1)&quot;&gt;click&lt;/a&gt;",
        "&lt;a href=&quot;data:text/html,&amp;lt;script&amp;gt;&quot;&gt;x&lt;/a&gt;",
        "&lt;img src=x onerror=alert(2)&gt;&lt;script&gt;alert(3)&lt;/script&gt;ok",
        "&lt;iframe src=javascript:alert(4)&gt;&lt;/iframe&gt;&lt;svg onload=alert(5)&gt;",
        "[md link](javascript:alert(6)) &lt;b onclick=alert(7)&gt;bold&lt;/b&gt;",
        "&lt;style&gt;body{display:none}&lt;/style&gt;&lt;form action=https://x&gt;",
    ],
    ids=["javascript", "javascript-case", "data", "img-script", "iframe-svg", "markdown", "style"],
)
def test_hostile_html_in_the_notes_becomes_safe_markdown(tmp_path, description):
    feed = _feed(tmp_path, _item(1, description=description))
    result, out = _import(feed, tmp_path / "show")
    assert result.returncode == 0, out
    notes = "".join(p.read_text() for p in (tmp_path / "show").rglob("notes.md"))
    # as the site renders the notes: no element or address that runs anything
    page = lxml_html.fromstring(f"<div>{markdown_html(notes)}</div>")
    for el in page.iter():
        assert el.tag not in ("script", "iframe", "img", "svg", "style", "form"), notes
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), notes
            assert not value.strip().lower().startswith(("javascript:", "data:")), notes


def test_control_characters_in_the_feed_do_not_reach_the_files_or_terminal(tmp_path):
    items = _item(1, title="Ep &#27;[31mred&#27;[0m", description="Bell &#7; and &#x1b;[2J")
    feed = tmp_path / "feed.xml"
    # XML 1.0 cannot carry these as references: a conforming parser refuses the feed
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T&#x1b;</title>'
        f"<description>d</description>{items}</channel></rss>"
    )
    result, out = _import(feed, tmp_path / "show")
    assert "\x1b" not in out and "\x07" not in out
    if (tmp_path / "show").exists():
        text = _imported_text(tmp_path / "show")
        assert "\x1b" not in text and "\x07" not in text
    else:
        assert result.returncode == 1, out


def test_an_unsafe_character_in_a_title_is_cleaned_and_the_show_checks(tmp_path):
    items = _item(1, title="Half \U0010fffe of it \ufffe") + _item(2, title="Fine")
    feed = _feed(tmp_path, items)
    result, out = _import(feed, tmp_path / "show")
    if result.returncode == 0:
        text = _imported_text(tmp_path / "show")
        assert "\ufffe" not in text
        check = run_cli("check", cwd=tmp_path / "show", timeout=60)
        out = check.stdout + check.stderr
        assert "Traceback" not in out and "U+FFFE" not in out, out
    else:
        assert result.returncode == 1 and not (tmp_path / "show").exists(), out
