"""The show model: typed, frozen dataclasses for show.yaml and episode.yaml.

Everything podpipe reads from the show folder ends up in these objects before any work
starts (see :mod:`podpipe.config.show`); the stages only ever see them. Their field
order and reprs are part of the stage cache keys: never rename or reorder a field.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from podpipe import defaults, urls

SHOW_FILE = "show.yaml"
EPISODE_FILE = "episode.yaml"
EPISODES_DIR = "episodes"
WORK_DIR = ".podpipe"  # podpipe's own state in a show folder (Show.work_dir)
RESULTS_DIR = "club"  # the club's results files, unless club.results_dir says otherwise
PEOPLE_FILE = "people.yaml"  # in the results folder: participants' names, links, opt-outs
# A hand-edited transcript in an episode folder: it is the episode's transcript.
EDITED_TRANSCRIPTS = ("transcript.vtt", "transcript.srt")
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".aiff", ".aif")
EPISODE_TYPES = ("full", "trailer", "bonus")
SHOW_TYPES = ("episodic", "serial")
DEPLOY_KINDS = ("folder", "rsync", "git", "s3")


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "guest"  # Podcasting 2.0 person role: host, guest, ...
    image: str | None = None  # URL or path relative to the show folder
    link: str | None = None
    # A few seconds of this person alone, so speaker labels know their voice. Left out of
    # the repr (which keys the notes stage): the speakers stage names it by content.
    voice: Path | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds from the start of the episode
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Track:
    """One speaker's own recording of a multitrack episode (episode.yaml ``tracks:``)."""

    file: Path
    speaker: str
    offset: float | None = None  # seconds against the first track; None: found (auto)
    gain_db: float = 0.0
    line: int | None = field(default=None, repr=False, compare=False)  # in episode.yaml


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
    discussion_url: str | None = None  # where participants ask (else the club's default)

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
    discussion_url: str | None = None  # the default place to ask, for every cycle
    leaderboard: bool = False  # a page ranking participants (off: no one is ranked)

    def cycle(self, slug: str) -> Cycle | None:
        return next((c for c in self.cycles if c.slug == slug), None)

    def discussion(self, cycle: Cycle) -> str | None:
        """Where participants of ``cycle`` ask: its own discussion_url, else the club's."""
        return cycle.discussion_url or self.discussion_url


@dataclass(frozen=True)
class AudioSettings:
    target_lufs: float = defaults.TARGET_LUFS
    true_peak_dbtp: float = defaults.TRUE_PEAK_DBTP
    channels: int = 1  # 1 = mono, 2 = stereo
    bitrate_kbps: int | None = None  # None: 96 for mono, 128 for stereo
    leveler: bool = True
    intro: Path | None = None
    outro: Path | None = None
    crossfade_ms: int = defaults.CROSSFADE_MS
    highpass: bool = True  # the rumble filter (audio/restore.py)
    denoise: str = defaults.DENOISE[0]  # auto | off | light | strong (audio/restoration.py)
    dehum: str = defaults.DEHUM[0]  # auto | off: the mains hum notches (audio/restore.py)
    trim_pauses: tuple[float, float] | None = None  # (min_s, target_s); None: off

    @property
    def bitrate(self) -> int:
        mono, stereo = defaults.BITRATE_MONO_KBPS, defaults.BITRATE_STEREO_KBPS
        return self.bitrate_kbps or (mono if self.channels == 1 else stereo)


@dataclass(frozen=True)
class FeedSettings:
    """show.yaml's ``feed``: how much of the history feed.xml carries (the site has all)."""

    limit: int | None = None  # the newest N items in feed.xml; None: every episode
    archive: bool = False  # the older items in RFC 5005 archive pages (feed/archive/N.xml)


