"""The Jinja2 environment shared by show notes, the site and the club pages.

A show's own ``templates/`` folder comes first on the search path, so overriding a
built-in template is dropping a file with the same name there. Autoescape is on for
HTML; Markdown templates (``*.md.j2``) are not escaped (they are rendered to HTML by
a CommonMark renderer that escapes raw HTML).

The Markdown filters (``md``, ``md_url``, ``markdown``, ``result_url``) and the renderer
live here too, below both the notes and the club pages that use them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from podpipe.config import Show, is_http_url
from podpipe.errors import ProcessingError
from podpipe.progress import clock

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
# The rel of links participants wrote (club results): user content, not endorsed.
UGC_REL = "nofollow ugc noopener"
# Characters that start inline Markdown anywhere in a line (emphasis, code, links,
# autolinks, raw HTML, entities), and those that start a block at the start of a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&])")
_MD_BLOCK_START = re.compile(r"^(\d+)([.)])|^([#>+=-])")


def environment(show: Show | None = None):
    import jinja2

    paths = [str(show.templates_dir)] if show and show.templates_dir else []
    paths.append(str(BUILTIN_TEMPLATES))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clock"] = clock
    env.filters["seconds"] = seconds
    env.filters["long_date"] = long_date
    env.filters["safe_url"] = safe_url
    return env


def seconds(t: float | None) -> str:
    """12.5 -> '12.5', 3.0 -> '3': a compact number for #t= links and data attributes."""
    return f"{float(t or 0):.3f}".rstrip("0").rstrip(".")


def long_date(day: dt.date) -> str:
    """'Monday 28 September 2026' (strftime's %-d is not portable to Windows)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def safe_url(url: str | None) -> str:
    """``url`` if it is http(s), mailto or relative; '' for anything else (javascript:...)."""
    if not url:
        return ""
    scheme = urlsplit(url.strip()).scheme.lower()
    return url if scheme in ("", "http", "https", "mailto") else ""


def result_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: a last guard at render time
    for club results that did not come through club.load_results."""
    return url if url and is_http_url(url) else None


def install_filters(env) -> None:
    """Filters the notes and club templates use."""
    from markupsafe import Markup

    env.filters["md"] = md_escape
    env.filters["md_url"] = md_url
    env.filters["markdown"] = lambda text: Markup(markdown_html(text or ""))
    env.filters["result_url"] = result_url


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
            token.attrSet("rel", UGC_REL)
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md.render(text)


@contextmanager
def template_errors() -> Iterator[None]:
    """A broken template (the show's own, usually) is a message naming it, not a traceback."""
    import jinja2

    try:
        yield
    except jinja2.TemplateSyntaxError as e:
        where = e.filename or e.name or "a template"
        raise ProcessingError(f"template {where}, line {e.lineno}: {e.message}") from e
    except jinja2.TemplateError as e:
        raise ProcessingError(f"template error: {e.message or e}") from e
