"""The episode page's transcript in real Chromium: the cues are not in the page; the
player fetches the episode's transcript.json (same origin, beside the page) and the
follow-along works on them. Without JavaScript the page links the transcript page, the
audio keeps the browser's controls and the captions track; a transcript that does not
load says so."""

from __future__ import annotations

import json
import time

import pytest

from tests.test_site_browser import (  # noqa: F401  (pytest fixtures)
    CHROMIUM,
    EP1,
    EP2,
    XSS_SPEAKER,
    Watched,
    base_url,
    browser,
    fx,
    wait_for_seek,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]

IN_VIEW = (
    "(() => { const n = document.querySelector('.cues .now'); if (!n) return false;"
    " const r = n.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()"
)


@pytest.fixture
def short_window(browser):  # noqa: F811
    """A window too short to show the whole transcript with the player."""
    w = Watched(browser, 1280, 420)
    yield w
    assert w.errors == []
    w.close()


def test_follow_along_on_the_cues_fetched_from_transcript_json(fx, base_url, short_window):  # noqa: F811
    page = short_window.page
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.request.resource_type)))
    page.goto(base_url + f"episodes/{EP1}/")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    cues = page.locator(".cues li.cue")
    cues.first.wait_for()
    # Fetched, not inlined: the page's own HTML has none of the transcript's text.
    json_url = base_url + f"episodes/{EP1}/transcript.json"
    assert (json_url, "fetch") in responses
    document = page.request.get(base_url + f"episodes/{EP1}/").text()
    assert fx.cues[EP1][3]["body"] not in document
    # The cues are the JSON's, with the transcript page's markup and #t= times.
    segments = json.loads((fx.site / "episodes" / EP1 / "transcript.json").read_text())["segments"]
    assert cues.count() == len(segments)
    assert page.locator(".cues .txt").all_inner_texts() == [s["body"] for s in segments]
    assert page.locator(".cues .spk").all_inner_texts() == [s["speaker"] for s in segments]
    first_ts = page.locator(".cues a.ts").nth(3)
    assert first_ts.get_attribute("href") == f"#t={segments[3]['startTime']}"
    assert first_ts.get_attribute("aria-label") == "Play from 0:10"

    # Follow along off: playback lights the cue, the page does not move.
    page.evaluate("window.scrollTo(0, 0)")
    last = segments[-1]
    page.evaluate(f"document.getElementById('player').currentTime = {last['startTime'] + 0.1}")
    wait_for_seek(page, last["startTime"], tolerance=0.5)
    page.wait_for_function(
        f"document.querySelector('.cues .now .txt').textContent === {last['body']!r}"
    )
    assert page.evaluate("scrollY") == 0
    # Follow along on: the cue being played is scrolled into view as playback moves.
    page.get_by_label("Follow along").check()
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate(
        "(() => { const a = document.getElementById('player');"
        f" a.currentTime = {segments[-2]['startTime'] - 0.3}; return a.play(); }})()"
    )
    page.wait_for_function(
        f"document.querySelector('.cues .now .txt').textContent === {segments[-2]['body']!r}",
        timeout=10_000,
    )
    page.wait_for_function(IN_VIEW, timeout=5_000)
    assert page.evaluate("scrollY") > 0
    # Clicking a fetched cue seeks there.
    page.evaluate("document.getElementById('player').pause()")
    page.get_by_text(segments[2]["body"]).click()
    assert abs(wait_for_seek(page, segments[2]["startTime"]) - segments[2]["startTime"]) < 1.2
    assert page.evaluate("location.hash") == f"#t={segments[2]['startTime']}"


def test_a_deep_link_lights_and_shows_its_cue_once_the_cues_arrive(fx, base_url, short_window):  # noqa: F811
    page = short_window.page
    cue = fx.cues[EP1][4]
    page.route(  # the transcript comes late: the player is already at the moment
        "**/transcript.json",
        lambda route: (time.sleep(0.4), route.continue_()),
    )
    page.goto(base_url + f"episodes/{EP1}/#t={cue['startTime']}")
    page.wait_for_function(
        f"(document.querySelector('.cues .now .txt') || {{}}).textContent === {cue['body']!r}"
    )
    page.wait_for_function(IN_VIEW, timeout=5_000)


def test_hostile_speaker_names_from_the_json_stay_text(fx, base_url, short_window):  # noqa: F811
    page = short_window.page
    page.goto(base_url + f"episodes/{EP2}/")
    page.locator(".cues .spk").nth(1).wait_for()
    assert page.locator(".cues .spk").nth(1).inner_text() == XSS_SPEAKER
    assert page.locator('.cues img, img[src="x"]').count() == 0
    assert page.evaluate("window.pwned") is None


def test_without_javascript_the_page_links_the_transcript_and_plays(fx, base_url, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + f"episodes/{EP1}/")
        link = page.get_by_role("link", name="Read the transcript")
        assert link.get_attribute("href") == "transcript.html"
        audio = page.locator("audio#player")
        assert audio.get_attribute("controls") is not None
        assert audio.locator("track").get_attribute("kind") == "captions"
        assert page.locator(".cues").count() == 0 and page.locator(".pp").count() == 0
        link.click()
        page.wait_for_url("**/transcript.html")
        assert fx.cues[EP1][3]["body"] in page.locator(".cues").inner_text()
    finally:
        context.close()


def test_a_transcript_that_does_not_load_says_where_to_read_it(base_url, browser):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.route("**/transcript.json", lambda route: route.fulfill(status=404, body="gone"))
        page.goto(base_url + f"episodes/{EP1}/")
        status = page.locator("#cues [role=status]")
        status.wait_for()
        assert "read it on the transcript page" in status.inner_text()
        assert page.get_by_role("link", name="Read the transcript").is_visible()
        assert page.locator(".pp").count() == 1  # the player works without it
        assert errors == []
    finally:
        context.close()
