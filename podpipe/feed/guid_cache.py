"""guids.yaml read once: its records kept as plain data between runs, and small edits
written in place.

Parsing a registry of 1000 records with ruamel's round-trip loader takes seconds, and a
publish needs it every time. So after a full read (which validates it) the records are
kept in ``.podpipe/guids.cache.json`` with the file's size, mtime and content hash, and
the line of each record's keys. While the file is unchanged, matching episodes to
records uses the kept copy. When a publish only refreshes fields of existing records
(a title edited, an episode renumbered), and each of those values sits alone on its
line, those lines are rewritten in place: the host's comments and layout stay, the rest
of the file is untouched. Anything else (a new record, a value spread over lines or
followed by a comment) takes the full round-trip path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podpipe.cache import write_atomic
from podpipe.config import line_of

CACHE_FILE = "guids.cache.json"
FORMAT = 1
FIELDS = ("folder", "guid", "number", "title", "date")


@dataclass
class Plain:
    """The registry as plain data: what matching and refreshing need."""

    podcast_guid: str | None
    records: list[dict[str, Any]]  # each with FIELDS as found (str or int), and "lines"
    text: str  # the file's text, for rewriting lines in place


def _stamp(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def cached(path: Path, work_dir: Path) -> Plain | None:
    """The kept copy of the registry at ``path`` if the file is as it was, else None."""
    try:
        data = json.loads((work_dir / CACHE_FILE).read_text())
        if data.get("format") != FORMAT or data.get("path") != str(path):
            return None
        now = _stamp(path)
        if now != data["stamp"]:
            text = path.read_text(encoding="utf-8")
            if _sha(text) != data["sha"]:
                return None
        else:
            text = path.read_text(encoding="utf-8")
        return Plain(data["podcast_guid"], data["records"], text)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def keep(path: Path, work_dir: Path, doc: Any) -> None:
    """Remember the registry ``path`` holds (``doc``, as just read or written)."""
    if not work_dir.is_dir():
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    records = []
    for r in doc["episodes"]:
        plain = {k: _plain(r.get(k)) for k in FIELDS if k in r}
        plain["lines"] = {k: line_of(r, k) for k in FIELDS if k in r}
        records.append(plain)
    guid = doc.get("podcast_guid")
    data = {
        "format": FORMAT,
        "path": str(path),
        "stamp": _stamp(path),
        "sha": _sha(text),
        "podcast_guid": str(guid) if guid else None,
        "records": records,
    }
    try:
        write_atomic(work_dir / CACHE_FILE, json.dumps(data, separators=(",", ":")))
    except OSError:
        pass


def rewrite_in_place(path: Path, work_dir: Path, plain: Plain, changes: dict) -> bool:
    """Write ``changes`` ({record index: {key: new value}}) into the registry's lines;
    False (nothing written) when a value is not alone on its line: then the caller
    takes the round-trip path."""
    lines = plain.text.split("\n")
    taken = sorted(n for r in plain.records for n in r["lines"].values() if n)
    for index, fields in changes.items():
        record = plain.records[index]
        for key, value in fields.items():
            n = record["lines"].get(key)
            if not n or not _alone(lines, n, taken):
                return False
            match = re.match(rf"^(\s*(?:-\s+)?){key}:\s*(.*)$", lines[n - 1])
            if not match or "#" in match.group(2):
                return False
            lines[n - 1] = f"{match.group(1)}{key}: {_scalar(value)}"
    text = "\n".join(lines)
    write_atomic(path, text)
    for index, fields in changes.items():
        plain.records[index].update({k: _plain(v) for k, v in fields.items()})
    data = {
        "format": FORMAT,
        "path": str(path),
        "stamp": _stamp(path),
        "sha": _sha(text),
        "podcast_guid": plain.podcast_guid,
        "records": plain.records,
    }
    try:
        write_atomic(work_dir / CACHE_FILE, json.dumps(data, separators=(",", ":")))
    except OSError:
        pass
    return True


def _alone(lines: list[str], n: int, taken: list[int]) -> bool:
    """Whether the value of the key on line ``n`` ends on that line: the next line is
    another key (or the end of the file)."""
    later = [t for t in taken if t > n]
    if later:
        return later[0] == n + 1
    rest = [line for line in lines[n:] if line.strip() and not line.lstrip().startswith("#")]
    return not rest


def _scalar(value: Any) -> str:
    """A value as YAML reads it back exactly: ints and dates plain, text double-quoted
    (JSON's escapes are YAML's)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, int | dt.date):
        return str(value) if not isinstance(value, dt.datetime) else value.date().isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return None if value is None else str(value)
    if isinstance(value, int):
        return int(value)
    return str(value)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
