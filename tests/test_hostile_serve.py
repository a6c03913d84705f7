"""The preview server under hostile or broken clients (issue 20): oversized and
malformed Range headers get 416 (or the whole file), a malformed request line gets a
400 with no traceback on stderr, and a client that stalls blocks nobody else."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time

import pytest

from podpipe.site.serve import parse_range
from tests.show_helpers import REPO

BODY = bytes(range(256)) * 40


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`podpipe serve` itself, as a subprocess: its stderr is what the host sees."""
    site = tmp_path_factory.mktemp("hostile-serve") / "site"
    site.mkdir()
    (site / "a.mp3").write_bytes(BODY)
    (site / "feed.xml").write_text("<rss/>", encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "podpipe", "serve", "--dir", str(site), "--port", str(port)],
        cwd=site.parent,
        env={"PYTHONPATH": str(REPO), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield port, proc
    proc.terminate()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, headers: dict, path: str = "/a.mp3") -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, dict(response.getheaders())


@pytest.mark.parametrize(
    "header, status",
    [
        ("bytes=" + "9" * 35 + "-", 416),
        ("bytes=0-" + "9" * 35, 416),
        ("bytes=-" + "9" * 35, 416),
        ("bytes=5-" + "9" * 5000, 416),  # past Python's int-from-text limit
        ("bytes=" + "1" * 5000 + "-", 416),
        ("bytes=abc", 200),  # malformed: the whole file, as RFC 9110 allows
        ("bytes=1-2,3-4", 200),
        ("bytes=5-" + "0" * 200, 416),
    ],
)
def test_oversized_and_malformed_ranges_get_an_answer(server, header, status):
    port, _ = server
    code, body, headers = _get(port, {"Range": header})
    assert code == status
    if status == 416:
        assert headers["Content-Range"] == f"bytes */{len(BODY)}" and body == b""
    else:
        assert body == BODY


def test_a_malformed_request_line_gets_400_and_no_traceback(server):
    port, proc = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        answer = s.recv(400)
    assert b"400" in answer, answer
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40 + b"\r\n\r\n")
        s.recv(200)  # a TLS hello at a plain HTTP port
    assert _get(port, {}, "/feed.xml")[0] == 200
    proc.terminate()
    _, stderr = proc.communicate(timeout=10)
    assert "Traceback" not in stderr and "AttributeError" not in stderr, stderr


def test_a_client_that_stalls_does_not_block_others(tmp_path):
    from podpipe.site.serve import make_server

    (tmp_path / "a.mp3").write_bytes(BODY)
    server = make_server(tmp_path, 0)
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        stalled = socket.create_connection(("127.0.0.1", server.server_port), timeout=10)
        stalled.sendall(b"GET /a.mp3 HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        started = time.monotonic()
        assert _get(server.server_port, {"Range": "bytes=0-9"})[1] == BODY[:10]
        assert time.monotonic() - started < 5
        stalled.close()
    finally:
        server.shutdown()
        server.server_close()


def test_parse_range_never_converts_a_huge_number():
    assert parse_range("bytes=" + "9" * 10_000 + "-", 100) == "unsatisfiable"
    assert parse_range("bytes=0-" + "9" * 18, 100) == (0, 99)
