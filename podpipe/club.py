"""The learning club: which episode announces which cycle, participant results, pages.

Participant results live in one YAML file per cycle (``<results_dir>/<cycle-slug>.yaml``)
so a participant can add theirs by pull request. podpipe edits those files only through
ruamel.yaml's round-trip mode, so the comments and order the host wrote survive, and
writes them atomically. Everything a participant typed is text: it is validated here
(http(s) URLs only, length limits, no duplicates) and escaped wherever it is shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from podpipe.cache import exclusive, write_atomic
from podpipe.config import (
    SHOW_FILE,
    Cycle,
    Episode,
    Section,
    Show,
    _did_you_mean,
    _is_http_url,
    _line_of,
    _load_yaml,
    load_show_with_warnings,
)
from podpipe.errors import ConfigError, Problem, ProcessingError

log = logging.getLogger(__name__)

RESULT_FIELDS = ("name", "title", "url", "summary", "learned", "links", "submitted")
# Generous limits: enough for a real write-up, small enough that a pasted essay or
# spam is caught before it lands on the site.
MAX_LENGTH = {"name": 100, "title": 200, "url": 2000, "summary": 1000, "learned": 2000}
MAX_LINKS = 5
REL = "nofollow ugc noopener"
# Control characters other than tab and newline never belong in a result.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# --------------------------------------------------------------------------- cycles


def cycle_url(show: Show, cycle: Cycle) -> str:
    """Absolute URL of a cycle's page (site layout: club/<slug>/)."""
    return f"{show.base_url}club/{cycle.slug}/"


def announced_cycle(show: Show, episode: Episode) -> Cycle | None:
    """The cycle an episode announces.

    In order: the episode's own ``announces``, the cycle whose ``announced_in`` is the
    episode's number, else the first cycle starting on or after the episode's date.
    """
    cycles = show.club.cycles
    if episode.announces:
        return show.club.cycle(episode.announces)
    named = next((c for c in cycles if c.announced_in == episode.number), None)
    if named:
        return named
    later = sorted((c for c in cycles if c.start >= episode.date), key=lambda c: c.start)
    return later[0] if later else None


def featured_cycle(show: Show, episode: Episode) -> Cycle | None:
    """The cycle whose results this (follow-up) episode features."""
    return next((c for c in show.club.cycles if c.featured_in == episode.number), None)


def current_cycle(show: Show, today: dt.date) -> Cycle | None:
    """The cycle open today, if any."""
    return next((c for c in show.club.cycles if c.state(today) == "open"), None)


def next_cycle(show: Show, today: dt.date) -> Cycle | None:
    """The first cycle starting after today."""
    upcoming = sorted((c for c in show.club.cycles if c.start > today), key=lambda c: c.start)
    return upcoming[0] if upcoming else None


def announcing_episodes(show: Show, cycle: Cycle) -> list[Episode]:
    return [e for e in show.episodes if (a := announced_cycle(show, e)) and a.slug == cycle.slug]


def find_cycle(show: Show, slug: str) -> Cycle:
    """The cycle with this slug, or a ConfigError with a "did you mean"."""
    cycle = show.club.cycle(slug)
    if cycle is None:
        slugs = [c.slug for c in show.club.cycles]
        raise ConfigError(
            [
                Problem(
                    show.root / SHOW_FILE,
                    None,
                    "club.cycles",
                    f"no club cycle {slug!r}{_did_you_mean(slug, slugs)}; "
                    f"cycles: {', '.join(slugs) or 'none'}",
                )
            ]
        )
    return cycle


def check_cycles(show: Show) -> list[Problem]:
    """Club problems across show.yaml and the episodes (for ``podpipe check``)."""
    problems = []
    for ep in show.episodes:
        cycle = announced_cycle(show, ep)
        if cycle and cycle.end < ep.date:
            problems.append(
                Problem(
                    ep.source_file,
                    _line_in(ep.source_file, "announces:"),
                    "announces",
                    f"episode {ep.number} ({ep.date}) announces cycle {cycle.slug!r}, which "
                    f"already ended on {cycle.end}; announce an upcoming cycle instead",
                )
            )
        featured = featured_cycle(show, ep)
        if featured and ep.date <= featured.end:
            problems.append(
                Problem(
                    show.root / SHOW_FILE,
                    None,
                    f"club.cycles[{featured.slug}].featured_in",
                    f"episode {ep.number} ({ep.date}) features cycle {featured.slug!r} before it "
                    f"ends ({featured.end}); late results will be missing",
                    "warning",
                )
            )
    return problems


