"""The site in real Chromium: seeking from cues and chapters, #t= deep links, search,
hostile text, and screenshots for review (test-output/screenshots/)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from podpipe.site.serve import make_server
from tests.site_helpers import XSS_GUEST, XSS_SPEAKER, XSS_TITLE, fixture_site

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
EP1, EP2 = "001-why-a-learning-club", "002-groupby-stories"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    return fixture_site(tmp_path_factory, "site-browser")


@pytest.fixture(scope="module")
def base_url(fx):
    """The site served from a sub-path (/show/), as on a host that is not the domain root."""
    server = make_server(fx.www, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/show/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Watched:
    """A page whose dialogs, console errors, page errors and requests are recorded."""

    def __init__(self, browser, width: int = 1280, height: int = 800):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.dialogs, self.errors, self.requests = [], [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def current_time(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def wait_for_seek(page, target: float, tolerance: float = 1.2) -> float:
    """Wait until the player sits at ``target`` (it may be playing on from there)."""
    page.wait_for_function(
        f"(() => {{ const a = document.getElementById('player');"
        f" return a.readyState >= 1 && !a.seeking && a.currentTime >= {target - 0.05}"
        f" && a.currentTime <= {target + tolerance}; }})()",
        timeout=10_000,
    )
    return current_time(page)


def test_clicking_a_cue_seeks_the_player_and_highlights_it(fx, base_url, watched):
    page = watched.page
    page.goto(base_url + f"episodes/{EP1}/")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert current_time(page) == 0
    cue = fx.cues[EP1][3]  # "Because a deadline shared with friends is hard to ignore."
    page.get_by_text(cue["body"]).click()
    assert cue["startTime"] - 0.05 <= wait_for_seek(page, cue["startTime"]) <= cue["endTime"]
    assert page.evaluate("location.hash") == f"#t={cue['startTime']}"
    now = page.locator(".cues .now")
    assert now.count() == 1 and now.get_attribute("aria-current") == "time"
    assert cue["body"] in now.inner_text()
    # Keyboard: Tab to a cue's timestamp and press Enter.
    later = fx.cues[EP1][5]
    page.locator(".cues a.ts").nth(5).focus()
    page.keyboard.press("Enter")
    wait_for_seek(page, later["startTime"])
    assert later["body"] in page.locator(".cues .now").inner_text()
    assert watched.errors == [] and watched.dialogs == []


@pytest.mark.parametrize("fragment, seconds", [("0:09", 9.0), ("13.668", 13.668), ("17", 17.0)])
def test_deep_link_opens_the_player_at_that_time(fx, base_url, watched, fragment, seconds):
    page = watched.page
    page.goto(base_url + f"episodes/{EP1}/#t={fragment}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert abs(wait_for_seek(page, seconds, tolerance=0.05) - seconds) < 0.05
    playing = [c for c in fx.cues[EP1] if c["startTime"] <= seconds][-1]
    assert playing["body"] in page.locator(".cues .now").inner_text()


def test_transcript_page_times_open_the_episode_there(fx, base_url, watched):
    page = watched.page
    page.goto(base_url + f"episodes/{EP1}/transcript.html")
    cue = fx.cues[EP1][4]
    page.get_by_role("link", name=f"Play from 0:{int(cue['startTime']):02d}").click()
    page.wait_for_url(f"**/episodes/{EP1}/#t={cue['startTime']}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert abs(wait_for_seek(page, cue["startTime"], tolerance=0.05) - cue["startTime"]) < 0.05


def test_clicking_a_chapter_seeks(fx, base_url, watched):
    page = watched.page
    page.goto(base_url + f"episodes/{EP1}/")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    chapter = fx.episodes[0].episode.chapters[2]  # "The first topic"
    page.get_by_role("link", name=chapter.title).click()
    wait_for_seek(page, chapter.start)
    assert chapter.title in page.locator(".chapters .now").inner_text()


def test_search_finds_the_episode_and_lands_at_the_moment(fx, base_url, watched):
    page = watched.page
    page.goto(base_url + "search/")
    page.get_by_label("Words in a transcript or the show notes").fill("deadline shared with")
    page.get_by_role("button", name="Search").click()
    hits = page.locator("#hits > li")
    hits.first.wait_for()
    assert hits.count() == 1
    assert (
        page.locator("#status").inner_text() == "1 episode (1 passage) for “deadline shared with”."
    )
    assert "Because a deadline shared with friends" in hits.first.inner_text()
    assert page.locator("#hits mark").first.inner_text() == "deadline shared with"
    cue = fx.cues[EP1][3]
    title = hits.first.locator("a.hit-episode")
    assert title.get_attribute("href") == f"../episodes/{EP1}/#t={cue['startTime']}"
    link = hits.first.locator(".passages a")
    assert link.get_attribute("href") == f"../episodes/{EP1}/#t={cue['startTime']}"
    link.click()
    page.wait_for_url(f"**/show/episodes/{EP1}/#t={cue['startTime']}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert abs(wait_for_seek(page, cue["startTime"], tolerance=0.05) - cue["startTime"]) < 0.05


def test_search_finds_a_phrase_across_two_cues_and_without_punctuation(fx, base_url, watched):
    """People type what they heard: "hard to ignore our first topic" runs from one cue
    into the next, past a full stop."""
    page = watched.page
    page.goto(base_url + "search/?q=" + "hard to ignore our first topic".replace(" ", "%20"))
    hits = page.locator("#hits > li")
    hits.first.wait_for()
    assert hits.count() == 1
    assert "hard to ignore. Our first topic is split apply combine" in hits.first.inner_text()
    cue = fx.cues[EP1][3]  # the hit starts where the phrase starts
    assert (
        hits.first.locator(".passages a").get_attribute("href")
        == f"../episodes/{EP1}/#t={cue['startTime']}"
    )
    marked = page.locator("#hits mark").all_inner_texts()
    assert {"hard", "ignore", "our", "first", "topic"} <= {m.lower() for m in marked}


def test_search_gives_one_result_per_episode_with_its_best_passages(fx, base_url, watched):
    """ "group" is in two cues and two show-note paragraphs of two episodes: two results,
    each episode once, with its passages under it (in time order, notes last)."""
    page = watched.page
    page.goto(base_url + "search/?q=group")
    hits = page.locator("#hits > li")
    hits.first.wait_for()
    assert hits.count() == 2
    assert page.locator("#status").inner_text() == "2 episodes (4 passages) for “group”."
    titles = [hits.nth(i).locator("a.hit-episode").inner_text() for i in range(2)]
    assert sorted(titles) == sorted([fx.episodes[0].episode.title, XSS_TITLE])
    for i in range(2):
        passages = hits.nth(i).locator(".passages > li")
        assert passages.count() == 2
        assert "2 passages" in hits.nth(i).locator(":scope > .meta").inner_text()
        assert passages.nth(1).locator("a").inner_text() == "Show notes"
    first = hits.nth(titles.index(fx.episodes[0].episode.title))
    study = fx.cues[EP1][2]  # "Why does a study group help people finish projects?"
    assert first.locator(".passages a").first.get_attribute("href") == (
        f"../episodes/{EP1}/#t={study['startTime']}"
    )
    assert watched.errors == []


def test_search_from_the_url_and_in_show_notes(base_url, watched):
    page = watched.page
    page.goto(base_url + "search/?q=pandas%20guide")
    page.locator("#hits > li").first.wait_for()
    assert page.locator("#hits > li").count() == 1
    assert "Show notes" in page.locator("#hits > li").inner_text()
    assert page.locator("#hits .passages a").get_attribute("href") == f"../episodes/{EP1}/#notes"
    page.get_by_label("Words in a transcript or the show notes").fill("zebra crossing")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('No')")
    assert page.locator("#hits > li").count() == 0


def test_hostile_text_shows_as_text_and_runs_nothing(fx, base_url, watched):
    page = watched.page
    for path in (f"episodes/{EP2}/", f"episodes/{EP2}/transcript.html", ""):
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.pwned") is None
        assert page.locator('img[src="x"]').count() == 0
        assert page.locator("script:not([src])").count() == 0
    page.goto(base_url + f"episodes/{EP2}/")
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert page.title().startswith(XSS_TITLE)
    assert XSS_GUEST in page.locator(".guests").inner_text()
    assert page.locator(".guests a").count() == 0  # its javascript: link was dropped
    assert page.locator(".cues .spk").nth(1).inner_text() == XSS_SPEAKER
    # The search page renders the same titles from JSON, by textContent.
    page.goto(base_url + "search/?q=counted%20bicycles")
    page.locator("#hits > li").first.wait_for()
    assert XSS_TITLE in page.locator("#hits > li").first.inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("window.pwned") is None
    assert watched.dialogs == []
    assert watched.errors == []


def test_nothing_is_loaded_from_other_hosts(base_url, watched):
    page = watched.page
    for path in ("", f"episodes/{EP1}/", "search/?q=welcome"):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    assert watched.requests
    assert all(url.startswith(base_url) for url in watched.requests), watched.requests
    assert watched.errors == []


def test_episode_page_weight_in_the_browser(base_url, watched):
    """Bytes the browser received for the page's HTML, CSS and JS (not audio, not data)."""
    page = watched.page
    sizes = {}
    page.on(
        "response",
        lambda r: (
            sizes.__setitem__(r.url, len(r.body()))
            if r.request.resource_type in ("document", "stylesheet", "script")
            else None
        ),
    )
    page.goto(base_url + f"episodes/{EP1}/")
    page.wait_for_load_state("networkidle")
    assert len(sizes) == 3, sizes
    assert sum(sizes.values()) <= 60_000, sizes


