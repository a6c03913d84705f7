"""Stage: show notes. A Jinja2 Markdown template -> CommonMark HTML, with the club block.

The template (``notes.md.j2``, overridable by the show's ``templates/`` folder) gets the
episode and the club cycles it announces and features. Links in notes are absolute
(``show.base_url``) because the notes also travel in the feed, away from the site.
Raw HTML in Markdown is escaped, never passed through: notes contain text the host
pasted and, in follow-up episodes, text participants wrote.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from podpipe import club, urls
from podpipe.config import Episode, Show
from podpipe.records import Notes

TEMPLATE = "notes.md.j2"
# Characters that start inline Markdown anywhere in a line (emphasis, code, links,
# autolinks, raw HTML, entities), and those that start a block at the start of a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&])")
_MD_BLOCK_START = re.compile(r"^(\d+)([.)])|^([#>+=-])")


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
    from podpipe.templating import environment

    env = environment(show)
    install_filters(env)
    announced = club.announced_cycle(show, episode)
    featured = club.featured_cycle(show, episode)
    featured_results = (results or {}).get(featured.slug, []) if featured else []
    context = dict(
        show=show,
        episode=episode,
        club=show.club,
        episode_url=urls.absolute(show.base_url, urls.episode_page(episode.slug)),
        transcript=_transcript_links(show, episode, transcript),
        announced=announced,
        announced_url=club.cycle_url(show, announced) if announced else None,
        featured=featured,
        featured_url=club.cycle_url(show, featured) + "#results" if featured else None,
        featured_results=featured_results,
        club_url=urls.absolute(show.base_url, urls.CLUB),
        calendar_url=urls.absolute(show.base_url, urls.CALENDAR),
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
            urls.root_of(urls.episode_page(episode.slug)),  # the episode page
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
    return {
        fmt: urls.absolute(show.base_url, urls.transcript(episode.slug, fmt))
        for fmt in ("html", "vtt", "srt", "txt")
    }


def install_filters(env) -> None:
    """Filters the notes and club templates use."""
    from markupsafe import Markup

    env.filters["md"] = md_escape
    env.filters["md_url"] = md_url
    env.filters["markdown"] = lambda text: Markup(markdown_html(text or ""))
    env.filters["result_url"] = club.safe_url


def md_escape(text: str | None) -> str:
    """Plain text -> Markdown that renders as exactly that text, on one line."""
    text = _MD_INLINE.sub(r"\\\1", " ".join(str(text or "").split()))
    return _MD_BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_url(url: str) -> str:
    """A link destination that cannot break out of ``(...)``: spaces, brackets and
    parentheses percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def markdown_html(text: str, *, ugc_urls: set[str] | frozenset[str] = frozenset()) -> str:
    """CommonMark -> HTML with raw HTML escaped. Links to ``ugc_urls`` (participant
    results) get rel="nofollow ugc noopener"."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    # The template writes result URLs through md_url; match either spelling.
    marked = {md.normalizeLink(v) for u in ugc_urls for v in (u, md_url(u))}

    def link_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        if token.attrGet("href") in marked:
            token.attrSet("rel", club.REL)
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md.render(text)
