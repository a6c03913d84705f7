"""Rendering shared by the stages: the Jinja2 environment, its filters, Markdown."""

from podpipe.render.environment import (
    BUILTIN_TEMPLATES,
    environment,
    render_page,
    template_errors,
)
from podpipe.render.filters import (
    UGC_REL,
    long_date,
    md_escape,
    md_url,
    result_url,
    safe_url,
    seconds,
)
from podpipe.render.markdown import markdown_html, site_relative, tidy

__all__ = [
    "BUILTIN_TEMPLATES",
    "UGC_REL",
    "environment",
    "render_page",
    "long_date",
    "markdown_html",
    "md_escape",
    "md_url",
    "result_url",
    "safe_url",
    "seconds",
    "site_relative",
    "template_errors",
    "tidy",
]
