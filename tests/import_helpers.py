"""A local HTTP server shaped like podcast hosts (tracking redirects, Range requests, a
connection that drops mid-file, 404s, web pages instead of audio) and the feeds in
tests/data/import/ pointed at it."""

from __future__ import annotations

import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.feed_helpers import make_artwork, make_mp3

DATA = Path(__file__).resolve().parent / "data" / "import"
FEEDS = ("libsyn", "buzzsprout", "podlove", "wordpress", "castopod")


@dataclass
class Host:
    """What the server serves and what it saw."""

    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path -> (body, type)
    redirects: dict[str, str] = field(default_factory=dict)  # path prefix -> new prefix
    drop_after: dict[str, int] = field(default_factory=dict)  # path -> bytes, once
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range)
    base: str = ""


def make_media(folder: Path) -> dict[str, bytes]:
    """Two small real MP3s and the artwork, made once per test session folder."""
    folder.mkdir(parents=True, exist_ok=True)
    make_mp3(folder / "ep1.mp3", 2.0, 330)
    make_mp3(folder / "ep2.mp3", 2.5, 550)
    make_artwork(folder / "show.png")
    make_artwork(folder / "ep-cover.jpg", fmt="JPEG")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def serve(media: dict[str, bytes]):
    """Start the server on 127.0.0.1 (a free port) in a thread: (host, stop)."""
    host = Host()
    handler = _handler(host)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    host.base = f"http://127.0.0.1:{server.server_address[1]}"
    mp3 = "audio/mpeg"
    host.files["/media/ep1.mp3"] = (media["ep1.mp3"], mp3)
    host.files["/media/ep2.mp3"] = (media["ep2.mp3"], mp3)
    host.files["/media/show.png"] = (media["show.png"], "image/png")
    host.files["/media/ep-cover.jpg"] = (media["ep-cover.jpg"], "image/jpeg")
    host.files["/media/page.html"] = (b"<html><body>Not found</body></html>", "text/html")
    host.files["/media/clip.mp4"] = (b"\x00" * 1000, "video/mp4")
    # Libsyn: a tracking redirect, then the CDN.
    host.redirects["/libsyn/track/fieldnotes/"] = "/libsyn/cdn/fieldnotes/"
    host.redirects["/libsyn/cdn/fieldnotes/"] = "/media/"
    for name in ("ep1.mp3", "ep2.mp3"):
        host.files[f"/buzzsprout/{'12345601' if name == 'ep1.mp3' else '12345678'}/{name}"] = (
            media[name],
            mp3,
        )
    host.files["/buzzsprout/12345678/chapters.json"] = (
        (DATA / "buzzsprout-chapters.json").read_bytes(),
        "application/json",
    )
    host.files["/buzzsprout/12345678/transcript.srt"] = (
        (DATA / "buzzsprout-transcript.srt").read_bytes(),
        "application/x-subrip",
    )
    host.files["/buzzsprout/12345678/transcript.json"] = (b"{}", "application/json")
    host.files["/buzzsprout/12345601/transcript.txt"] = (b"Rye needs a hand.", "text/plain")
    host.files["/buzzsprout/12345601/transcript.html"] = (
        (DATA / "buzzsprout-transcript.html").read_bytes(),
        "text/html",
    )
    host.files["/podlove/download/ks001.mp3"] = (media["ep1.mp3"], mp3)
    host.files["/podlove/download/ks002.mp3"] = (media["ep2.mp3"], mp3)
    up = "/wordpress/wp-content/uploads"
    host.files[f"{up}/2023/11/first-season.mp3"] = (media["ep1.mp3"], mp3)
    host.files[f"{up}/2023/12/winter-beds.mp3"] = (media["ep2.mp3"], mp3)
    # Castopod: a French show; the audio through an analytics redirect, transcripts
    # (SubRip, Podcasting 2.0 JSON) and chapters beside each episode.
    host.redirects["/castopod/audio/"] = "/castopod/media/"
    host.files["/castopod/media/@potager/tomates.mp3"] = (media["ep2.mp3"], mp3)
    host.files["/castopod/media/@potager/compost.mp3"] = (media["ep1.mp3"], mp3)
    for path, name, ctype in (
        ("tomates/transcript.srt", "castopod-transcript.srt", "application/x-subrip"),
        ("tomates/chapters.json", "castopod-chapters.json", "application/json+chapters"),
        ("compost/transcript.json", "castopod-transcript.json", "application/json"),
    ):
        host.files[f"/castopod/@potager/{path}"] = ((DATA / name).read_bytes(), ctype)
    for name in (*FEEDS, "messy"):
        host.files[f"/feeds/{name}.xml"] = (
            feed_text(name, host.base, media).encode(),
            "application/rss+xml",
        )
    host.files["/feeds/page.html"] = ((DATA / "not-a-feed.html").read_bytes(), "text/html")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return host, stop


def feed_text(name: str, base: str, media: dict[str, bytes]) -> str:
    text = (DATA / f"{name}.xml").read_text(encoding="utf-8").replace("@BASE@", base)
    for file, data in media.items():
        text = text.replace(f"@LEN:{file}@", str(len(data)))
    return text


def _handler(host: Host):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            rng = self.headers.get("Range")
            host.requests.append((path, rng))
            for prefix, target in host.redirects.items():
                if path.startswith(prefix):
                    self.send_response(302)
                    self.send_header("Location", target + path[len(prefix) :])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            if path not in host.files:
                body = b"not found"
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            body, ctype = host.files[path]
            start = 0
            if rng and rng.startswith("bytes=") and rng.endswith("-"):
                start = int(rng[6:-1])
                if start >= len(body):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(body)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            part = body[start:]
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(part)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            cut = host.drop_after.pop(path, None)
            if cut is not None:  # the connection drops part-way, once
                self.wfile.write(part[:cut])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(part)

    return Handler
