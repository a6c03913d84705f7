"""The episode page's player in real Chromium: chapter marks and a chapter list that follows
playback, speed, skips, keyboard shortcuts, resume from localStorage, the captions track,
"share this moment", and the transcript kept in sync."""

from __future__ import annotations

import pytest

from tests.test_site_browser import (  # noqa: F401  (pytest fixtures)
    CHROMIUM,
    EP1,
    Watched,
    base_url,
    browser,
    current_time,
    fx,
    wait_for_seek,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def player(browser, base_url):  # noqa: F811
    w = Watched(browser)
    w.page.goto(base_url + f"episodes/{EP1}/")
    w.page.wait_for_function("document.getElementById('player').readyState >= 1")
    yield w
    assert w.errors == []
    w.close()


def set_time(page, t: float) -> None:
    page.evaluate(f"document.getElementById('player').currentTime = {t}")
    wait_for_seek(page, t, tolerance=0.3)


def test_the_player_replaces_the_native_controls(player):
    page = player.page
    assert page.evaluate("document.getElementById('player').controls") is False
    for name in ("Play", "Back 15 s", "Forward 30 s", "Share this moment"):
        assert page.get_by_role("button", name=name).is_visible(), name
    assert page.get_by_label("Speed").is_visible()
    assert page.get_by_label("Position").is_visible()


def test_chapter_marks_sit_on_the_timeline_at_the_chapters(fx, player):  # noqa: F811
    page = player.page
    chapters = fx.episodes[0].episode.chapters
    marks = page.locator(".pp-mark")
    assert marks.count() == len(chapters)
    duration = page.evaluate("document.getElementById('player').duration")
    lefts = [
        float(marks.nth(i).evaluate("m => m.style.left").rstrip("%")) for i in range(len(chapters))
    ]
    assert lefts == pytest.approx([100 * c.start / duration for c in chapters], abs=0.01)
    assert [marks.nth(i).get_attribute("title") for i in range(len(chapters))] == [
        f"{_clock(c.start)}{c.title}" for c in chapters
    ]
    # In the track, left to right, as wide as the slider.
    boxes = [marks.nth(i).bounding_box() for i in range(len(chapters))]
    slider = page.locator(".pp-seek").bounding_box()
    assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
    assert slider["x"] <= boxes[0]["x"] and boxes[-1]["x"] <= slider["x"] + slider["width"]


def _clock(t: float) -> str:
    s = int(t)
    return f"{s // 60}:{s % 60:02d}"


def test_chapter_list_follows_playback(fx, player):  # noqa: F811
    page = player.page
    chapters = fx.episodes[0].episode.chapters
    for chapter in chapters:
        set_time(page, chapter.start + 0.2)
        now = page.locator(".chapters .now")
        assert now.count() == 1 and chapter.title in now.inner_text()
        assert page.locator(".pp-chapter").inner_text() == f"Chapter: {chapter.title}"
        valuetext = page.locator(".pp-seek").get_attribute("aria-valuetext")
        assert valuetext.endswith(f"chapter: {chapter.title}")
    # Playing on from the last-but-one chapter moves the list by itself.
    set_time(page, chapters[-1].start - 0.6)
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function(
        "document.querySelector('.chapters .now') && document.querySelector('.chapters .now')"
        f".textContent.includes({chapters[-1].title!r})",
        timeout=10_000,
    )
    # The transcript follows along too: the cue being played is the one lit.
    t = current_time(page)
    cues = [c for c in fx.cues[EP1] if c["startTime"] <= t + 0.3]
    assert cues[-1]["body"] in page.locator(".cues .now").inner_text() or (
        cues[-2]["body"] in page.locator(".cues .now").inner_text()
    )


def test_speed_from_the_menu_and_the_keyboard_is_kept(fx, base_url, player):  # noqa: F811
    page = player.page
    page.get_by_label("Speed").select_option("1.5")
    assert page.evaluate("document.getElementById('player').playbackRate") == 1.5
    page.locator("h1").click()  # focus out of the menu: keys go to the page
    page.keyboard.press(">")
    assert page.evaluate("document.getElementById('player').playbackRate") == 1.75
    page.keyboard.press(">")
    page.keyboard.press(">")  # 2x is the top
    assert page.evaluate("document.getElementById('player').playbackRate") == 2
    page.keyboard.press("<")
    assert page.evaluate("document.getElementById('player').playbackRate") == 1.75
    assert page.get_by_label("Speed").input_value() == "1.75"
    options = page.locator("#pp-rate option").all_inner_texts()
    assert options[0] == "0.8×" and options[-1] == "2×"
    # The next episode page opens at the listener's speed.
    page.reload()
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert page.evaluate("document.getElementById('player').playbackRate") == 1.75
    assert page.get_by_label("Speed").input_value() == "1.75"


def test_skip_buttons_and_keys(player):
    page = player.page
    audio = "document.getElementById('player')"
    duration = page.evaluate(f"{audio}.duration")
    set_time(page, 17)
    page.get_by_role("button", name="Back 15 s").click()
    assert abs(wait_for_seek(page, 2, tolerance=0.3) - 2) < 0.3
    page.get_by_role("button", name="Forward 30 s").click()  # past the end: the end
    page.wait_for_function(f"{audio}.currentTime >= {duration - 0.1}")
    page.locator("h1").click()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"Math.abs({audio}.currentTime - {duration - 15}) < 0.3")
    # Space plays and pauses; the button says which.
    set_time(page, 1)
    page.keyboard.press(" ")
    page.wait_for_function(f"!{audio}.paused")
    assert page.locator(".pp-play").inner_text() == "Pause"
    page.keyboard.press("k")
    page.wait_for_function(f"{audio}.paused")
    assert page.locator(".pp-play").inner_text() == "Play"
    # Keys typed into a form control are the control's.
    page.get_by_label("Follow along").focus()
    page.keyboard.press(" ")
    assert page.evaluate(f"{audio}.paused")


