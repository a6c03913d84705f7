"""The club's participants: one identity per person across cycles.

A result names its participant by the name they typed and their profile links. Two
results are one person when they share a name (case and spacing aside) or a profile
link. ``people.yaml`` in the results folder (club/ by default) says what results cannot:
a display name, the person's own link, other spellings of their name (``aliases``) and
``listed: false`` for someone who wants no page of their own, no place in the people
index, search or the club feed; their results stay on the topic pages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpipe.club.cycles import featured_cycle
from podpipe.club.results import Result, results_dir, url_key
from podpipe.config import (
    PEOPLE_FILE,
    Cycle,
    Episode,
    Section,
    Show,
    line_of,
    load_big_document,
)
from podpipe.errors import Problem

DIRECTORY_KEYS = ("name", "link", "aliases", "listed")


@dataclass(frozen=True)
class DirectoryEntry:
    """One person in people.yaml."""

    name: str
    link: str | None = None
    aliases: tuple[str, ...] = ()
    listed: bool = True


@dataclass(frozen=True)
class Entry:
    """One result of a participant: its cycle and the slug of its own page."""

    cycle: Cycle
    result: Result
    slug: str  # the result's page: club/<cycle>/<slug>/


@dataclass(frozen=True)
class Badge:
    key: str  # first-result, three-cycles, featured
    label: str
    detail: str


@dataclass
class Participant:
    """A person across cycles: their results in time order, the episodes featuring them."""

    slug: str
    name: str
    link: str | None
    listed: bool
    entries: list[Entry]
    keys: frozenset[str]  # the names and profile links that identify them
    featured: list[Episode] = field(default_factory=list)

    @property
    def cycles(self) -> list[Cycle]:
        seen: dict[str, Cycle] = {}
        for e in self.entries:
            seen.setdefault(e.cycle.slug, e.cycle)
        return list(seen.values())

    def badges(self) -> list[Badge]:
        """Milestones, never a rank: a first result, three cycles, an episode."""
        first = self.entries[0]
        out = [Badge("first-result", "First result", f"in {first.cycle.title}")]
        if len(self.cycles) >= 3:
            out.append(Badge("three-cycles", "Three cycles", f"{len(self.cycles)} cycles"))
        if self.featured:
            ep = self.featured[0]
            out.append(Badge("featured", "Featured in an episode", f"episode {ep.number}"))
        return out


def people_file(show: Show) -> Path:
    return results_dir(show) / PEOPLE_FILE


def name_key(name: str) -> str:
    return "n:" + " ".join(unicodedata.normalize("NFC", name).casefold().split())


def link_key(url: str) -> str:
    return "l:" + url_key(url)


def load_directory(show: Show) -> tuple[list[DirectoryEntry], list[Problem]]:
    """people.yaml read and validated: (its valid entries, problems with file/line/key)."""
    file = people_file(show)
    if not file.is_file():
        return [], []
    doc, problems = load_big_document(file)
    if doc is None:
        return [], problems
    if not isinstance(doc, dict) or not isinstance(doc.get("people", []), list | None):
        problems.append(Problem(file, line_of(doc), "", "expected a mapping with a 'people:' list"))
        return [], problems
    for key in doc:
        if key != "people":
            problems.append(Problem(file, line_of(doc, key), str(key), "unknown key"))
    seq = doc.get("people") or []
    entries: list[DirectoryEntry] = []
    owner: dict[str, int] = {}
    for i, item in enumerate(seq):
        sec = Section(file, item, f"people[{i}]", problems, seq, i)
        entry = _read_entry(sec)
        if entry is None:
            continue
        for n, spelling in enumerate((entry.name, *entry.aliases)):
            key = name_key(spelling)
            if key in owner and owner[key] != i:
                sec.problem(
                    "name" if n == 0 else "aliases",
                    f"{spelling!r} is already people[{owner[key]}]: one person, one entry",
                )
            owner.setdefault(key, i)
        entries.append(entry)
    return entries, problems


def _read_entry(sec: Section) -> DirectoryEntry | None:
    before = len(sec.problems)
    name = sec.str("name", required=True)
    link = sec.url("link")
    aliases = []
    for i, item, _ in sec.items("aliases"):
        if not isinstance(item, str) or not item.strip():
            where = line_of(sec.node.get("aliases"), i)
            sec.problem("aliases", f"expected a name, found {item!r}", line=where)
            continue
        aliases.append(item.strip())
    listed = sec.bool("listed", default=True)
    sec.finish()
    if len(sec.problems) > before or not name:
        return None
    return DirectoryEntry(name, link, tuple(aliases), bool(listed))


def check_people(show: Show) -> list[Problem]:
    """people.yaml's problems, for `podpipe check` and publish."""
    return load_directory(show)[1]


