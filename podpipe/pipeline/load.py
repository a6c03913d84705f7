"""Loading a show for a publish: configuration and club results, every problem at once."""

from __future__ import annotations

from pathlib import Path

from podpipe import club
from podpipe.checks import artwork_problems, transcript_problems
from podpipe.config import Episode, Show, load_show_with_warnings
from podpipe.errors import ConfigError, Problem


def load(show_dir: Path) -> tuple[Show, list[Problem], dict[str, list]]:
    """Load the show and the club results; raise ConfigError with every problem."""
    show, problems = load_show_with_warnings(show_dir)
    results: dict[str, list] = {}
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        problems += club.check_cycles(show)
    if show is not None:
        problems += transcript_problems(show)
    # The results files only need the club's cycles: report their problems alongside
    # any others, unless the cycles themselves are in doubt (or show.yaml is unreadable).
    if not any(club_in_doubt(p) for p in errors):
        # A cycle with an error of its own may be missing: say nothing about results
        # files that seem to belong to no cycle until show.yaml is fixed.
        cycle_errors = any(p.key.startswith("club.cycles[") for p in errors)
        # check_results, not load_results: a participant's cleaned entry is a warning
        # that the publish summary must show
        results, found = club.check_results(show, strays=not cycle_errors)
        problems += found
        problems += club.check_people(show)
    if any(p.severity == "error" for p in problems):
        # every problem at once: the artwork files too, though callers check them later
        if show is not None and not any(club_in_doubt(p) for p in errors):
            problems += [p for p in artwork_problems(show) if p not in problems]
        raise ConfigError(problems)
    return show, problems, results


def club_in_doubt(problem: Problem) -> bool:
    """Whether a problem leaves the club's cycles or results folder unknown (show.yaml
    unreadable, the club section itself wrong): then results files cannot be judged."""
    return not problem.key or problem.key in ("club", "club.cycles", "club.results_dir")


def select(show: Show, only: tuple[str, ...]) -> set[str]:
    """The folder names of the episodes ``--only`` names (number or folder), else all."""
    if not only:
        return {e.slug for e in show.episodes}
    chosen = set()
    for want in only:
        match = named(show, want)
        if not match:
            names = episode_names(show)
            raise ConfigError(
                [
                    Problem(
                        show.root / "episodes",
                        None,
                        "--only",
                        f"no episode {want!r}; episodes: {names}",
                    )
                ]
            )
        chosen |= {e.slug for e in match}
    return chosen


def named(show: Show, want: str) -> list[Episode]:
    """The episodes a host means by ``want``: a folder name or a number."""
    return [e for e in show.episodes if want in (e.slug, str(e.number))]


def episode_names(show: Show) -> str:
    """The episodes as a message lists them: ``1 (001-intro), 2 (002-...)``."""
    return ", ".join(f"{e.number} ({e.slug})" for e in show.episodes)
