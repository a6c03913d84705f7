"""The transcript formats podpipe publishes: one registry that every stage asks.

The transcription stage writes four files (VTT, SRT, Podcasting 2.0 JSON, text); the
site renders two more from them: the Podcasting 2.0 HTML transcript (a fragment of
``<cite>``, ``<time>`` and ``<p>``, which the feed links as text/html) and the
transcript page people read on the site. Which file goes in the
feed, which in the show notes, which type it is served and announced with: each is a
field here, so adding a format is one row.

This module imports nothing else of podpipe, so it can move below the stages should
the layers want it there (the feed, notes, site and server all read it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TranscriptFormat:
    key: str  # "vtt": TranscriptReport.files key, PublishedEpisode.transcript_path(key)
    suffix: str  # ".vtt": the file name is transcript<suffix>
    mime: str  # the type in the feed's podcast:transcript
    label: str  # the format's name as the site's download list shows it
    in_feed: bool  # linked from the feed item as a podcast:transcript
    in_notes: bool  # linked from the show notes
    written: bool  # a file the transcription stage writes (the page is the site's)
    charset: bool = True  # served with "; charset=utf-8" (JSON is UTF-8 by definition)

    @property
    def content_type(self) -> str:
        """The HTTP Content-Type the preview server sends."""
        return f"{self.mime}; charset=utf-8" if self.charset else self.mime


# In the order apps should try them (the feed lists them so): VTT and SRT are what Apple
# Podcasts ingests; JSON for Podcasting 2.0 apps; the text file and the page for people.
FORMATS: tuple[TranscriptFormat, ...] = (
    TranscriptFormat(
        "vtt",
        ".vtt",
        "text/vtt",
        "WebVTT",
        in_feed=True,
        in_notes=True,
        written=True,
    ),
    TranscriptFormat(
        "srt",
        ".srt",
        "application/x-subrip",
        "SubRip (SRT)",
        in_feed=True,
        in_notes=True,
        written=True,
    ),
    TranscriptFormat(
        "json",
        ".json",
        "application/json",
        "JSON (Podcasting 2.0)",
        in_feed=True,
        in_notes=False,
        written=True,
        charset=False,
    ),
    TranscriptFormat(
        "txt",
        ".txt",
        "text/plain",
        "Plain text",
        in_feed=False,
        in_notes=True,
        written=True,
    ),
    TranscriptFormat(
        "fragment",
        ".fragment.html",
        "text/html",
        "HTML (Podcasting 2.0)",
        in_feed=True,
        in_notes=False,
        written=False,
    ),
    TranscriptFormat(
        "html",
        ".html",
        "text/html",
        "Transcript page",
        in_feed=False,
        in_notes=True,
        written=False,
    ),
)
BY_KEY = {f.key: f for f in FORMATS}

FILE_FORMATS = tuple(f.key for f in FORMATS if f.written)  # vtt srt json txt
FEED_FORMATS = tuple(f.key for f in FORMATS if f.in_feed)  # vtt srt json fragment
SITE_FORMATS = tuple(f.key for f in FORMATS if not f.written)  # fragment html: the site's
NOTES_FORMATS = tuple(f.key for f in FORMATS if f.in_notes)  # vtt srt txt html


def transcript_format(key: str) -> TranscriptFormat:
    """The format for ``key`` ("vtt", "srt", "json", "txt", "fragment", "html"); KeyError
    otherwise."""
    return BY_KEY[key]


def mime_type(key: str) -> str:
    return BY_KEY[key].mime


def file_name(stem: str, key: str) -> str:
    """``stem`` with the format's suffix: file_name("transcript", "vtt") -> "transcript.vtt"."""
    return stem + BY_KEY[key].suffix
