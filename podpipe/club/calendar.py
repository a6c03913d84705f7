"""The club's calendar, club.ics (RFC 5545): a cycle's first and last day as events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.config import Show


def calendar_text(show: Show) -> str:
    """The club's iCalendar (RFC 5545): per cycle, an all-day event on its first day and
    one on its last day. UIDs and stamps derive from the cycle, so rebuilding the site
    does not make calendar apps see changed events."""
    host = urlsplit(show.base_url).hostname or "podpipe.invalid"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//podpipe//learning club//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(show.club.name + ' · ' + show.title)}",
        "REFRESH-INTERVAL;VALUE=DURATION:P1D",
        "X-PUBLISHED-TTL:P1D",
    ]
    for cycle in sorted(show.club.cycles, key=lambda c: c.start):
        url = urls.absolute(show.base_url, urls.cycle_page(cycle.slug))
        how = f"\n\nSubmit your result: {show.club.submit_url}" if show.club.submit_url else ""
        ask = show.club.discussion(cycle)
        if ask:  # the event's URL is the place to ask; the topic page stays in the text
            how += f"\n\nDiscussion: {ask}\nTopic page: {url}"
        for kind, day, summary in (
            ("start", cycle.start, f"{show.club.name}: {cycle.title} starts"),
            ("end", cycle.end, f"{show.club.name}: last day of {cycle.title}"),
        ):
            lines += [
                "BEGIN:VEVENT",
                f"UID:{cycle.slug}-{kind}@{host}",
                f"DTSTAMP:{cycle.start:%Y%m%d}T000000Z",
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{_ics_text(summary)}",
                f"DESCRIPTION:{_ics_text(cycle.summary + f' ({cycle.start} to {cycle.end})' + how)}",
                f"URL:{ask or url}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def write_calendar(show: Show, out_path: Path) -> Path:
    """Write club.ics; returns its path."""
    write_atomic(out_path, calendar_text(show).encode("utf-8"))  # bytes: CRLF line ends
    return out_path


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)
