"""Reading a YAML mapping into typed values: :class:`Section` and the shared validators.

A Section records problems (file, line, key, expected vs found) instead of raising, so
every problem in a show is reported together. The validators here (kinds, "did you
mean", http URLs, timestamps, slugs, email addresses, language codes) are the rules
show.yaml, episode.yaml, the club's results and ``podpipe init`` all check with.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from podpipe import text as text_policy
from podpipe.config.yamlio import line_of
from podpipe.errors import Problem
from podpipe.urls import url_problem

# An episode folder or club cycle slug: it becomes part of a URL.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def kind_of(value: Any) -> str:
    """What a YAML value is, for "expected X, found Y" messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{value!r} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value if not hasattr(value, "__str__") else str(value))


class Section:
    """A YAML mapping being read: typed getters that record problems, not raise.

    Keys that no getter asked for are reported as unknown, with a "did you mean".
    Text follows the one text policy (:mod:`podpipe.text`): a character XML cannot carry
    is a configuration error in the host's files, and is dropped with a warning in an
    ``untrusted`` section (a participant's result), so one bad entry never blocks a publish.
    """

    def __init__(
        self,
        file: Path,
        node: Any,
        path: str,
        problems: list[Problem],
        parent: Any = None,
        parent_key: Any = None,
        *,
        untrusted: bool = False,
    ):
        self.file = file
        self.untrusted = untrusted
        self.where = path
        self.problems = problems
        self.seen: set[str] = set()
        self.known: list[str] = []
        self.node: Any = {}  # set before problem(), which reads it (a non-mapping document)
        if node is None:
            node = {}
        if not isinstance(node, dict):
            self.problem(
                None,
                f"expected a mapping of keys, found {kind_of(node)}",
                line=line_of(parent, parent_key),
            )
            node = {}
        self.node = node

    def key_path(self, key: str | None) -> str:
        if not key:
            return self.where
        return f"{self.where}.{key}" if self.where else key

    def line(self, key: Any = None) -> int | None:
        return line_of(self.node, key) if key in self.node or key is None else line_of(self.node)

    def problem(
        self, key: str | None, message: str, *, line: int | None = None, severity: str = "error"
    ) -> None:
        if line is None:
            line = self.line(key) if key else line_of(self.node)
        self.problems.append(Problem(self.file, line, self.key_path(key), message, severity))

    def has(self, key: str) -> bool:
        self.known.append(key)
        return self.node.get(key) is not None

    def raw(self, key: str) -> Any:
        self.known.append(key)
        self.seen.add(key)
        return self.node.get(key)

    def _typed(self, key: str, required: bool, default: Any, what: str, ok, convert=None):
        value = self.raw(key)
        if value is None:
            if required:
                self.problem(key, f"missing: expected {what}", line=line_of(self.node))
            return default
        if not ok(value):
            self.problem(key, f"expected {what}, found {kind_of(value)}")
            return default
        return convert(value) if convert else value

    def str(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self._typed(
            key,
            required,
            default,
            "text",
            lambda v: isinstance(v, str | int | float) and not isinstance(v, bool),
            lambda v: str(v).strip(),
        )
        if required and value == "":
            self.problem(key, "expected text, found an empty value")
        return self.text(key, value) if value else value

    def text(self, key: str, value: str, *, line: int | None = None) -> str:
        """``value`` under the text policy: unchanged when it is safe; else the cleaned
        text, with an error (host files) or a warning (untrusted) naming the character."""
        bad = text_policy.unsafe_chars(value)
        if not bad:
            return value
        if self.untrusted:
            self.problem(
                key,
                f"{bad} removed: a character XML and the terminal cannot carry",
                line=line,
                severity="warning",
            )
        else:
            self.problem(
                key,
                f"contains {bad}, a character feeds and web pages cannot carry: remove it",
                line=line,
            )
        return text_policy.clean(value)

    def int(
        self,
        key: str,
        required: bool = False,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._typed(
            key,
            required,
            default,
            "a whole number",
            lambda v: isinstance(v, int) and not isinstance(v, bool),
        )
        if value is not None and value is not default:
            if minimum is not None and value < minimum or maximum is not None and value > maximum:
                lo = "" if minimum is None else f"at least {minimum}"
                hi = "" if maximum is None else f"at most {maximum}"
                self.problem(
                    key,
                    f"expected a number {' and '.join(x for x in (lo, hi) if x)}, found {value}",
                )
                return default
        return value

    def float(
        self, key: str, default: float, minimum: float | None = None, maximum: float | None = None
    ) -> float:
        value = self._typed(
            key,
            False,
            default,
            "a number",
            lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            float,
        )
        if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
            self.problem(key, f"expected a finite number, found {value}")
            return default
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            self.problem(key, f"expected a number between {minimum} and {maximum}, found {value}")
            return default
        return value

    def bool(self, key: str, default: bool | None = False) -> bool | None:
        return self._typed(key, False, default, "true or false", lambda v: isinstance(v, bool))

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self.raw(key)
        if value is None:
            if required:
                self.problem(
                    key, "missing: expected a date like 2026-11-24", line=line_of(self.node)
                )
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(key, f"expected a date like 2026-11-24, found {kind_of(value)}")
            return None

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.str(key, default=default)
        if value not in choices:
            hint = did_you_mean(str(value), choices)
            self.problem(key, f"expected one of {', '.join(choices)}, found {value!r}{hint}")
            return default
        return value

    def url(self, key: str, required: bool = False) -> str | None:
        value = self.str(key, required=required)
        if value and not is_http_url(value):
            self.problem(key, f"expected an absolute http(s) URL, found {value!r}")
            return None
        if value and url_problem(value):
            self.problem(key, url_problem(value))
            return None
        return value

    def path(
        self,
        key: str,
        base: Path,
        required: bool = False,
        must_exist: bool = True,
        *,
        root: Path | None = None,
        folder: bool = False,
    ) -> Path | None:
        """A file (``folder``: a folder) named relative to ``base``. Inside ``root`` (the
        show) after symlinks, unless written as an absolute path (then a warning); a
        regular file, never a device, FIFO or socket (hashing one would never end)."""
        value = self.str(key, required=required)
        if not value:
            return None
        explicit = Path(value).is_absolute()
        p = (base / value).resolve() if not explicit else Path(value)
        if must_exist and not p.exists():
            self.problem(key, f"file not found: {value} (looked in {p.parent})")
            return None
        if root is not None and not inside(p.resolve(), root):
            if not explicit:
                self.problem(
                    key,
                    f"{value} leads outside the show folder (to {p.resolve()}): keep the "
                    "file in the show, or write its absolute path to publish it from there",
                )
                return None
            self.problem(
                key,
                f"{value} is outside the show folder: it is published from there; "
                "make sure it is meant to be public",
                severity="warning",
            )
        kind = file_kind(p)
        wanted = "folder" if folder else "regular file"
        if kind not in (wanted, "missing"):
            self.problem(key, f"{value} is {kind_words(kind)}, expected a {wanted}")
            return None
        return p

    def section(self, key: str, required: bool = False) -> Section:
        value = self.raw(key)
        if value is None and required:
            self.problem(key, "missing: expected a mapping of keys", line=line_of(self.node))
        return Section(
            self.file,
            value,
            self.key_path(key),
            self.problems,
            self.node,
            key,
            untrusted=self.untrusted,
        )

    def items(self, key: str) -> Iterator[tuple[int, Any, str]]:
        """Yield (index, item, key path) for a list; a single item is accepted too."""
        value = self.raw(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(key, f"expected a list, found {kind_of(value)}")
            return
        for i, item in enumerate(value):
            yield i, item, f"{key}[{i}]"

    def sub(self, key: str, index: int, item: Any) -> Section:
        seq = self.node.get(key)
        return Section(
            self.file,
            item,
            self.key_path(f"{key}[{index}]"),
            self.problems,
            seq,
            index,
            untrusted=self.untrusted,
        )

    def finish(self) -> None:
        known = set(self.known)
        for key in self.node:
            if str(key) not in known:
                hint = did_you_mean(str(key), sorted(known))
                self.problem(str(key), f"unknown key{hint}")


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (resolved) is ``root`` or under it, after symlinks."""
    return path.is_relative_to(root.resolve())


def file_kind(path: Path) -> str:
    """ "regular file", "folder", "device", "FIFO", "socket" or "missing", from stat
    (which never opens the file: a FIFO does not block it)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISREG(mode):
        return "regular file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def kind_words(kind: str) -> str:
    return {"FIFO": "a FIFO (named pipe)", "device": "a device"}.get(kind, f"a {kind}")


def did_you_mean(word: str, options: Any) -> str:
    """A " (did you mean 'x'?)" hint naming the closest of ``options``, or "" if none is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL: the only kind podpipe accepts in config and results."""
    return bool(re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE))


def parse_timestamp(value: Any) -> float | None:
    """'1:02:03', '02:03', '123', 123, 12.5 -> seconds; None if not a timestamp."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    text = str(value).strip()
    if not re.fullmatch(r"\d+(:\d{1,2}){0,2}(\.\d+)?", text):
        return None
    parts = [float(part) for part in text.split(":")]
    if any(part >= 60 for part in parts[1:]):
        return None  # "00:90": minutes and seconds after a colon stop at 59
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds
