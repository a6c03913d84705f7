"""axe-core (the accessibility engine behind Lighthouse and browser extensions) on every
page of the site, in Debian's Chromium, in the light and the dark colour scheme: no
violation of impact "serious" or "critical" (WCAG 2.1 AA and axe's best practices).

axe-core comes from npm: `npm install --prefix tests/.npm axe-core@4` (.ci/run does it);
AXE_CORE_JS may point at another copy of axe.min.js.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from tests.test_site_browser import (  # noqa: F401  (pytest fixtures)
    CHROMIUM,
    EP1,
    base_url,
    browser,
    fx,
)

HERE = Path(__file__).resolve().parent
BAD = ("serious", "critical")
# Pages the issue names; each must be among the site's pages (people pages: when built).
NAMED = ["", f"episodes/{EP1}/", f"episodes/{EP1}/transcript.html", "club/", "search/"]


def axe_script() -> Path | None:
    candidates = [os.environ.get("AXE_CORE_JS"), HERE / ".npm/node_modules/axe-core/axe.min.js"]
    npm = shutil.which("npm")
    if npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()
        if root:
            candidates.append(Path(root) / "axe-core" / "axe.min.js")
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


AXE = axe_script()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(
        AXE is None, reason="needs axe-core: npm install --prefix tests/.npm axe-core@4"
    ),
]


def site_pages(fx) -> list[str]:  # noqa: F811
    """Every page the sitemap lists, as paths below the site root (people pages too)."""
    root = etree.parse(str(fx.site / "sitemap.xml")).getroot()
    base = fx.show.base_url
    return [loc.text[len(base) :] for loc in root.iter("{*}loc")]


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
          const r = await axe.run(document, { resultTypes: ["violations"] });
          return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary).slice(0, 5) }));
        }"""
    )


def test_the_pages_the_issue_names_are_checked(fx):  # noqa: F811
    pages = site_pages(fx)
    assert set(NAMED) <= set(pages)
    assert any(p.startswith("club/") and p != "club/" for p in pages)  # a cycle page
    assert "search/?q=welcome" not in pages  # search with results is checked below


def test_axe_finds_a_planted_problem(base_url, browser):  # noqa: F811
    """The check can fail: grey-on-white text and an unlabelled button are reported."""
    page = browser.new_page()
    try:
        page.goto(base_url)
        page.evaluate(
            """() => { const p = document.createElement("p");
              p.textContent = "faint"; p.style.color = "#bbb";
              document.querySelector("main").append(p, document.createElement("button")); }"""
        )
        ids = {v["id"] for v in violations(page) if v["impact"] in BAD}
        assert {"color-contrast", "button-name"} <= ids
    finally:
        page.close()


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_violations(fx, base_url, browser, scheme):  # noqa: F811
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = {}
    try:
        for path in [*site_pages(fx), "search/?q=welcome", f"episodes/{EP1}/#t=10.09"]:
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            if path.startswith("search/?"):
                page.locator("#hits li").first.wait_for()
            bad = [v for v in violations(page) if v["impact"] in BAD]
            if bad:
                found[path] = bad
    finally:
        context.close()
    assert found == {}


def test_on_a_phone_too(fx, base_url, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(base_url + f"episodes/{EP1}/")
        page.wait_for_function("document.querySelector('.pp')")
        page.locator(".cues li").first.wait_for()  # the cues fetched from transcript.json
        assert [v for v in violations(page) if v["impact"] in BAD] == []
    finally:
        context.close()
