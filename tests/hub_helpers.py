"""A local stand-in for the Hugging Face hub on 127.0.0.1: the few endpoints
huggingface_hub's snapshot_download asks (revision info, file tree, resolve), serving
one repository's files, so `podpipe models fetch` runs its real download path."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def serve_hub(repo: str, files: dict[str, bytes]):
    """(base URL, requests seen, stop)."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self._answer(head=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(head=True)

        def _answer(self, head: bool) -> None:
            path = self.path.split("?", 1)[0]
            seen.append(f"{self.command} {path}")
            api = f"/api/models/{repo}"
            if path.startswith(f"{api}/tree/"):
                tree = [
                    {"type": "file", "path": n, "size": len(d), "oid": hashlib.sha1(d).hexdigest()}
                    for n, d in files.items()
                ]
                return self._send(200, json.dumps(tree).encode(), "application/json", head)
            if path.startswith(f"{api}/revision/"):
                info = {"id": repo, "sha": COMMIT, "siblings": [{"rfilename": n} for n in files]}
                return self._send(200, json.dumps(info).encode(), "application/json", head)
            prefix = f"/{repo}/resolve/{COMMIT}/"
            name = path[len(prefix) :] if path.startswith(prefix) else None
            if name in files:
                return self._send(200, files[name], "application/octet-stream", head, name)
            return self._send(404, b"not found", "text/plain", head)

        def _send(self, code, body, ctype, head, name=None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Repo-Commit", COMMIT)
            if name:
                self.send_header("ETag", f'"{hashlib.sha256(body).hexdigest()}"')
            if code == 404:
                self.send_header("X-Error-Code", "EntryNotFound")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", seen, stop
