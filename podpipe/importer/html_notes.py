"""Show notes from another host: HTML -> Markdown, keeping links, lists and emphasis.

The HTML is untrusted (hosts paste in whatever their guests send): scripts, styles,
iframes and forms are dropped with their content, every other tag is reduced to the
Markdown it means or to its text, links keep only http(s) and mailto addresses, and
characters Markdown would read as markup are escaped, so no raw HTML survives (the
notes renderer escapes raw HTML too).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

DROPPED = {"script", "style", "iframe", "object", "embed", "form", "noscript", "template", "svg"}
BLOCKS = {"p", "div", "section", "article", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")
_ESCAPE = re.compile(r"([\\`*_\[\]<>#|~])")


def html_to_markdown(text: str) -> str:
    """Markdown for an HTML fragment (plain text comes through as paragraphs)."""
    if not text.strip():
        return ""
    if "<" not in text:  # plain text: keep its paragraphs
        return "\n\n".join(_escape(p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip())
    converter = _Converter()
    converter.feed(text)
    converter.close()
    return converter.markdown()


def html_to_text(text: str) -> str:
    """Plain text for an HTML fragment (show descriptions, summaries), one line per paragraph."""
    if "<" not in text:
        return html.unescape(text).strip()
    md = html_to_markdown(text)
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)  # links -> their text
    md = re.sub(r"\\(.)", r"\1", md).replace("**", "").replace("*", "")
    return "\n".join(line.strip() for line in md.splitlines() if line.strip())


def first_sentences(text: str, limit: int = 250) -> str:
    """A summary from plain text: whole sentences up to ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 40 else cut.rsplit(" ", 1)[0] + "…"


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    # A line starting "1. " or "- " would become a list.
    return re.sub(
        r"^(\s*)(\d+)([.)])(\s)",
        r"\1\2\\\3\4",
        re.sub(r"^(\s*)([-+])(\s)", r"\1\\\2\3", text, flags=re.M),
        flags=re.M,
    )


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []  # finished paragraphs, list items, headings
        self.line: list[str] = []  # the block being built
        self.prefix = ""  # "## ", "- ", "1. ", "> " for the current block
        self.lists: list[list] = []  # open lists: ["ul"|"ol", counter]
        self.links: list[str | None] = []  # hrefs of open <a>
        self.dropping = 0  # depth inside a dropped element
        self.quote = 0

    # ---- blocks
    def _flush(self) -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self.line)).strip()
        text = re.sub(r" *\n *", "  \n", text)  # <br> as a Markdown hard break
        if text:
            quote = "> " * self.quote
            self.blocks.append(quote + self.prefix + text)
        self.line = []
        self.prefix = ""

    def markdown(self) -> str:
        self._flush()
        out: list[str] = []
        for block in self.blocks:
            in_list = bool(re.match(r"^(> )*(\s*)(- |\d+\. )", block))
            if out and not (in_list and out[-1][1]):
                out.append(("", False))
            out.append((block, in_list))
        return "\n".join(text for text, _ in out).strip() + "\n"

    def handle_starttag(self, tag, attrs):
        if self.dropping or tag in DROPPED:
            self.dropping += tag in DROPPED
            return
        a = dict(attrs)
        if tag in BLOCKS or tag in ("ul", "ol", "li", "hr", "table", "tr"):
            self._flush()
        if tag == "blockquote":
            self.quote += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.prefix = "#" * min(int(tag[1]) + 1, 6) + " "  # the page has the <h1>
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            indent = "  " * max(0, len(self.lists) - 1)
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                self.prefix = f"{indent}{self.lists[-1][1]}. "
            else:
                self.prefix = f"{indent}- "
        elif tag == "br":
            self.line.append("\n")
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "a":
            href = (a.get("href") or "").strip()
            safe = href if href.lower().startswith(SAFE_SCHEMES) else None
            self.links.append(safe)
            if safe:
                self.line.append("[")
        elif tag in ("td", "th"):
            self.line.append(" ")

    def handle_endtag(self, tag):
        if self.dropping:
            self.dropping -= tag in DROPPED
            return
        if tag in ("strong", "b"):
            self._close_mark("**")
        elif tag in ("em", "i"):
            self._close_mark("*")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.line.append(f"]({_url(href)})")
        elif tag in BLOCKS or tag in ("li", "tr", "table"):
            self._flush()
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()

    def _close_mark(self, mark: str) -> None:
        # "**" right after its opening one (an empty <b></b>) would print as text.
        if self.line and self.line[-1] == mark:
            self.line.pop()
            return
        # Emphasis must hug its text in CommonMark: move surrounding spaces outside.
        text = "".join(self.line)
        start = text.rfind(mark)
        if start >= 0:
            inner = text[start + len(mark) :]
            stripped = inner.strip()
            if not stripped:
                self.line = [text[:start] + inner]
                return
            lead = inner[: len(inner) - len(inner.lstrip())]
            trail = inner[len(inner.rstrip()) :]
            self.line = [text[:start] + lead + mark + stripped + mark + trail]
            return
        self.line.append(mark)

    def handle_data(self, data):
        if self.dropping:
            return
        self.line.append(_escape(data.replace("\n", " ")))


def _url(href: str) -> str:
    """A link destination Markdown reads back whole (spaces and parentheses encoded)."""
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
