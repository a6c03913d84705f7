"""`podpipe serve`: a local preview server for the built site.

Python's own ``http.server`` answers every request with the whole file, so an audio
player cannot seek in a long MP3. This one adds single HTTP byte ranges
(RFC 9110: 206 Partial Content, 416 when unsatisfiable), the content types podcast
files need, and CORS on transcripts and chapters (web players fetch them cross-origin).
It is for previews on 127.0.0.1, not for production hosting.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from podpipe.cache import tree_hash
from podpipe.errors import ProcessingError
from podpipe.transcribe.formats import FORMATS

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    **{f.suffix: f.content_type for f in FORMATS},  # transcripts, and .html for every page
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml",
    ".ics": "text/calendar; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# Files other sites' players fetch from the browser (Podcasting 2.0 asks for CORS on them).
_SUFFIXES = "|".join(re.escape(f.suffix[1:]) for f in FORMATS)
_CORS_NAME = re.compile(rf"(^|/)(transcript\.({_SUFFIXES})|chapters\.json|feed\.xml)$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# No file is 10**18 bytes: a longer number is a hostile or broken header (answered 416).
_MAX_DIGITS = 18


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """One ``Range: bytes=...`` value -> (first, last) inclusive.

    None means "ignore the header, send the whole file" (malformed or several ranges,
    which RFC 9110 allows a server to do); "unsatisfiable" means answer 416.
    """
    if len(header) > 100:  # two 18-digit numbers fit many times over
        return "unsatisfiable"
    match = _RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if max(len(first), len(last)) > _MAX_DIGITS:
        return "unsatisfiable"
    if first == "":  # suffix range: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # invalid per the RFC: ignore the header
    if start >= size:
        return "unsatisfiable"
    return start, end


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """Static files with byte ranges, podcast content types and CORS on transcripts."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}
    _remaining: int | None = None
    timeout = 60  # a client that stalls mid-request frees its thread after a minute

    def end_headers(self) -> None:
        # an error reply to a malformed request line is sent before there is a path
        if _CORS_NAME.search(getattr(self, "path", "").split("?", 1)[0]):
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) or "Range" not in self.headers:
            self._remaining = None
            return self._whole(path)
        try:
            f = open(path, "rb")  # noqa: SIM115 - handed to copyfile, closed by the caller
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        size = os.fstat(f.fileno()).st_size
        wanted = parse_range(self.headers["Range"], size)
        if wanted is None:
            f.close()
            return self._whole(path)
        if wanted == "unsatisfiable":
            f.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        first, last = wanted
        f.seek(first)
        self._remaining = last - first + 1
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(self._remaining))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", self.date_time_string(int(os.fstat(f.fileno()).st_mtime)))
        self.end_headers()
        return f

    def _whole(self, path: str):
        self._remaining = None
        return super().send_head()

    def send_response(self, code, message=None):
        super().send_response(code, message)
        if code == HTTPStatus.OK:
            self.send_header("Accept-Ranges", "bytes")

    def copyfile(self, source, outputfile) -> None:
        try:
            if self._remaining is None:
                shutil.copyfileobj(source, outputfile)
                return
            left = self._remaining
            while left > 0:
                chunk = source.read(min(64 * 1024, left))
                if not chunk:
                    break
                outputfile.write(chunk)
                left -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            # The browser's audio element drops range requests it no longer needs.
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)


class PreviewServer(ThreadingHTTPServer):
    """One thread per client (a slow one blocks nobody); a client's broken request or
    dropped connection is logged at debug level, never a traceback on stderr."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        log.debug("request from %s failed", client_address, exc_info=True)


def make_server(directory: Path, port: int = 8000, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A ready server for ``directory`` (port 0 picks a free port: see server.server_port)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ProcessingError("no site to serve here; run 'podpipe publish' first", file=directory)
    handler = partial(RangeRequestHandler, directory=str(directory))
    try:
        server = PreviewServer((host, port), handler)
    except OSError as e:
        raise ProcessingError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    return server


def serve(
    directory: Path,
    port: int,
    host: str = "127.0.0.1",
    *,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``directory`` until interrupted (Ctrl+C); ``ready(url)`` once listening."""
    with make_server(directory, port, host) as server:
        if ready:
            name = f"[{host}]" if ":" in host else host
            ready(f"http://{name}:{server.server_port}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def watch(
    root: Path,
    on_change: Callable[[], None],
    *,
    skip: set[str],
    stop: threading.Event,
    interval: float = 1.0,
) -> None:
    """Call ``on_change`` whenever a file under ``root`` changes, until ``stop`` is set."""
    last = tree_hash(root, skip)
    while not stop.wait(interval):
        now = tree_hash(root, skip)
        if now != last:
            on_change()
            last = tree_hash(root, skip)  # what the rebuild itself wrote (guids.yaml) is no change
