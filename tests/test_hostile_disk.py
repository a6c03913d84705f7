"""Full disks, file-size limits and read-only targets (issue 20): the lock, guids.yaml,
club files, the staging site and the old site. Each is a message naming the path and
what to do, exit 1, with the sources unchanged and the previous site intact.

Tests run as root, for whom permissions do not stop a write: read-only targets are made
immutable (chattr +i), a full disk is a small tmpfs (where mounting is allowed), and a
file-size limit is RLIMIT_FSIZE in the podpipe subprocess (the kernel then answers
EFBIG, as it answers ENOSPC on a full disk)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.hostile_helpers import assert_clean_failure, run_cli
from tests.show_helpers import copy_sample_show, tree_bytes

TODAY = "2026-11-24"
RESULTS = Path("club/sql-window-functions.yaml")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The sample show without transcription (fast), published once."""
    show = copy_sample_show(tmp_path_factory.mktemp("disk") / "show")
    yaml = show / "show.yaml"
    yaml.write_text(
        yaml.read_text().replace("transcription:\n", "transcription:\n  enabled: false\n")
    )
    result = run_cli("publish", "--today", TODAY, cwd=show, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return show


@pytest.fixture
def show(published, tmp_path) -> Iterator[Path]:
    dest = tmp_path / "show"
    shutil.copytree(published, dest, symlinks=True)
    yield dest
    subprocess.run(["chattr", "-R", "-i", str(dest)], capture_output=True)


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Paths even root cannot change (chattr +i); skips the test where that is not
    supported."""
    done = []
    try:
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip("chattr +i is not supported here")
            done.append(path)
        yield
    finally:
        for path in done:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def _many_results(n: int) -> str:
    """Results whose long summaries fill the club page (the notes list names only)."""
    return "results:\n" + "".join(
        f"  - name: Participant {i}\n    url: https://p{i}.example.org/result\n"
        f"    summary: {'A summary long enough to fill the page. ' * 24}\n"
        for i in range(n)
    )


def _site_and_sources(show: Path) -> tuple[dict, dict]:
    sources = {k: v for k, v in tree_bytes(show).items() if not k.startswith((".podpipe", "site"))}
    return tree_bytes(show / "site"), sources


def _add(show: Path, **kw) -> subprocess.CompletedProcess:
    return run_cli(
        "club", "add", "sql-window-functions", "--name", "Ann",
        "--url", "https://ann.example.org/window", cwd=show, **kw,
    )  # fmt: skip


# --------------------------------------------------------------------------- club files


def test_club_add_over_the_file_size_limit_names_the_file_and_changes_nothing(show):
    file = show / RESULTS
    before = file.read_bytes()
    result = _add(show, fsize=len(before) // 2)
    assert_clean_failure(
        result, 1, f"{file}: the file would pass the file-size limit of this process"
    )
    assert file.read_bytes() == before
    assert sorted(p.name for p in file.parent.iterdir()) == sorted(
        p.name for p in (show / "club").iterdir()
    )
    assert not list(file.parent.glob(".*.tmp"))


def test_club_add_into_a_read_only_club_folder_says_what_to_do(show):
    file = show / RESULTS
    before = file.read_bytes()
    with immutable(show / "club"):
        result = _add(show)
    assert_clean_failure(result, 1, f"{show / 'club'}", "not writable", "make it and its folder")
    assert file.read_bytes() == before


def test_club_add_on_a_full_disk_names_the_space_needed(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        show = copy_sample_show(mount / "show")
        file = show / RESULTS
        before = file.read_bytes()
        filler = mount / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        result = _add(show)
        assert_clean_failure(result, 1, "no space left on the device", "bytes needed", "free")
        assert file.read_bytes() == before
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


# --------------------------------------------------------------------------- publish


def test_a_read_only_lock_is_a_message_naming_it(show):
    lock = show / ".podpipe" / "lock"
    lock.touch()
    with immutable(lock):
        result = run_cli("publish", "--today", TODAY, "--force", cwd=show)
    assert_clean_failure(result, 1, f"{lock}: not writable")


def test_a_read_only_guid_registry_is_a_message_and_the_site_stays(show):
    registry = show / "guids.yaml"
    text = registry.read_text()
    registry.write_text(text.split("  - folder: 003-windows-and-plots")[0])
    site, _ = _site_and_sources(show)
    with immutable(registry):
        result = run_cli("publish", "--today", TODAY, cwd=show)
    assert_clean_failure(result, 1, f"{registry}: not writable")
    assert tree_bytes(show / "site") == site


def test_a_file_size_limit_while_the_site_is_built_keeps_the_previous_site(show):
    (show / RESULTS).write_text(_many_results(400), encoding="utf-8")
    site, sources = _site_and_sources(show)
    result = run_cli("publish", "--today", TODAY, cwd=show, fsize=300_000)
    page = show / ".site.staging" / "club" / "sql-window-functions" / "index.html"
    assert_clean_failure(result, 1, f"{page}: the file would pass the file-size limit")
    assert _site_and_sources(show) == (site, sources)
    assert not (show / ".site.staging").exists()


def test_a_read_only_site_folder_is_a_message_and_nothing_changes(show):
    (show / RESULTS).write_text(_many_results(2), encoding="utf-8")
    site, sources = _site_and_sources(show)
    with immutable(show / "site"):
        result = run_cli("publish", "--today", TODAY, cwd=show)
    assert_clean_failure(result, 1, f"{show / 'site'}: not writable")
    assert _site_and_sources(show) == (site, sources)
    assert not (show / ".site.staging").exists()


def test_an_old_site_that_cannot_be_removed_leaves_the_new_one_and_says_so(show):
    (show / RESULTS).write_text(_many_results(2), encoding="utf-8")
    stuck = show / "site" / "feed.xml"
    with immutable(stuck):
        result = run_cli("publish", "--today", TODAY, cwd=show)
        out = result.stdout + result.stderr
        assert result.returncode == 0 and "Traceback" not in out, out
        assert "the new site is in place, but the previous one could not be removed" in out
        assert (
            "Participant 1"
            in (show / "site" / "club" / "sql-window-functions" / "index.html").read_text()
        )
        (show / RESULTS).write_text(_many_results(3), encoding="utf-8")
        again = run_cli("publish", "--today", TODAY, cwd=show)
        assert_clean_failure(
            again, 1, "a previous site left here cannot be removed", "remove", ".site.staging"
        )


def test_a_template_that_includes_itself_is_a_message_naming_it(show):
    templates = show / "templates"
    templates.mkdir()
    (templates / "episode.html").write_text('{% include "episode.html" %}\n')
    site, _ = _site_and_sources(show)
    result = run_cli("publish", "--today", TODAY, cwd=show, timeout=120)
    assert_clean_failure(
        result,
        1,
        f"template {templates / 'episode.html'} includes itself (episode.html -> episode.html)",
    )
    assert tree_bytes(show / "site") == site


def test_a_pull_request_with_unsafe_characters_does_not_stop_the_publish(show):
    from lxml import etree, html

    file = show / RESULTS
    file.write_text(
        file.read_text(encoding="utf-8")
        + '  - name: "Mal\\uFFFElory \\e[31m"\n    title: "Half \\uD800 pair"\n'
        "    url: https://mallory.example.org/r\n"
        '    links: ["https://x.example.org/\\x01"]\n',
        encoding="utf-8",
    )
    result = run_cli("publish", "--today", TODAY, cwd=show)
    out = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in out, out
    assert f"{file}:" in out
    assert re.search(r"results\[\d+\]\.name: U\+FFFE \(a noncharacter\)", out), out
    assert "\x1b" not in out
    etree.parse(str(show / "site" / "feed.xml"))
    page = (show / "site" / "club" / "sql-window-functions" / "index.html").read_bytes()
    assert b"Mallory" in page and "\ufffe".encode() not in page
    for path in (show / "site").rglob("*.html"):
        html.fromstring(path.read_bytes())
