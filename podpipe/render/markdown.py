"""CommonMark -> HTML for show notes: raw HTML escaped, participants' links marked."""

from __future__ import annotations

import re
from html import escape

from podpipe.render.filters import UGC_REL, md_url


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
            token.attrSet("rel", UGC_REL)
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md.render(text)


def markdown_filter(text: str | None):
    """The ``markdown`` template filter: Markdown text as safe HTML."""
    from markupsafe import Markup

    return Markup(markdown_html(text or ""))


def site_relative(html: str, base_url: str, root: str) -> str:
    """Links into the site made relative, so the page works before it is deployed and
    under `podpipe serve`; the feed's copy keeps absolute links (apps need them)."""
    from markdown_it import MarkdownIt

    # markdown-it percent-encodes a link (and punycodes its host) before writing it
    for spelling in {base_url, MarkdownIt("commonmark").normalizeLink(base_url)}:
        html = html.replace(f'href="{escape(spelling)}', f'href="{root}')
    return html


def tidy(markdown: str) -> str:
    """At most one blank line in a row, one newline at the end."""
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
