"""Reading big YAML files fast: libyaml's parser (PyYAML's C binding) with podpipe's
limits, values with their line numbers, and ruamel's reading of every value.

A club's results file can hold 20,000 entries (the limit). ruamel.yaml's pure-Python
round trip reads one in about a minute; libyaml's parser gives the same file's events in
about a second. :func:`fast_load` builds the values from those events in one pass,
within the same limits as every read (:data:`~podpipe.config.yamlio.MAX_DEPTH` levels,
aliases at most :data:`~podpipe.config.yamlio.MAX_ALIAS_GROWTH` times the values
written), and records the line of every key and list item the way ruamel does
(``value.lc``), so :func:`~podpipe.config.yamlio.line_of` names lines as before.

Plain scalars are resolved by ruamel's YAML 1.2 resolver (``yes`` stays text, ``010``
is ten), dates are kept as text, like the config reader keeps them. Anything out of the
ordinary (a tag, a merge key ``<<``, a mapping as a key, a duplicate key, more than one
document, a syntax error, a line-break character YAML 1.1 and 1.2 read differently) gives
:data:`FALLBACK`: the caller then reads the file with ruamel, which gives the same values
or the message it always gave. Without PyYAML's C binding everything falls back.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from podpipe.config.yamlio import (
    ALIAS_FLOOR,
    MAX_ALIAS_GROWTH,
    MAX_DEPTH,
    LimitError,
    load_document,
    read_text,
)
from podpipe.errors import ConfigError, Problem

FALLBACK = object()  # what fast_load() returns for a document ruamel must read

# Characters libyaml (YAML 1.1) reads as line breaks and ruamel (1.2) as text.
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")
# The first characters of a plain scalar that may be something other than text.
_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF<=")
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TYPED = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class Lines:
    """Where a mapping's keys or a list's items are: ruamel's ``lc`` as line_of reads it
    (0-based lines and columns)."""

    __slots__ = ("line", "col", "data")

    def __init__(self, line: int, col: int):
        self.line, self.col = line, col
        self.data: dict[Any, tuple[int, int]] = {}

    def key(self, key: Any) -> tuple[int, int]:
        return self.data[key]

    def item(self, index: int) -> tuple[int, int]:
        return self.data[index]


class LinedMap(dict):
    """A mapping read by :func:`fast_load`, with the lines of its keys."""

    __slots__ = ("lc",)


class LinedSeq(list):
    """A list read by :func:`fast_load`, with the lines of its items."""

    __slots__ = ("lc",)


class _Fallback(Exception):
    pass


def available() -> bool:
    """Whether libyaml's parser is installed (PyYAML built with it)."""
    return _parse() is not None


@functools.cache
def _parse():
    try:
        import yaml
    except ImportError:
        return None
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    loader = yaml.CSafeLoader
    return lambda text: yaml.parse(text, Loader=loader), yaml


def fast_load(text: str) -> Any:
    """The document in ``text`` as plain values (None when empty) with their lines, or
    :data:`FALLBACK`; LimitError (with the line) for a document beyond the limits."""
    parse = _parse()
    if parse is None or _ODD_BREAKS.search(text):
        return FALLBACK
    events, yaml = parse
    try:
        return _Builder(yaml).run(events(text))
    except (_Fallback, yaml.YAMLError):
        return FALLBACK


class _Builder:
    """Values from a stream of libyaml events, counting depth and alias expansion."""

    def __init__(self, yaml):
        e = yaml.events
        self.kinds = {
            e.ScalarEvent: self.scalar,
            e.SequenceStartEvent: self.start_seq,
            e.MappingStartEvent: self.start_map,
            e.SequenceEndEvent: self.end,
            e.MappingEndEvent: self.end,
            e.AliasEvent: self.alias,
        }
        self.document = e.DocumentStartEvent
        # open containers: [value, is a mapping, pending key (or _NO_KEY), size, anchor]
        self.stack: list[list] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open: set[str] = set()
        self.written = 0
        self.root: Any = None
        self.documents = 0

    def run(self, events) -> Any:
        kinds, document = self.kinds, self.document
        for event in events:
            handle = kinds.get(type(event))
            if handle is not None:
                handle(event)
            elif type(event) is document:
                self.documents += 1
                if self.documents > 1:
                    raise _Fallback  # ruamel's message for a second document
        expanded = self.size
        if expanded > ALIAS_FLOOR and expanded > MAX_ALIAS_GROWTH * self.written:
            raise LimitError(
                f"its aliases (*name) expand {self.written} values to {expanded}; at most "
                f"{MAX_ALIAS_GROWTH} times the values written (the limit): write the "
                "values out instead of repeating aliases",
                self.biggest_alias,
            )
        return self.root

    size = 0
    biggest_alias: int | None = None
    biggest_size = 0

    def add(self, value: Any, size: int, mark, key_ok: bool = True) -> None:
        if not self.stack:
            self.root, self.size = value, size
            return
        top = self.stack[-1]
        top[3] += size
        container = top[0]
        where = (mark.line, mark.column)
        if not top[1]:
            container.lc.data[len(container)] = where
            container.append(value)
        elif top[2] is _NO_KEY:
            if not key_ok or value in container or value == "<<":
                raise _Fallback  # a complex, duplicate or merge key: ruamel decides
            top[2] = value
            container.lc.data[value] = where
        else:
            container[top[2]] = value
            top[2] = _NO_KEY

    def scalar(self, event) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise LimitError(
                f"nested more than {MAX_DEPTH} levels deep (the limit)", event.start_mark.line + 1
            )
        self.written += 1
        value = event.value
        tag = event.tag
        if tag is None and event.implicit[0]:
            if value == "" or value[0] in _MAYBE_TYPED:
                value = _resolved(value)
        elif tag not in (None, "!", _STR):
            raise _Fallback
        self.add(value, 1, event.start_mark, key_ok=True)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)

    def start(self, event, value, is_map: bool) -> None:
        if event.tag not in (None, "!"):
            raise _Fallback
        if len(self.stack) >= MAX_DEPTH:
            raise LimitError(
                f"nested more than {MAX_DEPTH} levels deep (the limit)", event.start_mark.line + 1
            )
        self.written += 1
        mark = event.start_mark
        value.lc = Lines(mark.line, mark.column)
        if event.anchor is not None:
            self.open.add(event.anchor)
        self.stack.append([value, is_map, _NO_KEY, 1, event.anchor, mark])

    def start_seq(self, event) -> None:
        self.start(event, LinedSeq(), False)

    def start_map(self, event) -> None:
        self.start(event, LinedMap(), True)

    def end(self, event) -> None:
        value, _, _, size, anchor, mark = self.stack.pop()
        if anchor is not None:
            self.open.discard(anchor)
            self.anchors[anchor] = (value, size)
        self.add(value, size, mark, key_ok=False)

    def alias(self, event) -> None:
        if event.anchor in self.open:
            raise LimitError(
                "an alias refers to the list or mapping it is in", event.start_mark.line + 1
            )
        if event.anchor not in self.anchors:
            raise _Fallback  # ruamel names the undefined alias
        value, size = self.anchors[event.anchor]
        if size > self.biggest_size:
            self.biggest_size, self.biggest_alias = size, event.start_mark.line + 1
        self.add(value, size, event.start_mark, key_ok=not isinstance(value, list | dict))


