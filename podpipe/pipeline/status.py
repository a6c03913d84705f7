"""`podpipe status`: one table of where the show stands, without doing any work."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from podpipe import club, uptodate
from podpipe.cache import tree_hash
from podpipe.checks import future_episodes, site_problems, source_problems
from podpipe.config import Cycle, Episode, Show
from podpipe.errors import ConfigError, Problem, exit_code
from podpipe.pipeline import collector
from podpipe.pipeline.builder import planner
from podpipe.pipeline.fingerprint import input_fingerprint, site_is_current
from podpipe.pipeline.load import load
from podpipe.pipeline.stages import STAGES
from podpipe.text import table

FULL_TABLE_UP_TO = 20  # a show this small always gets the full table
COMPACT_NEWEST = 5  # the compact table: what is not up to date, and the newest few


@dataclass
class EpisodeStatus:
    episode: Episode
    stages: dict[str, str]  # stage -> "up to date" | "stale"
    loudness: str = "-"
    words: str = "-"
    announces: Cycle | None = None
    shown: bool = True  # in the table (the compact one leaves out old, current ones)

    @property
    def up_to_date(self) -> bool:
        return all(v == "up to date" for v in self.stages.values())


@dataclass
class StatusReport:
    show: Show | None
    today: dt.date
    episodes: list[EpisodeStatus] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    results: dict[str, list] = field(default_factory=dict)
    findings: list[Problem] = field(default_factory=list)  # in the built feed and site
    site_built: bool = False
    site_current: bool = False  # publishing now would change nothing
    all_rows: bool = False  # --all: every episode in the table
    hidden: int = 0  # up-to-date episodes the compact table leaves out

    @property
    def exit_code(self) -> int:
        """Non-zero when something would block publishing."""
        return exit_code(self.problems, self.findings)

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.show:
            out += self._episode_table() + [""] + self._club_lines()
            if not self.site_built:
                out.append("No site built yet: run podpipe publish.")
            elif any(not e.up_to_date for e in self.episodes):
                out.append("Some episodes are stale: run podpipe publish.")
            elif not self.site_current:
                out.append(
                    "The site is older than the show (a file changed since the last "
                    "successful publish, or it was built for another day): run podpipe publish."
                )
            else:
                out.append(f"Everything is up to date; the site is in {self.show.site_dir}.")
        if self.problems or self.findings:
            out += ["", "Problems (podpipe check):"]
            out += [f"  {p.labelled()}" for p in self.problems + self.findings]
        return out

    def _episode_table(self) -> list[str]:
        rows = [("#", "episode", "audio", "transcript", "notes", "loudness", "words", "announces")]
        for e in self.episodes:
            if not e.shown:
                continue
            rows.append(
                (
                    str(e.episode.number),
                    e.episode.slug,
                    e.stages.get("audio", "-"),
                    e.stages.get("transcript", "-"),
                    e.stages.get("notes", "-"),
                    e.loudness,
                    e.words,
                    e.announces.slug if e.announces else "-",
                )
            )
        more = []
        if self.hidden:
            more = [
                f"{self.hidden} more episode(s) up to date "
                "(`podpipe status --all` lists every episode)"
            ]
        return table(rows) + more

    def _club_lines(self) -> list[str]:
        show = self.show
        out = []
        for label, cycle in (
            ("open", club.current_cycle(show, self.today)),
            ("next", club.next_cycle(show, self.today)),
        ):
            if cycle is None:
                out.append(f"{label} cycle: none")
                continue
            n = len(self.results.get(cycle.slug, []))
            announcer = next((e.episode for e in self.episodes if e.announces == cycle), None)
            out.append(
                f"{label} cycle: {cycle.slug} ({cycle.title}), {cycle.start} to "
                f"{cycle.end}, {n} result(s), announced in "
                + (f"episode {announcer.number}" if announcer else "no episode yet")
            )
        return out


def status(show_dir: Path, today: dt.date, *, all_rows: bool = False) -> StatusReport:
    """Where the show stands. The table is compact for a large show (the episodes that
    are not up to date and the newest ones) unless ``all_rows``."""
    with collector.paused():  # bookkeeping only
        return _status(show_dir, today, all_rows)


def _status(show_dir: Path, today: dt.date, all_rows: bool) -> StatusReport:
    try:
        show, problems, results = load(show_dir)
        results = club.as_of(results, today)  # as publish --today would show them
    except ConfigError as err:
        return StatusReport(None, today, problems=err.problems)
    # one walk of the site for both: is it as published, and the feed lint's key
    tree = tree_hash(show.site_dir) if show.site_dir.is_dir() else None
    report = StatusReport(
        show,
        today,
        problems=[*problems, *source_problems(show), *future_episodes(show, today)],
        results=results,
        site_built=show.site_dir.is_dir(),
        # the last publish's record says so in a stat per file; else the full check
        site_current=uptodate.nothing_to_do(
            show.root, today, site_tree=(show.site_dir, tree) if tree else None
        )
        is not None
        or site_is_current(show, input_fingerprint(show, today, {"only": []})),
        all_rows=all_rows,
    )
    builder = planner(show, results)
    cache = builder.cache
    # Nothing changed since the last full publish: each episode's stages are the ones
    # it recorded (no need to work out every stage's inputs again).
    last = builder.last_published if report.site_current else {}
    reported = [s.name for s in STAGES if s.reported and s.wanted(show)]
    newest = sorted(show.episodes, key=lambda e: (e.date, e.number), reverse=True)
    shown_anyway = {e.slug for e in newest[:COMPACT_NEWEST]}
    for ep in show.episodes:
        if ep.slug in last:
            keys = last[ep.slug]
            stages = {s: "up to date" for s in reported if keys.get(s)}
        else:
            outcome = builder.build(ep, True)
            keys = outcome.keys
            stages = {
                s: "up to date" if v == "reused" else "stale" for s, v in outcome.done.items()
            }
        st = EpisodeStatus(ep, stages, announces=club.announced_cycle(show, ep))
        st.shown = (
            all_rows
            or len(show.episodes) <= FULL_TABLE_UP_TO
            or not st.up_to_date
            or ep.slug in shown_anyway
        )
        if st.shown:
            fill_reports(st, cache, keys)
        else:
            report.hidden += 1
        report.episodes.append(st)
    report.findings = site_problems(show, show.site_dir, tree)  # as `podpipe check` does
    return report


def fill_reports(st: EpisodeStatus, cache, keys: dict[str, str]) -> None:
    """The loudness and word count of a row, from the stage reports."""
    audio_report = cache.path("audio", keys["audio"]) / "report.json" if keys.get("audio") else None
    if audio_report and audio_report.is_file():
        a = json.loads(audio_report.read_text())
        st.loudness = f"{a['output_lufs']:.1f} LUFS"
    if keys.get("transcript"):
        t_report = cache.path("transcript", keys["transcript"]) / "report.json"
        if t_report.is_file():
            st.words = str(json.loads(t_report.read_text())["word_count"])
