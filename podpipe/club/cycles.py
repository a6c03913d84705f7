"""The club's cycles in time: which episode announces or features which cycle, which
cycle is open or next, and the checks of those links."""

from __future__ import annotations

import bisect
import datetime as dt

from podpipe.config import SHOW_FILE, Cycle, Episode, Show, line_of_key, unknown_cycle
from podpipe.errors import ConfigError, Problem


def announced_cycle(show: Show, episode: Episode) -> Cycle | None:
    """The cycle an episode announces.

    In order: the episode's own ``announces``, the cycle whose ``announced_in`` is the
    episode's number, else the first cycle starting on or after the episode's date.
    """
    if episode.announces:
        return show.club.cycle(episode.announces)
    _, named, by_start, starts = _index(show.club.cycles)
    if episode.number in named:
        return named[episode.number]
    at = bisect.bisect_left(starts, episode.date)  # the first starting on or after it
    return by_start[at] if at < len(by_start) else None


_INDEXES: dict[int, tuple] = {}  # id(cycles) -> (cycles, by announced_in, by start, starts)


def _index(cycles: tuple[Cycle, ...]) -> tuple:
    """The cycles by ``announced_in`` (the first of each) and in start order (a stable
    sort: ties in the show's order), made once per tuple of cycles: a thousand episodes
    ask, once each on every page that lists them."""
    found = _INDEXES.get(id(cycles))
    if found is None or found[0] is not cycles:
        named: dict[int, Cycle] = {}
        for c in cycles:
            if c.announced_in is not None:
                named.setdefault(c.announced_in, c)
        by_start = sorted(cycles, key=lambda c: c.start)
        found = (cycles, named, by_start, [c.start for c in by_start])
        if len(_INDEXES) > 16:
            _INDEXES.clear()
        _INDEXES[id(cycles)] = found
    return found


def featured_cycle(show: Show, episode: Episode) -> Cycle | None:
    """The cycle whose results this (follow-up) episode features."""
    return next((c for c in show.club.cycles if c.featured_in == episode.number), None)


def current_cycle(show: Show, today: dt.date) -> Cycle | None:
    """The cycle open today, if any."""
    return next((c for c in show.club.cycles if c.state(today) == "open"), None)


def next_cycle(show: Show, today: dt.date) -> Cycle | None:
    """The first cycle starting after today."""
    upcoming = sorted((c for c in show.club.cycles if c.start > today), key=lambda c: c.start)
    return upcoming[0] if upcoming else None


def open_or_next(show: Show, today: dt.date) -> Cycle | None:
    """The cycle running today, else the next one to start (None when neither): the one
    the home page invites listeners to."""
    return current_cycle(show, today) or next_cycle(show, today)


def announcing_episodes(show: Show, cycle: Cycle) -> list[Episode]:
    """The episodes that announce a cycle."""
    return [e for e in show.episodes if (a := announced_cycle(show, e)) and a.slug == cycle.slug]


def days_left(cycle: Cycle, today: dt.date) -> int:
    """Days left to take part, counting today (the end date is inclusive); for a cycle
    still to come, the days until it starts."""
    if cycle.state(today) == "upcoming":
        return (cycle.start - today).days
    return (cycle.end - today).days + 1


def find_cycle(show: Show, slug: str) -> Cycle:
    """The cycle with this slug, or a ConfigError with a "did you mean"."""
    cycle = show.club.cycle(slug)
    if cycle is None:
        problem = Problem(
            show.root / SHOW_FILE, None, "club.cycles", unknown_cycle(show.club, slug)
        )
        raise ConfigError([problem])
    return cycle


def check_cycles(show: Show) -> list[Problem]:
    """Club problems across show.yaml and the episodes (for ``podpipe check``)."""
    problems = []
    for ep in show.episodes:
        cycle = announced_cycle(show, ep)
        if cycle and cycle.end < ep.date:
            problems.append(
                Problem(
                    ep.source_file,
                    line_of_key(ep.source_file, "announces"),
                    "announces",
                    f"episode {ep.number} ({ep.date}) announces cycle {cycle.slug!r}, which "
                    f"already ended on {cycle.end}; announce an upcoming cycle instead",
                )
            )
        featured = featured_cycle(show, ep)
        if featured and ep.date <= featured.end:
            problems.append(
                Problem(
                    show.root / SHOW_FILE,
                    None,
                    f"club.cycles[{featured.slug}].featured_in",
                    f"episode {ep.number} ({ep.date}) features cycle {featured.slug!r} before it "
                    f"ends ({featured.end}); late results will be missing",
                    "warning",
                )
            )
    return problems


def timeline(show: Show, today: dt.date) -> list[Cycle]:
    """Cycles in the order the club index shows them: open, upcoming (soonest first),
    then closed (most recent first)."""
    by_state: dict[str, list[Cycle]] = {"open": [], "upcoming": [], "closed": []}
    for c in sorted(show.club.cycles, key=lambda c: c.start):
        by_state[c.state(today)].append(c)
    return by_state["open"] + by_state["upcoming"] + by_state["closed"][::-1]
