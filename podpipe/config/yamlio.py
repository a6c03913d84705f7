"""The one home of YAML in podpipe: reading with line numbers, round-trip editing, ruamel
errors as Problems, and finding the line of a key.

Every YAML file podpipe reads or rewrites (show.yaml, episode.yaml, the club's results
files, guids.yaml) goes through ruamel.yaml's round-trip mode: it records where each key
is, so a problem names its line, and it keeps the host's comments, key order and layout
when podpipe rewrites a file. ruamel is imported inside the functions that use it, so
importing podpipe.config stays cheap.

Every file is read within limits (participants send results files by pull request): at
most :data:`MAX_BYTES` of text, :data:`MAX_DEPTH` levels of nesting, and aliases that
expand the document to at most :data:`MAX_ALIAS_GROWTH` times the values written (a
"billion laughs" document is refused before anything walks it).
"""

from __future__ import annotations

import functools
import io
import os
import stat
from pathlib import Path
from typing import Any

from podpipe.errors import ConfigError, Problem

# A list layout as ruamel's YAML.indent() takes it: (mapping, sequence, offset of the dash).
Indent = tuple[int, int, int]

# The limits every YAML file is read within (README "Safety limits").
MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 50
MAX_ALIAS_GROWTH = 10  # expanded values per value written, above the floor below
ALIAS_FLOOR = 10_000  # a small document may reuse anchors freely

_UNQUOTED_COLON_HINT = '; a value containing ": " must be quoted, e.g. title: "Part 2: the sequel"'


def round_trip(
    indent: Indent | None = None, *, dates_as_text: bool = False, preserve_quotes: bool = False
):
    """A round-trip YAML loader and dumper; duplicate keys are errors.

    A dump never folds a long line (a rewrite must not re-wrap the host's text).
    ``dates_as_text`` keeps dates as the text written, for reading config: podpipe
    parses them itself, with a message naming the key. ``preserve_quotes`` keeps the
    host's quoting of the values written back.
    """
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    if dates_as_text:
        y.Constructor = _dates_as_text()
    if preserve_quotes:
        y.preserve_quotes = True
    y.allow_duplicate_keys = False
    y.Composer = _bounded_composer()
    y.width = 4096
    if indent is not None:
        mapping, sequence, offset = indent
        y.indent(mapping=mapping, sequence=sequence, offset=offset)
    return y


@functools.cache
def _dates_as_text():
    from ruamel.yaml.constructor import RoundTripConstructor

    class DatesAsText(RoundTripConstructor):
        """Keep dates as text: we parse them ourselves, with a message naming the key."""

    DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", DatesAsText.construct_yaml_str)
    return DatesAsText


