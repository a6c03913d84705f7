"""Small result records the stages return and the orchestrator passes along.

Each record round-trips through JSON (``to_dict``/``from_dict``) because the
orchestrator caches stage results on disk and reuses them on the next publish.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.config import Chapter, Cycle, Episode


class _Json:
    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, dict):
                value = {k: str(v) if isinstance(v, Path) else v for k, v in value.items()}
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name: f for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def save(self, path: Path) -> None:
        """Write the record as JSON, atomically (report.json beside a stage's output)."""
        write_atomic(path, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path):
        return cls.from_dict(json.loads(path.read_text()))


@dataclass
class AudioReport(_Json):
    """What the audio stage measured and did (loudness in LUFS, peaks in dBTP)."""

    input_lufs: float | None
    input_true_peak_dbtp: float | None
    input_lra: float | None
    output_lufs: float | None
    output_true_peak_dbtp: float | None
    output_lra: float | None
    gain_db: float | None
    duration_s: float
    sample_rate: int = 44100
    channels: int = 1
    bitrate_kbps: int = 96
    warnings: list[str] = field(default_factory=list)
    # The edits the stage made to the source's timeline: [source_start, source_end,
    # output_start] in seconds, one per kept stretch of the recording, in order. An intro
    # moves the recording to intro length minus the crossfade; removed pauses or a
    # multitrack alignment would add stretches. Empty: the output is the source's timeline.
    timeline: list[list[float]] = field(default_factory=list)
    highpass_hz: float | None = None  # the rumble filter's corner, None when off
    hum_hz: float | None = None  # mains hum found and notched (fundamental), None: none
    hum_db: float | None = None  # its strongest harmonic above the neighbouring bins
    # A multitrack episode, per track: file, speaker, offset_s, drift_ppm, confidence,
    # loudness_in_db (speech level before), gain_db, gated_percent, gate_depth_db.
    tracks: list[dict] = field(default_factory=list)
    # The recording's noise floor (10th percentile of its 100 ms blocks, K-weighted, LUFS
    # scale, digital silence left out) as it came in and as published; None: silent pauses
    noise_floor_lufs: float | None = None
    output_noise_floor_lufs: float | None = None
    denoise: str | None = None  # the noise-reduction mode that ran (auto, light, strong)
    denoise_db: float | None = None  # the model's attenuation cap
    pauses_removed_s: float = 0.0  # seconds of long pauses cut out (audio.trim_pauses)
    pauses_cut: int = 0
    restoration_note: str | None = None  # why auto did not reduce noise

    def output_time(self, source_s: float) -> float:
        """Where ``source_s`` (seconds into the source recording) is in the published
        audio. A time in a removed stretch maps to where the next kept one starts."""
        return output_time(self.timeline, source_s)


def output_time(timeline: list[list[float]], source_s: float) -> float:
    """``source_s`` through a timeline of [source_start, source_end, output_start]."""
    for start, end, out in timeline:
        if source_s < end:
            return round(out + max(0.0, source_s - start), 3)
    if timeline:
        start, _, out = timeline[-1]
        return round(out + source_s - start, 3)
    return source_s


@dataclass
class TranscriptReport(_Json):
    """What the transcription stage wrote: files by format ('vtt', 'srt', 'json', 'txt')."""

    engine: str
    model: str
    language: str | None
    duration_s: float
    word_count: int
    segment_count: int
    files: dict[str, str] = field(default_factory=dict)  # format -> file name in the stage dir
    speakers: list[str] = field(default_factory=list)
    seconds_taken: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.word_count == 0


@dataclass
class SpeakersReport(_Json):
    """What the speakers stage found (speakers.json beside its transcript files)."""

    count: int
    names: list[str]
    model: str
    seconds_taken: float
    windows: int
    low_confidence: list[dict] = field(default_factory=list)  # cues worth a look


@dataclass(frozen=True)
class EpisodeTags:
    """ID3 metadata written into an episode's MP3."""

    title: str
    artist: str
    album: str
    track: int
    date: str  # ISO date
    description: str = ""
    genre: str = "Podcast"
    language: str = "eng"  # ISO 639-2, for COMM/USLT frames
    cover: Path | None = None
    chapters: tuple[Chapter, ...] = ()
    duration_s: float | None = None  # end time of the last chapter
    transcript_text: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Notes:
    """Rendered show notes: the Markdown source and its HTML."""

    markdown: str
    html: str  # for podcast apps and the feed: the whole notes
    announces: str | None = None  # slug of the cycle this episode announces
    features: str | None = None  # slug of the cycle whose results it features
    # For the episode page, which shows the summary, guests, chapters and transcript in
    # their own places: the notes without them (None from an older cache: use html).
    page_html: str | None = None


@dataclass
class PublishedEpisode:
    """Everything the feed and the site need about one processed episode.

    Paths point at finished stage outputs in podpipe's cache; the orchestrator
    places them into the site under the URLs below (relative to the site root).
    """

    episode: Episode
    guid: str
    mp3: Path  # the final, tagged MP3
    mp3_size: int
    duration_s: float
    audio: AudioReport
    notes: Notes
    transcript: TranscriptReport | None = None
    transcript_dir: Path | None = None  # folder holding the transcript files
    announces: Cycle | None = None
    features: Cycle | None = None

    # Site-relative URLs (podpipe.urls decides them)
    @property
    def page_path(self) -> str:
        return urls.episode_page(self.episode.slug)

    @property
    def mp3_path(self) -> str:
        return urls.episode_mp3(self.episode.slug)

    def transcript_path(self, fmt: str) -> str:
        """fmt: 'vtt', 'srt', 'json', 'txt' or 'html' (the transcript page)."""
        return urls.transcript(self.episode.slug, fmt)

    @property
    def chapters_path(self) -> str:
        return urls.chapters(self.episode.slug)

    @property
    def artwork_path(self) -> str | None:
        """The episode's own artwork in the site, or None when it has none."""
        art = self.episode.artwork
        return urls.episode_artwork(self.episode.slug, art) if art else None
