"""The club's progress as inline SVG, drawn at build time: no JavaScript, no third-party
host. Every chart prints its numbers next to its bars, tells series apart by pattern as
well as by colour, carries a ``<title>`` and ``<desc>`` and comes with its data as rows
for a table (the text alternative the page shows under it).

The SVG is built with ElementTree, so every text (cycle titles, participants' names in
tooltips) is escaped as XML and the chart is well-formed on its own.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from podpipe.club import Participant
from podpipe.config import Cycle

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 640
ROW = 30
LABEL_W = 230
BAR_W = 300
LABEL_CHARS = 32


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG (XML text), a caption, and its data as a table."""

    key: str
    svg: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]


def results_per_cycle(cycles: list[Cycle], results: dict[str, list]) -> Chart:
    """Results per started cycle, oldest first."""
    rows = tuple((c.title, len(results.get(c.slug, []))) for c in cycles)
    top = max([n for _, n in rows] + [1])
    svg, g = _frame("club-results-chart", "Results per cycle", _describe(rows, "result"), rows)
    for i, (title, n) in enumerate(rows):
        y = 10 + i * ROW
        _label(g, y, title)
        _bar(g, LABEL_W, y, BAR_W * n / top, "club-bar", "#3565a8")
        _text(g, LABEL_W + BAR_W * n / top + 6, y + 15, _count(n, "result"))
    return Chart("results", _xml(svg), "Results per cycle", ("Cycle", "Results"), rows)


def new_and_returning(cycles: list[Cycle], people: list[Participant]) -> Chart:
    """Participants per started cycle: first time (solid) or back again (hatched)."""
    order = {c.slug: i for i, c in enumerate(cycles)}
    rows = []
    for cycle in cycles:
        new = returning = 0
        for p in people:
            took = [order[c.slug] for c in p.cycles if c.slug in order]
            if order[cycle.slug] in took:
                if min(took) < order[cycle.slug]:
                    returning += 1
                else:
                    new += 1
        rows.append((cycle.title, new, returning))
    rows_t = tuple(rows)
    top = max([a + b for _, a, b in rows_t] + [1])
    desc = "; ".join(f"{t}: {a} new, {b} returning" for t, a, b in rows_t) or "No cycles yet"
    svg, g = _frame(
        "club-people-chart", "New and returning participants", desc, rows_t, legend=True
    )
    for i, (title, new, back) in enumerate(rows_t):
        y = 10 + i * ROW
        _label(g, y, title)
        w_new, w_back = BAR_W * new / top, BAR_W * back / top
        _bar(g, LABEL_W, y, w_new, "club-bar-new", "#3565a8")
        _bar(g, LABEL_W + w_new, y, w_back, "club-bar-returning", "url(#club-people-chart-hatch)")
        _text(g, LABEL_W + w_new + w_back + 6, y + 15, f"{new} new, {back} returning")
    return Chart(
        "people",
        _xml(svg),
        "New and returning participants per cycle",
        ("Cycle", "New", "Returning"),
        rows_t,
    )


def cycle_progress(cycle: Cycle, results: list, names: list[str], today: dt.date) -> Chart:
    """An open cycle: the days elapsed of its length, and a mark per result on the day
    it came in (``names``: who, for the tooltips; "" for someone unlisted)."""
    length = (cycle.end - cycle.start).days + 1
    elapsed = max(0, min(length, (today - cycle.start).days + 1))
    n = len(results)
    summary = f"Day {elapsed} of {length}, {_count(n, 'result')} so far"
    rows = ((summary, elapsed, length, n),)
    svg, g = _frame("club-progress-chart", f"{cycle.title}: progress", summary, rows, height=90)
    day_w = (WIDTH - 20) / length
    track = ET.SubElement(g, "rect", x="10", y="30", width=_n(WIDTH - 20), height="22")
    track.set("fill", "none")
    track.set("stroke", "#555")
    hatch = "url(#club-progress-chart-hatch)"
    _bar(g, 10, 30, day_w * elapsed, "club-bar-elapsed", hatch, height=22)
    for d in range(1, length):
        ET.SubElement(g, "line", x1=_n(10 + d * day_w), y1="30", x2=_n(10 + d * day_w), y2="52")
    _text(g, 10, 20, summary)
    for r, name in zip(results, names, strict=True):
        if r.submitted is None:
            continue
        day = max(0, min(length - 1, (r.submitted - cycle.start).days))
        mark = ET.SubElement(g, "circle", cx=_n(10 + (day + 0.5) * day_w), cy="70", r="6")
        mark.set("class", "club-mark")
        ET.SubElement(mark, "title").text = (
            f"{r.label} by {name}, {r.submitted}" if name else f"A result, {r.submitted}"
        )
    return Chart(
        "progress",
        _xml(svg),
        f"{cycle.title}: days elapsed and results so far",
        ("Progress", "Days elapsed", "Days in the cycle", "Results so far"),
        rows,
    )


# --------------------------------------------------------------------------- drawing


def _frame(ident: str, title: str, desc: str, rows, *, legend=False, height=None):
    h = height or 20 + max(1, len(rows)) * ROW + (30 if legend else 0)
    svg = ET.Element(
        "svg",
        xmlns=SVG_NS,
        viewBox=f"0 0 {WIDTH} {h}",
        width=str(WIDTH),
        height=str(h),
        role="img",
    )
    svg.set("aria-labelledby", f"{ident}-title {ident}-desc")
    svg.set("class", "club-svg")
    ET.SubElement(svg, "title", id=f"{ident}-title").text = title
    ET.SubElement(svg, "desc", id=f"{ident}-desc").text = desc
    defs = ET.SubElement(svg, "defs")
    pattern = ET.SubElement(
        defs, "pattern", id=f"{ident}-hatch", width="6", height="6", patternUnits="userSpaceOnUse"
    )
    pattern.set("patternTransform", "rotate(45)")
    ET.SubElement(pattern, "rect", width="6", height="6", fill="#f4d58d")
    ET.SubElement(pattern, "line", x1="0", y1="0", x2="0", y2="6", stroke="#333")
    pattern[-1].set("stroke-width", "3")
    g = ET.SubElement(svg, "g")
    g.set("font-family", "sans-serif")
    g.set("font-size", "13")
    g.set("stroke", "#555")
    if legend:
        y = 10 + max(1, len(rows)) * ROW + 6
        _bar(g, LABEL_W, y, 16, "club-key-new", "#3565a8", height=14)
        _text(g, LABEL_W + 22, y + 12, "new (solid)")
        hatch = f"url(#{ident}-hatch)"
        _bar(g, LABEL_W + 130, y, 16, "club-key-returning", hatch, height=14)
        _text(g, LABEL_W + 152, y + 12, "returning (hatched)")
    return svg, g


def _label(g, y: float, title: str) -> None:
    short = title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…"
    t = _text(g, 10, y + 15, short)
    ET.SubElement(t, "title").text = title


def _bar(g, x: float, y: float, w: float, cls: str, fill: str, height: float = 20) -> None:
    if w <= 0:
        return
    bar = ET.SubElement(g, "rect", x=_n(x), y=_n(y), width=_n(w), height=_n(height), fill=fill)
    bar.set("class", cls)


def _text(g, x: float, y: float, text: str):
    el = ET.SubElement(g, "text", x=_n(x), y=_n(y), stroke="none", fill="#111")
    el.text = text
    return el


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _describe(rows, what: str) -> str:
    return "; ".join(f"{t}: {_count(n, what)}" for t, n in rows) or "No cycles yet"


def _xml(svg) -> str:
    return ET.tostring(svg, encoding="unicode")