def _line_in(file: Path, prefix: str) -> int | None:
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((n for n, line in enumerate(lines, 1) if line.startswith(prefix)), None)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Result:
    """One participant's result for a cycle. All text is plain text (never HTML)."""

    name: str
    url: str
    title: str = ""
    summary: str = ""
    learned: str = ""
    links: tuple[str, ...] = ()  # the participant's profile links
    submitted: dt.date | None = None
    late: bool = False  # submitted after the cycle's last day

    @property
    def label(self) -> str:
        """What the result link shows: its title, else the URL without the scheme."""
        return self.title or self.url.split("://", 1)[-1]


def results_file(show: Show, slug: str) -> Path:
    return (show.club.results_dir or show.root / "club") / f"{slug}.yaml"


def load_results(show: Show) -> dict[str, list[Result]]:
    """Every cycle's results, by slug; raises ConfigError listing every problem."""
    results, problems = check_results(show)
    if any(p.severity == "error" for p in problems):
        raise ConfigError(problems)
    for p in problems:
        log.warning("%s", p)
    return results


def check_results(show: Show) -> tuple[dict[str, list[Result]], list[Problem]]:
    """Every cycle's valid results and the problems found; invalid entries are left out."""
    results: dict[str, list[Result]] = {c.slug: [] for c in show.club.cycles}
    problems: list[Problem] = []
    folder = show.club.results_dir or show.root / "club"
    if not folder.is_dir():
        return results, problems
    for file in sorted(folder.glob("*.yaml")):
        cycle = show.club.cycle(file.stem)
        if cycle is None:
            slugs = [c.slug for c in show.club.cycles]
            problems.append(
                Problem(
                    file,
                    None,
                    "",
                    f"no club cycle {file.stem!r}"
                    f"{_did_you_mean(file.stem, slugs)}: a results file is "
                    "named after its cycle's slug",
                )
            )
            continue
        doc = _load_yaml(file, problems)
        results[cycle.slug] = _results_of(doc, file, cycle, problems)
    return results, problems


def _results_seq(doc: Any, file: Path, problems: list[Problem]) -> list:
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("results", []), list | None):
        problems.append(
            Problem(file, _line_of(doc), "results", "expected a mapping with a 'results:' list")
        )
        return []
    unknown = [str(k) for k in doc if k != "results"]
    for key in unknown:
        problems.append(
            Problem(file, _line_of(doc, key), key, f"unknown key{_did_you_mean(key, ['results'])}")
        )
    return doc.get("results") or []


def _results_of(doc: Any, file: Path, cycle: Cycle, problems: list[Problem]) -> list[Result]:
    out: list[Result] = []
    seen: dict[str, int | None] = {}
    seq = _results_seq(doc, file, problems)
    for i, item in enumerate(seq):
        sec = Section(file, item, f"results[{i}]", problems, seq, i)
        result = _result(sec, cycle)
        if result is None:
            continue
        key = url_key(result.url)
        line = _line_of(seq, i)
        if key in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    f"results[{i}].url",
                    f"duplicate result URL {result.url!r} (first listed on line {seen[key]})",
                )
            )
            continue
        seen[key] = line
        out.append(result)
    return out


