"""The one Jinja2 environment: show notes, the site's pages and the club pages.

A show's own ``templates/`` folder comes first on the search path, so overriding a
built-in template is dropping a file with the same name there. Autoescape is on for
HTML; Markdown templates (``*.md.j2``) are not escaped (they are rendered to HTML by
a CommonMark renderer that escapes raw HTML). Every filter is installed here, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.config import Show
from podpipe.errors import ProcessingError
from podpipe.render import filters
from podpipe.render.markdown import markdown_filter
from podpipe.text import clock, duration

BUILTIN_TEMPLATES = Path(__file__).parent.parent / "templates"


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
        bytecode_cache=bytecode_cache(show),
    )
    env.filters.update(
        clock=clock,
        duration=duration,
        seconds=filters.seconds,
        long_date=filters.long_date,
        safe_url=filters.safe_url,
        md=filters.md_escape,
        md_url=filters.md_url,
        markdown=markdown_filter,
        result_url=filters.result_url,
    )
    env.globals["urls"] = urls  # the site's paths, for a show's own templates
    if show and show.templates_dir:
        _refuse_include_loops(env, show.templates_dir)
    return env


def bytecode_cache(show: Show | None):
    """Compiled templates kept in the show's .podpipe/ (Jinja checks each against its
    source): a publish that renders a few pages does not compile every template again.
    None before the first publish made .podpipe/ (a check or status never creates it)."""
    import jinja2

    if show is None or not show.work_dir.is_dir():
        return None
    folder = show.work_dir / "jinja"
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _refuse_include_loops(env, own: Path) -> None:
    """A template that includes, imports or extends itself (directly or through others)
    recurses until Python gives up: refused before rendering, naming the templates."""
    import jinja2
    from jinja2 import meta

    refs: dict[str, list[str]] = {}
    for name in env.list_templates(extensions=["html", "j2", "xml", "md"]):
        try:
            source = env.loader.get_source(env, name)[0]
            refs[name] = [r for r in meta.find_referenced_templates(env.parse(source)) if r]
        except jinja2.TemplateError:
            refs[name] = []  # a syntax error is reported, with its line, when it renders
    for start in sorted(refs):
        loop = _loop_from(start, refs)
        if loop:
            raise ProcessingError(
                f"template {own / loop[0]} includes itself "
                f"({' -> '.join(loop)}): a template cannot include, import or extend "
                "itself; rename the one it builds on, or remove the include",
            )


def _loop_from(start: str, refs: dict[str, list[str]]) -> list[str]:
    """The first include loop through ``start`` (names, ``start`` first and last), or []."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        name, path = stack.pop()
        for ref in refs.get(name, []):
            if ref == start:
                return [*path, ref]
            if ref not in seen:
                seen.add(ref)
                stack.append((ref, [*path, ref]))
    return []


def render_page(env, template: str, site_dir: Path, path: str, **context) -> Path:
    """Render the page at site path ``path`` (its ``root`` prefix follows from it; base.html
    makes its canonical address from ``page_path``) and write it atomically: a reader
    never sees half a page. Returns the file written."""
    out = urls.site_file(site_dir, path)
    page = env.get_template(template).render(root=urls.root_of(path), page_path=path, **context)
    write_atomic(out, page)
    return out


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
    except RecursionError as e:  # a macro calling itself without end
        raise ProcessingError(
            "template error: a template recursed without end (a macro that calls itself "
            "or an include inside a loop): check the show's templates"
        ) from e
