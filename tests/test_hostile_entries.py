"""A structurally broken participant entry, merged by pull request (issue 20): a result
missing its url, a wrong type, a list where its mapping belongs, a duplicate. The entry
is left out with a warning naming the file, line and entry; every other result, episode
and page is published; `podpipe check` lists what was left out. The host's own files
(show.yaml, episode.yaml) still stop the publish with a configuration error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree, html

from tests.hostile_helpers import assert_clean_failure, run_cli
from tests.show_helpers import copy_sample_show, tree_bytes

TODAY = "2026-11-24"
RESULTS = Path("club/sql-window-functions.yaml")

BROKEN = (
    "  - name: No Url\n"  # +1: the url missing
    "    title: Forgot the link\n"
    "  - [a, list, where, a, mapping, belongs]\n"  # +3
    "  - name: Wrong Type\n"  # +4
    "    url: https://wrong.example.org/r\n"
    "    title: {a: mapping}\n"  # +6: a mapping where text belongs
    "  - name: Twice\n"  # +7: a duplicate of the file's first result
    "    url: https://lenafischer.example.com/sqlite-running-totals/\n"
    "  - name: Links Mapping\n"  # +9
    "    url: https://links.example.org/r\n"
    "    links: {github: https://github.com/x}\n"  # +11: a mapping where a list belongs
    "  - name: Fine Person\n"
    "    url: https://fine.example.org/r\n"
    "    sumary: a typo\n"  # +14: an unknown key, ignored
)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The sample show without transcription (fast), published once."""
    show = copy_sample_show(tmp_path_factory.mktemp("entries") / "show")
    yaml = show / "show.yaml"
    yaml.write_text(
        yaml.read_text().replace("transcription:\n", "transcription:\n  enabled: false\n")
    )
    result = run_cli("publish", "--today", TODAY, cwd=show, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return show


@pytest.fixture(scope="module")
def merged(published, tmp_path_factory) -> tuple[Path, int, str]:
    """The published show with the broken pull request merged and published again:
    (show, the line before the new entries, the publish's output)."""
    show = tmp_path_factory.mktemp("merged") / "show"
    shutil.copytree(published, show, symlinks=True)
    file = show / RESULTS
    text = file.read_text(encoding="utf-8")
    file.write_text(text + BROKEN, encoding="utf-8")
    result = run_cli("publish", "--today", TODAY, cwd=show, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in out, out
    return show, text.count("\n"), out


def _left_out(base: int) -> list[tuple[int, str, str]]:
    """(line, entry, words) of each warning the broken entries give."""
    return [
        (base + 1, "results[3].url", "result left out: missing: a result needs a url"),
        (base + 3, "results[4]", "result left out: expected a mapping of keys"),
        (base + 6, "results[5].title", "result left out: expected text, found a mapping"),
        (base + 7, "results[6].url", "result left out: duplicate result URL"),
        (base + 11, "results[7].links", "result left out: expected a list, found a mapping"),
        (base + 14, "results[8].sumary", "ignored: unknown key (did you mean 'summary'?)"),
    ]


def test_broken_entries_are_left_out_with_warnings_naming_file_line_and_entry(merged):
    show, base, out = merged
    file = show / RESULTS
    for line, entry, words in _left_out(base):
        assert f"{file}:{line}: {entry}: {words}" in out, out


def test_the_other_results_episodes_and_pages_are_published(merged):
    show, _, _ = merged
    site = show / "site"
    page = (site / "club" / "sql-window-functions" / "index.html").read_text(encoding="utf-8")
    assert "Fine Person" in page and "Lena Fischer" in page and "Dmitri Volkov" in page
    for name in ("No Url", "Wrong Type", "Links Mapping", "Twice"):
        assert name not in page
    assert len(list((site / "episodes").glob("*/index.html"))) == 3
    etree.parse(str(site / "feed.xml"))
    etree.parse(str(site / "club" / "feed.xml"))
    for path in site.rglob("*.html"):
        html.fromstring(path.read_bytes())


def test_check_lists_the_entries_left_out(merged):
    show, base, _ = merged
    result = run_cli("check", cwd=show)
    out = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in out, out
    for line, entry, words in _left_out(base):
        assert f"warning: {show / RESULTS}:{line}: {entry}: {words}" in out, out


@pytest.mark.parametrize(
    "file, old, new, key",
    [
        ("episodes/001-why-a-learning-club/episode.yaml", "title: Why a learning club?",
         "title: [a, list]", "title"),
        ("episodes/002-groupby-stories/episode.yaml", "guests:", "guests: {a: b}\nx:", "guests"),
        ("show.yaml", "transcription:\n", "transcription: [x]\nnot_transcription:\n",
         "transcription"),
    ],
)  # fmt: skip
def test_the_hosts_files_still_stop_the_publish(published, tmp_path, file, old, new, key):
    show = tmp_path / "show"
    shutil.copytree(published, show, symlinks=True)
    path = show / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    site = tree_bytes(show / "site")
    result = run_cli("publish", "--today", TODAY, cwd=show, timeout=300)
    assert_clean_failure(result, 2, "configuration problem")
    out = result.stdout + result.stderr
    assert re.search(rf"{re.escape(file)}:\d+: {key}", out), out
    assert tree_bytes(show / "site") == site
