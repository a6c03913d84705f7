"""The XSS payloads on a real cycle page, in real Chromium: shown as text, never run."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from pathlib import Path

import pytest

from podpipe import club
from podpipe.config import load_show
from podpipe.site import write_club_pages
from tests.club_helpers import sample_show_copy

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def served_site(tmp_path):
    root = sample_show_copy(tmp_path / "show")
    (root / "club" / "plotting-with-matplotlib.yaml").write_text(
        "results:\n"
        "  - name: <script>alert(1)</script>\n"
        "    title: <img src=x onerror=alert(2)>\n"
        "    url: https://ok.example.org/plot\n"
        '    summary: "\\" onmouseover=alert(3) x=\\""\n',
        encoding="utf-8",
    )
    site = tmp_path / "site"
    show = load_show(root)
    results = club.load_results(show)
    results["plotting-with-matplotlib"].append(club.Result(name="Eve", url="javascript:alert(4)"))
    write_club_pages(show, [], site, today=dt.date(2026, 11, 24), results=results)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_payloads_are_visible_text_and_no_script_runs(served_site):
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(served_site + "club/plotting-with-matplotlib/")
        items = page.locator("ul.club-results > li")
        assert items.count() == 2
        first = items.nth(0)
        assert first.locator(".club-name").inner_text() == "<script>alert(1)</script>"
        assert first.locator("a[rel]").inner_text() == "<img src=x onerror=alert(2)>"
        first.locator("p").hover()
        assert page.locator("img").count() == 0
        # The javascript: result is plain text, not a link: clicking it does nothing.
        second = items.nth(1)
        assert second.locator("a[rel]").count() == 0
        second.locator("span").first.click()
        page.wait_for_timeout(200)
        browser.close()
    assert dialogs == []
