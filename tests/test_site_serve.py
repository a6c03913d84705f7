"""The preview server: byte ranges, content types, CORS, and `podpipe serve` itself."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from podpipe.errors import ProcessingError
from podpipe.site.serve import make_server, parse_range

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A served folder with a binary 'MP3' of known bytes and transcript files."""
    folder = tmp_path_factory.mktemp("serve")
    episode = folder / "episodes" / "001-x"
    episode.mkdir(parents=True)
    body = bytes(range(256)) * 40  # 10240 bytes, every offset identifiable
    (episode / "001-x.mp3").write_bytes(body)
    (episode / "transcript.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (episode / "transcript.json").write_text('{"segments": []}', encoding="utf-8")
    (episode / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    server = make_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, body
    server.shutdown()
    server.server_close()


def request(port: int, path: str, headers: dict | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


@pytest.mark.parametrize(
    "header, first, last",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-240", 10000, 10239),
        ("bytes=10200-99999", 10200, 10239),
    ],
)
def test_range_request_gets_206_and_the_right_bytes(served, header, first, last):
    port, body = served
    response, data = request(port, "/episodes/001-x/001-x.mp3", {"Range": header})
    assert response.status == 206
    assert response.getheader("Content-Range") == f"bytes {first}-{last}/{len(body)}"
    assert response.getheader("Content-Length") == str(last - first + 1)
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert data == body[first : last + 1]


def test_unsatisfiable_range_gets_416(served):
    port, body = served
    response, data = request(port, "/episodes/001-x/001-x.mp3", {"Range": "bytes=20000-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(body)}"
    assert data == b""


def test_whole_file_without_range_advertises_ranges(served):
    port, body = served
    response, data = request(port, "/episodes/001-x/001-x.mp3")
    assert response.status == 200 and data == body
    assert response.getheader("Accept-Ranges") == "bytes"
    response, data = request(port, "/episodes/001-x/001-x.mp3", method="HEAD")
    assert response.status == 200 and data == b""
    assert response.getheader("Content-Length") == str(len(body))


def test_multiple_ranges_fall_back_to_the_whole_file(served):
    port, body = served
    response, data = request(port, "/episodes/001-x/001-x.mp3", {"Range": "bytes=0-1,5-6"})
    assert response.status == 200 and data == body


def test_content_types_and_cors(served):
    port, _ = served
    vtt, _ = request(port, "/episodes/001-x/transcript.vtt")
    assert vtt.getheader("Content-Type") == "text/vtt; charset=utf-8"
    assert vtt.getheader("Access-Control-Allow-Origin") == "*"
    js, _ = request(port, "/episodes/001-x/transcript.json", {"Range": "bytes=0-3"})
    assert js.status == 206 and js.getheader("Content-Type") == "application/json"
    assert js.getheader("Access-Control-Allow-Origin") == "*"
    page, _ = request(port, "/episodes/001-x/")
    assert page.status == 200 and page.getheader("Content-Type") == "text/html; charset=utf-8"
    assert page.getheader("Access-Control-Allow-Origin") is None
    missing, _ = request(port, "/episodes/001-x/nothing.mp3", {"Range": "bytes=0-1"})
    assert missing.status == 404


def test_parse_range_edge_cases():
    assert parse_range("bytes=5-2", 100) is None  # invalid: ignore the header
    assert parse_range("items=0-1", 100) is None
    assert parse_range("bytes=-0", 100) == "unsatisfiable"
    assert parse_range("bytes=-500", 100) == (0, 99)
    assert parse_range("bytes=0-0", 0) == "unsatisfiable"


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ProcessingError, match="no site to serve here; run 'podpipe publish'"):
        make_server(tmp_path / "site", 0)


def test_podpipe_serve_command_answers_a_range_request(tmp_path):
    site = tmp_path / "public"
    site.mkdir()
    payload = os.urandom(5000)
    (site / "a.mp3").write_bytes(payload)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "podpipe", "serve", "--port", "0", "--dir", str(site)],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()  # "Serving <dir> at http://127.0.0.1:PORT/ (Ctrl+C...)"
        assert line.startswith(f"Serving {site} at http://127.0.0.1:"), line
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        response, data = request(port, "/a.mp3", {"Range": "bytes=100-199"})
        assert response.status == 206 and data == payload[100:200]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_podpipe_serve_without_a_site_exits_1(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "podpipe", "serve", "--dir", str(tmp_path / "nope")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 1
    assert f"{tmp_path / 'nope'}: no site to serve here" in proc.stderr


def test_podpipe_serve_finds_the_site_from_show_yaml(tmp_path):
    show = tmp_path / "show"
    (show / "public").mkdir(parents=True)
    (show / "public" / "index.html").write_text("<!doctype html><p>home", encoding="utf-8")
    (show / "show.yaml").write_text(
        "title: T\ndescription: D\nauthor: A\nowner: {name: A, email: a@example.org}\n"
        "base_url: https://example.org/\noutput_dir: public\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "podpipe", "serve", "--show", str(show), "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()
        assert line.startswith(f"Serving {show / 'public'} at http://127.0.0.1:"), line
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        response, data = request(port, "/")
        assert response.status == 200 and data == b"<!doctype html><p>home"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
