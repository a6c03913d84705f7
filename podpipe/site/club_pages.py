"""The club's pages in the site: the club index, one page per cycle with its
participants' results, the people pages, the club feed and the club calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from podpipe import urls
from podpipe.club import (
    Participant,
    Result,
    announced_cycle,
    as_of,
    by_result,
    featured_cycle,
    load_results,
    people_of,
    timeline,
    write_calendar,
)
from podpipe.config import Show
from podpipe.render import UGC_REL, environment, render_page
from podpipe.site import charts
from podpipe.site.club_feed import write_club_feed
from podpipe.site.people_pages import write_people_pages


def write_club_pages(
    show: Show,
    episodes: list,
    out_dir: Path,
    *,
    today: dt.date,
    env=None,
    results: dict[str, list[Result]] | None = None,
) -> list[Path]:
    """Write club/index.html, club/<slug>/index.html, the people pages, club/feed.xml
    and club.ics into the site folder.

    ``episodes`` are the published episodes (records.PublishedEpisode); the pages link
    the ones announcing and featuring each cycle. Returns the files written.
    """
    env = env or environment(show)
    results = as_of(load_results(show) if results is None else results, today)
    people = people_of(show, results)
    links = _episode_links(show, episodes)
    started = [c for c in show.club.cycles if c.state(today) != "upcoming"]
    context = dict(
        show=show,
        club=show.club,
        today=today,
        links=links,
        results=results,
        rel=UGC_REL,
        calendar=urls.CALENDAR,
        people_by_result=by_result(people),
        progress=_progress(show, results, people, today),
    )
    cycles = timeline(show, today)
    index_charts = [
        charts.results_per_cycle(started, results),
        charts.new_and_returning(started, people),
    ]
    written = [
        render_page(
            env,
            "club_index.html",
            out_dir,
            urls.CLUB,
            cycles=cycles,
            charts=index_charts,
            **context,
        )
    ]
    for cycle in show.club.cycles:
        path = urls.cycle_page(cycle.slug)
        written.append(render_page(env, "club_cycle.html", out_dir, path, cycle=cycle, **context))
    written += write_people_pages(env, show, people, episodes, out_dir, context)
    written.append(write_club_feed(show, people, out_dir, today))
    written.append(write_calendar(show, out_dir / urls.CALENDAR))
    return written


def _progress(
    show: Show, results: dict[str, list[Result]], people: list[Participant], today: dt.date
) -> dict[str, charts.Chart]:
    """The progress chart of each open cycle, by slug."""
    who = by_result(people)
    out = {}
    for cycle in show.club.cycles:
        if cycle.state(today) != "open":
            continue
        rs = results.get(cycle.slug, [])
        names = [_shown_name(who.get((cycle.slug, r.url))) for r in rs]
        out[cycle.slug] = charts.cycle_progress(cycle, rs, names, today)
    return out


def _shown_name(found) -> str:
    """A participant's name as charts may show it: '' for someone unlisted."""
    return found[0].name if found and found[0].listed else ""


def _episode_links(show: Show, episodes: list) -> dict[str, dict[str, list]]:
    """Each cycle's published episodes announcing and featuring it (by date), from one
    pass over the episodes (not one per cycle: a thousand episodes, a dozen cycles)."""
    links = {c.slug: {"announced": [], "featured": []} for c in show.club.cycles}
    for pe in sorted(episodes, key=lambda pe: pe.episode.date):
        a = announced_cycle(show, pe.episode)
        if a and a.slug in links:
            links[a.slug]["announced"].append(pe)
        f = featured_cycle(show, pe.episode)
        if f and f.slug in links:
            links[f.slug]["featured"].append(pe)
    return links