class LimitError(Exception):
    """A YAML document beyond podpipe's limits; ``line`` is 1-based (or None)."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


@functools.cache
def _bounded_composer():
    """ruamel's Composer with the nesting and alias limits: a deep list is refused at
    level MAX_DEPTH (before the recursive composer runs out of stack), and a document
    whose aliases expand it far beyond its text is refused once it is composed."""
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent

    class BoundedComposer(Composer):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.parser.check_event(AliasEvent):
                line = self.parser.peek_event().start_mark.line + 1
                node = super().compose_node(parent, index)
                self.__dict__.setdefault("_uses", []).append((line, node))
                return node
            level = getattr(self, "_level", 0) + 1
            if level > MAX_DEPTH:
                mark = self.parser.peek_event().start_mark
                raise LimitError(
                    f"nested more than {MAX_DEPTH} levels deep (the limit)", mark.line + 1
                )
            self._level = level
            try:
                return super().compose_node(parent, index)
            finally:
                self._level = level - 1

        def compose_document(self) -> Any:
            self._uses = []
            node = super().compose_document()
            _check_expansion(node, self._uses)
            return node

    return BoundedComposer


def _check_expansion(root: Any, uses: list[tuple[int, Any]]) -> None:
    """Refuse a document whose aliases expand it beyond the limit: the expanded size of
    each node is counted once (memoized by identity), so this is linear in the text."""
    if root is None:
        return
    sizes: dict[int, int] = {}
    written = 0
    stack: list[tuple[Any, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not done:
            if key in open_nodes:
                raise LimitError("an alias refers to the list or mapping it is in", _line(node))
            open_nodes.add(key)
            written += 1
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        open_nodes.discard(key)
        sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
    expanded = sizes[id(root)]
    if expanded > ALIAS_FLOOR and expanded > MAX_ALIAS_GROWTH * written:
        line = max(uses, key=lambda use: sizes.get(id(use[1]), 1))[0] if uses else None
        raise LimitError(
            f"its aliases (*name) expand {written} values to {expanded}; at most "
            f"{MAX_ALIAS_GROWTH} times the values written (the limit): write the "
            "values out instead of repeating aliases",
            line,
        )


def _children(node: Any) -> list:
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return []
    if value and isinstance(value[0], tuple):  # a mapping node: (key, value) pairs
        return [part for pair in value for part in pair]
    return value


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark else None


class _NoLoad:
    def load(self, text: str) -> None:
        return None


def guess_indent(text: str) -> Indent:
    """The layout of the lists in ``text`` (ruamel's guess), so a rewrite keeps the host's;
    keys inside mappings indent by 2."""
    from ruamel.yaml.util import load_yaml_guess_indent

    # ruamel guesses from the lines, then loads the whole text: not needed here
    _, indent, block_seq_indent = load_yaml_guess_indent(text, yaml=_NoLoad())
    offset = block_seq_indent if block_seq_indent is not None else 2
    return 2, max(indent or 4, offset + 2), offset


def dump(yaml, doc: Any) -> str:
    """``doc`` as text, written by ``yaml`` (a :func:`round_trip` dumper)."""
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- errors


INVALID = object()  # what plain_values() returns for text that is not YAML


def plain_values(text: str, *, dates_as_text: bool = False) -> Any:
    """``text`` read as plain Python values (the safe loader: no round-trip nodes, no
    line numbers), or :data:`INVALID` when it is not YAML. For quick looks that do not
    report problems (the number in an episode.yaml, whether a scalar reads back, a
    results file checked before an edit). Within the same limits as every read."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if len(text) > MAX_BYTES:
        return INVALID
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _bounded_composer()
    if dates_as_text:
        yaml.Constructor = _safe_dates_as_text()
    try:
        return yaml.load(text)
    except (YAMLError, LimitError, ValueError):
        return INVALID


@functools.cache
def _safe_dates_as_text():
    from ruamel.yaml.constructor import SafeConstructor

    class SafeDatesAsText(SafeConstructor):
        """Dates kept as text, as the config reader keeps them."""

    SafeDatesAsText.add_constructor(
        "tag:yaml.org,2002:timestamp", SafeDatesAsText.construct_yaml_str
    )
    return SafeDatesAsText


def read_back(text: str) -> Any:
    """``text`` as plain values by the fast (C, where installed) safe loader, or
    :data:`INVALID`: only for text podpipe has just checked with the bounded loader and
    then extended itself (a results file with entries appended), to see it reads back."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe").load(text)
    except YAMLError:
        return INVALID


def yaml_problem(file: Path, error: Exception, *, detail: bool = True) -> Problem:
    """A ruamel error as a Problem naming the file and, where ruamel knows it, the line.

    ``detail`` adds the parser's context and a hint for the commonest slip, an unquoted
    ": " inside a value.
    """
    from ruamel.yaml.error import MarkedYAMLError

    if not isinstance(error, MarkedYAMLError):
        return Problem(file, None, "", f"invalid YAML: {error}")
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    what = (error.problem or str(error)).strip()
    if detail:
        if "mapping values are not allowed" in what:
            what += _UNQUOTED_COLON_HINT
        if error.context:
            what += f" ({error.context})"
    return Problem(file, line, "", f"invalid YAML: {what}")


def parse(text: str, file: Path, *, yaml=None, detail: bool = True) -> Any:
    """The document in ``text`` (None when empty), read by ``yaml`` (default: the config
    reader, dates as text); ConfigError naming ``file`` and the line if it is not YAML."""
    from ruamel.yaml.error import YAMLError

    yaml = yaml if yaml is not None else round_trip(dates_as_text=True)
    if len(text) > MAX_BYTES:
        raise ConfigError([too_big(file, len(text))])
    try:
        return yaml.load(text)
    except YAMLError as e:
        raise ConfigError([yaml_problem(file, e, detail=detail)]) from e
    except LimitError as e:
        raise ConfigError([Problem(file, e.line, "", f"refused: {e}")]) from e


def too_big(file: Path, size: int) -> Problem:
    """The problem of a YAML file over :data:`MAX_BYTES`."""
    return Problem(
        file,
        None,
        "",
        f"refused: {size:,} bytes, more than the {MAX_BYTES // (1024 * 1024)} MiB a "
        "YAML file may have (the limit)",
    )


def read_text(file: Path) -> str:
    """A YAML file's text, refusing one over the size limit before reading it (a
    regular file only: a FIFO or device would block or never end)."""
    st = os.stat(file)
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError([Problem(file, None, "", "not a regular file")])
    if st.st_size > MAX_BYTES:
        raise ConfigError([too_big(file, st.st_size)])
    return file.read_text(encoding="utf-8")


def load_document(file: Path) -> tuple[Any, list[Problem]]:
    """A config file read for checking, dates as text: (its document or None, problems).

    The document is None when the file is empty, or with a problem when it is not
    UTF-8 text or not valid YAML.
    """
    try:
        text = read_text(file)
    except UnicodeDecodeError as e:
        return None, [Problem(file, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})")]
    except ConfigError as e:
        return None, list(e.problems)
    try:
        return parse(text, file), []
    except ConfigError as e:
        return None, list(e.problems)


# --------------------------------------------------------------------------- lines


def line_of(node: Any, key: Any = None) -> int | None:
    """1-based line of a key in a loaded mapping, of an index in a sequence, or (no
    ``key``, or one that is not there) of the node itself; None for a plain value."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return lc.line + 1
        if isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1


def line_of_key(file: Path, key: str, *, after: str | None = None) -> int | None:
    """1-based line of ``key:`` in a YAML file, found in its text: for problems found
    once the file is loaded, about a value whose node is gone.

    Without ``after``: the first line that starts with ``key:`` (a top-level key). With
    ``after``: the first line holding ``key:``, looking from the first line that
    mentions ``after`` on (a key inside a list entry, such as a club cycle found by its
    slug). None if the file cannot be read or has no such line.
    """
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    needle = f"{key}:"
    if after is None:
        return next((n for n, line in enumerate(lines, 1) if line.startswith(needle)), None)
    start = next((i for i, line in enumerate(lines) if after in line), 0)
    return next((n + 1 for n in range(start, len(lines)) if needle in lines[n]), None)
