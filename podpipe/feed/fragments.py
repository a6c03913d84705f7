"""feed.xml assembled from the fragments of the previous publish: an edit renders its item.

A feed document, as feedgen and lxml pretty-print it, is the channel part (the XML
declaration, ``<rss>`` with every namespace declared, ``<channel>`` and the channel's own
elements), then one ``    <item>…</item>\\n`` per episode, then :data:`TAIL`. An item's
bytes do not depend on its neighbours: its indentation is its depth and its namespace
prefixes are the root's, the same in every document. So each part is kept in
``.podpipe/feed_items.cache`` under a key of everything it is made of, and a document
is the channel part, its items and the tail joined. The parts missing from the cache
(an edited or new episode, a changed channel) are rendered by feedgen in one document
holding the channel and those items only, which is cut back into parts
(:func:`split_document`): the bytes of the whole render, at a fraction of its cost.

The cache file: :data:`MAGIC`, the CRC-32 of the rest, a JSON line of ``[key, size]``
entries and their bytes one after the other. It is read once and written (atomically)
with the entries the publish used, so parts of episodes no longer in the feed go; a
file that is unreadable, from another format or damaged is an empty cache, and one that
cannot be written is skipped: the cache never fails a publish.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path

from podpipe.cache import write_atomic
from podpipe.errors import PodpipeError

FILE = "feed_items.cache"
MAGIC = b"podpipe feed parts 1\n"
TAIL = b"  </channel>\n</rss>\n"
ITEM = b"\n    <item>"
ITEM_END = b"    </item>\n"
CDATA, CDATA_END = b"<![CDATA[", b"]]>"


class FeedParts:
    """The parts of this publish's feed documents by key: those kept by the last
    publish (read on creation), those rendered now, written back by :meth:`save`."""

    def __init__(self, work_dir: Path):
        self.file = work_dir / FILE
        self.old = read(self.file)
        self.used: dict[str, bytes] = {}
        self.rendered = 0  # items feedgen rendered (the others were kept)

    def document(
        self, head_key: str, keys: list[str], render: Callable[[list[int]], bytes]
    ) -> bytes | None:
        """The document of the channel part ``head_key`` and the items ``keys`` (in
        order). ``render(indexes)``: the whole document of the channel and the items at
        ``indexes`` only, in order, for the parts not kept. None when that document does
        not cut into parts (the caller renders the whole document then)."""
        parts = [self._get(k) for k in keys]
        head = self._get(head_key)
        missing = [i for i, part in enumerate(parts) if part is None]
        if head is None or missing:
            cut = split_document(render(missing), len(missing))
            if cut is None:
                return None
            head, items = cut
            for i, item in zip(missing, items, strict=True):
                parts[i] = item
            self.rendered += len(missing)
        self.used[head_key] = head
        self.used.update(zip(keys, parts, strict=True))
        return b"".join([head, *parts, TAIL])

    def _get(self, key: str) -> bytes | None:
        part = self.used.get(key)
        return self.old.get(key) if part is None else part

    def save(self) -> None:
        """Keep the parts this publish used (only those) for the next one; a cache that
        cannot be written is left as it was."""
        if self.used.keys() == self.old.keys():  # same keys: same parts (a key names its bytes)
            return
        try:
            write_atomic(self.file, encode(self.used))
        except (OSError, PodpipeError):  # write_atomic names the path; a cache needs not
            pass


def split_document(data: bytes, count: int) -> tuple[bytes, list[bytes]] | None:
    """``data`` (a feed document with ``count`` items) as its channel part and its items;
    None if it is not made as this module expects.

    The channel's own elements hold escaped text only, so the first ``<item>`` at its
    indentation starts the items; an item ends at the first ``</item>`` at its
    indentation outside CDATA (the show notes are raw there, and may quote a feed)."""
    if not data.endswith(TAIL):
        return None
    end = len(data) - len(TAIL)
    if count == 0:
        return (data[:end], []) if data.find(ITEM) < 0 else None
    start = data.find(ITEM) + 1
    if start == 0:
        return None
    items = []
    pos = start
    for _ in range(count):
        if not data.startswith(ITEM[1:], pos):
            return None
        close = _item_end(data, pos)
        if close < 0:
            return None
        items.append(data[pos:close])
        pos = close
    return (data[:start], items) if pos == end else None


def _item_end(data: bytes, pos: int) -> int:
    """Where the item starting at ``pos`` ends (after its closing line), or -1."""
    while True:
        close = data.find(ITEM_END, pos)
        if close < 0:
            return -1
        cdata = data.find(CDATA, pos, close)
        if cdata < 0:
            return close + len(ITEM_END)
        pos = data.find(CDATA_END, cdata + len(CDATA))
        if pos < 0:
            return -1


def encode(parts: dict[str, bytes]) -> bytes:
    index = json.dumps([[key, len(part)] for key, part in parts.items()]).encode()
    rest = b"".join([index, b"\n", *parts.values()])
    return b"%s%d\n%s" % (MAGIC, zlib.crc32(rest), rest)


def read(file: Path) -> dict[str, bytes]:
    """The parts kept in ``file``; none when it is missing, unreadable or damaged."""
    try:
        data = file.read_bytes()
    except OSError:
        return {}
    try:
        if not data.startswith(MAGIC):
            return {}
        crc_end = data.index(b"\n", len(MAGIC))
        view = memoryview(data)[crc_end + 1 :]
        if zlib.crc32(view) != int(data[len(MAGIC) : crc_end]):
            return {}
        index_end = data.index(b"\n", crc_end + 1)
        parts, pos = {}, index_end + 1
        for key, size in json.loads(data[crc_end + 1 : index_end]):
            if not isinstance(key, str) or not isinstance(size, int) or size < 0:
                return {}
            parts[key] = data[pos : pos + size]
            pos += size
        return parts if pos == len(data) else {}
    except (ValueError, TypeError):
        return {}
