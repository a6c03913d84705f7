"""Issue 17: a plain publish with nothing to do tells from the record of the last one
(a stat per file, no YAML parsed), and any change, or an option asking for work, falls
back to the full check."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import subprocess
import sys

import pytest

from podpipe import pipeline, uptodate
from podpipe.feed import guid_cache
from tests.scale_helpers import edit_title, episode_folder, generated_show
from tests.show_helpers import podpipe

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    root = generated_show(tmp_path_factory.mktemp("uptodate") / "show", 3)
    assert not pipeline.publish(root, today=TODAY).failed
    return root


def test_the_first_publish_keeps_guids_yaml_for_the_next(show):
    """A publish that added GUID records keeps the registry read back (the plain no-op
    after it never reads guids.yaml, so the first edit would parse it otherwise)."""
    kept = guid_cache.cached(show / "guids.yaml", show / ".podpipe")
    assert kept is not None and len(kept.records) == 3


def test_an_unchanged_show_has_nothing_to_do(show):
    assert uptodate.nothing_to_do(show, TODAY) == show / "site"
    for option in ({"only": ("1",)}, {"force": True}, {"dry_run": True}):
        assert uptodate.nothing_to_do(show, TODAY, **option) is None
    assert uptodate.nothing_to_do(show, TODAY, cluster="tcp://127.0.0.1:1") is None
    assert uptodate.nothing_to_do(show, TODAY + dt.timedelta(days=1)) is None


@pytest.mark.parametrize(
    "change",
    ["edit an episode", "add a file", "new templates folder", "site by hand", "cluster env"],
)
def test_any_change_falls_back_to_the_full_check(show, change, monkeypatch):
    assert uptodate.nothing_to_do(show, TODAY)
    folder = show / "episodes" / episode_folder(2)
    if change == "edit an episode":
        edit_title(show, 2, "Two, edited")
    elif change == "add a file":
        (folder / "notes.md").write_text("more")
    elif change == "new templates folder":
        (show / "templates").mkdir()
    elif change == "site by hand":
        page = show / "site" / "index.html"
        page.write_bytes(page.read_bytes() + b"<!-- by hand -->")
    else:
        monkeypatch.setenv("PODPIPE_CLUSTER", "tcp://127.0.0.1:1")
    assert uptodate.nothing_to_do(show, TODAY) is None
    monkeypatch.delenv("PODPIPE_CLUSTER", raising=False)
    # the full check publishes what changed (or finds nothing) and records anew
    assert not pipeline.publish(show, today=TODAY).failed
    assert uptodate.nothing_to_do(show, TODAY) == show / "site"
    if change == "new templates folder":
        os.rmdir(show / "templates")
        assert uptodate.nothing_to_do(show, TODAY) is None
        pipeline.publish(show, today=TODAY)


def test_the_cli_says_nothing_changed_without_reading_the_show(show):
    pipeline.publish(show, today=TODAY)
    result = podpipe("publish", "--today", str(TODAY), cwd=show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == uptodate.NOTHING_CHANGED.format(site=show / "site")
    quiet = podpipe("-q", "publish", "--today", str(TODAY), cwd=show)
    assert quiet.returncode == 0 and quiet.stdout + quiet.stderr == ""
    # no YAML parser, no stage module loaded
    code = (
        "import sys; from podpipe.cli.main import main\n"
        f"sys.argv = ['podpipe', 'publish', '--today', '{TODAY}']\n"
        "try: main()\n"
        "except SystemExit as e: assert e.code == 0\n"
        "print(' '.join(m for m in ('ruamel', 'podpipe.pipeline', 'jinja2') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(uptodate.Path(uptodate.__file__).parent.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=show, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == ""  # none of them


def test_a_copied_show_is_left_to_the_full_check(show, tmp_path):
    pipeline.publish(show, today=TODAY)
    copy = tmp_path / "copy"
    shutil.copytree(show, copy, symlinks=True)
    assert uptodate.nothing_to_do(copy, TODAY) is None
    edit_title(copy, 1, "One, in the copy")
    assert uptodate.nothing_to_do(show, TODAY) == show / "site"
    result = pipeline.publish(copy, today=TODAY)
    assert result.site_updated
    assert "One, in the copy" in (copy / "site" / "feed.xml").read_text()


def test_a_running_publish_is_left_to_the_full_check(show):
    pipeline.publish(show, today=TODAY)
    with open(show / ".podpipe" / "lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert uptodate.nothing_to_do(show, TODAY) is None
        busy = podpipe("publish", "--today", str(TODAY), cwd=show)
    assert busy.returncode != 0 and "another podpipe publish is running" in busy.stderr


def test_the_site_tree_hash_serves_both_records(tmp_path):
    """One walk after a publish gives uptodate's record and the site's stamp: the hash
    must not depend on where the tree is or the order it is listed in, must leave hidden
    folders (a deploy's state) out, and must see any file's size or mtime change."""
    site = tmp_path / "a" / "site"
    (site / "episodes" / "e1").mkdir(parents=True)
    (site / "index.html").write_text("home")
    (site / "episodes" / "e1" / "index.html").write_text("one")
    first = uptodate.tree_hash(site)
    copy = tmp_path / "b" / "elsewhere"
    shutil.copytree(site, copy)
    assert uptodate.tree_hash(copy) == first
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref")
    assert uptodate.tree_hash(site) == first
    page = site / "episodes" / "e1" / "index.html"
    page.write_text("two")  # same size, new mtime
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    assert uptodate.tree_hash(site) != first
    page.unlink()
    assert uptodate.tree_hash(site) != first
