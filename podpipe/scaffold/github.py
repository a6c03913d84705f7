"""`podpipe club scaffold-github` (and `podpipe init`): a GitHub issue form for
submitting a club result and a workflow that runs `podpipe check` on pull requests
touching the results, so a participant's pull request is checked before it is merged.

Files already there are kept (the host may have edited them), never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from podpipe import __version__
from podpipe.cache import write_atomic
from podpipe.club import ISSUE_FIELDS, ISSUE_LABEL
from podpipe.config import RESULTS_DIR
from podpipe.scaffold.templates import environment

ISSUE_FORM = Path(".github/ISSUE_TEMPLATE/club-result.yml")
WORKFLOW = Path(".github/workflows/club-check.yml")
CHECK_COMMAND = "podpipe check --strict"  # a broken entry fails the pull request


@dataclass(frozen=True)
class GitHubFiles:
    created: tuple[Path, ...]
    kept: tuple[Path, ...]


def render_issue_form(club_name: str, slugs: list[str]) -> str:
    hint = "The topic's slug"
    if slugs:
        hint += ": " + ", ".join(slugs)
    return (
        environment()
        .get_template("init/github/club-result.yml.j2")
        .render(
            club_name=club_name,
            label=ISSUE_LABEL,
            fields=ISSUE_FIELDS,
            cycles_hint=hint,
            default_cycle=slugs[-1] if slugs else "",
            intro=f"Thanks for taking part in {club_name}! The host links every result from "
            "the topic's page. Everything you write here is published as plain text.",
        )
    )


def render_workflow(results_dir: str = RESULTS_DIR) -> str:
    return (
        environment()
        .get_template("init/github/club-check.yml.j2")
        .render(results_dir=results_dir, version=__version__, command=CHECK_COMMAND)
    )


def write_github_files(
    root: Path, club_name: str, slugs: list[str], results_dir: str = RESULTS_DIR
) -> GitHubFiles:
    """Write the issue form and the workflow under ``root``/.github; keep existing ones."""
    created, kept = [], []
    for rel, text in (
        (ISSUE_FORM, render_issue_form(club_name, slugs)),
        (WORKFLOW, render_workflow(results_dir)),
    ):
        path = root / rel
        if path.exists():
            kept.append(path)
            continue
        write_atomic(path, text)
        created.append(path)
    return GitHubFiles(tuple(created), tuple(kept))


def scaffold_github(show) -> GitHubFiles:
    """The GitHub files for a loaded show: its club name, cycles and results folder."""
    folder = show.club.results_dir or show.root / RESULTS_DIR
    try:
        results_dir = folder.relative_to(show.root).as_posix()
    except ValueError:  # results outside the show folder: watch the default
        results_dir = RESULTS_DIR
    slugs = [c.slug for c in show.club.cycles]
    return write_github_files(show.root, show.club.name, slugs, results_dir)