def _result(sec: Section, cycle: Cycle) -> Result | None:
    before = len(sec.problems)
    values = {k: _text(sec, k) for k in ("name", "title", "url", "summary", "learned")}
    for key in ("name", "url"):
        if values[key] == "":
            sec.problem(key, f"missing: a result needs a {key}", line=_line_of(sec.node))
    if values["url"] and not _is_http_url(values["url"]):
        sec.problem("url", f"expected an absolute http(s) URL, found {values['url']!r}")
    links = []
    for i, item, _ in sec.items("links"):
        link = str(item).strip() if isinstance(item, str) else ""
        if not _is_http_url(link):
            sec.problem(
                "links",
                f"expected an absolute http(s) URL, found {item!r}",
                line=_line_of(sec.node.get("links"), i),
            )
        links.append(link)
    if len(links) > MAX_LINKS:
        sec.problem("links", f"at most {MAX_LINKS} profile links, found {len(links)}")
    submitted = sec.date("submitted")
    sec.finish()
    if len(sec.problems) > before:
        return None
    return Result(
        name=values["name"],
        url=values["url"],
        title=values["title"],
        summary=values["summary"],
        learned=values["learned"],
        links=tuple(links),
        submitted=submitted,
        late=bool(submitted and submitted > cycle.end),
    )


def _text(sec: Section, key: str) -> str | None:
    """The field's text, "" when absent, None when invalid (a problem was recorded)."""
    before = len(sec.problems)
    value = sec.str(key, default="") or ""
    if len(sec.problems) > before:
        return None
    if len(value) > MAX_LENGTH[key]:
        sec.problem(key, f"too long: {len(value)} characters, at most {MAX_LENGTH[key]}")
        return None
    if _CONTROL_RE.search(value):
        sec.problem(key, "contains control characters")
        return None
    return value


def url_key(url: str) -> str:
    """The form of a URL used to spot duplicates: case-insensitive host, no fragment,
    no trailing slash (so http://x.org/a/ and HTTP://X.org/a#top are one result)."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit(
        (
            "https" if parts.scheme.lower() in ("http", "https") else parts.scheme,
            parts.netloc.lower(),
            path,
            parts.query,
            "",
        )
    )


# --------------------------------------------------------------------------- writing results


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
    entry = _entry(
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
    _validate_entry(entry, file, None, cycle, problems)
    if problems:
        raise ConfigError(problems)
    report = _merge(show, cycle, [entry])
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


def _entry(**values: Any) -> dict[str, Any]:
    """A result mapping in the canonical key order, empty values left out."""
    out: dict[str, Any] = {}
    for key in RESULT_FIELDS:
        value = values.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", []):
            out[key] = value
    return out


def _validate_entry(
    entry: dict,
    file: Path,
    line: int | None,
    cycle: Cycle,
    problems: list[Problem],
    where: str = "",
) -> None:
    """Validate a new entry exactly as load_results would, locating problems at ``line``."""
    found: list[Problem] = []
    _result(Section(file, dict(entry), where, found), cycle)
    for p in found:
        problems.append(Problem(p.file, line, p.key, p.message, p.severity))


def _merge(show: Show, cycle: Cycle, entries: list[dict[str, Any]]) -> ImportReport:
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
    problems: list[Problem] = []
    _results_of(doc, file, cycle, problems)
    if any(p.severity == "error" for p in problems):
        # Never rewrite a file the host has to fix first: they would lose track of it.
        raise ConfigError(problems)
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

    buf = io.StringIO()
    yaml.dump(doc, buf)
    text = buf.getvalue()
    # An empty list (`results: []`) has no host lines to keep but its own.
    if was_empty or _only_added(old_text, text):
        return text
    part = io.StringIO()
    yaml.dump({"results": CommentedSeq(added)}, part)
    appended = old_text.rstrip("\n") + "\n" + part.getvalue().split("\n", 1)[1]
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
    import difflib

    ops = difflib.SequenceMatcher(
        None, before.splitlines(), after.splitlines(), autojunk=False
    ).get_opcodes()
    return all(tag in ("equal", "insert") for tag, *_ in ops)


def _load_for_edit(file: Path, cycle: Cycle):
    """A round-trip YAML loader/dumper set to the file's own indentation, and its document."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    if file.exists():
        problems: list[Problem] = []
        _load_yaml(file, problems)  # for its messages: file, line and what is wrong
        if problems:
            raise ConfigError(problems)
        text = file.read_text(encoding="utf-8")
    else:
        text = _new_results_text(cycle)
    # The guess reports the list's indentation; keys inside mappings indent by 2.
    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    offset = block_seq_indent if block_seq_indent is not None else 2
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the host's long lines
    yaml.indent(mapping=2, sequence=max(indent or 4, offset + 2), offset=offset)
    doc = yaml.load(text)
    if doc is None:
        from ruamel.yaml.comments import CommentedMap

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


