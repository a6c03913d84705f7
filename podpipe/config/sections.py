"""Readers of show.yaml's sections: hosts and guests, audio, transcription, the club.

Each takes the :class:`~podpipe.config.schema.Section` of its mapping and returns the
typed settings, recording problems on the way.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from podpipe import defaults, urls
from podpipe.config import whisper
from podpipe.config.model import (
    AUDIO_SUFFIXES,
    RESULTS_DIR,
    AudioSettings,
    Club,
    Cycle,
    FeedSettings,
    Person,
    Resource,
    TranscriptionSettings,
)
from podpipe.config.schema import LANG_RE, SLUG_RE, Section, did_you_mean, kind_of
from podpipe.config.yamlio import line_of


def _read_person(sec: Section, default_role: str, folder: Path, root: Path | None) -> Person | None:
    name = sec.str("name", required=True)
    role = sec.str("role", default=default_role)
    image = sec.str("image")
    link = sec.url("link")
    voice = sec.path("voice", folder, root=root)  # a few seconds of them alone (speaker labels)
    if voice and voice.suffix.lower() not in AUDIO_SUFFIXES:
        sec.problem(
            "voice", f"expected an audio file ({', '.join(AUDIO_SUFFIXES)}), found {voice.name}"
        )
        voice = None
    sec.finish()
    return Person(name=name, role=role, image=image, link=link, voice=voice) if name else None


def read_people(
    parent: Section, key: str, default_role: str, folder: Path, root: Path | None = None
) -> tuple[Person, ...]:
    """A list of people (``hosts``, ``guests``): mappings, or bare names; a ``voice``
    file is found relative to ``folder`` (the show's, or the episode's)."""
    people = []
    for i, item, _ in parent.items(key):
        if isinstance(item, str):  # a bare name is enough
            name = parent.text(key, item.strip(), line=line_of(parent.node.get(key), i))
            people.append(Person(name=name, role=default_role))
            continue
        person = _read_person(parent.sub(key, i, item), default_role, folder, root)
        if person:
            people.append(person)
    return tuple(people)


def read_audio(sec: Section, root: Path) -> AudioSettings:
    """show.yaml's ``audio``: loudness target, channels, bitrate, intro and outro."""
    channels = sec.choice("channels", defaults.CHANNELS, defaults.CHANNELS[0])
    lo_bitrate, hi_bitrate = defaults.BITRATE_RANGE
    lo_fade, hi_fade = defaults.CROSSFADE_RANGE
    settings = AudioSettings(
        target_lufs=sec.float("target_lufs", defaults.TARGET_LUFS, *defaults.TARGET_LUFS_RANGE),
        true_peak_dbtp=sec.float(
            "true_peak_dbtp", defaults.TRUE_PEAK_DBTP, *defaults.TRUE_PEAK_RANGE
        ),
        channels=1 if channels == "mono" else 2,
        bitrate_kbps=sec.int("bitrate_kbps", minimum=lo_bitrate, maximum=hi_bitrate),
        leveler=sec.bool("leveler", True),
        intro=sec.path("intro", root, root=root),
        outro=sec.path("outro", root, root=root),
        crossfade_ms=sec.int(
            "crossfade_ms", default=defaults.CROSSFADE_MS, minimum=lo_fade, maximum=hi_fade
        ),
        highpass=sec.bool("highpass", True),
        denoise=_read_off_or(sec, "denoise", defaults.DENOISE),
        dehum=_read_off_or(sec, "dehum", defaults.DEHUM),
        trim_pauses=_read_trim_pauses(sec),
    )
    sec.finish()
    return settings


def _read_off_or(sec: Section, key: str, choices: tuple[str, ...]) -> str:
    """``audio.denoise`` (auto, off, light, strong) or ``audio.dehum`` (auto, off): one of
    ``choices``, the first the default; ``false`` is off too."""
    if sec.node.get(key) is False:
        sec.raw(key)
        return "off"
    return sec.choice(key, choices, choices[0])


def _read_trim_pauses(sec: Section) -> tuple[float, float] | None:
    """``audio.trim_pauses``: true (the default threshold and target), false, or a mapping
    {min: seconds, target: seconds}."""
    lo, hi = defaults.TRIM_PAUSES_MIN_S, defaults.TRIM_PAUSES_TARGET_S
    if not isinstance(sec.node.get("trim_pauses"), dict):
        return (lo, hi) if sec.bool("trim_pauses", False) else None
    sub = sec.section("trim_pauses")
    minimum = sub.float("min", lo, 0.5, 60.0)
    target = sub.float("target", hi, 0.2, 30.0)
    sub.finish()
    if target + 0.1 > minimum:
        sub.problem(
            "target", f"expected at least 0.1 s less than min ({minimum:g} s), found {target:g}"
        )
        return None
    return (minimum, target)


