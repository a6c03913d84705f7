"""Loading a show: show.yaml and every episode, validated once, all problems together.

Everything is read into typed, frozen dataclasses (:mod:`podpipe.config.model`) before
any work starts. Every problem found is collected (file, line, key, expected vs found)
and raised together as one :class:`ConfigError`, so the host fixes all of them in one go.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from podpipe import urls
from podpipe.config.categories import read_categories
from podpipe.config.deploy import read_deploy
from podpipe.config.episodes import load_episodes
from podpipe.config.model import EPISODES_DIR, RESULTS_DIR, SHOW_FILE, SHOW_TYPES, Episode, Show
from podpipe.config.schema import EMAIL_RE, LANG_RE, Section, file_kind, inside, kind_words
from podpipe.config.sections import (
    read_audio,
    read_club,
    read_cluster,
    read_feed,
    read_people,
    read_transcription,
    unknown_cycle,
)
from podpipe.config.tracks import check_track_speakers
from podpipe.config.yamlio import line_of, line_of_key, load_document
from podpipe.errors import ConfigError, Problem


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
    """The show and every problem found (errors and warnings); raises ConfigError only
    when show.yaml is missing or cannot be read at all."""
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
    doc, found = load_document(file)
    problems += found
    if doc is None and problems:
        load_episodes(root, problems)  # their problems too, all at once
        raise ConfigError(problems)
    sec = Section(file, doc, "", problems)
    owner = sec.section("owner", required=True)
    owner_name = owner.str("name", required=True)
    owner_email = owner.str("email", required=True)
    if owner_email and not EMAIL_RE.match(owner_email):
        owner.problem("email", f"expected an email address, found {owner_email!r}")
    owner.finish()
    base_url = sec.url("base_url", required=True)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    language = sec.str("language", default="en")
    if language and not LANG_RE.match(language):
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
    artwork = sec.path("artwork", root, root=root)
    templates = (
        sec.path("templates", root, root=root, folder=True)
        if sec.has("templates")
        else (root / "templates" if (root / "templates").is_dir() else None)
    )
    new_feed_url = sec.url("new_feed_url")
    if new_feed_url and base_url and new_feed_url == urls.absolute(base_url, urls.FEED):
        sec.problem(
            "new_feed_url",
            "this is the show's own feed (base_url + feed.xml): set new_feed_url only "
            "when the show moves to another feed address, to that address",
        )
    if templates:
        problems += template_problems(templates, root)
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
        categories=read_categories(sec),
        explicit=sec.bool("explicit", False),
        artwork=artwork,
        base_url=base_url or "https://example.invalid/",
        copyright=sec.str("copyright"),
        license=sec.str("license"),
        show_type=sec.choice("type", SHOW_TYPES, "episodic"),
        hosts=read_people(sec, "hosts", "host", root, root),
        funding_url=funding_url,
        funding_text=funding_text,
        locked=sec.bool("locked", False),
        new_feed_url=new_feed_url,
        links=tuple(links),
        audio=read_audio(sec.section("audio"), root),
        transcription=read_transcription(sec.section("transcription"), language or "en"),
        club=read_club(sec.section("club"), root),
        feed=read_feed(sec.section("feed")),
        cluster=read_cluster(sec),
        templates_dir=templates,
        output_dir=(root / output).resolve() if output else None,
        deploy=read_deploy(sec.section("deploy"), root),
    )
    if not sec.has("categories"):
        sec.problem(
            "categories",
            "missing: Apple Podcasts requires at least one category, e.g. [Education]",
            line=line_of(sec.node),
        )
    if not artwork and not sec.has("artwork"):
        sec.problem(
            "artwork",
            "missing: podcast apps require square artwork, 1400x1400 to 3000x3000 px (JPEG or PNG)",
            line=line_of(sec.node),
        )
    sec.finish()
    loaded, unreadable = load_episodes(root, problems)
    _cross_check(show, loaded, problems, complete=not unreadable)
    check_track_speakers(show.hosts, loaded, problems)
    valid = [e for e in loaded if e.title]
    show = dataclasses.replace(
        show, episodes=tuple(sorted(valid, key=lambda e: (e.date, e.number)))
    )
    return show, problems


def template_problems(templates: Path, root: Path) -> list[Problem]:
    """Every file in the templates folder (templates/static/ too) is copied or rendered
    into the site: a symlink leading out of the show, or something that is not a regular
    file, would publish what the host never meant to (or hang on a FIFO)."""
    problems = []
    for path in sorted(templates.rglob("*")):
        kind = file_kind(path)
        if kind == "folder" and not path.is_symlink():
            continue
        if not inside(path.resolve(), root):
            problems.append(
                Problem(
                    path,
                    None,
                    "templates",
                    f"a symlink leading outside the show folder (to {path.resolve()}): "
                    "copy the file into templates/ instead",
                )
            )
        elif kind not in ("regular file", "folder"):
            problems.append(
                Problem(path, None, "templates", f"{kind_words(kind)}, expected a regular file")
            )
    return problems


def _check_output_dir(sec: Section, root: Path, out: Path) -> None:
    """The site folder is replaced on every publish: it must hold nothing of the show's."""
    own = [
        root / EPISODES_DIR,
        root / RESULTS_DIR,
        root / "templates",
        root / ".podpipe",
        root / ".git",
    ]
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


def _cross_check(
    show: Show, episodes: list[Episode], problems: list[Problem], *, complete: bool = True
) -> None:
    """Checks across files: episode numbers used twice, cycles' announced_in and
    featured_in naming no episode (only when every episode could be read), and episodes
    announcing a cycle the club does not have."""
    by_number: dict[int, Episode] = {}
    for ep in episodes:
        if ep.number in by_number:
            other = by_number[ep.number]
            problems.append(
                Problem(
                    ep.source_file,
                    line_of_key(ep.source_file, "number"),
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
                        line_of_key(show_file, key, after=cycle.slug),
                        f"club.cycles[{cycle.slug}].{key}",
                        f"no episode number {number} (episodes: {known})",
                    )
                )
    for ep in episodes:
        if ep.announces and show.club.cycle(ep.announces) is None:
            problems.append(
                Problem(
                    ep.source_file,
                    line_of_key(ep.source_file, "announces"),
                    "announces",
                    unknown_cycle(show.club, ep.announces),
                )
            )
