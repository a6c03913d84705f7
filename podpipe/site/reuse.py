"""Pages reused from the previous site while their inputs are unchanged.

Every page rendered through :class:`PageReuse` is recorded in ``.podpipe/pages.json``
with a fingerprint of its inputs (the page's context, the show without its episode
list, the templates, podpipe's version) and the size and mtime of the file written.
On the next publish a page whose fingerprint is the same, and whose file in the current
site is still the one written (not changed by hand), is hard-linked into the staging
site instead of rendered: the file keeps its inode, and a publish after one edit renders
the pages that edit touches (its episode's pages, the home page, the search page and
index, the pages that list episodes). A page not rendered through it is simply rendered
every time, so a new page needs nothing here to be correct.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from podpipe import __version__, urls
from podpipe.cache import digest, write_atomic
from podpipe.config import Show

INDEX_FILE = "pages.json"
FORMAT = 1
TEMPLATES_DIR = Path(__file__).parent.parent / "templates"


def template_stamp(show: Show) -> list:
    """Every template file (built-in and the show's own) by name, size and mtime."""
    folders = [TEMPLATES_DIR] + ([show.templates_dir] if show.templates_dir else [])
    stamps = []
    for folder in folders:
        for dirpath, _, files in os.walk(folder):
            for name in sorted(files):
                st = os.stat(os.path.join(dirpath, name))
                stamps.append((os.path.relpath(dirpath, folder), name, st.st_size, st.st_mtime_ns))
    return sorted(stamps)


def _folder(path: str) -> bool:
    """Whether site path ``path`` is a folder's page (served by its index.html)."""
    return path == "" or path.endswith("/")


class PageReuse:
    """``page(path, key, render)``: reuse the previous site's ``path`` while ``key``
    (any JSON-able inputs) is unchanged, else ``render()`` it into the staging site."""

    def __init__(self, show: Show, out_dir: Path):
        self.out_dir = out_dir
        self.old_site = show.site_dir
        self._old_site = os.fspath(show.site_dir)
        self.index_file = show.work_dir / INDEX_FILE
        show_key = repr(dataclasses.replace(show, episodes=())).replace(str(show.root), "<show>")
        self.base = digest(FORMAT, __version__, template_stamp(show), show_key)
        try:
            data = json.loads(self.index_file.read_text())
            self.old = data["pages"] if data.get("format") == FORMAT else {}
            self.extras: dict[str, Any] = data.get("extras", {})
        except (OSError, ValueError, KeyError, TypeError):
            self.old, self.extras = {}, {}
        self.new: dict[str, list] = {}
        self.new_extras: dict[str, Any] = {}
        self.rendered: list[str] = []
        self.reused: list[str] = []

    def key(self, *parts: Any) -> str:
        return digest(self.base, *parts)

    def page(self, path: str, key: str, render: Callable[[], Path]) -> None:
        """The page at site path ``path``: linked from the previous site, or rendered."""
        target = urls.site_file(self.out_dir, path)
        if self._link(path, key, target):
            self.reused.append(path)
        else:
            written = render()
            self.rendered.append(path)
            st = written.stat()
            self.new[path] = [key, st.st_size, st.st_mtime_ns]

    def _link(self, path: str, key: str, target: Path) -> bool:
        old = self.old.get(path)
        if not old or old[0] != key:
            return False
        source = os.path.join(self._old_site, path + "index.html" if _folder(path) else path)
        try:
            st = os.stat(source)
            if [st.st_size, st.st_mtime_ns] != old[1:]:
                return False  # changed since it was written: render it again
            try:
                os.link(source, target)
            except FileNotFoundError:  # its folder is not there yet
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(source, target)
        except OSError:
            return False
        self.new[path] = old
        return True

    def extra(self, name: str, key: str, make: Callable[[], Any]) -> Any:
        """A JSON-able value kept with the index while ``key`` is unchanged (an
        episode's search entries, say), else made again."""
        kept = self.extras.get(name)
        value = kept[1] if kept and kept[0] == key else make()
        self.new_extras[name] = [key, value]
        return value

    def save(self) -> None:
        """Record what the staging site holds (called once it is complete)."""
        data = {"format": FORMAT, "pages": self.new, "extras": self.new_extras}
        write_atomic(self.index_file, json.dumps(data, separators=(",", ":")))
