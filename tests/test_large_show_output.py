"""Issue 17: output that scales. A large show's publish summary lists what was done and
one "N episode(s) unchanged" line; a known warning is printed once, then counted; `-q`
prints only what is new; `status` is compact unless `--all`."""

from __future__ import annotations

import pytest

from tests.scale_helpers import edit_title, episode_folder, generated_show
from tests.show_helpers import podpipe

TODAY = "2026-11-20"


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    root = generated_show(tmp_path_factory.mktemp("out") / "show", 25)
    first = podpipe("publish", "--today", TODAY, cwd=root)
    assert first.returncode == 0, first.stderr
    # the first publish says its warnings (the sample club's cycle featured early)
    assert "features cycle" in first.stdout + first.stderr
    return root


def rows(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if line[:1].isdigit() and len(line.split()) > 1 and "-episode-" in line.split()[1]
    ]


def test_one_edit_summary_is_one_row_and_a_count(show):
    edit_title(show, 7, "Seven, renamed")
    result = podpipe("publish", "--today", TODAY, cwd=show)
    assert result.returncode == 0, result.stderr
    assert [r.split()[1] for r in rows(result.stdout)] == [episode_folder(7)]
    assert "24 episode(s) unchanged" in result.stdout
    # the warnings of the last publish: counted, not repeated
    assert "features cycle" not in result.stdout
    assert "known warning(s), unchanged since the last publish" in result.stdout
    edit_title(show, 8, "Eight, renamed")
    quiet = podpipe("-q", "publish", "--today", TODAY, cwd=show)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    check = podpipe("check", cwd=show)
    assert "features cycle" in check.stdout  # check lists them all


def test_a_new_warning_is_printed_under_q(show):
    ep = show / "episodes" / episode_folder(9) / "episode.yaml"
    ep.write_text(ep.read_text() + "announces: no-such-cycle\n")
    quiet = podpipe("-q", "publish", "--today", TODAY, cwd=show)
    assert "no-such-cycle" in quiet.stdout + quiet.stderr
    ep.write_text(ep.read_text().replace("announces: no-such-cycle\n", ""))
    assert podpipe("-q", "publish", "--today", TODAY, cwd=show).returncode == 0


def test_status_is_compact_unless_all(show):
    podpipe("publish", "--today", TODAY, cwd=show)
    compact = podpipe("status", "--today", TODAY, cwd=show)
    assert len(rows(compact.stdout)) == 5
    assert "20 more episode(s) up to date (`podpipe status --all`" in compact.stdout
    full = podpipe("status", "--all", "--today", TODAY, cwd=show)
    assert len(rows(full.stdout)) == 25 and "more episode(s)" not in full.stdout
    edit_title(show, 3, "Three, renamed")
    stale = podpipe("status", "--today", TODAY, cwd=show)
    listed = {r.split()[1]: r for r in rows(stale.stdout)}
    assert "stale" in listed[episode_folder(3)] and len(listed) == 6