@dataclass(frozen=True)
class TranscriptionSettings:
    enabled: bool = True
    engine: str = defaults.ENGINES[0]  # or "openai-whisper"
    model: str = defaults.MODEL  # a model name or a local path
    language: str | None = "en"
    beam_size: int | None = None  # None: the engine default chosen by podpipe
    vad: bool = True
    threads: int | None = None  # None: the machine's cores
    word_timestamps: bool = False
    # Left out of the repr (which keys the notes stage): the transcript stage names
    # them in its identity itself. (wrong, right) pairs, applied in order.
    corrections: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    vocabulary: tuple[str, ...] = field(default=(), repr=False)  # words the decoder is told
    # names and titles from show.yaml and episode.yaml told to the decoder too
    vocabulary_from_show: bool = field(default=defaults.VOCABULARY_FROM_SHOW, repr=False)
    # auto: an episode with one recording and more than one person gets speaker labels
    speaker_labels: str = field(default=defaults.SPEAKER_LABELS[0], repr=False)


@dataclass(frozen=True)
class DeployTarget:
    """Where `podpipe deploy` sends the site (show.yaml's ``deploy.to`` or ``--to``)."""

    kind: str  # one of DEPLOY_KINDS
    spec: str  # as the host wrote it, for messages
    location: str  # folder: absolute path; rsync: destination; git: remote; s3: bucket
    branch: str = ""  # git: the branch the site is committed to
    prefix: str = ""  # s3: the key prefix ("" or ending with "/")

    @property
    def address(self) -> str:
        """The target written out in full, the same however the host spelled it."""
        if self.kind == "git":
            return f"git:{self.location}#{self.branch}"
        if self.kind == "s3":
            return f"s3://{self.location}/{self.prefix}"
        return self.location


@dataclass(frozen=True)
class DeploySettings:
    """show.yaml's ``deploy``: the target and the options of S3-compatible stores.

    Credentials are never here: boto3 reads them from the standard AWS chain."""

    target: DeployTarget | None = None
    endpoint_url: str | None = None  # R2, B2, MinIO...; None: AWS itself
    region: str | None = None
    cors: bool = True  # set the bucket's CORS rule (web players fetch transcripts)


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
    new_feed_url: str | None = None  # itunes:new-feed-url: the show moved to this feed
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
    # Where `podpipe deploy` sends the site; out of the repr (part of cache keys): it
    # changes nothing a publish makes.
    deploy: DeploySettings = field(default_factory=DeploySettings, repr=False)
    # Left out of the repr (which keys the notes stage): neither changes an episode.
    feed: FeedSettings = field(default_factory=lambda: FeedSettings(), repr=False)
    cluster: str | None = field(default=None, repr=False)  # a Dask scheduler's address

    @property
    def site_dir(self) -> Path:
        return self.output_dir or self.root / "site"

    @property
    def work_dir(self) -> Path:
        """podpipe's own state: stage cache, lock, staging site. Git-ignored."""
        return self.root / WORK_DIR

    @property
    def feed_url(self) -> str:
        return urls.absolute(self.base_url, urls.FEED)

    def episode(self, number: int) -> Episode | None:
        return next((e for e in self.episodes if e.number == number), None)

    def has_transcript(self, episode: Episode) -> bool:
        """Whether the episode publishes a transcript: Whisper's (transcription on), or
        its hand-edited transcript.vtt/.srt, which is published with transcription off
        too (an imported show in a language the bundled model does not know)."""
        return self.transcription.enabled or episode.transcript is not None


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
    # Where `podpipe import` found the audio on the old host (episode.yaml's audio_url).
    # Left out of the repr, which is part of cache keys: it changes no stage's output.
    audio_url: str | None = field(default=None, repr=False)
    # Transcript inputs, left out of the repr (which keys the notes stage): the
    # transcript stage names them in its identity itself.
    transcript: Path | None = field(default=None, repr=False)  # the hand-edited transcript
    corrections: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # after the show's
    vocabulary: tuple[str, ...] = field(default=(), repr=False)
    # A multitrack episode: one recording per speaker (audio is the first track's file).
    # Out of the repr like the transcript inputs: the audio and transcript stages name
    # them in their identities themselves.
    tracks: tuple[Track, ...] = field(default=(), repr=False)

    @functools.cached_property  # asked tens of thousands of times in a large show
    def slug(self) -> str:
        """The folder name: the episode's stable path on the site."""
        return self.folder.name

    @property
    def source_file(self) -> Path:
        return self.folder / EPISODE_FILE
