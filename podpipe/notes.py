"""Stage: show notes. A Jinja2 Markdown template -> CommonMark HTML, with the club block.

The template (``notes.md.j2``, overridable by the show's ``templates/`` folder) gets the
episode and the club cycles it announces and features. Links in notes are absolute
(``show.base_url``) because the notes also travel in the feed, away from the site.
Raw HTML in Markdown is escaped, never passed through: notes contain text the host
pasted and, in follow-up episodes, text participants wrote.
"""

from __future__ import annotations

import re

from podpipe import club
from podpipe.config import Episode, Show
from podpipe.records import Notes
from podpipe.templating import environment, install_filters, markdown_html
from podpipe.templating import md_escape as md_escape
from podpipe.templating import md_url as md_url

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
    says whether to link transcript files (default: the show's transcription setting).
    """
    env = environment(show)
    install_filters(env)
    announced = club.announced_cycle(show, episode)
    featured = club.featured_cycle(show, episode)
    featured_results = (results or {}).get(featured.slug, []) if featured else []
    context = dict(
        show=show,
        episode=episode,
        club=show.club,
        episode_url=f"{show.base_url}episodes/{episode.slug}/",
        transcript=_transcript_links(show, episode, transcript),
        announced=announced,
        announced_url=club.cycle_url(show, announced) if announced else None,
        featured=featured,
        featured_url=club.cycle_url(show, featured) + "#results" if featured else None,
        featured_results=featured_results,
        club_url=f"{show.base_url}club/",
        calendar_url=f"{show.base_url}club.ics",
    )
    template = env.get_template(TEMPLATE)
    markdown = _tidy(template.render(**context, on_page=False))
    ugc = {r.url for r in featured_results}
    return Notes(
        markdown=markdown,
        html=markdown_html(markdown, ugc_urls=ugc),
        announces=announced.slug if announced else None,
        features=featured.slug if featured else None,
        page_html=_site_relative(
            markdown_html(_tidy(template.render(**context, on_page=True)), ugc_urls=ugc),
            show.base_url,
            "../../",  # the episode page: episodes/<slug>/index.html
        ),
    )


def _site_relative(html: str, base_url: str, root: str) -> str:
    """Links into the site made relative, so the page works before it is deployed and
    under `podpipe serve`; the feed's copy keeps absolute links (apps need them)."""
    from html import escape

    from markdown_it import MarkdownIt

    # markdown-it percent-encodes a link (and punycodes its host) before writing it
    for spelling in {base_url, MarkdownIt("commonmark").normalizeLink(base_url)}:
        html = html.replace(f'href="{escape(spelling)}', f'href="{root}')
    return html


def _tidy(markdown: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def _transcript_links(show: Show, episode: Episode, enabled: bool | None) -> dict | None:
    if not (show.transcription.enabled if enabled is None else enabled):
        return None
    base = f"{show.base_url}episodes/{episode.slug}/transcript"
    return {fmt: f"{base}.{fmt}" for fmt in ("html", "vtt", "srt", "txt")}
