"""The Jinja2 environment shared by show notes, the site and the club pages.

A show's own ``templates/`` folder comes first on the search path, so overriding a
built-in template is dropping a file with the same name there. Autoescape is on for
HTML; Markdown templates (``*.md.j2``) are not escaped (they are rendered to HTML by
a CommonMark renderer that escapes raw HTML).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from podpipe.config import Show
from podpipe.errors import ProcessingError
from podpipe.text import clock

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"


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
