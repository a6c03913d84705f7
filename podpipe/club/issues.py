"""Results submitted as GitHub issues: the issue form's fields, and `podpipe club
import-issues` reading an exported list (``gh issue list --json number,title,body,url,
createdAt``) of issues made with that form.

GitHub writes an issue-form submission as Markdown: each field's label as a ``###``
heading, then what the participant typed (``_No response_`` when left empty). The
labels below are the contract between the form podpipe writes and this reader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpipe.club.editing import merge, result_entry, validate_entry
from podpipe.club.results import results_file
from podpipe.config import Show, unknown_cycle
from podpipe.errors import ConfigError, Problem

# (id, label, kind, required, description): the issue form's fields, in order.
ISSUE_FIELDS = (
    ("cycle", "Cycle", "input", True, "The topic's slug, as in its page's address"),
    ("name", "Your name", "input", True, "As it should appear on the site"),
    ("url", "Link to your result", "input", True, "A public http(s) link"),
    ("title", "Title", "input", False, "What your result is called"),
    ("summary", "What did you build?", "textarea", False, "One or two sentences"),
    ("learned", "What did you learn?", "textarea", False, "Optional"),
    ("links", "Your profile links", "textarea", False, "One http(s) link a line"),
)
ISSUE_LABEL = "club-result"
NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.M)


@dataclass
class IssuesReport:
    """What `club import-issues` did, by cycle file."""

    added: dict[Path, list[str]] = field(default_factory=dict)
    skipped: dict[Path, list[str]] = field(default_factory=dict)
    invalid: list[Problem] = field(default_factory=list)
    ignored: list[int] = field(default_factory=list)  # issues not made with the form
    # what the results files' own entries have wrong (left out of the site, kept)
    warnings: list[Problem] = field(default_factory=list)


def parse_issue_body(body: str) -> dict[str, str] | None:
    """An issue-form body -> {field id: text}; None when it is not the club's form."""
    by_label = {label.casefold(): fid for fid, label, *_ in ISSUE_FIELDS}
    parts = _HEADING.split(body.replace("\r\n", "\n"))
    values: dict[str, str] = {}
    for heading, text in zip(parts[1::2], parts[2::2], strict=True):
        fid = by_label.get(heading.strip().casefold())
        if fid:
            text = text.strip()
            values[fid] = "" if text == NO_RESPONSE else text
    return values if {"cycle", "name", "url"} <= set(values) else None


# An export beyond this is not one club's submissions (GitHub bodies are at most 64 KiB).
MAX_EXPORT_BYTES = 64 * 1024 * 1024


def read_issues(path: Path) -> list[dict[str, Any]]:
    """The exported issues: a JSON list of objects; ConfigError naming the file (and
    line) for anything else, an export over the size limit, or nesting too deep to read."""
    hint = "export it with gh issue list --json number,title,body,url,createdAt"
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise ConfigError(
                [
                    Problem(
                        path,
                        None,
                        "",
                        f"{size:,} bytes, more than the {MAX_EXPORT_BYTES // 1024**2} MiB an "
                        "issue export may have (the limit): export fewer issues",
                    )
                ]
            )
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError([Problem(path, None, "", f"cannot read: {e.strerror}")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        line = getattr(e, "lineno", None)
        raise ConfigError(
            [Problem(path, line, "", f"not a JSON issue list ({e}); {hint}")]
        ) from None
    except RecursionError:
        raise ConfigError(
            [Problem(path, None, "", f"not a JSON issue list (nested too deep to read); {hint}")]
        ) from None
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise ConfigError(
            [Problem(path, None, "", "expected a JSON list of issues (gh issue list --json ...)")]
        )
    return data


def _number(issue: dict[str, Any]) -> int:
    """The issue's number (0 when the export has none, or not a number)."""
    value = issue.get("number")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def import_issues(show: Show, path: Path, *, skip_invalid: bool = False) -> IssuesReport:
    """Add the results submitted as issues; a result already listed is skipped, so
    importing the same export twice changes nothing. With an invalid issue nothing is
    written unless ``skip_invalid``."""
    report = IssuesReport()
    by_cycle: dict[str, list[dict]] = {}
    for i, issue in enumerate(read_issues(path)):
        where = f"[{i}] issue #{_number(issue) or '?'}"
        body = issue.get("body")
        values = parse_issue_body(body) if isinstance(body, str) else None
        if values is None:
            report.ignored.append(_number(issue))
            continue
        slug = values.pop("cycle").strip()
        cycle = show.club.cycle(slug)
        if cycle is None:
            report.invalid.append(
                Problem(path, None, f"{where}.cycle", unknown_cycle(show.club, slug))
            )
            continue
        values["links"] = [u for u in re.split(r"[\s,]+", values.get("links", "")) if u]
        values["submitted"] = _created(issue.get("createdAt"))
        entry = result_entry(**values)
        before = len(report.invalid)
        validate_entry(entry, path, None, cycle, report.invalid, where=where)
        if len(report.invalid) == before:
            by_cycle.setdefault(cycle.slug, []).append(entry)
    if report.invalid and not skip_invalid:
        note = Problem(
            path, None, "", "nothing was imported; fix these issues or pass --skip-invalid"
        )
        raise ConfigError(report.invalid + [note])
    for slug, entries in by_cycle.items():
        merged = merge(show, show.club.cycle(slug), entries)
        report.added[results_file(show, slug)] = merged.added
        report.skipped[results_file(show, slug)] = merged.skipped
        report.warnings += merged.warnings
    return report


def _created(value: Any) -> dt.date | None:
    """gh's createdAt ("2026-10-08T09:12:44Z") as the day the result was submitted."""
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None