def people_of(show: Show, results: dict[str, list[Result]]) -> list[Participant]:
    """The participants of ``results`` (as the site shows them), with people.yaml applied
    when it is valid (publish and check refuse it otherwise)."""
    directory, problems = load_directory(show)
    return participants(show, results, [] if problems else directory)


def participants(
    show: Show, results: dict[str, list[Result]], directory: list[DirectoryEntry]
) -> list[Participant]:
    """Results merged into people, in order of their first result."""
    nodes: list[Any] = [
        (cycle, r) for cycle in show.club.cycles for r in results.get(cycle.slug, [])
    ]
    nodes += directory
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for i, node in enumerate(nodes):
        for key in _keys(node):
            j = first_of.setdefault(key, i)
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        groups.setdefault(find(i), []).append(i)
    people = [_participant(show, [nodes[i] for i in sorted(g)]) for g in groups.values()]
    people = [p for p in people if p.entries]
    # in order of their first result: its place among the nodes (one lookup each; a
    # search per participant was quadratic, minutes for a club of 20,000)
    place = {id(n[1]): i for i, n in enumerate(nodes) if isinstance(n, tuple)}
    people.sort(key=lambda p: (p.entries[0].cycle.start, place[id(p.entries[0].result)]))
    _assign_slugs(people)
    for p in people:
        p.featured = [e for e in show.episodes if _features(show, e, p)]
    return people


def _keys(node: Any) -> set[str]:
    if isinstance(node, DirectoryEntry):
        keys = {name_key(n) for n in (node.name, *node.aliases)}
        return keys | ({link_key(node.link)} if node.link else set())
    _, result = node
    return {name_key(result.name)} | {link_key(u) for u in result.links if u}


def _participant(show: Show, members: list) -> Participant:
    entry = next((m for m in members if isinstance(m, DirectoryEntry)), None)
    results = [m for m in members if isinstance(m, tuple)]
    keys = frozenset(k for m in members for k in _keys(m))
    name = entry.name if entry else (results[0][1].name if results else "")
    own = [u for _, r in results for u in r.links]
    link = (entry.link if entry else None) or (own[0] if own else None)
    entries = [Entry(cycle, r, "") for cycle, r in results]
    return Participant("", name, link, entry.listed if entry else True, entries, keys)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")


def _assign_slugs(people: list[Participant]) -> None:
    taken: set[str] = set(["index"])
    per_cycle: set[tuple[str, str]] = set()
    for p in people:
        base = slugify(p.name) or "participant"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        p.slug = slug
        for i, e in enumerate(p.entries):
            own, n = slug, 1
            while (e.cycle.slug, own) in per_cycle:
                n += 1
                own = f"{slug}-{n}"
            per_cycle.add((e.cycle.slug, own))
            p.entries[i] = Entry(e.cycle, e.result, own)


def _features(show: Show, episode: Episode, p: Participant) -> bool:
    """Whether a follow-up episode has this participant as a guest (by name or link)
    and features a cycle they took part in."""
    cycle = featured_cycle(show, episode)
    if cycle is None or cycle.slug not in {c.slug for c in p.cycles}:
        return False
    for guest in episode.guests:
        if name_key(guest.name) in p.keys or (guest.link and link_key(guest.link) in p.keys):
            return True
    return False


def featured_people(people: list[Participant], episode: Episode) -> list[Participant]:
    """The participants a follow-up episode features, in the order of its guests."""
    return [p for p in people if episode.number in {e.number for e in p.featured}]


def by_result(people: list[Participant]) -> dict[tuple[str, str], tuple[Participant, Entry]]:
    """(cycle slug, result URL) -> the participant and entry: for topic pages (a URL is
    listed once per cycle)."""
    return {(e.cycle.slug, e.result.url): (p, e) for p in people for e in p.entries}


def listed(people: list[Participant]) -> list[Participant]:
    return [p for p in people if p.listed]


def leaderboard(people: list[Participant]) -> list[Participant]:
    """Listed participants by results, then cycles (only shown when club.leaderboard)."""
    return sorted(listed(people), key=lambda p: (-len(p.entries), -len(p.cycles), p.name))


def index_order(people: list[Participant]) -> list[Participant]:
    """The people index: listed participants by cycles taken part in, then first result."""
    return sorted(listed(people), key=lambda p: -len(p.cycles))
