"""Importing results from a form export (CSV): columns found by name or guessed by
their words, form timestamps read in the common formats, rows validated as `club add`
validates one result."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from podpipe.club.cycles import find_cycle
from podpipe.club.editing import ImportReport, merge, result_entry, validate_entry
from podpipe.club.results import MAX_RESULTS, RESULT_FIELDS, results_file, too_many
from podpipe.config import Show, did_you_mean
from podpipe.errors import ConfigError, Problem

# Column names form tools use, lower-cased, mapped to result fields.
# A form export beyond this is not one cycle's results (MAX_RESULTS rows of 3 KiB).
MAX_CSV_BYTES = 64 * 1024 * 1024
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
    if len(body) > MAX_RESULTS:
        raise ConfigError([too_many(csv_path, len(body), "rows")])
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
        validate_entry(entry, csv_path, line, cycle, problems, where="")
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
    merged = merge(show, cycle, entries)
    report.added, report.skipped, report.invalid = merged.added, merged.skipped, problems
    report.warnings = merged.warnings
    return report


def read_csv(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) for each record; ConfigError for unreadable or malformed CSV."""
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise ConfigError(
                [
                    Problem(
                        path,
                        None,
                        "",
                        f"{size:,} bytes, more than the {MAX_CSV_BYTES // 1024**2} MiB a "
                        "form export may have (the limit): split it",
                    )
                ]
            )
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
                    f"{fld!r}{did_you_mean(fld, RESULT_FIELDS)}; fields: "
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
                    f"in the header{did_you_mean(column, header)}; columns: "
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
    return result_entry(**values)


def parse_submitted(text: str) -> dt.date | None:
    """The day of a form export's timestamp (any of the common formats), or None."""
    text = text.strip()
    text = re.sub(r"\s*(Z|[+-]\d\d:?\d\d|GMT[+-]?\d*|UTC)$", "", text)
    text = re.sub(r"\.\d+$", "", text)
    for fmt in _TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
