"""What a publish did, for the summary table and for scripts: outcomes per episode."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from podpipe import uptodate
from podpipe.config import Episode, Show
from podpipe.records import AudioReport, PublishedEpisode
from podpipe.text import duration, table

log = logging.getLogger(__name__)

FULL_TABLE_UP_TO = 20  # a show this small gets a row per episode in the summary
UNCHANGED = ("reused", "kept")  # what a stage of an episode left as it was says


@dataclass
class EpisodeOutcome:
    """What happened to one episode during a publish, for the summary table."""

    episode: Episode
    done: dict[str, str] = field(default_factory=dict)  # stage -> "done", "reused", "kept"...
    keys: dict[str, str] = field(default_factory=dict)  # stage -> its cache key
    published: PublishedEpisode | None = None
    error: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@dataclass
class PublishResult:
    show: Show
    outcomes: list[EpisodeOutcome]
    site_updated: bool = False
    nothing_changed: bool = False
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # The warning lines the last publish gave: said once, then only counted.
    known_warnings: frozenset[str] = frozenset()

    @property
    def failed(self) -> list[EpisodeOutcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def warning_lines(self) -> list[str]:
        """Every warning of this publish, as printed (new or known)."""
        lines = [f"warning: {o.episode.slug}: {w}" for o in self.outcomes for w in o.warnings]
        return lines + [f"warning: {w}" for w in self.warnings]

    def problem_lines(self, *, quiet: bool = True) -> list[str]:
        """New warnings, failures and what a failure left: all that `publish -q` prints;
        not ``quiet``: with a count of the warnings the last publish gave already."""
        if self.nothing_changed:
            return []
        lines = []
        known = 0
        for o in self.outcomes:
            for w in o.warnings:
                line = f"warning: {o.episode.slug}: {w}"
                known += line in self.known_warnings
                lines += [] if line in self.known_warnings else [line]
            if o.error:
                lines.append(f"FAILED: {o.episode.slug}: {o.error}")
        for w in self.warnings:
            known += f"warning: {w}" in self.known_warnings
            lines += [] if f"warning: {w}" in self.known_warnings else [f"warning: {w}"]
        if known and not quiet:
            lines.append(
                f"{known} known warning(s), unchanged since the last publish: "
                "`podpipe check` lists them"
            )
        if self.failed and not self.dry_run:
            site = self.show.site_dir
            kept = f"{site} was left as it was" if site.is_dir() else "no site was written"
            lines.append(
                f"{len(self.failed)} episode(s) failed; {kept}. "
                "Finished work is kept: fix the problem and publish again."
            )
        return lines

    def restoration_lines(self, compact: bool = False) -> list[str]:
        notes = [
            (o.episode.slug, restoration_note(o.published.audio))
            for o in self.outcomes
            if o.published and (not compact or noteworthy(o, self.known_warnings))
        ]
        return [f"{slug}: {note}" for slug, note in notes if note]

    def summary_lines(self) -> list[str]:
        site = self.show.site_dir
        if self.nothing_changed:
            return [uptodate.NOTHING_CHANGED.format(site=site)]
        rows = [
            (
                "#",
                "episode",
                "audio",
                "transcript",
                "notes",
                "duration",
                "loudness in > out",
                "true peak",
                "LRA in > out",
                "gain",
                "words",
            )
        ]
        compact = len(self.outcomes) > FULL_TABLE_UP_TO
        unchanged = 0
        for o in self.outcomes:
            p = o.published
            if compact and not noteworthy(o, self.known_warnings):
                unchanged += 1
                continue
            rows.append(
                (
                    str(o.episode.number),
                    o.episode.slug,
                    o.done.get("audio", "-"),
                    o.done.get("transcript", "-"),
                    o.done.get("notes", "-"),
                    duration(p.duration_s) if p else "-",
                    *loudness_cells(p.audio if p else None),
                    str(p.transcript.word_count) if p and p.transcript else "-",
                )
            )
        lines = table(rows) if len(rows) > 1 else []
        if unchanged:
            lines.append(f"{unchanged} episode(s) unchanged")
        lines += self.restoration_lines(compact) + track_lines(self.outcomes)
        lines += self.problem_lines(quiet=False)
        if self.dry_run:
            lines.append("Dry run: nothing was processed or written.")
        elif self.site_updated and not self.failed:
            lines.append(
                f"Published {len(self.outcomes)} episode(s) to {site} "
                f"in {self.seconds:.1f} s (feed: {site / 'feed.xml'})."
            )
        return lines


def noteworthy(o: EpisodeOutcome, known: frozenset[str]) -> bool:
    """Whether an episode gets a row in a large show's summary: something was done for
    it, it failed, or it has a new warning."""
    if o.error or any(v not in UNCHANGED for v in o.done.values()):
        return True
    return any(f"warning: {o.episode.slug}: {w}" not in known for w in o.warnings)


def restoration_note(a: AudioReport) -> str | None:
    """What restoration found and did beyond the default rumble filter, or None."""
    return restoration_phrases(vars(a), a.noise_floor_lufs, a.output_noise_floor_lufs, "LUFS")


def restoration_phrases(r: dict, before: float | None, after: float | None, unit: str):
    """The same for an episode (its AudioReport's fields) or a multitrack episode's
    track (its row: the same keys, floors in dBFS)."""
    notes = []
    # what the host turned off or could not have (the hum notch, a missing model): said
    # whether or not the model ran; "not needed" is left to report.json
    skipped = [p for p in (r.get("restoration_note") or "").split("; ") if "skipped" in p]
    if r.get("hum_hz") is not None:
        notes.append(
            f"mains hum at {r['hum_hz']:.1f} Hz ({r['hum_db']:.0f} dB above its neighbours) notched"
        )
    if r.get("denoise"):
        floors = ""
        if before is not None and after is not None:
            floors = f": noise floor {before:.0f} > {after:.0f} {unit}"
        notes.append(f"noise reduced ({r['denoise']}, up to {r['denoise_db']:g} dB){floors}")
    notes.extend(skipped)
    if r.get("pauses_cut"):
        notes.append(
            f"{r['pauses_cut']} long pauses shortened ({r['pauses_removed_s']:.1f} s removed)"
        )
    return "; ".join(notes) or None


def loudness_cells(a: AudioReport | None) -> tuple[str, str, str, str]:
    """The audio report as the summary shows it: loudness, true peak, LRA, gain."""

    def pair(before: float | None, after: float | None, unit: str) -> str:
        if after is None:
            return "-"
        return (f"{before:.1f} > " if before is not None else "") + f"{after:.1f} {unit}"

    if a is None:
        return ("-", "-", "-", "-")
    return (
        pair(a.input_lufs, a.output_lufs, "LUFS"),
        "-" if a.output_true_peak_dbtp is None else f"{a.output_true_peak_dbtp:.1f} dBTP",
        pair(a.input_lra, a.output_lra, "LU"),
        "-" if a.gain_db is None else f"{a.gain_db:+.1f} dB",
    )


class NullProgress:
    """Progress for library callers that show none: messages go to the log."""

    def callback(self, label: str) -> Callable[[float, float], None]:
        return lambda done, total: None

    def message(self, text: str) -> None:
        log.info(text)


def track_lines(outcomes: list[EpisodeOutcome]) -> list[str]:
    """A multitrack episode's tracks: alignment, level in, gain and the crossgate."""
    lines = []
    for o in outcomes:
        for row in o.published.audio.tracks if o.published else ():
            lines.append(f"{o.episode.slug}: {track_note(row)}")
    return lines


def track_note(row: dict) -> str:
    level = row.get("loudness_in_db")
    before, after = row.get("noise_floor_db"), row.get("output_noise_floor_db")
    done = restoration_phrases(row, before, after, "dBFS")
    return (
        f"track {row['file']} ({row['speaker']}): offset {row['offset_s']:+.3f} s "
        f"({row['offset']}, confidence {row['confidence']:.0%}), drift "
        f"{round(row['drift_ppm']) + 0:+d} ppm, speech {'-' if level is None else f'{level:.1f}'} "
        f"dBFS in, gain {row['gain_db']:+.1f} dB, gated {row['gated_percent']:.0f} % "
        f"of the time (-{row['gate_depth_db']:.0f} dB)" + (f"; {done}" if done else "")
    )
