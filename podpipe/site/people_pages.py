"""The club's people in the site: the people index, one page per participant, one
shareable page per result, and the leaderboard when the host turns it on.

Only listed participants get pages (people.yaml ``listed: false`` opts out); their
results stay on the topic pages. Everything a participant wrote is escaped by the
templates (autoescape) and their links pass ``result_url`` and carry UGC_REL.
"""

from __future__ import annotations

from pathlib import Path

from podpipe import urls
from podpipe.club import Participant, index_order, leaderboard
from podpipe.render import render_page


def write_people_pages(
    env, show, people: list[Participant], episodes: list, out_dir: Path, context: dict
) -> list[Path]:
    """Write club/people/, club/people/<slug>/, club/<cycle>/<result>/ and (with
    club.leaderboard) club/leaderboard/. ``episodes`` are the published episodes."""
    published = {pe.episode.number: pe for pe in episodes}
    written = [
        render_page(
            env, "club_people.html", out_dir, urls.PEOPLE, people=index_order(people), **context
        )
    ]
    for person in people:
        if not person.listed:
            continue
        featured = [published[e.number] for e in person.featured if e.number in published]
        path = urls.person_page(person.slug)
        written.append(
            render_page(
                env,
                "club_person.html",
                out_dir,
                path,
                person=person,
                featured=featured,
                badges=person.badges(),
                **context,
            )
        )
        for entry in person.entries:
            path = urls.result_page(entry.cycle.slug, entry.slug)
            written.append(
                render_page(
                    env, "club_result.html", out_dir, path, person=person, entry=entry, **context
                )
            )
    if show.club.leaderboard:
        written.append(
            render_page(
                env,
                "club_leaderboard.html",
                out_dir,
                urls.LEADERBOARD,
                people=leaderboard(people),
                **context,
            )
        )
    return written
