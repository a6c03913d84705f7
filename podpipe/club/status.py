"""`podpipe club status`: the open and next cycle, days left, results so far; and which
results exist on a given day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from podpipe.club.cycles import (
    announcing_episodes,
    check_cycles,
    current_cycle,
    days_left,
    next_cycle,
)
from podpipe.club.results import Result, check_results, results_file
from podpipe.config import Cycle, Episode, Show
from podpipe.errors import Problem


@dataclass
class ClubStatus:
    """What `podpipe club status` reports."""

    today: dt.date
    current: Cycle | None
    next: Cycle | None
    results: dict[str, list[Result]]
    next_announced_by: list[Episode]
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.current:
            c = self.current
            left = days_left(c, self.today)
            n = len(self.results.get(c.slug, []))
            out.append(
                f"Current cycle: {c.title} ({c.slug}), {c.start} to {c.end}, "
                f"{left} day{'s' if left != 1 else ''} left (today included), "
                f"{n} result{'s' if n != 1 else ''} so far"
            )
        else:
            out.append("Current cycle: none open today")
        if self.next:
            c = self.next
            days = days_left(c, self.today)
            out.append(
                f"Next cycle: {c.title} ({c.slug}), {c.start} to {c.end}, starts in "
                f"{days} day{'s' if days != 1 else ''}"
            )
            for ep in self.next_announced_by:
                out.append(f"  announced in episode {ep.number}: {ep.title} ({ep.date})")
        else:
            out.append("Next cycle: none planned; add one under club.cycles in show.yaml")
        return out


def as_of(results: dict[str, list[Result]], today: dt.date) -> dict[str, list[Result]]:
    """The results that existed on ``today``: one submitted later is left out (a preview
    with a past --today; a result dated ahead shows from its date on)."""
    return {
        slug: [r for r in rs if r.submitted is None or r.submitted <= today]
        for slug, rs in results.items()
    }


def dated_ahead(show: Show, results: dict[str, list[Result]], today: dt.date) -> list[str]:
    """Warnings for results dated after ``today``: the site does not list them yet."""
    return [
        f"{results_file(show, slug)}: the result {r.url} is dated {r.submitted}, after "
        f"today ({today}): it is left out until a publish on or after that day (fix "
        "'submitted' if the date is a typo)"
        for slug, rs in results.items()
        for r in rs
        if r.submitted is not None and r.submitted > today
    ]


def status(
    show: Show, today: dt.date, results: dict[str, list[Result]] | None = None
) -> ClubStatus:
    """What `podpipe club status` reports on ``today``."""
    problems: list[Problem] = []
    if results is None:
        # Status shows what it can: invalid results are left out and listed as warnings.
        results, problems = check_results(show)
    results = as_of(results, today)
    upcoming = next_cycle(show, today)
    announced_by = announcing_episodes(show, upcoming) if upcoming else []
    report = ClubStatus(today, current_cycle(show, today), upcoming, results, announced_by)
    if upcoming and not announced_by:
        report.warnings.append(
            f"no episode announces the next cycle {upcoming.slug!r}: set 'announced_in:' on "
            f"the cycle in show.yaml or 'announces: {upcoming.slug}' in an episode.yaml"
        )
    report.warnings += [str(p) for p in [*problems, *check_cycles(show)]]
    return report
