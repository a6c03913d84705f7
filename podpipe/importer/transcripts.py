"""The old host's transcript, kept as the episode's hand-edited transcript.

Of the transcripts a feed item links (``podcast:transcript``), the first in a format
podpipe can read is downloaded, checked and saved in the episode folder as
``transcript.vtt`` (WebVTT kept as it is; Podcasting 2.0 JSON and HTML converted) or
``transcript.srt`` (SubRip kept as it is). From then on it is the episode's transcript:
published in every format, and Whisper does not run for the episode.
"""

from __future__ import annotations

from pathlib import Path

from podpipe import transcribe
from podpipe.errors import ConfigError
from podpipe.importer.download import DownloadError, fetch_bytes

# MIME type (or file suffix) -> how it is kept; in the order tried: the two caption
# formats as they are, then the two podpipe converts.
KINDS = {"text/vtt": "vtt", "application/x-subrip": "srt", "application/srt": "srt"}
KINDS |= {"text/srt": "srt", "application/json": "json", "text/html": "html"}
SUFFIXES = {".vtt": "vtt", ".srt": "srt", ".json": "json", ".html": "html", ".htm": "html"}
PREFERENCE = ("vtt", "srt", "json", "html")
CONVERT = {"json": transcribe.json_cues, "html": transcribe.html_cues}


def kind_of(url: str, mime: str) -> str | None:
    """ "vtt", "srt", "json", "html" or None (plain text has no times: not usable)."""
    kind = KINDS.get(mime.split(";")[0].strip().lower())
    return kind or SUFFIXES.get(Path(url.split("?")[0].split("#")[0]).suffix.lower())


def save_transcript(
    transcripts: tuple[tuple[str, str], ...], folder: Path
) -> tuple[str | None, str | None]:
    """(the file kept in ``folder``, a note for the host): the most faithful transcript
    the item links that reads cleanly; the others are tried when one fails."""
    usable = sorted(
        (PREFERENCE.index(kind), n, url, kind)
        for n, (url, mime) in enumerate(transcripts)
        if (kind := kind_of(url, mime))
    )
    if not usable:
        return None, "the feed links a transcript in a format podpipe does not read: not kept"
    problems = []
    for _, _, url, kind in usable:
        try:
            data = fetch_bytes(url)
            name, text = _as_kept(kind, data, folder)
        except DownloadError as e:
            problems.append(f"{url} was not downloaded ({e})")
            continue
        except ValueError as e:
            problems.append(f"{url} was not read: {e}")
            continue
        (folder / name).write_text(text, encoding="utf-8")
        return name, None
    return None, "its transcript was not kept: " + "; ".join(problems)


def _as_kept(kind: str, data: bytes, folder: Path) -> tuple[str, str]:
    """(file name, text) of the transcript as the folder keeps it; ValueError if it does
    not read as a transcript (the hand-edited transcript's own checks)."""
    if kind in CONVERT:
        return "transcript.vtt", transcribe.vtt(CONVERT[kind](data))
    name = f"transcript.{kind}"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text ({e.reason})") from None
    parse = transcribe.parse_vtt if kind == "vtt" else transcribe.parse_srt
    try:
        if not parse(text, folder / name):
            raise ValueError("it has no cues")
    except ConfigError as e:
        first = e.problems[0]
        message = first.message.removeprefix("hand-edited transcript: ")
        raise ValueError(f"line {first.line}: {message}" if first.line else message) from None
    return name, text.replace("\r\n", "\n")