def test_resume_where_the_listener_stopped(fx, base_url, player):  # noqa: F811
    page = player.page
    set_time(page, 12.5)
    page.goto(base_url)  # leave the page
    page.goto(base_url + f"episodes/{EP1}/")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert abs(wait_for_seek(page, 12.5, tolerance=0.2) - 12.5) < 0.2
    assert page.locator(".pp-status").inner_text() == "Resumed at 0:12."
    playing = [c for c in fx.cues[EP1] if c["startTime"] <= 12.5][-1]
    assert playing["body"] in page.locator(".cues .now").inner_text()
    # A #t= link wins over the remembered place.
    page.goto(base_url + f"episodes/{EP1}/#t=3")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert abs(wait_for_seek(page, 3, tolerance=0.2) - 3) < 0.2
    # Listening to the end forgets the place.
    page.evaluate(
        "(() => { const a = document.getElementById('player');"
        " a.currentTime = a.duration - 0.3; return a.play(); })()"
    )
    page.wait_for_function("document.getElementById('player').ended", timeout=10_000)
    assert page.evaluate("localStorage.getItem('podpipe:position:' + location.pathname)") is None


def test_captions_track_carries_the_transcript(fx, player):  # noqa: F811
    page = player.page
    page.wait_for_function(
        "(() => { const t = document.getElementById('player').textTracks[0];"
        " t.mode = t.mode === 'disabled' ? 'hidden' : t.mode;"
        " return t.cues && t.cues.length > 0; })()"
    )
    kind, n, first = page.evaluate(
        "(() => { const t = document.getElementById('player').textTracks[0];"
        " return [t.kind, t.cues.length, t.cues[0].text]; })()"
    )
    assert kind == "captions" and n == len(fx.cues[EP1])
    assert fx.cues[EP1][0]["body"] in first


def test_share_this_moment(fx, player):  # noqa: F811
    page = player.page
    player.context.grant_permissions(["clipboard-read", "clipboard-write"])
    set_time(page, 10.2)
    page.get_by_role("button", name="Share this moment").click()
    url = f"{fx.show.base_url}episodes/{EP1}/#t=10"
    page.wait_for_function("document.querySelector('.pp-status').textContent.includes('copied')")
    assert page.locator(".pp-link").inner_text() == url
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.locator(".pp-status").inner_text() == "Link to 0:10 copied."