def read_feed(sec: Section) -> FeedSettings:
    """show.yaml's ``feed``: ``limit`` (newest N items in feed.xml), ``archive``."""
    settings = FeedSettings(
        limit=sec.int("limit", minimum=defaults.FEED_LIMIT_MIN),
        archive=bool(sec.bool("archive", False)),
    )
    if settings.archive and settings.limit is None:
        sec.problem("archive", "archive pages hold what feed.limit leaves out: set feed.limit too")
    sec.finish()
    return settings


def read_cluster(sec: Section) -> str | None:
    """show.yaml's ``cluster``: the address of a Dask scheduler, like tcp://HOST:8786."""
    value = sec.str("cluster")
    if value and not CLUSTER_RE.match(value):
        sec.problem(
            "cluster",
            f"expected a Dask scheduler address like tcp://10.0.0.5:8786 (or tls://...), "
            f"found {value!r}",
        )
        return None
    return value or None


CLUSTER_RE = re.compile(rf"^({'|'.join(defaults.CLUSTER_SCHEMES)})://[^\s/]+:\d+$")


def read_transcription(sec: Section, show_language: str) -> TranscriptionSettings:
    """The transcription settings; the spoken language defaults to the show's."""
    language = sec.str("language", default=show_language.split("-")[0].lower())
    if language and not LANG_RE.match(language):
        sec.problem("language", f"expected a language code like 'en' or 'de', found {language!r}")
    enabled = sec.bool("enabled", True)
    engine = sec.choice("engine", defaults.ENGINES, defaults.ENGINES[0])
    model = sec.str("model", default=defaults.MODEL)
    spoken = (language or "en").split("-")[0].lower()
    if model:
        _check_model_name(sec, model, engine)
    if enabled and model and model.endswith(".en") and spoken != "en":
        where = "language" if sec.has("language") else "model"
        sec.problem(
            where,
            f"the model {model} understands only English, but the show is in {spoken!r} "
            f"(the top-level 'language', unless transcription.language says otherwise): set "
            f"transcription.model to a multilingual model (such as small; download it once "
            f"or give a local model folder) or transcription.language: en",
        )
    settings = TranscriptionSettings(
        enabled=enabled,
        engine=engine,
        model=model,
        language=language,
        beam_size=sec.int(
            "beam_size", minimum=defaults.BEAM_SIZE_RANGE[0], maximum=defaults.BEAM_SIZE_RANGE[1]
        ),
        vad=sec.bool("vad", True),
        threads=sec.int(
            "threads", minimum=defaults.THREADS_RANGE[0], maximum=defaults.THREADS_RANGE[1]
        ),
        word_timestamps=sec.bool("word_timestamps", False),
        corrections=read_corrections(sec),
        vocabulary=read_vocabulary(sec),
        vocabulary_from_show=sec.bool("vocabulary_from_show", defaults.VOCABULARY_FROM_SHOW),
        speaker_labels=sec.choice(
            "speaker_labels", defaults.SPEAKER_LABELS, defaults.SPEAKER_LABELS[0]
        ),
    )
    sec.finish()
    return settings


def _check_model_name(sec: Section, model: str, engine: str) -> None:
    """A model name podpipe knows (or a model imported under that name), a local path,
    or a Hugging Face id; a typo gets a "did you mean"."""
    if whisper.looks_like_path(model) or whisper.is_hub_id(model):
        return
    known = whisper.KNOWN.get(model)
    if known is None and model not in whisper.imported_names():
        names = [*whisper.KNOWN, *whisper.imported_names()]
        sec.problem(
            "model",
            f"unknown model {model!r}{did_you_mean(model, names)}: expected a name "
            f"`podpipe models` lists ({', '.join(list(whisper.KNOWN)[:6])}...), a local "
            f"model folder, or a Hugging Face id such as Systran/faster-whisper-small",
        )
    elif known and engine == "openai-whisper" and not known.openai:
        sec.problem(
            "model",
            f"{model} is a faster-whisper model (openai-whisper has no distil models): set "
            f"transcription.engine: faster-whisper, or pick another model",
        )


# More than this is not a list a host wrote by hand (a pasted dictionary, a runaway
# script): refused, naming the limit, before the transcripts are touched.
MAX_LIST_ITEMS = {"corrections": 2000, "vocabulary": 2000}
MAX_ITEM_CHARS = 500


