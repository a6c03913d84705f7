"""Pages reused from the previous site while their inputs are unchanged.

Every page rendered through :class:`PageReuse` is recorded in ``.podpipe/pages.cache``
with a fingerprint of its inputs (the page's context, the show without its episode
list, the templates, podpipe's version) and the size and mtime of the file written.
An episode's fingerprint (:meth:`PageReuse.record_key`) hashes its record's ``repr``
with the show notes' text fed to the hash as it is: a thousand reprs of notes with
non-ASCII letters in them cost more than the rest of the reuse checks.
On the next publish a page whose fingerprint is the same, and whose file in the current
site is still the one written (not changed by hand), is hard-linked into the staging
site instead of rendered: the file keeps its inode, and a publish after one edit renders
the pages that edit touches (its episode's pages, the home page, the search page and
index, the pages that list episodes). A page not rendered through it is simply rendered
every time, so a new page needs nothing here to be correct.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import operator
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from podpipe import __version__
from podpipe.cache import digest, portable, write_atomic
from podpipe.config import Show
from podpipe.records import Notes, PublishedEpisode

INDEX_FILE = "pages.cache"  # marshal: 2 MB at 1000 episodes, 4 ms where JSON took 28
FORMAT = 2
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


def _fields(cls) -> Callable[[Any], tuple]:
    """The values of a dataclass's fields that are in its repr, as a tuple."""
    names = [f.name for f in dataclasses.fields(cls) if f.repr]
    get = operator.attrgetter(*names)
    return get if len(names) > 1 else (lambda value: (get(value),))


_PUBLISHED = _fields(PublishedEpisode)
_NOTES = _fields(Notes)


def _text(value: object) -> bytes:
    """A value for the hash, its length first: a string as it is, None as a mark of its
    own, anything else by its repr."""
    if value is None:
        return b"N"
    data = (value if type(value) is str else repr(value)).encode("utf-8", "surrogatepass")
    return b"%d:%s" % (len(data), data)


class PageReuse:
    """``page(path, key, render)``: reuse the previous site's ``path`` while ``key``
    (any JSON-able inputs) is unchanged, else ``render()`` it into the staging site."""

    def __init__(self, show: Show, out_dir: Path):
        self.out_dir = out_dir
        self.old_site = show.site_dir
        self._old_site = os.fspath(show.site_dir)
        self._out = os.fspath(out_dir)
        self._root = str(show.root)
        self.index_file = show.work_dir / INDEX_FILE
        show_key = portable(self._root, dataclasses.replace(show, episodes=()))
        self.base = digest(FORMAT, __version__, template_stamp(show), show_key)
        self._shared: dict[int, tuple[object, bytes]] = {}  # records episodes share, hashed
        try:
            data = marshal.loads(self.index_file.read_bytes())
            self.old = data["pages"] if data.get("format") == FORMAT else {}
            self.extras: dict[str, Any] = data.get("extras", {})
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
            self.old, self.extras = {}, {}
        self.new: dict[str, list] = {}
        self.new_extras: dict[str, Any] = {}
        self.rendered: list[str] = []
        self.reused: list[str] = []

    def key(self, *parts: Any) -> str:
        return digest(self.base, *parts)

    def record_key(self, pub: PublishedEpisode, *parts: Any) -> str:
        """The fingerprint of everything ``pub`` holds (with ``parts``, JSON-able):
        ``repr`` of its fields with the show's folder left out (a moved show reuses its
        pages), the show notes' text as it is (notes naming the show's folder are
        other notes once it moved). A record several episodes share (a club cycle) is
        written out once per build."""
        values = []
        h = hashlib.sha256(self.base.encode())
        for value in _PUBLISHED(pub):
            if type(value) is Notes:
                h.update(b"".join(map(_text, _NOTES(value))))
                value = ...
            elif hasattr(type(value), "__dataclass_fields__") and type(value).__hash__:
                known = self._shared.get(id(value))
                if known is None or known[0] is not value:
                    text = portable(self._root, value)
                    known = self._shared[id(value)] = (
                        value,
                        hashlib.sha256(text.encode()).digest(),
                    )
                h.update(known[1])
                value = ...
            values.append(value)
        h.update(_text(portable(self._root, (values, parts))))
        return h.hexdigest()[:24]

    def link_pages(self, paths: list[str], key: str) -> list[str]:
        """Link each page of ``paths`` from the previous site while ``key`` is unchanged
        (an episode's pages, in one call); returns those left to render (then :meth:`wrote`)."""
        left = []
        for path in paths:
            target = os.path.join(self._out, path + "index.html" if _folder(path) else path)
            if self._link(path, key, target):
                self.reused.append(path)
            else:
                left.append(path)
        return left

    def page(self, path: str, key: str, render: Callable[[], Path]) -> None:
        """The page at site path ``path``: linked from the previous site, or rendered."""
        if self.link_pages([path], key):
            self.wrote(path, key, render())

    def wrote(self, path: str, key: str, written: Path) -> None:
        """Record page ``path``, just rendered into ``written`` with inputs ``key``."""
        self.rendered.append(path)
        st = written.stat()
        self.new[path] = [key, st.st_size, st.st_mtime_ns]

    def _link(self, path: str, key: str, target: str) -> bool:
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
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(source, target)
        except OSError:
            return False
        self.new[path] = old
        return True

    def extra(self, name: str, key: str, make: Callable[[], Any] | None) -> Any:
        """A JSON-able value kept with the index while ``key`` is unchanged (an
        episode's search entries, say), else made again (``make`` None: None, nothing
        recorded)."""
        kept = self.extras.get(name)
        if kept and kept[0] == key:
            value = kept[1]
        elif make is None:
            return None
        else:
            value = make()
        self.new_extras[name] = [key, value]
        return value

    def save(self) -> None:
        """Record what the staging site holds (called once it is complete)."""
        data = {"format": FORMAT, "pages": self.new, "extras": self.new_extras}
        write_atomic(self.index_file, marshal.dumps(data))
