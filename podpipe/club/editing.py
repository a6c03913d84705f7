"""Adding results to a cycle's file: `club add`, and the merge `club import` uses too.

podpipe edits a results file only through ruamel.yaml's round-trip mode
(:mod:`podpipe.config.yamlio`), so the comments and order the host wrote survive, and
writes it atomically. A new entry is validated exactly as loading would validate it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpipe.cache import exclusive, write_atomic
from podpipe.club.cycles import find_cycle
from podpipe.club.results import (
    MAX_RESULTS,
    RESULT_FIELDS,
    read_result,
    results_file,
    results_of,
    too_many,
    url_key,
)
from podpipe.config import (
    FALLBACK,
    Cycle,
    LimitError,
    Section,
    Show,
    block_items,
    dump,
    fast_load,
    guess_indent,
    load_big_text,
    read_back,
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
    # what the file's own entries have wrong (left out of the site, kept in the file)
    warnings: list[Problem] = field(default_factory=list)


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
    file = results_file(show, cycle.slug)
    report = ImportReport(file)
    checked, text, report.warnings = _checked(file, cycle)
    listed = checked.get("results") if isinstance(checked, dict) else None
    listed = listed if isinstance(listed, list) else []
    known = {url_key(str(item.get("url", ""))) for item in listed if isinstance(item, dict)}
    new = []
    for entry in entries:
        key = url_key(entry["url"])
        if key in known:
            report.skipped.append(entry["url"])
            continue
        known.add(key)
        new.append(entry)
        report.added.append(entry["url"])
    if len(listed) + len(new) > MAX_RESULTS:
        raise ConfigError([too_many(file, len(listed) + len(new), "results after this addition")])
    if new:
        write_atomic(file, _new_text(text, new, len(listed), file))
    return report


def _new_text(text: str, new: list[dict[str, Any]], listed: int, file: Path) -> str:
    """The file's text with ``new`` entries at the end of its results.

    First as text appended after the host's lines (which leaves every one of them as it
    was, and costs only the new entries' lines: written by a small emitter, read back by
    libyaml's parser, 20,000 entries in about a second), checked by reading it back.
    Where that does not read back as the same list plus the new entries (`results: []`,
    a flow list), ruamel's round trip rewrites the file, keeping comments and order; if
    that would change a line the host wrote, the add is refused."""
    indent = guess_indent(text)
    appended = text.rstrip("\n") + "\n" + block_items(new, indent)
    if _reads_back(appended, listed, new):
        return appended
    return _round_trip(round_trip(indent, preserve_quotes=True), text, new, file)


def _dumped(yaml, entries: list[dict[str, Any]]) -> str:
    """Entries as the list items of a ``results:`` list, written by ruamel."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    items = CommentedSeq()
    for entry in entries:
        item = CommentedMap()
        for k, v in entry.items():
            item[k] = CommentedSeq(v) if isinstance(v, list) else v
        items.append(item)
    return dump(yaml, {"results": items}).split("\n", 1)[1]


def _reads_back(text: str, listed: int, new: list[dict[str, Any]]) -> bool:
    """Whether ``text`` reads as a results list of ``listed`` entries and then ``new``."""
    try:
        doc = fast_load(text)
    except LimitError:
        return False
    if doc is FALLBACK:
        doc = read_back(text)
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list) or len(results) != listed + len(new):
        return False
    return all(_same(got, want) for got, want in zip(results[listed:], new, strict=True))


def _same(got: Any, want: dict[str, Any]) -> bool:
    """An entry read back is the one written (dates may read back as text or dates)."""
    if not isinstance(got, dict) or list(got) != list(want):
        return False
    return all(str(got[k]) == str(v) if not isinstance(v, list) else got[k] == v
               for k, v in want.items())  # fmt: skip


def _round_trip(yaml, text: str, new: list[dict[str, Any]], file: Path) -> str:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    doc = yaml.load(text)
    if doc is None:
        doc = CommentedMap()
    seq = doc.get("results")
    if not isinstance(seq, CommentedSeq):
        seq = CommentedSeq(seq or [])
        doc["results"] = seq
    was_empty = not seq
    if was_empty:
        seq.fa.set_block_style()  # `results: []` becomes a block list, one entry a line
    seq.extend(yaml.load("results:\n" + _dumped(yaml, new))["results"])
    rewritten = dump(yaml, doc)
    # An empty list (`results: []`) has no host lines to keep but its own.
    if was_empty or _only_added(text, rewritten):
        return rewritten
    raise ProcessingError(
        "cannot add results without rewriting lines of this file; add them by hand", file=file
    )


def _only_added(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` with lines inserted, every line the host wrote
    kept as it was and in order: ``before``'s lines are a subsequence of ``after``'s.
    One greedy pass, linear in the text (a diff would be quadratic on big files)."""
    new = iter(after.splitlines())
    return all(any(line == other for other in new) for line in before.splitlines())


def _checked(file: Path, cycle: Cycle) -> tuple[Any, str, list[Problem]]:
    """The results file read and checked as load_results reads it (dates as text), its
    text and its warnings; ConfigError if it has errors (not YAML, not a results list,
    over the limit): never rewrite a file the host has to fix first. A participant's
    broken entry is a warning, as in a publish: the new entries go after it, its lines
    stay as written. A file not there yet is its header."""
    if not file.exists():
        return None, _new_results_text(cycle), []
    text, checked, problems = load_big_text(file)
    if not problems:
        results_of(checked, file, cycle, problems)
    if any(p.severity == "error" for p in problems):
        raise ConfigError(problems)
    return checked, text, problems


def _new_results_text(cycle: Cycle) -> str:
    return (
        f"# Results of the learning-club cycle {cycle.title!r} ({cycle.slug}).\n"
        "# One entry per result. Keys: name and url (required), title, summary,\n"
        "# learned (what you learned), links (your profile URLs), submitted (a date).\n"
        "# Add yours by pull request, or ask the host to run `podpipe club add`.\n"
        "results:\n"
    )
