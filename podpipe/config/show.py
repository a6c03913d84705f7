"""The show model: show.yaml and episodes/*/episode.yaml, loaded and validated once.

Everything is read into typed, frozen dataclasses before any work starts. Every
problem found is collected (file, line, key, expected vs found) and raised together
as one :class:`ConfigError`, so the host fixes all of them in one go.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpipe.errors import ConfigError, Problem

SHOW_FILE = "show.yaml"
EPISODE_FILE = "episode.yaml"
EPISODES_DIR = "episodes"
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".aiff", ".aif")
EPISODE_TYPES = ("full", "trailer", "bonus")
SHOW_TYPES = ("episodic", "serial")

# Apple Podcasts categories (podcasters.apple.com/support/1691), "Category" or
# "Category > Subcategory".
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}

_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "guest"  # Podcasting 2.0 person role: host, guest, ...
    image: str | None = None  # URL or path relative to the show folder
    link: str | None = None


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds from the start of the episode
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Resource:
    title: str
    url: str
    note: str | None = None


@dataclass(frozen=True)
class Cycle:
    """One learning-club cycle: a topic participants learn for about two weeks."""

    slug: str
    title: str
    summary: str
    start: dt.date
    end: dt.date
    resources: tuple[Resource, ...] = ()
    announced_in: int | None = None  # episode number that announces the topic
    featured_in: int | None = None  # episode number that features the results

    def state(self, today: dt.date) -> str:
        """'upcoming', 'open' or 'closed' on the given day (end date inclusive)."""
        if today < self.start:
            return "upcoming"
        if today <= self.end:
            return "open"
        return "closed"


@dataclass(frozen=True)
class Club:
    name: str = "Learning Club"
    cycle_days: int = 14
    how_to_join: str = ""  # Markdown: how to take part
    submit_url: str | None = None  # where participants submit results
    results_dir: Path | None = None  # folder of <cycle-slug>.yaml result files
    cycles: tuple[Cycle, ...] = ()

    def cycle(self, slug: str) -> Cycle | None:
        return next((c for c in self.cycles if c.slug == slug), None)


@dataclass(frozen=True)
class AudioSettings:
    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    channels: int = 1  # 1 = mono, 2 = stereo
    bitrate_kbps: int | None = None  # None: 96 for mono, 128 for stereo
    leveler: bool = True
    intro: Path | None = None
    outro: Path | None = None
    crossfade_ms: int = 500

    @property
    def bitrate(self) -> int:
        return self.bitrate_kbps or (96 if self.channels == 1 else 128)


@dataclass(frozen=True)
class TranscriptionSettings:
    enabled: bool = True
    engine: str = "faster-whisper"  # or "openai-whisper"
    model: str = "tiny.en"  # a model name or a local path
    language: str | None = "en"
    beam_size: int | None = None  # None: the engine default chosen by podpipe
    vad: bool = True
    threads: int | None = None  # None: the machine's cores
    word_timestamps: bool = False


@dataclass(frozen=True)
class Show:
    root: Path  # the show folder (holds show.yaml)
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    base_url: str  # absolute URL the site is served from, ending with "/"
    language: str = "en"
    subtitle: str | None = None
    categories: tuple[str, ...] = ()
    explicit: bool = False
    artwork: Path | None = None
    copyright: str | None = None
    license: str | None = None
    show_type: str = "episodic"
    hosts: tuple[Person, ...] = ()
    funding_url: str | None = None
    funding_text: str | None = None
    locked: bool = False
    links: tuple[tuple[str, str], ...] = ()  # (label, url) subscribe links for the site
    audio: AudioSettings = field(default_factory=AudioSettings)
    transcription: TranscriptionSettings = field(default_factory=TranscriptionSettings)
    club: Club = field(default_factory=Club)
    templates_dir: Path | None = None  # the show's own template overrides
    output_dir: Path | None = None  # where the site is written (default: <root>/site)
    episodes: tuple[Episode, ...] = ()
    # The channel's permanent podcast:guid, recorded in guids.yaml on the first publish
    # (guids.assign); None before that, when the feed derives it from feed_url.
    podcast_guid: str | None = None

    @property
    def site_dir(self) -> Path:
        return self.output_dir or self.root / "site"

    @property
    def work_dir(self) -> Path:
        """podpipe's own state: stage cache, lock, staging site. Git-ignored."""
        return self.root / ".podpipe"

    @property
    def feed_url(self) -> str:
        return self.base_url + "feed.xml"

    def episode(self, number: int) -> Episode | None:
        return next((e for e in self.episodes if e.number == number), None)