# --------------------------------------------------------------------------- CSV import

# Column names form tools use, lower-cased, mapped to result fields.
CSV_COLUMNS = {
    "name": "name",
    "your name": "name",
    "full name": "name",
    "participant": "name",
    "title": "title",
    "project title": "title",
    "result title": "title",
    "url": "url",
    "link": "url",
    "result url": "url",
    "project url": "url",
    "link to your result": "url",
    "summary": "summary",
    "description": "summary",
    "what did you build": "summary",
    "learned": "learned",
    "what i learned": "learned",
    "what did you learn": "learned",
    "what did you learn?": "learned",
    "links": "links",
    "profile": "links",
    "profile links": "links",
    "profile url": "links",
    "submitted": "submitted",
    "timestamp": "submitted",
    "date": "submitted",
    "submitted at": "submitted",
}
# For a header that is none of the above: words that name the field, tried in order
# ("Link to your project" -> url, "Your GitHub or blog profile" -> links). A guess is
# taken only when one column alone gives it and no column is named for the field.
_CSV_KEYWORDS = (
    (("e-mail", "email", "job", "role", "company", "hear about", "address"), None),
    (("profile", "social", "mastodon", "twitter", "linkedin"), "links"),
    (("url", "link", "where can we see", "where can we find"), "url"),
    (("name",), "name"),
    (("project title", "result title", "post title", "title of your"), "title"),
    (("learn",), "learned"),
    (
        (
            "summary",
            "descri",
            "what did you build",
            "what did you make",
            "about your project",
            "about what you",
        ),
        "summary",
    ),
    (("timestamp", "submitted", "date"), "submitted"),
)


def _header_key(header: str) -> str:
    """A header as looked up in CSV_COLUMNS: lower case, no outer space or punctuation."""
    return " ".join(header.lower().split()).strip(" ?:*.")


def _guess_field(header: str) -> str | None:
    key = _header_key(header)
    for words, fld in _CSV_KEYWORDS:
        if any(w in key for w in words):
            return fld
    return None


# Timestamp formats of common form exports (Google Forms, Typeform, Tally, ISO).
_TIMESTAMP_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",  # re-saved by a spreadsheet
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %I:%M:%S %p",  # Google Forms in a 12-hour locale
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
)


def import_csv(
    show: Show,
    slug: str,
    csv_path: Path,
    mapping: dict[str, str] | None = None,
    *,
    skip_invalid: bool = False,
) -> ImportReport:
    """Add the results of a form export. Rows whose URL is already listed are skipped,
    so importing the same file twice changes nothing.

    ``mapping`` maps CSV column names to result fields and overrides the built-in
    guesses. With any invalid row nothing is written (ConfigError naming file and line),
    unless ``skip_invalid``: then valid rows are added and the report lists the others.
    """
    cycle = find_cycle(show, slug)
    rows = read_csv(csv_path)
    header, body = rows[0][1], rows[1:]
    report = ImportReport(results_file(show, cycle.slug))
    columns = _columns(header, mapping or {}, csv_path, report)
    problems: list[Problem] = []
    entries = []
    for line, row in body:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(
                    csv_path,
                    line,
                    "",
                    f"expected {len(header)} fields like the header, found {len(row)}",
                )
            )
            continue
        entry = _row_entry(row, columns, csv_path, line, problems)
        if entry is None:
            continue
        before = len(problems)
        _validate_entry(entry, csv_path, line, cycle, problems, where="")
        if len(problems) == before:
            entries.append(entry)
    if problems and not skip_invalid:
        raise ConfigError(
            problems
            + [
                Problem(
                    csv_path,
                    None,
                    "",
                    "nothing was imported; fix these rows or pass --skip-invalid",
                )
            ]
        )
    merged = _merge(show, cycle, entries)
    report.added, report.skipped, report.invalid = merged.added, merged.skipped, problems
    return report


