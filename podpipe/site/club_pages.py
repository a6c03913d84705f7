"""The club's pages in the site: the club index, one page per cycle with its
participants' results, and the club calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.club import (
    Result,
    announced_cycle,
    as_of,
    featured_cycle,
    load_results,
    timeline,
    write_calendar,
)
from podpipe.config import Cycle, Show
from podpipe.render import UGC_REL, environment, render_page


def write_club_pages(
    show: Show,
    episodes: list,
    out_dir: Path,
    *,
    today: dt.date,
    env=None,
    results: dict[str, list[Result]] | None = None,
) -> list[Path]:
    """Write club/index.html, club/<slug>/index.html and club.ics into the site folder.

    ``episodes`` are the published episodes (records.PublishedEpisode); the pages link
    the ones announcing and featuring each cycle. Returns the files written.
    """
    env = env or environment(show)
    results = as_of(load_results(show) if results is None else results, today)
    links = {c.slug: _episode_links(show, c, episodes) for c in show.club.cycles}
    context = dict(
        show=show,
        club=show.club,
        today=today,
        links=links,
        results=results,
        rel=UGC_REL,
        calendar=urls.CALENDAR,
    )
    cycles = timeline(show, today)
    written = [render_page(env, "club_index.html", out_dir, urls.CLUB, cycles=cycles, **context)]
    for cycle in show.club.cycles:
        path = urls.cycle_page(cycle.slug)
        written.append(render_page(env, "club_cycle.html", out_dir, path, cycle=cycle, **context))
    written.append(write_calendar(show, out_dir / urls.CALENDAR))
    return written


def _episode_links(show: Show, cycle: Cycle, episodes: list) -> dict[str, list]:
    """The published episodes announcing and featuring a cycle."""
    announced, featured = [], []
    for pe in sorted(episodes, key=lambda pe: pe.episode.date):
        a = announced_cycle(show, pe.episode)
        if a and a.slug == cycle.slug:
            announced.append(pe)
        f = featured_cycle(show, pe.episode)
        if f and f.slug == cycle.slug:
            featured.append(pe)
    return {"announced": announced, "featured": featured}