@dataclass(frozen=True)
class Episode:
    folder: Path  # episodes/<folder>
    number: int
    title: str
    date: dt.date
    audio: Path  # the source recording (never modified)
    summary: str = ""
    notes: str = ""  # Markdown, inline or read from notes_file
    notes_file: Path | None = None
    guests: tuple[Person, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    episode_type: str = "full"
    season: int | None = None
    explicit: bool | None = None  # None: the show's setting
    artwork: Path | None = None
    speakers: tuple[str, ...] = ()  # channel names for a double-ender (left, right)
    announces: str | None = None  # cycle slug this episode announces (override)

    @property
    def slug(self) -> str:
        """The folder name: the episode's stable path on the site."""
        return self.folder.name

    @property
    def source_file(self) -> Path:
        return self.folder / EPISODE_FILE


# --------------------------------------------------------------------------- reading


def _yaml():
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class DatesAsText(RoundTripConstructor):
        """Keep dates as text: we parse them ourselves, with a message naming the key."""

    DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", DatesAsText.construct_yaml_str)
    y = YAML(typ="rt")
    y.Constructor = DatesAsText
    y.allow_duplicate_keys = False
    return y


def _line_of(node: Any, key: Any = None) -> int | None:
    """1-based line of a key in a ruamel mapping (or an index in a sequence)."""
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


def _kind(value: Any) -> str:
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
    """

    def __init__(
        self,
        file: Path,
        node: Any,
        path: str,
        problems: list[Problem],
        parent: Any = None,
        parent_key: Any = None,
    ):
        self.file = file
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
                f"expected a mapping of keys, found {_kind(node)}",
                line=_line_of(parent, parent_key),
            )
            node = {}
        self.node = node

    def key_path(self, key: str | None) -> str:
        if not key:
            return self.where
        return f"{self.where}.{key}" if self.where else key

    def line(self, key: Any = None) -> int | None:
        return _line_of(self.node, key) if key in self.node or key is None else _line_of(self.node)

    def problem(
        self, key: str | None, message: str, *, line: int | None = None, severity: str = "error"
    ) -> None:
        if line is None:
            line = self.line(key) if key else _line_of(self.node)
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
                self.problem(key, f"missing: expected {what}", line=_line_of(self.node))
            return default
        if not ok(value):
            self.problem(key, f"expected {what}, found {_kind(value)}")
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
        return value

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
                    key, "missing: expected a date like 2026-11-24", line=_line_of(self.node)
                )
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(key, f"expected a date like 2026-11-24, found {_kind(value)}")
            return None

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.str(key, default=default)
        if value not in choices:
            hint = _did_you_mean(str(value), choices)
            self.problem(key, f"expected one of {', '.join(choices)}, found {value!r}{hint}")
            return default
        return value

    def url(self, key: str, required: bool = False) -> str | None:
        value = self.str(key, required=required)
        if value and not _is_http_url(value):
            self.problem(key, f"expected an absolute http(s) URL, found {value!r}")
            return None
        return value

    def path(
        self, key: str, base: Path, required: bool = False, must_exist: bool = True
    ) -> Path | None:
        value = self.str(key, required=required)
        if not value:
            return None
        p = (base / value).resolve() if not Path(value).is_absolute() else Path(value)
        if must_exist and not p.exists():
            self.problem(key, f"file not found: {value} (looked in {p.parent})")
            return None
        return p

    def section(self, key: str, required: bool = False) -> Section:
        value = self.raw(key)
        if value is None and required:
            self.problem(key, "missing: expected a mapping of keys", line=_line_of(self.node))
        return Section(self.file, value, self.key_path(key), self.problems, self.node, key)

    def items(self, key: str) -> Iterator[tuple[int, Any, str]]:
        """Yield (index, item, key path) for a list; a single item is accepted too."""
        value = self.raw(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(key, f"expected a list, found {_kind(value)}")
            return
        for i, item in enumerate(value):
            yield i, item, f"{key}[{i}]"

    def sub(self, key: str, index: int, item: Any) -> Section:
        seq = self.node.get(key)
        return Section(self.file, item, self.key_path(f"{key}[{index}]"), self.problems, seq, index)

    def finish(self) -> None:
        known = set(self.known)
        for key in self.node:
            if str(key) not in known:
                hint = _did_you_mean(str(key), sorted(known))
                self.problem(str(key), f"unknown key{hint}")


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_http_url(value: str) -> bool:
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


def _load_yaml(file: Path, problems: list[Problem]) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(file, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})"))
        return None
    try:
        return _yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = (e.problem or str(e)).strip()
        if "mapping values are not allowed" in what:
            what += '; a value containing ": " must be quoted, e.g. title: "Part 2: the sequel"'
        problems.append(
            Problem(
                file, line, "", f"invalid YAML: {what}{' (' + e.context + ')' if e.context else ''}"
            )
        )
    except YAMLError as e:
        problems.append(Problem(file, None, "", f"invalid YAML: {e}"))
    return None


def _person(sec: Section, default_role: str) -> Person | None:
    name = sec.str("name", required=True)
    role = sec.str("role", default=default_role)
    image = sec.str("image")
    link = sec.url("link")
    sec.finish()
    return Person(name=name, role=role, image=image, link=link) if name else None


def _people(parent: Section, key: str, default_role: str) -> tuple[Person, ...]:
    people = []
    for i, item, _ in parent.items(key):
        if isinstance(item, str):  # a bare name is enough
            people.append(Person(name=item.strip(), role=default_role))
            continue
        person = _person(parent.sub(key, i, item), default_role)
        if person:
            people.append(person)
    return tuple(people)


def _categories(sec: Section) -> tuple[str, ...]:
    out = []
    for i, item, kp in sec.items("categories"):
        text = str(item).strip()
        top, _, sub = (s.strip() for s in text.partition(">"))
        if top not in APPLE_CATEGORIES:
            hint = _did_you_mean(top, APPLE_CATEGORIES)
            sec.problem(
                None,
                f"{top!r} is not an Apple Podcasts category{hint}",
                line=_line_of(sec.node.get("categories"), i),
            )
            sec.problems[-1] = Problem(
                sec.file, sec.problems[-1].line, kp, sec.problems[-1].message
            )
            continue
        if sub and sub not in APPLE_CATEGORIES[top]:
            hint = _did_you_mean(sub, APPLE_CATEGORIES[top])
            subs = ", ".join(APPLE_CATEGORIES[top]) or "none"
            sec.problems.append(
                Problem(
                    sec.file,
                    _line_of(sec.node.get("categories"), i),
                    kp,
                    f"{sub!r} is not a subcategory of {top!r}{hint}; its subcategories are: {subs}",
                )
            )
            continue
        out.append(f"{top} > {sub}" if sub else top)
    return tuple(out)


def _audio(sec: Section, root: Path) -> AudioSettings:
    channels = sec.choice("channels", ("mono", "stereo"), "mono")
    settings = AudioSettings(
        target_lufs=sec.float("target_lufs", -16.0, -40.0, -5.0),
        true_peak_dbtp=sec.float("true_peak_dbtp", -1.0, -12.0, 0.0),
        channels=1 if channels == "mono" else 2,
        bitrate_kbps=sec.int("bitrate_kbps", minimum=32, maximum=320),
        leveler=sec.bool("leveler", True),
        intro=sec.path("intro", root),
        outro=sec.path("outro", root),
        crossfade_ms=sec.int("crossfade_ms", default=500, minimum=0, maximum=10000),
    )
    sec.finish()
    return settings


def _transcription(sec: Section, show_language: str) -> TranscriptionSettings:
    """The transcription settings; the spoken language defaults to the show's."""
    language = sec.str("language", default=show_language.split("-")[0].lower())
    if language and not _LANG_RE.match(language):
        sec.problem("language", f"expected a language code like 'en' or 'de', found {language!r}")
    model = sec.str("model", default="tiny.en")
    spoken = (language or "en").split("-")[0].lower()
    if model and model.endswith(".en") and spoken != "en":
        where = "language" if sec.has("language") else "model"
        sec.problem(
            where,
            f"the model {model} understands only English, but the show is in {spoken!r} "
            f"(the top-level 'language', unless transcription.language says otherwise): set "
            f"transcription.model to a multilingual model (such as small; download it once "
            f"or give a local model folder) or transcription.language: en",
        )
    settings = TranscriptionSettings(
        enabled=sec.bool("enabled", True),
        engine=sec.choice("engine", ("faster-whisper", "openai-whisper"), "faster-whisper"),
        model=model,
        language=language,
        beam_size=sec.int("beam_size", minimum=1, maximum=20),
        vad=sec.bool("vad", True),
        threads=sec.int("threads", minimum=1, maximum=256),
        word_timestamps=sec.bool("word_timestamps", False),
    )
    sec.finish()
    return settings


def _resources(sec: Section) -> tuple[Resource, ...]:
    out = []
    for i, item, _ in sec.items("resources"):
        r = sec.sub("resources", i, item)
        title, url, note = r.str("title", required=True), r.url("url", required=True), r.str("note")
        r.finish()
        if title and url:
            out.append(Resource(title, url, note))
    return tuple(out)


def _club(sec: Section, root: Path) -> Club:
    cycle_days = sec.int("cycle_days", default=14, minimum=1, maximum=366)
    cycles = []
    for i, item, _ in sec.items("cycles"):
        c = sec.sub("cycles", i, item)
        slug = c.str("slug", required=True)
        if slug and not _SLUG_RE.match(slug):
            c.problem("slug", f"expected lower-case letters, digits and '-', found {slug!r}")
        title = c.str("title", required=True)
        summary = c.str("summary", default="")
        start = c.date("start", required=True)
        end = c.date("end")
        if start and end is None:
            end = start + dt.timedelta(days=cycle_days - 1)
        if start and end and end < start:
            c.problem("end", f"the cycle ends ({end}) before it starts ({start})")
        cycle = Cycle(
            slug=slug or f"cycle-{i + 1}",
            title=title or "",
            summary=summary,
            start=start or dt.date.min,
            end=end or dt.date.min,
            resources=_resources(c),
            announced_in=c.int("announced_in", minimum=0),
            featured_in=c.int("featured_in", minimum=0),
        )
        c.finish()
        if slug and title and start:
            cycles.append((cycle, c))
    # Duplicate slugs and overlapping dates, reported on the later cycle.
    seen: dict[str, Cycle] = {}
    for cycle, c in cycles:
        if cycle.slug in seen:
            c.problem("slug", f"duplicate cycle slug {cycle.slug!r}")
        seen[cycle.slug] = cycle
    ordered = sorted(cycles, key=lambda pair: pair[0].start)
    for (a, _), (b, cb) in zip(ordered, ordered[1:], strict=False):
        if b.start <= a.end:
            cb.problem(
                "start",
                f"cycle {b.slug!r} ({b.start} to {b.end}) overlaps cycle "
                f"{a.slug!r} ({a.start} to {a.end})",
            )
    results_dir = sec.str("results_dir", default="club")
    club = Club(
        name=sec.str("name", default="Learning Club"),
        cycle_days=cycle_days,
        how_to_join=sec.str("how_to_join", default=""),
        submit_url=sec.url("submit_url"),
        results_dir=(root / results_dir).resolve() if results_dir else None,
        cycles=tuple(c for c, _ in sorted(cycles, key=lambda pair: pair[0].start)),
    )
    sec.finish()
    return club


def _chapters(sec: Section) -> tuple[Chapter, ...]:
    out = []
    for i, item, _ in sec.items("chapters"):
        c = sec.sub("chapters", i, item)
        raw = c.raw("start")
        start = parse_timestamp(raw) if raw is not None else None
        if raw is None:
            c.problem("start", "missing: expected a time like 00:05:30", line=_line_of(c.node))
        elif start is None:
            c.problem(
                "start",
                f"expected a time like 00:05:30 (minutes and seconds below 60) or "
                f"seconds, found {_kind(raw)}",
            )
        title = c.str("title", required=True)
        url = c.url("url")
        c.finish()
        if start is not None and title:
            out.append(Chapter(start, title, url))
    for a, b in zip(out, out[1:], strict=False):
        if b.start <= a.start:
            sec.problem(
                "chapters",
                f"chapters must be in time order: {b.title!r} at {b.start:g}s"
                f" comes after {a.title!r} at {a.start:g}s",
            )
    return tuple(out)


def _find_audio(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def _episode(file: Path, problems: list[Problem]) -> Episode | None:
    folder = file.parent
    doc = _load_yaml(file, problems)
    if doc is None and problems and problems[-1].file == file:
        return None
    sec = Section(file, doc, "", problems)
    number = sec.int("number", required=True, minimum=0)
    title = sec.str("title", required=True)
    date = sec.date("date", required=True)
    audio = sec.path("audio", folder)
    if not sec.has("audio") and audio is None:
        found = _find_audio(folder)
        if len(found) == 1:
            audio = found[0]
        elif not found:
            sec.problem(
                None,
                f"no audio file in {folder} (expected one of "
                f"{', '.join(AUDIO_SUFFIXES)}); add one or set 'audio:'",
            )
        else:
            sec.problem(
                None,
                f"several audio files in {folder}: "
                f"{', '.join(p.name for p in found)}; set 'audio:' to pick one",
            )
    notes = sec.str("notes", default="")
    notes_file = sec.path("notes_file", folder)
    if notes_file:
        try:
            notes = notes_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            sec.problem("notes_file", f"cannot read {notes_file}: {e}")
    if sec.has("notes") and notes_file:
        sec.problem("notes_file", "set either 'notes' or 'notes_file', not both")
    speakers = []
    for _i, item, _kp in sec.items("speakers"):
        speakers.append(str(item).strip())
    if speakers and len(speakers) != 2:
        sec.problem(
            "speakers", f"expected two names (left and right channel), found {len(speakers)}"
        )
    episode = Episode(
        folder=folder,
        number=number if number is not None else -1,
        title=title or "",
        date=date or dt.date.min,
        audio=audio or folder / "(missing audio)",
        summary=sec.str("summary", default=""),
        notes=notes or "",
        notes_file=notes_file,
        guests=_people(sec, "guests", "guest"),
        chapters=_chapters(sec),
        episode_type=sec.choice("type", EPISODE_TYPES, "full"),
        season=sec.int("season", minimum=1),
        explicit=sec.bool("explicit", None),
        artwork=sec.path("artwork", folder),
        speakers=tuple(speakers),
        announces=sec.str("announces"),
    )
    sec.finish()
    if number is None or not title or not date or audio is None:
        # Invalid, but its number still counts for cross-references (no cascade of errors).
        return dataclasses.replace(episode, title="") if number is not None else None
    return episode


def find_show_root(start: Path) -> Path:
    """The folder holding show.yaml: ``start`` itself (no walking up, to stay explicit)."""
    return start.resolve()


def load_show(root: Path, *, strict: bool = True) -> Show:
    """Load and validate show.yaml and every episode; raise ConfigError listing all problems.

    Warnings (severity "warning") are attached to the returned show's ``warnings`` via
    :func:`load_show_with_warnings`; this function raises only on errors.
    """
    show, problems = load_show_with_warnings(root)
    errors = [p for p in problems if p.severity == "error"]
    if errors and strict:
        raise ConfigError(problems)
    return show


def load_show_with_warnings(root: Path) -> tuple[Show, list[Problem]]:
    root = find_show_root(root)
    problems: list[Problem] = []
    file = root / SHOW_FILE
    if not file.is_file():
        above = next((d for d in root.resolve().parents if (d / SHOW_FILE).is_file()), None)
        hint = (
            f"the show is in {above}: run podpipe there or pass --show {above}"
            if above
            else "run podpipe in a show folder, pass --show DIR, or create one with 'podpipe init'"
        )
        problems.append(Problem(file, None, "", f"no {SHOW_FILE} in {root}: {hint}"))
        raise ConfigError(problems)
    doc = _load_yaml(file, problems)
    if doc is None and problems:
        _load_episodes(root, problems)  # their problems too, all at once
        raise ConfigError(problems)
    sec = Section(file, doc, "", problems)
    owner = sec.section("owner", required=True)
    owner_name = owner.str("name", required=True)
    owner_email = owner.str("email", required=True)
    if owner_email and not _EMAIL_RE.match(owner_email):
        owner.problem("email", f"expected an email address, found {owner_email!r}")
    owner.finish()
    base_url = sec.url("base_url", required=True)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    language = sec.str("language", default="en")
    if language and not _LANG_RE.match(language):
        sec.problem(
            "language", f"expected a language code like 'en' or 'en-us', found {language!r}"
        )
    description = sec.str("description", required=True)
    funding = sec.section("funding")
    funding_url, funding_text = funding.url("url"), funding.str("text")
    funding.finish()
    links = []
    link_sec = sec.section("links")
    for label in list(link_sec.node):
        url = link_sec.url(str(label))
        if url:
            links.append((str(label), url))
    link_sec.finish()
    artwork = sec.path("artwork", root)
    templates = (
        sec.path("templates", root)
        if sec.has("templates")
        else (root / "templates" if (root / "templates").is_dir() else None)
    )
    output = sec.str("output_dir")
    if output:
        _check_output_dir(sec, root, (root / output).resolve())
    show = Show(
        root=root,
        title=sec.str("title", required=True) or "",
        subtitle=sec.str("subtitle"),
        description=description or "",
        language=language or "en",
        author=sec.str("author", required=True) or "",
        owner_name=owner_name or "",
        owner_email=owner_email or "",
        categories=_categories(sec),
        explicit=sec.bool("explicit", False),
        artwork=artwork,
        base_url=base_url or "https://example.invalid/",
        copyright=sec.str("copyright"),
        license=sec.str("license"),
        show_type=sec.choice("type", SHOW_TYPES, "episodic"),
        hosts=_people(sec, "hosts", "host"),
        funding_url=funding_url,
        funding_text=funding_text,
        locked=sec.bool("locked", False),
        links=tuple(links),
        audio=_audio(sec.section("audio"), root),
        transcription=_transcription(sec.section("transcription"), language or "en"),
        club=_club(sec.section("club"), root),
        templates_dir=templates,
        output_dir=(root / output).resolve() if output else None,
    )
    if not sec.has("categories"):
        sec.problem(
            "categories",
            "missing: Apple Podcasts requires at least one category, e.g. [Education]",
            line=_line_of(sec.node),
        )
    if not artwork and not sec.has("artwork"):
        sec.problem(
            "artwork",
            "missing: podcast apps require square artwork, 1400x1400 to 3000x3000 px (JPEG or PNG)",
            line=_line_of(sec.node),
        )
    sec.finish()
    loaded, unreadable = _load_episodes(root, problems)
    _cross_check(show, loaded, problems, complete=not unreadable)
    valid = [e for e in loaded if e.title]
    show = _replace(show, episodes=tuple(sorted(valid, key=lambda e: (e.date, e.number))))
    return show, problems


def _check_output_dir(sec: Section, root: Path, out: Path) -> None:
    """The site folder is replaced on every publish: it must hold nothing of the show's."""
    own = [root / EPISODES_DIR, root / "club", root / "templates", root / ".podpipe", root / ".git"]
    if out == root or out in root.parents:
        sec.problem(
            "output_dir",
            f"{out} holds the show itself; every publish replaces the "
            "output folder: use a folder of its own, e.g. 'site'",
        )
    elif any(out == p or p in out.parents for p in own):
        sec.problem(
            "output_dir",
            f"{out} is inside the show's own files; every publish "
            "replaces the output folder: use a folder of its own, e.g. 'site'",
        )


def _replace(obj, **changes):
    return dataclasses.replace(obj, **changes)


def _load_episodes(root: Path, problems: list[Problem]) -> tuple[list[Episode], list[Path]]:
    folder = root / EPISODES_DIR
    if not folder.is_dir():
        return [], []
    episodes = []
    unreadable: list[Path] = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        file = sub / EPISODE_FILE
        if not file.is_file():
            audio = _find_audio(sub)
            if audio:
                problems.append(
                    Problem(
                        file,
                        None,
                        "",
                        "episode folder has audio but no "
                        f"{EPISODE_FILE}; create one (podpipe episode add) or "
                        "move the folder out of episodes/",
                        "warning",
                    )
                )
            continue
        if not _SLUG_RE.match(sub.name):
            problems.append(
                Problem(
                    file,
                    None,
                    "",
                    f"episode folder name {sub.name!r} becomes "
                    "the page URL: use lower-case letters, digits and '-'",
                )
            )
        episode = _episode(file, problems)
        if episode:
            episodes.append(episode)
        else:  # its number is unknown: references to it cannot be checked
            unreadable.append(file)
    return episodes, unreadable


def _cross_check(
    show: Show, episodes: list[Episode], problems: list[Problem], *, complete: bool = True
) -> None:
    by_number: dict[int, Episode] = {}
    for ep in episodes:
        if ep.number in by_number:
            other = by_number[ep.number]
            problems.append(
                Problem(
                    ep.source_file,
                    _line_of_key(ep.source_file, "number"),
                    "number",
                    f"episode number {ep.number} is also used by {other.source_file}",
                )
            )
        by_number[ep.number] = ep
    show_file = show.root / SHOW_FILE
    for _i, cycle in enumerate(show.club.cycles):
        for key in ("announced_in", "featured_in"):
            number = getattr(cycle, key)
            if number is not None and number not in by_number and complete:
                known = ", ".join(str(n) for n in sorted(by_number)) or "none yet"
                problems.append(
                    Problem(
                        show_file,
                        _find_line(show_file, f"{key}:", cycle.slug),
                        f"club.cycles[{cycle.slug}].{key}",
                        f"no episode number {number} (episodes: {known})",
                    )
                )
    for ep in episodes:
        if ep.announces and show.club.cycle(ep.announces) is None:
            slugs = [c.slug for c in show.club.cycles]
            problems.append(
                Problem(
                    ep.source_file,
                    _line_of_key(ep.source_file, "announces"),
                    "announces",
                    f"no club cycle {ep.announces!r}"
                    f"{_did_you_mean(ep.announces, slugs)}; cycles: "
                    f"{', '.join(slugs) or 'none'}",
                )
            )


def _line_of_key(file: Path, key: str) -> int | None:
    try:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(f"{key}:"):
                return n
    except OSError:
        pass
    return None


def _find_line(file: Path, needle: str, after: str) -> int | None:
    """Line of the first ``needle`` after the line mentioning ``after``."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    start = next((i for i, line in enumerate(lines) if after in line), 0)
    for n in range(start, len(lines)):
        if needle in lines[n]:
            return n + 1
    return None