def read_csv(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) for each record; ConfigError for unreadable or malformed CSV."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConfigError([Problem(path, None, "", f"cannot read: {e.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ConfigError(
            [
                Problem(
                    path,
                    line,
                    "",
                    f"not UTF-8 text (byte 0x{data[e.start]:02x}"
                    " at byte offset " + f"{e.start}); export the CSV as UTF-8",
                )
            ]
        ) from None
    # The header decides the separator: form tools write comma, semicolon (European
    # locales) or tab. csv.Sniffer guesses from the body and can be fooled by free text.
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as e:
        raise ConfigError(
            [Problem(path, reader.line_num or start, "", f"malformed CSV: {e}")]
        ) from None
    if not rows:
        raise ConfigError([Problem(path, None, "", "empty CSV: expected a header row")])
    return rows


def _columns(
    header: list[str], mapping: dict[str, str], file: Path, report: ImportReport
) -> dict[int, str]:
    """Column index -> result field; guesses are recorded in ``report`` (guessed,
    ambiguous) for the host to see."""
    guessed, ambiguous = report.guessed, report.ambiguous
    problems = []
    by_name = {h.strip().lower(): i for i, h in enumerate(header)}
    columns: dict[int, str] = {}
    for i, h in enumerate(header):
        if _header_key(h) in CSV_COLUMNS:
            columns[i] = CSV_COLUMNS[_header_key(h)]
    guesses: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        fld = None if i in columns else _guess_field(h)
        if fld and fld not in columns.values():
            guesses.setdefault(fld, []).append(i)
    for fld, indexes in guesses.items():
        if len(indexes) == 1:
            columns[indexes[0]] = fld
            guessed[header[indexes[0]]] = fld
        else:  # two columns could be it: take neither, and say so
            ambiguous[fld] = [header[i] for i in indexes]
    for column, fld in mapping.items():
        if fld not in RESULT_FIELDS:
            problems.append(
                Problem(
                    file,
                    None,
                    f"--map {column}={fld}",
                    f"no result field "
                    f"{fld!r}{_did_you_mean(fld, RESULT_FIELDS)}; fields: "
                    f"{', '.join(RESULT_FIELDS)}",
                )
            )
            continue
        index = by_name.get(column.strip().lower())
        if index is None:
            problems.append(
                Problem(
                    file,
                    1,
                    f"--map {column}={fld}",
                    f"no column {column!r} "
                    f"in the header{_did_you_mean(column, header)}; columns: "
                    f"{', '.join(header)}",
                )
            )
            continue
        for i in [i for i, f in columns.items() if f == fld]:
            del columns[i]  # an explicit mapping replaces a guess for the same field
            guessed.pop(header[i], None)
        guessed.pop(header[index], None)
        ambiguous.pop(fld, None)  # the host chose among the candidates
        columns[index] = fld
    for required in ("name", "url"):
        if required not in columns.values() and not problems:
            problems.append(
                Problem(
                    file,
                    1,
                    "",
                    f"no column for the result's {required}; "
                    f"pass --map COLUMN={required} (columns: "
                    f"{', '.join(header)})",
                )
            )
    if problems:
        raise ConfigError(problems)
    return columns


def _row_entry(
    row: list[str], columns: dict[int, str], file: Path, line: int, problems: list[Problem]
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    for index, fld in columns.items():
        cell = row[index].replace("\r\n", "\n").replace("\r", "\n").strip()
        if fld == "links":
            values[fld] = [u for u in re.split(r"[\s,]+", cell) if u]
        elif fld == "submitted" and cell:
            date = parse_submitted(cell)
            if date is None:
                problems.append(
                    Problem(
                        file,
                        line,
                        "submitted",
                        f"expected a date or form "
                        f"timestamp like 2026-10-08 14:03:22, found {cell!r}",
                    )
                )
                return None
            values[fld] = date
        else:
            values[fld] = cell
    return _entry(**values)


def parse_submitted(text: str) -> dt.date | None:
    text = text.strip()
    text = re.sub(r"\s*(Z|[+-]\d\d:?\d\d|GMT[+-]?\d*|UTC)$", "", text)
    text = re.sub(r"\.\d+$", "", text)
    for fmt in _TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- status


@dataclass
class ClubStatus:
    """What `podpipe club status` reports."""

    today: dt.date
    current: Cycle | None
    next: Cycle | None
    results: dict[str, list[Result]]
    next_announced_by: list[Episode]
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.current:
            c = self.current
            left = (c.end - self.today).days + 1
            n = len(self.results.get(c.slug, []))
            out.append(
                f"Current cycle: {c.title} ({c.slug}), {c.start} to {c.end}, "
                f"{left} day{'s' if left != 1 else ''} left (today included), "
                f"{n} result{'s' if n != 1 else ''} so far"
            )
        else:
            out.append("Current cycle: none open today")
        if self.next:
            c = self.next
            days = (c.start - self.today).days
            out.append(
                f"Next cycle: {c.title} ({c.slug}), {c.start} to {c.end}, starts in "
                f"{days} day{'s' if days != 1 else ''}"
            )
            for ep in self.next_announced_by:
                out.append(f"  announced in episode {ep.number}: {ep.title} ({ep.date})")
        else:
            out.append("Next cycle: none planned; add one under club.cycles in show.yaml")
        return out


def as_of(results: dict[str, list[Result]], today: dt.date) -> dict[str, list[Result]]:
    """The results that existed on ``today``: one submitted later is left out (a preview
    with a past --today; a result dated ahead shows from its date on)."""
    return {
        slug: [r for r in rs if r.submitted is None or r.submitted <= today]
        for slug, rs in results.items()
    }


def dated_ahead(show: Show, results: dict[str, list[Result]], today: dt.date) -> list[str]:
    """Warnings for results dated after ``today``: the site does not list them yet."""
    return [
        f"{results_file(show, slug)}: the result {r.url} is dated {r.submitted}, after "
        f"today ({today}): it is left out until a publish on or after that day (fix "
        "'submitted' if the date is a typo)"
        for slug, rs in results.items()
        for r in rs
        if r.submitted is not None and r.submitted > today
    ]


def status(
    show: Show, today: dt.date, results: dict[str, list[Result]] | None = None
) -> ClubStatus:
    problems: list[Problem] = []
    if results is None:
        # Status shows what it can: invalid results are left out and listed as warnings.
        results, problems = check_results(show)
    results = as_of(results, today)
    upcoming = next_cycle(show, today)
    announced_by = announcing_episodes(show, upcoming) if upcoming else []
    report = ClubStatus(today, current_cycle(show, today), upcoming, results, announced_by)
    if upcoming and not announced_by:
        report.warnings.append(
            f"no episode announces the next cycle {upcoming.slug!r}: set 'announced_in:' on "
            f"the cycle in show.yaml or 'announces: {upcoming.slug}' in an episode.yaml"
        )
    report.warnings += [str(p) for p in [*problems, *check_cycles(show)]]
    return report


# --------------------------------------------------------------------------- pages


def timeline(show: Show, today: dt.date) -> list[Cycle]:
    """Cycles in the order the club index shows them: open, upcoming (soonest first),
    then closed (most recent first)."""
    by_state: dict[str, list[Cycle]] = {"open": [], "upcoming": [], "closed": []}
    for c in sorted(show.club.cycles, key=lambda c: c.start):
        by_state[c.state(today)].append(c)
    return by_state["open"] + by_state["upcoming"] + by_state["closed"][::-1]


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: a last guard at render time
    for results that did not come through load_results."""
    return url if url and _is_http_url(url) else None


def write_pages(
    show: Show,
    episodes: list,
    out_dir: Path,
    *,
    today: dt.date,
    env=None,
    results: dict[str, list[Result]] | None = None,
) -> list[Path]:
    """Write club/index.html, club/<slug>/index.html and club.ics into the site folder.

    ``episodes`` are the published episodes (records.PublishedEpisode); the pages link
    the ones announcing and featuring each cycle. Returns the files written.
    """
    from podpipe.notes import install_filters
    from podpipe.templating import environment

    env = env or environment(show)
    install_filters(env)
    results = as_of(load_results(show) if results is None else results, today)
    links = {c.slug: _episode_links(show, c, episodes) for c in show.club.cycles}
    context = dict(
        show=show,
        club=show.club,
        today=today,
        links=links,
        results=results,
        rel=REL,
        calendar="club.ics",
    )
    written = []
    index = out_dir / "club" / "index.html"
    write_atomic(
        index,
        env.get_template("club_index.html").render(
            root="../", cycles=timeline(show, today), **context
        ),
    )
    written.append(index)
    for cycle in show.club.cycles:
        page = out_dir / "club" / cycle.slug / "index.html"
        write_atomic(
            page, env.get_template("club_cycle.html").render(root="../../", cycle=cycle, **context)
        )
        written.append(page)
    written.append(write_calendar(show, out_dir / "club.ics"))
    return written


def _episode_links(show: Show, cycle: Cycle, episodes: list) -> dict[str, list]:
    """The published episodes announcing and featuring a cycle."""
    announced, featured = [], []
    for pe in sorted(episodes, key=lambda pe: pe.episode.date):
        a = announced_cycle(show, pe.episode)
        if a and a.slug == cycle.slug:
            announced.append(pe)
        f = featured_cycle(show, pe.episode)
        if f and f.slug == cycle.slug:
            featured.append(pe)
    return {"announced": announced, "featured": featured}


# --------------------------------------------------------------------------- calendar


def calendar_text(show: Show) -> str:
    """The club's iCalendar (RFC 5545): per cycle, an all-day event on its first day and
    one on its last day. UIDs and stamps derive from the cycle, so rebuilding the site
    does not make calendar apps see changed events."""
    host = urlsplit(show.base_url).hostname or "podpipe.invalid"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//podpipe//learning club//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(show.club.name + ' · ' + show.title)}",
        "REFRESH-INTERVAL;VALUE=DURATION:P1D",
        "X-PUBLISHED-TTL:P1D",
    ]
    for cycle in sorted(show.club.cycles, key=lambda c: c.start):
        url = cycle_url(show, cycle)
        how = f"\n\nSubmit your result: {show.club.submit_url}" if show.club.submit_url else ""
        for kind, day, summary in (
            ("start", cycle.start, f"{show.club.name}: {cycle.title} starts"),
            ("end", cycle.end, f"{show.club.name}: last day of {cycle.title}"),
        ):
            lines += [
                "BEGIN:VEVENT",
                f"UID:{cycle.slug}-{kind}@{host}",
                f"DTSTAMP:{cycle.start:%Y%m%d}T000000Z",
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{_ics_text(summary)}",
                f"DESCRIPTION:{_ics_text(cycle.summary + f' ({cycle.start} to {cycle.end})' + how)}",
                f"URL:{url}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def write_calendar(show: Show, out_path: Path) -> Path:
    write_atomic(out_path, calendar_text(show).encode("utf-8"))  # bytes: CRLF line ends
    return out_path


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


# --------------------------------------------------------------------------- loading for a club command

# Cross-references from the club to episodes (a cycle's announced_in and featured_in) are
# left to 'podpipe check': a dangling one must not stop a host recording a result.
EPISODE_REFERENCE_KEYS = ("announced_in", "featured_in")


def load_for_club(show_dir: Path) -> tuple[Show, list[Problem], int]:
    """Load the show for a club command: (show, blocking problems, count of other errors).

    Only problems in the club's own configuration block a club command (keys under
    ``club`` except the references to episodes): a host can record results while an
    episode still waits for its audio. The other errors are only counted, for a summary.
    ConfigError when the show cannot be loaded at all.
    """
    show, problems = load_show_with_warnings(show_dir)
    errors = [p for p in problems if p.severity == "error"]
    blocking = [
        p for p in errors if p.key.startswith("club") and not p.key.endswith(EPISODE_REFERENCE_KEYS)
    ]
    return show, blocking, len(errors) - len(blocking)
