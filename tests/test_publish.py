"""`podpipe publish` end to end on a copy of the sample show: real audio, real Whisper,
real feed, real site. The expensive first publish is done once per test session."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from podpipe import pipeline
from tests.show_helpers import REPO, copy_sample_show, podpipe, tree_bytes

pytestmark = pytest.mark.slow
TODAY = "2026-11-24"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The sample show, published once (the README's first command, minus the install)."""
    show = copy_sample_show(tmp_path_factory.mktemp("published") / "show")
    result = podpipe("publish", "--today", TODAY, cwd=show)
    assert result.returncode == 0, result.stdout + result.stderr
    return show


@pytest.fixture
def show_copy(published, tmp_path) -> Path:
    """A private copy of the published show (sources, cache and site) to change."""
    dest = tmp_path / "show"
    shutil.copytree(published, dest, symlinks=True)
    return dest


def feed_items(show: Path) -> list[ElementTree.Element]:
    return ElementTree.parse(show / "site" / "feed.xml").getroot().findall("./channel/item")


def test_fresh_publish_builds_feed_and_site(published):
    site = published / "site"
    assert (site / "index.html").is_file()
    items = feed_items(published)
    assert len(items) == 3
    for item in items:
        enclosure = item.find("enclosure")
        url = enclosure.get("url")
        assert url.startswith("https://podcast.example.org/episodes/")
        assert enclosure.get("type") == "audio/mpeg"
        local = site / url.removeprefix("https://podcast.example.org/")
        assert int(enclosure.get("length")) == local.stat().st_size
    # Real work happened: real transcripts, real loudness.
    vtt = (site / "episodes/002-groupby-stories/transcript.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "learning out loud" in vtt.lower()
    from podpipe.media import measure

    loudness = measure(site / "episodes/002-groupby-stories/002-groupby-stories.mp3")
    assert abs(loudness.integrated_lufs - -16) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0 + 0.05


def test_sources_are_never_modified(published):
    assert tree_bytes(published / "episodes") == tree_bytes(REPO / "episodes")
    assert (published / "show.yaml").read_bytes() == (REPO / "show.yaml").read_bytes()


def test_second_publish_does_nothing(show_copy):
    before = tree_bytes(show_copy / "site")
    result = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stderr
    assert "Nothing changed since the last publish" in result.stdout
    assert tree_bytes(show_copy / "site") == before


def test_editing_notes_redoes_only_that_episodes_notes(show_copy):
    ep = show_copy / "episodes/003-windows-and-plots/episode.yaml"
    ep.write_text(
        ep.read_text().replace(
            "Dmitri Volkov teaches SQL", "Dmitri Volkov teaches SQL and statistics"
        )
    )
    result = pipeline.publish(show_copy, today=dt.date.fromisoformat(TODAY))
    assert result.exit_code == 0
    done = {o.episode.slug: o.done for o in result.outcomes}
    assert done["003-windows-and-plots"] == {
        "audio": "reused",
        "transcript": "reused",
        "notes": "done",
    }
    for slug in ("001-why-a-learning-club", "002-groupby-stories"):
        assert done[slug] == {"audio": "reused", "transcript": "reused", "notes": "reused"}
    page = (show_copy / "site/episodes/003-windows-and-plots/index.html").read_text()
    assert "teaches SQL and statistics" in page


def test_force_redoes_everything(show_copy):
    result = pipeline.publish(
        show_copy, force=True, only=("2",), today=dt.date.fromisoformat(TODAY)
    )
    done = {o.episode.slug: o.done for o in result.outcomes}
    assert done["002-groupby-stories"]["audio"] == "done"
    assert done["002-groupby-stories"]["transcript"] == "done"
    assert len(feed_items(show_copy)) == 3  # the others are still listed


def test_dry_run_changes_nothing(show_copy):
    ep = show_copy / "episodes/001-why-a-learning-club/episode.yaml"
    ep.write_text(ep.read_text().replace("Why a learning club?", "Why learn together?"))
    before = tree_bytes(show_copy / "site")
    result = podpipe("publish", "--dry-run", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stderr
    assert "Dry run" in result.stdout
    assert tree_bytes(show_copy / "site") == before


def test_corrupt_episode_fails_by_name_and_keeps_the_site(show_copy):
    before = tree_bytes(show_copy / "site")
    audio = show_copy / "episodes/002-groupby-stories/interview.mp3"
    audio.write_bytes(b"this is not audio at all" * 100)
    result = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 1
    assert "FAILED: 002-groupby-stories:" in result.stdout
    assert "interview.mp3" in result.stdout
    assert tree_bytes(show_copy / "site") == before
    assert audio.read_bytes() == b"this is not audio at all" * 100  # the source is untouched


def test_second_publish_at_once_refuses(show_copy):
    with pipeline.show_lock(pipeline.load(show_copy)[0]):
        result = podpipe("publish", "--force", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 1
    assert "another podpipe publish is running" in result.stderr


@pytest.mark.parametrize("delay", [0.3, 1.5, 4.0, 8.0])
def test_killed_publish_leaves_previous_site_intact(show_copy, delay):
    """SIGKILL at several points of a full rebuild; then a publish completes."""
    before = tree_bytes(show_copy / "site")
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "podpipe", "publish", "--force", "--today", TODAY],
        cwd=show_copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = tree_bytes(show_copy / "site")
    if after != before:
        # Only legitimate if the run had finished the swap: then the site is complete.
        assert (show_copy / "site/feed.xml").is_file() and len(feed_items(show_copy)) == 3
    result = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stderr
    assert len(feed_items(show_copy)) == 3


def test_summary_reports_loudness_and_words(published, tmp_path):
    show = tmp_path / "s"
    shutil.copytree(published, show)
    (show / ".podpipe/published.fingerprint").unlink()
    result = podpipe("publish", "--today", TODAY, cwd=show)
    assert result.returncode == 0
    assert "reused" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "001-why-a-learning-club" in line)
    report = json.loads(next((show / ".podpipe/stages/audio").glob("*/report.json")).read_text())
    assert report["output_lufs"] is not None
    # The publish summary shows the audio report: loudness in and out, peak, LRA, gain.
    reports = [
        json.loads(p.read_text()) for p in (show / ".podpipe/stages/audio").glob("*/report.json")
    ]
    shown = [
        f"{r['input_lufs']:.1f} > {r['output_lufs']:.1f} LUFS  {r['output_true_peak_dbtp']:.1f} dBTP"
        f"  {r['input_lra']:.1f} > {r['output_lra']:.1f} LU  {r['gain_db']:+.1f} dB"
        for r in reports
    ]
    # (columns are padded to the widest cell: compare the words)
    assert any(" ".join(cells.split()) in " ".join(row.split()) for cells in shown), (row, shown)


def test_a_fresh_publish_gives_the_same_mp3_bytes(published, tmp_path):
    """Episode 1 is a multitrack episode (alignment, restoration and crossgate per track,
    the mix spooled or not): published again into a fresh cache, every byte is the same."""
    show = copy_sample_show(tmp_path / "show")
    result = podpipe("publish", "--only", "1", "--today", TODAY, cwd=show)
    assert result.returncode == 0, result.stdout + result.stderr
    mp3 = "site/episodes/001-why-a-learning-club/001-why-a-learning-club.mp3"
    assert (show / mp3).read_bytes() == (published / mp3).read_bytes()


def test_fresh_clone_publishes_offline(tmp_path):
    """The README's first command on a clean clone of the committed repository."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    if not (clone / "podpipe").is_dir():
        pytest.skip("nothing committed yet")
    result = subprocess.run(
        [sys.executable, "-m", "podpipe", "publish"],
        cwd=clone,
        env={**os.environ, "PYTHONPATH": str(clone), "NO_COLOR": "1", "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (clone / "site/index.html").is_file()
    items = feed_items(clone)
    assert len(items) == 3
    for item in items:
        enclosure = item.find("enclosure")
        local = clone / "site" / enclosure.get("url").removeprefix("https://podcast.example.org/")
        assert int(enclosure.get("length")) == local.stat().st_size


def test_real_podcast_clients_read_the_sample_feed(published):
    """gPodder's parser and feedparser read back what the show says."""
    import feedparser
    import podcastparser
    from mutagen.mp3 import MP3

    from podpipe.config import load_show
    from podpipe.feed.guids import assign

    show = load_show(published)
    guids = assign(show, published / "guids.yaml").episodes
    feed_path = published / "site/feed.xml"
    with feed_path.open("rb") as f:
        gpodder = podcastparser.parse(show.feed_url, f)
    parsed = feedparser.parse(feed_path.read_bytes())
    assert gpodder["title"] == parsed.feed.title == show.title
    by_title = {e["title"]: e for e in gpodder["episodes"]}
    assert set(by_title) == {e.title for e in show.episodes}
    for ep in show.episodes:
        item = by_title[ep.title]
        mp3 = published / "site" / "episodes" / ep.slug / f"{ep.slug}.mp3"
        (enclosure,) = item["enclosures"]
        assert enclosure["url"] == f"{show.base_url}episodes/{ep.slug}/{ep.slug}.mp3"
        assert enclosure["file_size"] == mp3.stat().st_size
        assert abs(item["total_time"] - MP3(mp3).info.length) <= 1
        assert item["guid"] == guids[ep.slug]
        assert item["number"] == ep.number
    for entry in parsed.entries:
        assert entry.id in guids.values()
        assert entry.link.startswith(show.base_url + "episodes/")


def test_status_is_up_to_date_after_publish_and_stale_after_an_edit(show_copy):
    result = podpipe("status", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if line[:1].isdigit()]
    assert len(rows) == 3 and all("stale" not in r for r in rows)
    ep = show_copy / "episodes/002-groupby-stories/episode.yaml"
    ep.write_text(ep.read_text().replace("three of your projects", "four of your projects"))
    result = podpipe("status", "--today", TODAY, cwd=show_copy)
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line[:1].isdigit()}
    assert "stale" in rows["002-groupby-stories"]
    assert "stale" not in rows["001-why-a-learning-club"]
    assert "Some episodes are stale: run podpipe publish." in result.stdout


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_sample_site_in_a_browser_search_lands_at_the_moment(published):
    """Search a phrase Whisper heard in one sample episode; the hit plays from there."""
    import threading

    sync_api = pytest.importorskip("playwright.sync_api")
    from podpipe.site.serve import make_server
    from tests.test_site_browser import ARGS, SCREENSHOTS

    segments = json.loads(
        (published / "site/episodes/002-groupby-stories/transcript.json").read_text()
    )["segments"]
    cue = next(s for s in segments if len(s["body"].split()) >= 6)
    phrase = " ".join(cue["body"].split()[1:4]).strip(".,?!").lower()
    server = make_server(published / "site", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page()
            page.goto(base + "search/?q=" + phrase.replace(" ", "%20"))
            hits = page.locator("#hits li a")
            hits.first.wait_for()
            hrefs = [hits.nth(i).get_attribute("href") for i in range(hits.count())]
            assert any(h.startswith("../episodes/002-groupby-stories/#t=") for h in hrefs), hrefs
            target = next(h for h in hrefs if h.startswith("../episodes/002-groupby-stories/"))
            seconds = float(target.split("#t=")[1])
            assert abs(seconds - cue["startTime"]) < 0.01
            page.locator(f'#hits li a[href="{target}"]').first.click()
            page.wait_for_function("document.getElementById('player').readyState >= 1")
            page.wait_for_function(
                f"Math.abs(document.getElementById('player').currentTime - {seconds}) < 0.3"
            )
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for width, label in ((1280, "desktop"), (390, "phone")):
                page.set_viewport_size({"width": width, "height": 900})
                for name, path in (
                    ("home", ""),
                    ("episode", "episodes/003-windows-and-plots/"),
                    ("topic", "club/sql-window-functions/"),
                ):
                    page.goto(base + path)
                    page.screenshot(
                        path=str(SCREENSHOTS / f"sample-{name}-{label}.png"), full_page=True
                    )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


def test_serve_watch_publishes_again_when_notes_change(show_copy):
    """`podpipe serve --watch`: edit a note, reload the page, see the edit."""
    import re
    import urllib.request

    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "podpipe", "serve", "--watch", "--port", "0"],
        cwd=show_copy,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        for line in proc.stderr:
            found = re.search(r"at (http://\S+/)", line)
            if found:
                url = found[1]
            if line.startswith("Watching"):
                break
        assert url, "serve did not say where it listens"
        page = url + "episodes/003-windows-and-plots/"
        assert "and statistics" not in urllib.request.urlopen(page).read().decode()
        ep = show_copy / "episodes/003-windows-and-plots/episode.yaml"
        ep.write_text(ep.read_text().replace("teaches SQL", "teaches SQL and statistics"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "and statistics" in urllib.request.urlopen(page).read().decode():
                break
            time.sleep(0.5)
        else:
            pytest.fail("the page did not change after the edit")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_site_changed_by_hand_is_repaired(show_copy):
    (show_copy / "site/episodes/001-why-a-learning-club/transcript.srt").unlink()
    result = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0
    assert "Nothing changed" not in result.stdout
    assert (show_copy / "site/episodes/001-why-a-learning-club/transcript.srt").is_file()
    assert podpipe("check", cwd=show_copy).returncode == 0


def test_only_leaves_the_other_episodes_as_last_published(show_copy):
    """--only 2 must not drop or change episode 1, even after its sources changed."""
    site = show_copy / "site"
    ep1_mp3 = site / "episodes/001-why-a-learning-club/001-why-a-learning-club.mp3"
    before_mp3 = ep1_mp3.read_bytes()
    ep = show_copy / "episodes/001-why-a-learning-club/episode.yaml"
    # its notes and its audio change (a multitrack episode: one track turned up)
    text = ep.read_text().replace("Ben Okafor runs a study group", "Ben runs a club")
    assert "    speaker: Ben Okafor\n" in text
    ep.write_text(
        text.replace("    speaker: Ben Okafor\n", "    speaker: Ben Okafor\n    gain_db: 4\n")
    )
    result = podpipe("publish", "--only", "2", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(feed_items(show_copy)) == 3
    assert ep1_mp3.read_bytes() == before_mp3
    page = (site / "episodes/001-why-a-learning-club/index.html").read_text()
    assert "Ben Okafor runs a study group" in page and "Ben runs a club" not in page
    assert "kept" in result.stdout
    result = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0
    assert ep1_mp3.read_bytes() != before_mp3
    assert "Ben runs a club" in (site / "episodes/001-why-a-learning-club/index.html").read_text()


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("episode.html", "{{ broken", "templates/episode.html, line 1: unexpected end of template"),
        ("notes.md.j2", "{% if %}", "templates/notes.md.j2, line 1"),
        ("index.html", "{{ show.nonexistent.attr }}", "template error:"),
    ],
)
def test_a_broken_override_template_is_a_message_and_keeps_the_site(
    show_copy, name, text, expected
):
    before = tree_bytes(show_copy / "site")
    (show_copy / "templates").mkdir(exist_ok=True)
    (show_copy / "templates" / name).write_text(text)
    result = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stdout + result.stderr
    assert tree_bytes(show_copy / "site") == before


def test_moving_the_site_keeps_the_shows_podcast_guid(show_copy):
    """A new base_url changes every link in the feed but not the show's identity: the
    podcast:guid recorded in guids.yaml stays, so podcast indexes follow the move."""
    guid = "<podcast:guid>375e050f-7f52-5e9b-9cfc-9414515d1a5b</podcast:guid>"
    assert guid in (show_copy / "site" / "feed.xml").read_text()
    show_yaml = show_copy / "show.yaml"
    text = show_yaml.read_text()
    show_yaml.write_text(text.replace("https://podcast.example.org/", "https://new.example.net/"))
    result = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    feed = (show_copy / "site" / "feed.xml").read_text()
    assert "https://new.example.net/feed.xml" in feed and "podcast.example.org" not in feed
    assert guid in feed


def test_episode_page_says_each_thing_once(published):
    """Summary, guests and chapters appear once on the page; the notes section holds the
    host's text and the club announcement."""
    page = (published / "site" / "episodes" / "001-why-a-learning-club" / "index.html").read_text()
    page = page.split("<body>", 1)[
        1
    ]  # what the reader sees (the head's sharing card repeats the summary)
    summary = "Ada and Ben Okafor talk about learning in public, and we announce our first topic."
    assert page.count(summary) == 1
    assert page.count('href="https://example.org/ben"') == 1
    assert page.count(">Learning in public<") == 1
    notes = page.split('id="notes"', 1)[1].split("</section>", 1)[0]
    assert "Ben Okafor runs a study group" in notes and "next topic" in notes


def test_new_artwork_shows_in_status_and_dry_run_without_a_crash(show_copy):
    """Only the cover changed: the MP3s' tags would change, nothing else."""
    from PIL import Image

    Image.new("RGB", (1400, 1400), (200, 30, 30)).save(show_copy / "artwork.png")
    status = podpipe("status", "--today", TODAY, cwd=show_copy)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "The site is older than the show" in status.stdout
    dry = podpipe("publish", "--dry-run", "--today", TODAY, cwd=show_copy)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "Dry run" in dry.stdout
    Image.new("RGBA", (1000, 1000)).save(show_copy / "artwork.png")
    status = podpipe("status", "--today", TODAY, cwd=show_copy)
    assert status.returncode == 2
    assert "artwork is 1000x1000 px" in status.stdout


def test_status_after_a_failed_publish_says_the_site_is_behind(show_copy):
    """A failed publish keeps the old site; once the failure is fixed, the stage cache is
    complete, but the site still lacks the edit: status must not say up to date."""
    ep = show_copy / "episodes/001-why-a-learning-club/episode.yaml"
    ep.write_text(ep.read_text().replace("learning together", "learning side by side"))
    audio = show_copy / "episodes/002-groupby-stories/interview.mp3"
    good = audio.read_bytes()
    audio.write_bytes(b"not audio" * 100)
    assert podpipe("publish", "--today", TODAY, cwd=show_copy).returncode == 1
    audio.write_bytes(good)
    status = podpipe("status", "--today", TODAY, cwd=show_copy)
    assert "Everything is up to date" not in status.stdout
    assert "The site is older than the show" in status.stdout
    assert podpipe("publish", "--today", TODAY, cwd=show_copy).returncode == 0
    status = podpipe("status", "--today", TODAY, cwd=show_copy)
    assert "Everything is up to date" in status.stdout


def test_status_lists_what_check_lists(show_copy):
    check = podpipe("check", cwd=show_copy)
    status = podpipe("status", "--today", TODAY, cwd=show_copy)
    warnings = [line.strip() for line in check.stdout.splitlines() if "warning: " in line]
    assert warnings, check.stdout  # the sample's example.org addresses
    for warning in warnings:
        assert warning.split("warning: ")[-1] in status.stdout


def test_audio_settings_redo_the_audio_but_not_the_notes(show_copy):
    show_yaml = show_copy / "show.yaml"
    text = show_yaml.read_text()
    assert "target_lufs: -16" in text
    show_yaml.write_text(text.replace("target_lufs: -16", "target_lufs: -18"))
    result = pipeline.publish(show_copy, today=dt.date.fromisoformat(TODAY))
    assert result.exit_code == 0
    for outcome in result.outcomes:
        assert outcome.done == {"audio": "done", "transcript": "reused", "notes": "reused"}


def test_publish_quiet_prints_nothing_on_success(show_copy):
    result = podpipe("publish", "--force", "-q", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def test_results_dated_ahead_are_left_out_everywhere_and_named(show_copy):
    """Publishing as of 2026-10-09: the groupby results dated 2026-10-10 and 2026-10-13
    are in neither the notes, the feed nor the pages, and a warning says so."""
    result = podpipe("publish", "--today", "2026-10-09", cwd=show_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is dated 2026-10-13, after today (2026-10-09): it is left out" in result.stdout
    late = "priyaraman"
    site = show_copy / "site"
    for path in (
        site / "feed.xml",
        site / "episodes/002-groupby-stories/index.html",
        site / "club/pandas-groupby/index.html",
    ):
        assert late not in path.read_text().lower(), path
    status = podpipe("status", "--today", "2026-10-09", cwd=show_copy)
    assert "2026-09-28 to 2026-10-11, 1 result(s)" in status.stdout  # only 2026-10-08's


def test_an_episode_dated_ahead_is_named_in_publish_and_status(show_copy):
    """podpipe does not schedule: an episode dated after today goes out now; the host is
    told, in publish and in status."""
    for command in ("publish", "status"):
        result = podpipe(command, "--today", "2026-11-01", cwd=show_copy)
        assert result.returncode == 0, result.stdout + result.stderr
        assert (
            "003-windows-and-plots/episode.yaml:3: date: episode 3 is dated 2026-11-05, after "
            "today (2026-11-01): publishing puts it in the feed now" in result.stdout
        ), command


def test_an_only_publish_that_leaves_nothing_behind_counts_as_complete(show_copy):
    result = podpipe("publish", "--only", "1", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    status = podpipe("status", "--today", TODAY, cwd=show_copy)
    assert "Everything is up to date" in status.stdout
    again = podpipe("publish", "--today", TODAY, cwd=show_copy)
    assert "Nothing changed since the last publish" in again.stdout
    # An edit to another episode, then --only 1: the site is not what a full publish makes.
    ep = show_copy / "episodes/002-groupby-stories/episode.yaml"
    ep.write_text(ep.read_text().replace("three of your projects", "four of your projects"))
    assert podpipe("publish", "--only", "1", "--today", TODAY, cwd=show_copy).returncode == 0
    status = podpipe("status", "--today", TODAY, cwd=show_copy)
    assert "Everything is up to date" not in status.stdout


def test_verbose_publish_says_what_each_stage_did(show_copy):
    result = podpipe("publish", "--only", "1", "--force", "-v", "--today", TODAY, cwd=show_copy)
    assert result.returncode == 0, result.stderr
    assert "audio 001-why-a-learning-club: done in" in result.stderr
    assert "transcript 001-why-a-learning-club: done in" in result.stderr
    assert "cache key" not in result.stderr  # that is -vv
