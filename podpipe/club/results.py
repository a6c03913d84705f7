"""Participant results: one YAML file per cycle, loaded and validated.

Results live in ``<results_dir>/<cycle-slug>.yaml`` so a participant can add theirs by
pull request. Everything a participant typed is text: it is validated here (http(s)
URLs only, length limits, no duplicates) and escaped wherever it is shown. The text
policy is applied here, where results are loaded, so every page and feed that shows a
result gets clean text: a character XML cannot carry is dropped with a warning naming
the file and entry, and a link with a control character or over the URL limit is left
out with a warning; the entry itself is kept, so one bad pull request never blocks a
publish. `club add` and `club import` refuse the same input outright.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from podpipe.config import (
    PEOPLE_FILE,
    RESULTS_DIR,
    Cycle,
    Section,
    Show,
    did_you_mean,
    is_http_url,
    kind_of,
    line_of,
    load_big_document,
)
from podpipe.errors import ConfigError, Problem
from podpipe.urls import MAX_URL_LENGTH, url_problem

log = logging.getLogger(__name__)

RESULT_FIELDS = ("name", "title", "url", "summary", "learned", "links", "submitted")
# Generous limits: enough for a real write-up, small enough that a pasted essay or
# spam is caught before it lands on the site.
MAX_LENGTH = {"name": 100, "title": 200, "url": MAX_URL_LENGTH, "summary": 1000, "learned": 2000}
MAX_LINKS = 5
# More results than this in one cycle's file is a mass import gone wrong (or an attack
# on the host's disk and patience): refused, naming the limit.
MAX_RESULTS = 20_000


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


def results_dir(show: Show) -> Path:
    """The folder of the results files (club.results_dir, default: <show>/club)."""
    return show.club.results_dir or show.root / RESULTS_DIR


def results_file(show: Show, slug: str) -> Path:
    """The cycle's results file: <results_dir>/<slug>.yaml."""
    return results_dir(show) / f"{slug}.yaml"


def load_results(show: Show, *, strays: bool = True) -> dict[str, list[Result]]:
    """Every cycle's results, by slug; raises ConfigError listing every problem.

    ``strays=False`` says nothing of results files named after no cycle: while show.yaml
    has a broken cycle, the file may well belong to it."""
    results, problems = check_results(show, strays=strays)
    if any(p.severity == "error" for p in problems):
        raise ConfigError(problems)
    for p in problems:
        log.warning("%s", p)
    return results


def check_results(
    show: Show, *, strays: bool = True
) -> tuple[dict[str, list[Result]], list[Problem]]:
    """Every cycle's valid results and the problems found; invalid entries are left out."""
    results: dict[str, list[Result]] = {c.slug: [] for c in show.club.cycles}
    problems: list[Problem] = []
    folder = results_dir(show)
    if not folder.is_dir():
        return results, problems
    for file in sorted(folder.glob("*.yaml")):
        if file.name == PEOPLE_FILE:  # the participants' directory (club/people.py)
            continue
        cycle = show.club.cycle(file.stem)
        if cycle is None and not strays:
            continue
        if cycle is None:
            slugs = [c.slug for c in show.club.cycles]
            problems.append(
                Problem(
                    file,
                    None,
                    "",
                    f"no club cycle {file.stem!r}"
                    f"{did_you_mean(file.stem, slugs)}: a results file is "
                    "named after its cycle's slug",
                )
            )
            continue
        doc, found = load_big_document(file)
        problems += found
        results[cycle.slug] = results_of(doc, file, cycle, problems)
    return results, problems


def _results_seq(doc: Any, file: Path, problems: list[Problem]) -> list:
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("results", []), list | None):
        problems.append(
            Problem(file, line_of(doc), "results", "expected a mapping with a 'results:' list")
        )
        return []
    unknown = [str(k) for k in doc if k != "results"]
    for key in unknown:
        problems.append(
            Problem(
                file,
                line_of(doc, key),
                key,
                f"ignored: unknown key{did_you_mean(key, ['results'])}",
                "warning",
            )
        )
    return doc.get("results") or []


