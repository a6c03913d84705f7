"""Adding results to a cycle's file: `club add`, and the merge `club import` uses too.

podpipe edits a results file only through ruamel.yaml's round-trip mode
(:mod:`podpipe.config.yamlio`), so the comments and order the host wrote survive, and
writes it atomically. A new entry is validated exactly as loading would validate it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpipe.cache import exclusive, write_atomic
from podpipe.club.cycles import find_cycle
from podpipe.club.results import RESULT_FIELDS, read_result, results_file, results_of, url_key
from podpipe.config import (
    Cycle,
    Section,
    Show,
    dump,
    guess_indent,
    load_document,
    round_trip,
)
from podpipe.errors import ConfigError, Problem, ProcessingError


@dataclass
class ImportReport:
    """What an add or import did to a cycle's results file."""

    file: Path
    added: list[str] = field(default_factory=list)  # URLs added
    skipped: list[str] = field(default_factory=list)  # URLs already in the file
    invalid: list[Problem] = field(default_factory=list)  # rows left out (--skip-invalid)
    guessed: dict[str, str] = field(default_factory=dict)  # CSV column -> field, by its words
    # field -> the columns that could each be it (none was taken)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)


def add_result(
    show: Show,
    slug: str,
    *,
    name: str,
    url: str,
    title: str = "",
    summary: str = "",
    learned: str = "",
    links: Iterable[str] = (),
    submitted: dt.date | None = None,
) -> ImportReport:
    """Append one result to the cycle's file; ConfigError if invalid or already there."""
    cycle = find_cycle(show, slug)
    entry = result_entry(
        name=name,
        url=url,
        title=title,
        summary=summary,
        learned=learned,
        links=list(links),
        submitted=submitted,
    )
    file = results_file(show, cycle.slug)
    problems: list[Problem] = []
    validate_entry(entry, file, None, cycle, problems)
    if problems:
        raise ConfigError(problems)
    report = merge(show, cycle, [entry])
    if report.skipped:
        raise ConfigError(
            [
                Problem(
                    file,
                    None,
                    "url",
                    f"a result with the URL {url!r} is already listed; nothing was changed",
                )
            ]
        )
    return report


def result_entry(**values: Any) -> dict[str, Any]:
    """A result mapping in the canonical key order, empty values left out."""
    out: dict[str, Any] = {}
    for key in RESULT_FIELDS:
        value = values.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", []):
            out[key] = value
    return out


def validate_entry(
    entry: dict,
    file: Path,
    line: int | None,
    cycle: Cycle,
    problems: list[Problem],
    where: str = "",
) -> None:
    """Validate a new entry exactly as load_results would, locating problems at ``line``."""
    found: list[Problem] = []
    read_result(Section(file, dict(entry), where, found), cycle)
    for p in found:
        problems.append(Problem(p.file, line, p.key, p.message, p.severity))


def merge(show: Show, cycle: Cycle, entries: list[dict[str, Any]]) -> ImportReport:
    """Append entries whose URL is not in the file yet; write only if something changed.

    Two `club add` or `club import` runs at once (a form hook, a host at the terminal)
    take turns: each reads the file the other wrote, so neither loses a result.
    """
    with exclusive(show.work_dir / "club.lock"):
        return _merge_unlocked(show, cycle, entries)


def _merge_unlocked(show: Show, cycle: Cycle, entries: list[dict[str, Any]]) -> ImportReport:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    file = results_file(show, cycle.slug)
    report = ImportReport(file)
    yaml, doc, text = _load_for_edit(file, cycle)
    seq = doc.get("results")
    if not isinstance(seq, CommentedSeq):
        seq = CommentedSeq(seq or [])
        doc["results"] = seq
    was_empty = not seq
    if was_empty:
        seq.fa.set_block_style()  # `results: []` becomes a block list, one entry a line
    known = {url_key(str(item.get("url", ""))) for item in seq}
    for entry in entries:
        key = url_key(entry["url"])
        if key in known:
            report.skipped.append(entry["url"])
            continue
        known.add(key)
        item = CommentedMap()
        for k, v in entry.items():
            item[k] = CommentedSeq(v) if isinstance(v, list) else v
        seq.append(item)
        report.added.append(entry["url"])
    if report.added:
        added = seq[len(seq) - len(report.added) :]
        write_atomic(file, _dump(yaml, doc, added, text, file, was_empty))
    return report


def _dump(yaml, doc, added: list, old_text: str, file: Path, was_empty: bool) -> str:
    """The file's new text. ruamel keeps comments and order, but can re-indent some
    scalars (folded text in lists); if any line the host wrote would change, append the
    new entries as text after the host's lines instead, which leaves them untouched."""
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.error import YAMLError

    text = dump(yaml, doc)
    # An empty list (`results: []`) has no host lines to keep but its own.
    if was_empty or _only_added(old_text, text):
        return text
    part = dump(yaml, {"results": CommentedSeq(added)})
    appended = old_text.rstrip("\n") + "\n" + part.split("\n", 1)[1]
    try:
        count = len(yaml.load(appended)["results"])
    except (YAMLError, TypeError, KeyError):
        count = -1
    if not _only_added(old_text, appended) or count != len(doc["results"]):
        raise ProcessingError(
            "cannot add results without rewriting lines of this file; add them by hand", file=file
        )
    return appended


def _only_added(before: str, after: str) -> bool:
    ops = difflib.SequenceMatcher(
        None, before.splitlines(), after.splitlines(), autojunk=False
    ).get_opcodes()
    return all(tag in ("equal", "insert") for tag, *_ in ops)


def _load_for_edit(file: Path, cycle: Cycle):
    """A round-trip YAML loader/dumper set to the file's own indentation, the document
    and its text; ConfigError if the file has problems."""
    from ruamel.yaml.comments import CommentedMap

    if file.exists():
        # Checked as load_results reads it (dates as text), before the edit loads it:
        # never rewrite a file the host has to fix first, they would lose track of it.
        checked, problems = load_document(file)
        if not problems:
            results_of(checked, file, cycle, problems)
        if problems:
            raise ConfigError(problems)
        text = file.read_text(encoding="utf-8")
    else:
        text = _new_results_text(cycle)
    yaml = round_trip(guess_indent(text), preserve_quotes=True)
    doc = yaml.load(text)
    if doc is None:
        doc = CommentedMap()
    return yaml, doc, text


def _new_results_text(cycle: Cycle) -> str:
    return (
        f"# Results of the learning-club cycle {cycle.title!r} ({cycle.slug}).\n"
        "# One entry per result. Keys: name and url (required), title, summary,\n"
        "# learned (what you learned), links (your profile URLs), submitted (a date).\n"
        "# Add yours by pull request, or ask the host to run `podpipe club add`.\n"
        "results:\n"
    )
