"""Which episode announces and features which cycle, cycle states, `club status`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from podpipe import club
from podpipe.cli import cli
from podpipe.config import Cycle, Episode, load_show
from tests.club_helpers import sample_show_copy


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    return sample_show_copy(tmp_path_factory.mktemp("club") / "show")


@pytest.fixture(scope="module")
def show(sample_dir):
    return load_show(sample_dir)


def test_sample_episodes_announce_and_feature_the_configured_cycles(show):
    got = {
        ep.number: (
            getattr(club.announced_cycle(show, ep), "slug", None),
            getattr(club.featured_cycle(show, ep), "slug", None),
        )
        for ep in show.episodes
    }
    assert got == {
        1: ("pandas-groupby", None),
        2: ("sql-window-functions", "pandas-groupby"),
        3: ("plotting-with-matplotlib", "sql-window-functions"),
    }


def _episode(number: int, date: dt.date, announces: str | None = None) -> Episode:
    return Episode(
        folder=Path(f"/tmp/ep{number}"),
        number=number,
        title=f"Episode {number}",
        date=date,
        audio=Path("/tmp/a.wav"),
        announces=announces,
    )


def test_without_announced_in_the_first_cycle_starting_on_or_after_the_episode_wins(show):
    bare = dataclasses.replace(
        show,
        club=dataclasses.replace(
            show.club,
            cycles=tuple(dataclasses.replace(c, announced_in=None) for c in show.club.cycles),
        ),
    )
    assert (
        club.announced_cycle(bare, _episode(9, dt.date(2026, 11, 20))).slug
        == "intro-to-scikit-learn"
    )
    # A cycle starting on the episode's own day counts.
    assert (
        club.announced_cycle(bare, _episode(9, dt.date(2026, 10, 19))).slug
        == "sql-window-functions"
    )
    assert club.announced_cycle(bare, _episode(9, dt.date(2027, 1, 1))) is None
    # The episode's own `announces` beats everything.
    assert (
        club.announced_cycle(bare, _episode(9, dt.date(2026, 11, 20), "pandas-groupby")).slug
        == "pandas-groupby"
    )


def test_current_and_next_cycle_follow_the_dates(show):
    assert club.current_cycle(show, dt.date(2026, 11, 24)).slug == "plotting-with-matplotlib"
    assert club.next_cycle(show, dt.date(2026, 11, 24)).slug == "intro-to-scikit-learn"
    # End dates are inclusive; the gap between cycles has no current cycle.
    assert club.current_cycle(show, dt.date(2026, 11, 1)).slug == "sql-window-functions"
    assert club.current_cycle(show, dt.date(2026, 11, 2)) is None
    assert club.next_cycle(show, dt.date(2026, 12, 7)) is None


def test_an_episode_announcing_a_cycle_that_already_ended_is_a_problem(show):
    late = _episode(7, dt.date(2026, 10, 20), announces="pandas-groupby")
    problems = club.check_cycles(dataclasses.replace(show, episodes=(*show.episodes, late)))
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].key == "announces"
    assert (
        "announces cycle 'pandas-groupby', which already ended on 2026-10-11" in errors[0].message
    )
    assert club.check_cycles(show) == []


def test_unknown_cycle_slug_says_did_you_mean(show):
    with pytest.raises(Exception) as info:
        club.find_cycle(show, "pandas-grupby")
    assert "no club cycle 'pandas-grupby' (did you mean 'pandas-groupby'?)" in str(info.value)
    assert str(show.root / "show.yaml") in str(info.value)


def test_status_reports_current_next_days_left_and_results(sample_dir):
    result = CliRunner().invoke(
        cli, ["club", "status", "--show", str(sample_dir), "--today", "2026-10-28"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "Current cycle: SQL window functions (sql-window-functions), 2026-10-19 to "
        "2026-11-01, 5 days left (today included), 1 result so far"
    ) in result.output
    assert (
        "Next cycle: Clear plots with matplotlib (plotting-with-matplotlib), 2026-11-16 "
        "to 2026-11-29, starts in 19 days"
    ) in result.output
    assert "announced in episode 3: Windows, ranks and running totals (2026-11-05)" in result.output
    assert "warning" not in result.output


def test_status_counts_only_results_submitted_by_today(sample_dir):
    """The sample cycle has results submitted 2026-10-27 and 2026-10-30."""
    counts = {}
    for today in ("2026-10-26", "2026-10-27", "2026-10-29", "2026-10-30"):
        result = CliRunner().invoke(
            cli, ["club", "status", "--show", str(sample_dir), "--today", today]
        )
        assert result.exit_code == 0, result.output
        counts[today] = result.output.split("left (today included), ")[1].split(" ")[0]
    assert counts == {"2026-10-26": "0", "2026-10-27": "1", "2026-10-29": "1", "2026-10-30": "2"}


def test_status_warns_when_no_episode_announces_the_next_cycle(sample_dir):
    result = CliRunner().invoke(
        cli, ["club", "status", "--show", str(sample_dir), "--today", "2026-11-24"]
    )
    assert result.exit_code == 0, result.output
    assert "6 days left (today included), 0 results so far" in result.output
    assert "warning: no episode announces the next cycle 'intro-to-scikit-learn'" in result.output


def test_status_runs_as_a_real_subprocess(sample_dir):
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "podpipe",
            "club",
            "status",
            "--show",
            str(sample_dir),
            "--today",
            "2026-12-10",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Current cycle: Your first model with scikit-learn" in proc.stdout
    assert "Next cycle: none planned" in proc.stdout


def test_club_commands_tolerate_an_episode_still_waiting_for_audio(sample_dir, tmp_path):
    copy = tmp_path / "show"
    shutil.copytree(sample_dir, copy)
    (copy / "episodes" / "003-windows-and-plots" / "interview.mp3").unlink()
    result = CliRunner().invoke(
        cli, ["club", "status", "--show", str(copy), "--today", "2026-10-28"]
    )
    assert result.exit_code == 0, result.output
    assert "other configuration problem" in result.output
    assert "Current cycle: SQL window functions" in result.output


def test_cycle_state_is_inclusive_of_both_ends():
    c = Cycle("x", "X", "", dt.date(2026, 1, 1), dt.date(2026, 1, 14))
    assert [
        c.state(dt.date(2025, 12, 31)),
        c.state(dt.date(2026, 1, 1)),
        c.state(dt.date(2026, 1, 14)),
        c.state(dt.date(2026, 1, 15)),
    ] == ["upcoming", "open", "open", "closed"]


def test_status_lists_invalid_results_as_warnings_and_counts_the_valid_ones(sample_dir, tmp_path):
    copy = tmp_path / "show"
    shutil.copytree(sample_dir, copy)
    bad = copy / "club" / "sql-window-functions.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8") + "  - name: Eve\n    url: data:text/html,hi\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["club", "status", "--show", str(copy), "--today", "2026-10-31"]
    )
    assert result.exit_code == 0, result.output
    assert "2 results so far" in result.output
    assert (
        f"warning: {bad}:29: results[3].url: result left out: expected an absolute http(s) URL"
        in result.output
    )


def test_a_follow_up_before_the_cycle_ends_is_a_warning(show):
    early = dataclasses.replace(show.episodes[1], date=dt.date(2026, 10, 5))
    problems = club.check_cycles(
        dataclasses.replace(show, episodes=(show.episodes[0], early, show.episodes[2]))
    )
    assert [(p.severity, p.key) for p in problems] == [
        ("warning", "club.cycles[pandas-groupby].featured_in")
    ]
    assert "features cycle 'pandas-groupby' before it ends (2026-10-11)" in problems[0].message