def results_of(doc: Any, file: Path, cycle: Cycle, problems: list[Problem]) -> list[Result]:
    """The valid results in a loaded results file; problems (and duplicates) recorded.

    The file is the participants' (pull requests): an entry that cannot be read (a
    missing url, a list where its mapping belongs, a duplicate URL) is left out with a
    warning naming the file, line and entry, so one broken entry never blocks a
    publish; an unknown key in an entry is ignored with a warning."""
    out: list[Result] = []
    seen: dict[str, int | None] = {}
    seq = _results_seq(doc, file, problems)
    if len(seq) > MAX_RESULTS:
        problems.append(too_many(file, len(seq), "results", line_of(doc, "results")))
        return out
    for i, item in enumerate(seq):
        line = line_of(seq, i)
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    file,
                    line,
                    f"results[{i}]",
                    f"result left out: expected a mapping of keys (name, url, ...), found "
                    f"{kind_of(item)}",
                    "warning",
                )
            )
            continue
        found: list[Problem] = []
        sec = Section(file, item, f"results[{i}]", found, seq, i, untrusted=True)
        result = read_result(sec, cycle)
        problems += [_left_out(p, result is None) for p in found]
        if result is None:
            continue
        key = url_key(result.url)
        if key in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    f"results[{i}].url",
                    f"result left out: duplicate result URL {result.url!r} (first listed on "
                    f"line {seen[key]})",
                    "warning",
                )
            )
            continue
        seen[key] = line
        out.append(result)
    return out


def _left_out(problem: Problem, skipped: bool) -> Problem:
    """A participant entry's error as the warning it is: the result is left out (or,
    for an unknown key in a result that is kept, the key is ignored)."""
    if problem.severity != "error":
        return problem
    what = "result left out" if skipped and "unknown key" not in problem.message else "ignored"
    return dataclasses.replace(problem, message=f"{what}: {problem.message}", severity="warning")


def from_participants(show: Show, problem: Problem) -> bool:
    """Whether a problem is in a file participants write (a results file or people.yaml,
    sent by pull request), for `podpipe check --strict`."""
    try:
        return Path(problem.file).resolve().is_relative_to(results_dir(show).resolve())
    except (OSError, ValueError):
        return False


def too_many(file: Path, count: int, what: str, line: int | None = None) -> Problem:
    """The problem of more results than one cycle may have."""
    return Problem(
        file,
        line,
        "results" if what == "results" else "",
        f"{count:,} {what}, more than the {MAX_RESULTS:,} results one cycle may have "
        "(the limit): split them, or remove spam entries",
    )


def read_result(sec: Section, cycle: Cycle) -> Result | None:
    """One result entry, validated; None (with problems recorded) if it is invalid."""
    before = _errors(sec)
    values = {k: _text(sec, k) for k in ("name", "title", "url", "summary", "learned")}
    for key in ("name", "url"):
        if values[key] == "":
            sec.problem(key, f"missing: a result needs a {key}", line=line_of(sec.node))
    if values["url"] and not is_http_url(values["url"]):
        sec.problem("url", f"expected an absolute http(s) URL, found {values['url']!r}")
    links = []
    for i, item, _ in sec.items("links"):
        link = str(item).strip() if isinstance(item, str) else ""
        where = line_of(sec.node.get("links"), i)
        if url_problem(link):  # checked first: the message must not echo a huge link
            _refuse(sec, "links", url_problem(link), where)
            continue
        if not is_http_url(link):
            sec.problem("links", f"expected an absolute http(s) URL, found {item!r}", line=where)
        links.append(link)
    if len(links) > MAX_LINKS:
        sec.problem("links", f"at most {MAX_LINKS} profile links, found {len(links)}")
    submitted = sec.date("submitted")
    failed = _errors(sec) > before or values["url"] is None
    sec.finish()  # an unknown key alone does not make the entry unreadable
    if failed:
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


def _refuse(sec: Section, key: str, why: str, line: int | None, what: str = "left out") -> None:
    """A participant's (untrusted) value is left out with a warning; one given to `club
    add` or `club import` is an error."""
    if sec.untrusted:
        sec.problem(key, f"{what}: {why}", line=line, severity="warning")
    else:
        sec.problem(key, why, line=line)


def _errors(sec: Section) -> int:
    return sum(p.severity == "error" for p in sec.problems)


def _text(sec: Section, key: str) -> str | None:
    """The field's text (cleaned under the text policy, with a warning), "" when absent,
    None when invalid (a problem was recorded)."""
    raw = sec.node.get(key)
    if key == "url" and isinstance(raw, str) and url_problem(raw.strip()):
        # never cleaned into some other address: the entry is left out
        _refuse(sec, key, url_problem(raw.strip()), None, "result left out")
        sec.raw(key)
        return None
    before = _errors(sec)
    value = sec.str(key, default="") or ""
    if _errors(sec) > before:
        return None
    if len(value) > MAX_LENGTH[key]:
        sec.problem(key, f"too long: {len(value):,} characters, at most {MAX_LENGTH[key]:,}")
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