_NO_KEY = object()


def _resolved(value: str) -> Any:
    """A plain scalar as ruamel's YAML 1.2 reading makes it (dates stay text)."""
    from ruamel.yaml.nodes import ScalarNode

    resolver, constructor = _ruamel_safe()
    tag = str(resolver.resolve(ScalarNode, value, (True, False)))
    if tag in (_STR, _TIMESTAMP):
        return value
    if tag not in _TYPED:
        raise _Fallback  # a merge key or `=`: ruamel decides
    return constructor.construct_object(ScalarNode(tag, value))


@functools.cache
def _ruamel_safe():
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    return yaml.resolver, yaml.constructor


def load_big_document(file: Path) -> tuple[Any, list[Problem]]:
    """A file that may be big (a club's results, people), read as load_document reads
    it: (its document or None, problems), values with their lines; libyaml's parser
    where it can, ruamel's where it must."""
    _, doc, problems = load_big_text(file)
    return doc, problems


def load_big_text(file: Path) -> tuple[str, Any, list[Problem]]:
    """:func:`load_big_document`, and the file's text ("" when it cannot be read)."""
    try:
        text = read_text(file)
    except UnicodeDecodeError:
        return "", *load_document(file)  # its message
    except ConfigError as e:
        return "", None, list(e.problems)
    try:
        doc = fast_load(text)
    except LimitError as e:
        return text, None, [Problem(file, e.line, "", f"refused: {e}")]
    if doc is FALLBACK:
        return text, *load_document(file)
    return text, doc, []


# --------------------------------------------------------------------------- writing

# What YAML can carry unescaped (c-printable, less the line breaks of YAML 1.1).
_UNPRINTABLE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_PLAIN_START = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]")


def block_items(entries: list[dict[str, Any]], indent: tuple[int, int, int]) -> str:
    """``entries`` (mappings of text, dates and lists of text) as the items of a block
    list, in a file's layout (:func:`~podpipe.config.yamlio.guess_indent`): the lines a
    ``results:`` list gains, written as ruamel would write them, in a tenth of the time.
    """
    _, sequence, offset = indent
    dash = " " * offset + "-" + " " * (sequence - offset - 1)
    pad = " " * sequence
    out: list[str] = []
    for entry in entries:
        first = True
        for key, value in entry.items():
            out.append((dash if first else pad) + key + ":")
            first = False
            if isinstance(value, list):
                out.append("\n")
                for item in value:
                    out.append(pad + dash + scalar(item) + "\n")
            else:
                out.append(" " + scalar(value) + "\n")
    return "".join(out)


def scalar(value: Any) -> str:
    """A text or date as a YAML scalar that reads back as itself (text stays text)."""
    if not isinstance(value, str):
        return value.isoformat()  # a date
    if _plain_ok(value):
        return value
    if "\n" not in value and not _UNPRINTABLE.search(value):
        return "'" + value.replace("'", "''") + "'"
    return '"' + "".join(_escape(c) for c in value) + '"'


def _plain_ok(value: str) -> bool:
    if not value or value != value.strip() or not _PLAIN_START.match(value):
        return False
    if ": " in value or " #" in value or value.endswith(":") or _UNPRINTABLE.search(value):
        return False
    if "\n" in value or "\t" in value:
        return False
    return value[0] not in _MAYBE_TYPED or _resolves_to_text(value)


def _resolves_to_text(value: str) -> bool:
    from ruamel.yaml.nodes import ScalarNode

    resolver, _ = _ruamel_safe()
    return str(resolver.resolve(ScalarNode, value, (True, False))) == _STR


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _UNPRINTABLE.match(char):
        code = ord(char)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char
