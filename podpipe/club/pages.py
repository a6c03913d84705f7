"""The club's pages in the site: club/index.html, one page per cycle, and club.ics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from podpipe.cache import write_atomic
from podpipe.club.calendar import write_calendar
from podpipe.club.cycles import announced_cycle, featured_cycle, timeline
from podpipe.club.results import Result, load_results
from podpipe.club.status import as_of
from podpipe.config import Cycle, Show
from podpipe.templating import UGC_REL, environment, install_filters


def write_pages(
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
    install_filters(env)
    results = as_of(load_results(show) if results is None else results, today)
    links = {c.slug: _episode_links(show, c, episodes) for c in show.club.cycles}
    context = dict(
        show=show,
        club=show.club,
        today=today,
        links=links,
        results=results,
        rel=UGC_REL,
        calendar="club.ics",
    )
    written = []
    index = out_dir / "club" / "index.html"
    write_atomic(
        index,
        env.get_template("club_index.html").render(
            root="../", cycles=timeline(show, today), **context
        ),
    )
    written.append(index)
    for cycle in show.club.cycles:
        page = out_dir / "club" / cycle.slug / "index.html"
        write_atomic(
            page, env.get_template("club_cycle.html").render(root="../../", cycle=cycle, **context)
        )
        written.append(page)
    written.append(write_calendar(show, out_dir / "club.ics"))
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
