"""Downloads over HTTP(S) with the standard library: the feed, artwork, chapters, audio.

Audio goes to ``.<name>.part`` beside its final name and is renamed when it is whole, so
the show folder never holds half a file under a real name. An interrupted download (a
dropped connection, a killed import) resumes from the part file with an HTTP Range
request; a server that ignores Range starts again from zero. Redirects (hosting
services' tracking redirects) are followed by urllib, with the Range header kept.
"""

from __future__ import annotations

import http.client
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podpipe import __version__
from podpipe.errors import ProcessingError

log = logging.getLogger(__name__)

USER_AGENT = f"podpipe/{__version__} (feed import)"
TIMEOUT_S = 30
ATTEMPTS = 5  # connections per file before giving up (a flaky server drops several)
CHUNK = 1 << 16
# Hosts round the announced length and insert ads: a different size is only noted. A
# file far larger than announced is not the episode (or never ends): it is refused.
MUCH_LARGER = 2.0
SLACK_BYTES = 1 << 20
NOT_AUDIO = ("text/", "application/xhtml", "application/json", "image/")

Progress = Callable[[int, int | None], None]  # (bytes so far, bytes in all or None)


class DownloadError(Exception):
    """A file could not be fetched; the message says why, for the item's report."""


@dataclass(frozen=True)
class Fetched:
    path: Path
    size: int
    resumed: bool  # a part file or a dropped connection was continued
    content_type: str


def _open(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    return urllib.request.urlopen(request, timeout=TIMEOUT_S)


def fetch_bytes(url: str, *, limit: int = 50 << 20) -> bytes:
    """A small file (a feed, a chapters file) in memory; DownloadError on failure."""
    try:
        with _open(url) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as e:
        raise DownloadError(f"the server answered {e.code} {e.reason} for {url}") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as e:
        reason = getattr(e, "reason", None) or e
        raise DownloadError(f"could not fetch {url}: {reason}") from None
    if len(data) > limit:
        raise DownloadError(f"{url} is larger than {limit >> 20} MB")
    return data


def fetch_feed(url: str) -> bytes:
    try:
        return fetch_bytes(url)
    except DownloadError as e:
        raise ProcessingError(f"cannot read the feed: {e}") from None


def part_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.part")


def download(
    url: str, target: Path, *, announced: int | None = None, progress: Progress | None = None
) -> Fetched:
    """``url`` to ``target`` through its part file, resuming it; DownloadError says why
    not (the part file is kept for the next try unless what arrived is not the file)."""
    part = part_path(target)
    resumed = False
    last_error = ""
    for attempt in range(ATTEMPTS):
        have = part.stat().st_size if part.exists() else 0
        resumed |= have > 0
        try:
            done, total, ctype = _transfer(url, part, have, announced, progress)
        except _Retry as e:
            last_error = str(e)
            log.info("%s: %s (attempt %d of %d)", url, e, attempt + 1, ATTEMPTS)
            time.sleep(min(0.2 * 2**attempt, 2.0))
            continue
        except DownloadError:
            raise
        if total is not None and done != total:
            last_error = f"the connection closed after {done} of {total} bytes"
            continue
        os.replace(part, target)
        return Fetched(target, done, resumed, ctype)
    raise DownloadError(
        f"{last_error}; gave up after {ATTEMPTS} tries (run import again to resume)"
    )


class _Retry(Exception):
    """A transient failure: try again from where the part file ends."""


def _transfer(
    url: str, part: Path, have: int, announced: int | None, progress: Progress | None
) -> tuple[int, int | None, str]:
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        response = _open(url, headers)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # the part file is already whole (or longer)
            return have, have, ""
        if e.code >= 500 or e.code == 429:
            raise _Retry(f"the server answered {e.code} {e.reason}") from None
        part.unlink(missing_ok=True)
        raise DownloadError(f"the server answered {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as e:
        raise _Retry(f"could not connect: {getattr(e, 'reason', None) or e}") from None
    with response:
        ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype.startswith(NOT_AUDIO):
            part.unlink(missing_ok=True)
            raise DownloadError(
                f"the server sent {ctype}, not audio (a web page instead of the file?)"
            )
        if response.status == 206:
            total = _range_total(response.headers.get("Content-Range"))
            start = have
        else:  # 200: the whole file from the start (the server ignored Range)
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            start = 0
        limit = _limit(announced)
        done = start
        mode = "ab" if start else "wb"
        try:
            with part.open(mode) as out:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if limit is not None and done > limit:
                        break
                    if progress:
                        progress(done, total or announced)
        except (OSError, ValueError, http.client.HTTPException) as e:  # dropped mid-file
            if isinstance(e, OSError) and e.filename:  # our disk, not the network
                raise DownloadError(f"cannot write {part}: {e.strerror or e}") from None
            raise _Retry(f"the connection dropped after {done} bytes") from None
    if limit is not None and done > limit:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"the file is far larger than the feed announces ({announced} bytes): not kept"
        )
    return done, total, ctype


def _range_total(value: str | None) -> int | None:
    """bytes 100-999/1000 -> 1000."""
    total = (value or "").rpartition("/")[2].strip()
    return int(total) if total.isdigit() else None


def _limit(announced: int | None) -> int | None:
    return int(announced * MUCH_LARGER) + SLACK_BYTES if announced else None
