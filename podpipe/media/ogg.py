"""Spotting a cut-off Ogg file, which ffmpeg decodes without a word."""

from __future__ import annotations

from pathlib import Path


def ogg_truncation(path: Path) -> str | None:
    """Why an Ogg file (Vorbis, Opus, FLAC in Ogg) looks cut off, or None.

    ffmpeg decodes a truncated Ogg file without a word: its duration comes from the last
    page it finds. But every complete Ogg stream ends with a page flagged end-of-stream,
    and a cut-off file ends inside a page or on a page without that flag. Anything after
    the last whole page (an ID3v1 tag, padding) is ignored.
    """
    try:
        with path.open("rb") as f:
            if f.read(4) != b"OggS":
                return None
            size = f.seek(0, 2)
            f.seek(max(0, size - 70_000))  # an Ogg page is at most 65,307 bytes
            tail = f.read()
    except OSError:
        return None
    start = tail.rfind(b"OggS")
    while start >= 0:
        page = tail[start:]
        if len(page) >= 27 and page[4] == 0:  # a page header (version 0), not stray bytes
            segments = page[26]
            if len(page) >= 27 + segments:
                length = 27 + segments + sum(page[27 : 27 + segments])
                if length > len(page):
                    return f"the last Ogg page needs {length} bytes, the file has {len(page)}"
                # Bytes after a whole page (an ID3v1 tag, padding) are not audio.
                if page[5] & 0x04:
                    return None
                return "the last Ogg page is not marked end-of-stream"
        start = tail.rfind(b"OggS", 0, start)
    return "no complete Ogg page at the end of the file"
