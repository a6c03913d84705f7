"""The site's layout in real Chromium: no horizontal scrolling on a 375 px phone or a 1280 px
desktop in either colour scheme, a readable player, dark mode, and transcripts in print.
Screenshots for review go to test-output/screenshots/."""

from __future__ import annotations

import pytest

from tests.test_site_browser import (  # noqa: F401  (pytest fixtures)
    CHROMIUM,
    EP1,
    SCREENSHOTS,
    base_url,
    browser,
    fx,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]

PAGES = {
    "home": "",
    "episode": f"episodes/{EP1}/",
    "transcript": f"episodes/{EP1}/transcript.html",
    "search": "search/?q=welcome",
    "club": "club/",
    "cycle": "club/pandas-groupby/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_no_horizontal_scrolling_and_a_readable_player(base_url, browser, width, scheme):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for name, path in PAGES.items():
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            sizes = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert sizes[0] <= sizes[1], (name, width, sizes)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
        # The player's controls fit the screen, with text of a readable size.
        page.goto(base_url + PAGES["episode"])
        page.wait_for_function("document.getElementById('player').readyState >= 1")
        for selector in (".pp-play", "#pp-rate", ".pp-seek", ".pp-time"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
            size = page.locator(selector).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 14 or selector == ".pp-seek", (selector, size)
        assert page.locator(".pp-play").bounding_box()["height"] >= 32  # a finger-sized target
    finally:
        context.close()


def test_dark_scheme_is_dark_and_light_is_light(base_url, browser):  # noqa: F811
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(base_url + PAGES["episode"])
        backgrounds[scheme] = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        context.close()
    assert backgrounds["light"] == ["rgb(255, 255, 255)", "rgb(27, 27, 31)"]
    assert backgrounds["dark"] == ["rgb(22, 23, 27)", "rgb(236, 237, 241)"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_transcript_prints_without_the_site_around_it(fx, base_url, browser, scheme):  # noqa: F811
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base_url + PAGES["transcript"])
        page.emulate_media(media="print")
        for selector in (".site-header", ".site-footer"):
            assert page.locator(selector).is_hidden(), selector
        assert page.locator(".cue").count() == len(fx.cues[EP1])
        assert page.locator(".cue").first.is_visible()
        colours = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('.cue .txt')).color]"
        )
        assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]  # paper, even in dark mode
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF") and len(pdf) > 2000
        # The episode page prints its notes and transcript, not the player.
        page.goto(base_url + PAGES["episode"])
        page.wait_for_function("document.querySelector('.pp')")
        assert page.locator(".player").is_hidden() and page.locator(".pp").is_hidden()
        page.locator("#transcript .cue").first.wait_for()  # fetched from transcript.json
        assert page.locator("#transcript .cue").first.is_visible()
    finally:
        context.close()
