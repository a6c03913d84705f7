"""The Jinja2 environment shared by show notes, the site and the club pages.

A show's own ``templates/`` folder comes first on the search path, so overriding a
built-in template is dropping a file with the same name there. Autoescape is on for
HTML; Markdown templates (``*.md.j2``) are not escaped (they are rendered to HTML by
a CommonMark renderer that escapes raw HTML).
"""

from __future__ import annotations

from pathlib import Path

from podpipe.config import Show

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
    return env


def clock(seconds: float | None) -> str:
    """Seconds -> 'M:SS' or 'H:MM:SS' (for chapters and transcript cues)."""
    seconds = int(seconds or 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
