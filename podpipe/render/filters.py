"""Template filters: numbers and dates as pages show them, and links made safe.

Participant text is untrusted everywhere: ``safe_url`` and ``result_url`` are the last
guard at render time, ``md_escape`` and ``md_url`` keep pasted text from becoming
Markdown (or HTML) structure.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, urlsplit

from podpipe.config import is_http_url

# rel of every link to a participant's result: search engines and the browser are told
# that the show does not vouch for it.
UGC_REL = "nofollow ugc noopener"
# Characters that start inline Markdown anywhere in a line (emphasis, code, links,
# autolinks, raw HTML, entities), and those that start a block at the start of a line.
MD_INLINE = re.compile(r"([\\`*_\[\]<>&])")
MD_BLOCK_START = re.compile(r"^(\d+)([.)])|^([#>+=-])")


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
    for results that did not come through load_results."""
    return url if url and is_http_url(url) else None


def md_escape(text: str | None) -> str:
    """Plain text -> Markdown that renders as exactly that text, on one line."""
    text = MD_INLINE.sub(r"\\\1", " ".join(str(text or "").split()))
    return MD_BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_url(url: str) -> str:
    """A link destination that cannot break out of ``(...)``: spaces, brackets and
    parentheses percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")