def _list_items(sec: Section, key: str):
    """(index, item, line) of the ``key`` list within its limits; text items under the
    text policy (a control character is an error naming the line)."""
    value = sec.node.get(key)
    if isinstance(value, list) and len(value) > MAX_LIST_ITEMS[key]:
        sec.raw(key)
        sec.problem(
            key,
            f"{len(value):,} items, more than the {MAX_LIST_ITEMS[key]:,} a {key} list may "
            "have (the limit)",
        )
        return
    for i, item, _ in sec.items(key):
        line = line_of(sec.node.get(key), i)
        if isinstance(item, str):
            if len(item) > MAX_ITEM_CHARS:
                sec.problem(
                    key,
                    f"item {i + 1}: {len(item):,} characters, at most {MAX_ITEM_CHARS} (the limit)",
                    line=line,
                )
                continue
            item = sec.text(key, item, line=line)
        yield i, item, line


def read_corrections(sec: Section) -> tuple[tuple[str, str], ...]:
    """``corrections``: a list of "wrong -> right" strings (right may be empty: a deletion)."""
    out = []
    for i, item, line in _list_items(sec, "corrections"):
        wrong, arrow, right = str(item).partition("->") if isinstance(item, str) else ("", "", "")
        if not arrow or not wrong.strip() or "->" in right:
            sec.problem(
                "corrections",
                f'item {i + 1}: expected a string like "Ben O\'Caffer -> Ben Okafor" '
                f"(the words Whisper wrote, ->, the right words), found {kind_of(item)}"
                + (f" {item!r}" if isinstance(item, str) else ""),
                line=line,
            )
            continue
        out.append((" ".join(wrong.split()), " ".join(right.split())))
    return tuple(out)


def read_vocabulary(sec: Section) -> tuple[str, ...]:
    """``vocabulary``: names and terms the decoder is told to expect."""
    out = []
    for i, item, line in _list_items(sec, "vocabulary"):
        if not isinstance(item, str | int | float) or not str(item).strip():
            sec.problem(
                "vocabulary",
                f"item {i + 1}: expected a word or phrase, found {kind_of(item)}",
                line=line,
            )
            continue
        out.append(" ".join(str(item).split()))
    return tuple(out)


def _read_resources(sec: Section) -> tuple[Resource, ...]:
    out = []
    for i, item, _ in sec.items("resources"):
        r = sec.sub("resources", i, item)
        title, url, note = r.str("title", required=True), r.url("url", required=True), r.str("note")
        r.finish()
        if title and url:
            out.append(Resource(title, url, note))
    return tuple(out)


def read_club(sec: Section, root: Path) -> Club:
    """show.yaml's ``club`` and its cycles (slugs unique, dates not overlapping)."""
    cycle_days = sec.int("cycle_days", default=14, minimum=1, maximum=366)
    cycles = []
    for i, item, _ in sec.items("cycles"):
        c = sec.sub("cycles", i, item)
        slug = c.str("slug", required=True)
        if slug and not SLUG_RE.match(slug):
            c.problem("slug", f"expected lower-case letters, digits and '-', found {slug!r}")
        elif slug in urls.CLUB_RESERVED:
            c.problem("slug", f"{slug!r} is taken by the club's own pages (club/{slug}/)")
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
            resources=_read_resources(c),
            announced_in=c.int("announced_in", minimum=0),
            featured_in=c.int("featured_in", minimum=0),
            discussion_url=c.url("discussion_url"),
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
    results_dir = sec.str("results_dir", default=RESULTS_DIR)
    club = Club(
        name=sec.str("name", default="Learning Club"),
        cycle_days=cycle_days,
        how_to_join=sec.str("how_to_join", default=""),
        submit_url=sec.url("submit_url"),
        results_dir=(root / results_dir).resolve() if results_dir else None,
        cycles=tuple(c for c, _ in sorted(cycles, key=lambda pair: pair[0].start)),
        discussion_url=sec.url("discussion_url"),
        leaderboard=bool(sec.bool("leaderboard", default=False)),
    )
    sec.finish()
    return club


def unknown_cycle(club: Club, slug: str) -> str:
    """The message for a cycle slug the club does not have, with a "did you mean"."""
    slugs = [c.slug for c in club.cycles]
    return (
        f"no club cycle {slug!r}{did_you_mean(slug, slugs)}; cycles: {', '.join(slugs) or 'none'}"
    )
