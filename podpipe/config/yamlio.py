"""The one home of YAML in podpipe: reading with line numbers, round-trip editing, ruamel
errors as Problems, and finding the line of a key.

Every YAML file podpipe reads or rewrites (show.yaml, episode.yaml, the club's results
files, guids.yaml) goes through ruamel.yaml's round-trip mode: it records where each key
is, so a problem names its line, and it keeps the host's comments, key order and layout
when podpipe rewrites a file. ruamel is imported inside the functions that use it, so
importing podpipe.config stays cheap.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from podpipe.errors import ConfigError, Problem

# A list layout as ruamel's YAML.indent() takes it: (mapping, sequence, offset of the dash).
Indent = tuple[int, int, int]

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


def guess_indent(text: str) -> Indent:
    """The layout of the lists in ``text`` (ruamel's guess), so a rewrite keeps the host's;
    keys inside mappings indent by 2."""
    from ruamel.yaml.util import load_yaml_guess_indent

    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    offset = block_seq_indent if block_seq_indent is not None else 2
    return 2, max(indent or 4, offset + 2), offset


def dump(yaml, doc: Any) -> str:
    """``doc`` as text, written by ``yaml`` (a :func:`round_trip` dumper)."""
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- errors


INVALID = object()  # what plain_values() returns for text that is not YAML


def plain_values(text: str) -> Any:
    """``text`` read as plain Python values (the safe loader: no round-trip nodes, no
    line numbers), or :data:`INVALID` when it is not YAML. For quick looks that do not
    report problems (the number in an episode.yaml, whether a scalar reads back)."""
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
    try:
        return yaml.load(text)
    except YAMLError as e:
        raise ConfigError([yaml_problem(file, e, detail=detail)]) from e


def load_document(file: Path) -> tuple[Any, list[Problem]]:
    """A config file read for checking, dates as text: (its document or None, problems).

    The document is None when the file is empty, or with a problem when it is not
    UTF-8 text or not valid YAML.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(file, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})")]
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
