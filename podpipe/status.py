"""`podpipe status`: one table of where the show stands, without doing any work."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from podpipe.config import Cycle, Episode, Show
from podpipe.errors import ConfigError, Problem
from podpipe.text import table


@dataclass
class EpisodeStatus:
    episode: Episode
    stages: dict[str, str]  # stage -> "up to date" | "stale"
    loudness: str = "-"
    words: str = "-"
    announces: Cycle | None = None

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
    findings: list = field(default_factory=list)  # lint findings on the built site
    site_built: bool = False
    site_current: bool = False  # publishing now would change nothing

    @property
    def exit_code(self) -> int:
        """Non-zero when something would block publishing."""
        if any(p.severity == "error" for p in self.problems):
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0

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
            out += [f"  {p.severity}: {p}" for p in self.problems]
            out += [f"  {f}" for f in self.findings]
        return out

    def _episode_table(self) -> list[str]:
        rows = [("#", "episode", "audio", "transcript", "notes", "loudness", "words", "announces")]
        for e in self.episodes:
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
        return table(rows)

    def _club_lines(self) -> list[str]:
        from podpipe import club

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


def status(show_dir: Path, today: dt.date) -> StatusReport:
    from podpipe import club, pipeline

    try:
        show, problems, results = pipeline.load(show_dir)
        results = club.as_of(results, today)  # as publish --today would show them
    except ConfigError as err:
        return StatusReport(None, today, problems=err.problems)
    report = StatusReport(
        show,
        today,
        problems=[
            *problems,
            *pipeline.source_problems(show),
            *pipeline.future_episodes(show, today),
        ],
        results=results,
        site_built=show.site_dir.is_dir(),
        site_current=pipeline.site_is_current(
            show, pipeline.input_fingerprint(show, today, {"only": []})
        ),
    )
    builder = pipeline.planner(show, results)
    cache = builder.cache
    for ep in show.episodes:
        outcome = builder.build(ep, True)
        stages = {s: "up to date" if v == "reused" else "stale" for s, v in outcome.done.items()}
        st = EpisodeStatus(ep, stages, announces=club.announced_cycle(show, ep))
        audio_report = cache.path("audio", builder.audio_key(ep)) / "report.json"
        if audio_report.is_file():
            a = json.loads(audio_report.read_text())
            st.loudness = f"{a['output_lufs']:.1f} LUFS"
        if show.transcription.enabled:
            t_report = cache.path("transcript", builder.transcript_key(ep)) / "report.json"
            if t_report.is_file():
                st.words = str(json.loads(t_report.read_text())["word_count"])
        report.episodes.append(st)
    from podpipe import lint

    report.findings = lint.check(show, show.site_dir)  # as `podpipe check` does
    return report