@pytest.mark.parametrize("width, height, label", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_screenshots(fx, base_url, browser, width, height, label):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    w = Watched(browser, width, height)
    try:
        pages = {
            "home": "",
            "episode": f"episodes/{EP1}/#t=10.09",
            "search": "search/?q=welcome",
            "transcript": f"episodes/{EP1}/transcript.html",
        }
        if (fx.site / "club" / "index.html").is_file():
            pages["club"] = "club/"
            cycle = fx.show.club.cycles[0].slug
            if (fx.site / "club" / cycle / "index.html").is_file():
                pages["topic"] = f"club/{cycle}/"
        for name, path in pages.items():
            w.page.goto(base_url + path)
            w.page.wait_for_load_state("networkidle")
            w.page.evaluate("window.scrollTo(0, 0)")  # a deep link scrolls to its cue
            # Nothing may stick out sideways on a phone.
            overflow = w.page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, (name, overflow)
            w.page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        assert w.errors == []
    finally:
        w.close()


# The WCAG 2.x contrast ratio of every element's own text against the first opaque
# background behind it (a solid colour: the site uses no background images).
CONTRAST_JS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || !box.width || getComputedStyle(el).visibility === "hidden") continue;
    if (el.closest(".sr-only, .skip")) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push([el.tagName, el.className, el.textContent.trim().slice(0, 30), ratio]);
  }
  return worst;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_basics(base_url, browser, scheme):
    """Landmarks, one h1, alt text, labels, visible focus and 4.5:1 text contrast."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        for path in (
            "",
            f"episodes/{EP1}/#t=10.09",
            "search/?q=welcome",
            f"episodes/{EP1}/transcript.html",
        ):
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            for role in ("banner", "navigation", "main", "contentinfo"):
                assert page.get_by_role(role).count() >= 1, (path, role)
            assert page.locator("h1").count() == 1, path
            assert page.locator("img:not([alt])").count() == 0, path
            unlabeled = page.evaluate(
                "[...document.querySelectorAll('input')].filter(i => !i.labels.length).length"
            )
            assert unlabeled == 0, path
            assert page.evaluate(CONTRAST_JS) == [], (path, scheme)
        # Keyboard: the first Tab shows the skip link, with a visible focus outline.
        page.goto(base_url + f"episodes/{EP1}/")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.textContent, s.outlineStyle,"
            " parseFloat(s.outlineWidth)]; })()"
        )
        assert focused[0] == "Skip to content" and focused[1] == "solid" and focused[2] >= 2
    finally:
        context.close()


RUNS = "runs Monday 28 September 2026 to Sunday 11 October 2026."


@pytest.mark.parametrize(
    "reader_day, heading, sentence, badges",
    [
        ("2026-10-05", "open now", f"7 days left: {RUNS}", ["Open", "Upcoming"]),  # build day
        ("2026-10-11", "open now", f"Last day today: {RUNS}", ["Open", "Upcoming"]),
        (
            "2026-09-26",
            "next topic",
            "Starts in 2 days, on Monday 28 September 2026 (until Sunday 11 October 2026).",
            ["Upcoming", "Upcoming"],
        ),
        (
            "2026-10-20",
            "closed",
            "Ran Monday 28 September 2026 to Sunday 11 October 2026; the club page has what "
            "comes next.",
            ["Closed", "Open"],
        ),
    ],
)
def test_club_dates_follow_the_readers_today(
    base_url, watched, reader_day, heading, sentence, badges
):
    """The site is built once; a reader days later sees the days left and the cycle
    states of their own day, not of the build day."""
    page = watched.page
    page.clock.set_fixed_time(f"{reader_day}T10:00:00")
    page.goto(base_url)
    page.wait_for_load_state("load")
    assert page.locator(".club-now h2").inner_text().endswith(f": {heading}")
    assert page.locator(".club-now .cycle-when").inner_text() == sentence
    page.goto(base_url + "club/")
    page.wait_for_load_state("load")
    assert page.locator(".club-timeline .badge").all_inner_texts() == badges
    assert watched.errors == []
