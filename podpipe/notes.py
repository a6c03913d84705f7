"""Stage: show notes. A Jinja2 Markdown template -> CommonMark HTML, with the club block.

The template (``notes.md.j2``, overridable by the show's ``templates/`` folder) gets the
episode and the club cycles it announces and features. Links in notes are absolute
(``show.base_url``) because the notes also travel in the feed, away from the site.
Raw HTML in Markdown is escaped, never passed through: notes contain text the host
pasted and, in follow-up episodes, text participants wrote.
"""

from __future__ import annotations

from podpipe import club, urls
from podpipe.config import Episode, Show
from podpipe.records import Notes
from podpipe.render import environment, markdown_html, site_relative, tidy
from podpipe.transcribe.formats import NOTES_FORMATS

TEMPLATE = "notes.md.j2"


def render_notes(
    show: Show,
    episode: Episode,
    *,
    results: dict[str, list] | None = None,
    transcript: bool | None = None,
) -> Notes:
    """Render an episode's notes to Markdown and HTML.

    ``results`` (club.load_results) lists the featured cycle's results in a follow-up
    episode's notes; without it the notes link the results page only. ``transcript``
    says whether to link transcript files (default: whether the episode has a transcript,
    Show.has_transcript).
    """
    env = environment(show)
    announced = club.announced_cycle(show, episode)
    featured = club.featured_cycle(show, episode)
    featured_results = (results or {}).get(featured.slug, []) if featured else []
    base = show.base_url
    people = club.people_of(show, results or {}) if featured else []
    context = dict(
        show=show,
        episode=episode,
        club=show.club,
        episode_url=urls.absolute(base, urls.episode_page(episode.slug)),
        transcript=transcript_links(show, episode, transcript),
        announced=announced,
        announced_url=urls.absolute(base, urls.cycle_page(announced.slug)) if announced else None,
        featured=featured,
        featured_url=(
            urls.absolute(base, urls.cycle_page(featured.slug)) + "#results" if featured else None
        ),
        featured_results=featured_results,
        featured_people=featured_links(show, club.featured_people(people, episode), featured),
        unlisted={r.url for p in people if not p.listed for e in p.entries for r in [e.result]},
        discussion_url=show.club.discussion(announced) if announced else None,
        club_url=urls.absolute(base, urls.CLUB),
        calendar_url=urls.absolute(base, urls.CALENDAR),
    )
    template = env.get_template(TEMPLATE)
    markdown = tidy(template.render(**context, on_page=False))
    ugc = {r.url for r in featured_results}
    return Notes(
        markdown=markdown,
        html=markdown_html(markdown, ugc_urls=ugc),
        announces=announced.slug if announced else None,
        features=featured.slug if featured else None,
        page_html=site_relative(
            markdown_html(tidy(template.render(**context, on_page=True)), ugc_urls=ugc),
            base,
            urls.root_of(urls.episode_page(episode.slug)),  # the episode page
        ),
    )


def transcript_links(show: Show, episode: Episode, enabled: bool | None) -> dict | None:
    if not (show.has_transcript(episode) if enabled is None else enabled):
        return None
    return {
        fmt: urls.absolute(show.base_url, urls.transcript(episode.slug, fmt))
        for fmt in NOTES_FORMATS
    }


def featured_links(show: Show, people: list, cycle) -> list[dict]:
    """The participants a follow-up episode features, each with their people page and
    the pages of their results in the featured cycle (unlisted: the topic page)."""
    out = []
    for p in people:
        entries = [e for e in p.entries if e.cycle.slug == cycle.slug]
        topic = urls.absolute(show.base_url, urls.cycle_page(cycle.slug)) + "#results"
        out.append(
            {
                "name": p.name if p.listed else "",
                "page": urls.absolute(show.base_url, urls.person_page(p.slug))
                if p.listed
                else None,
                "results": [
                    (
                        e.result.label,
                        urls.absolute(show.base_url, urls.result_page(cycle.slug, e.slug))
                        if p.listed
                        else topic,
                    )
                    for e in entries
                ],
            }
        )
    return out
