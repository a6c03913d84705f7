"""episode.yaml's ``tracks:``: a multitrack episode, one recording per speaker.

Read with the episode (files, offsets, gains, duplicates); the speakers are checked
against the show's hosts and the episode's guests once the whole show is loaded.
"""

from __future__ import annotations

from pathlib import Path

from podpipe import defaults
from podpipe.config.model import Episode, Person, Track
from podpipe.config.schema import Section, kind_of
from podpipe.config.yamlio import line_of
from podpipe.errors import Problem

MIN_TRACKS, MAX_TRACKS = 2, 8
OFFSET_HELP = "seconds the track starts after the first one (negative: before it), or auto"


def read_tracks(sec: Section, folder: Path, root: Path | None = None) -> tuple[Track, ...]:
    """The ``tracks:`` list: 2 to 8 entries of file, speaker, offset and gain_db."""
    if not sec.has("tracks"):
        return ()
    tracks: list[Track] = []
    seen_files: dict[Path, int] = {}
    seen_speakers: dict[str, int] = {}
    count = 0
    for i, item, _ in sec.items("tracks"):
        count += 1
        t = sec.sub("tracks", i, item)
        file = t.path("file", folder, required=True, root=root)
        speaker = t.str("speaker", required=True)
        offset = _offset(t)
        gain = t.float("gain_db", 0.0, *defaults.TRACK_GAIN_RANGE)
        line = t.line("speaker") or line_of(t.node) or sec.line("tracks")
        t.finish()
        if file is not None and file.is_dir():
            t.problem("file", f"{file} is a folder: expected one speaker's audio file")
            file = None
        if file is not None:
            if file in seen_files:
                t.problem("file", f"the same file is already tracks[{seen_files[file]}]")
                file = None
            else:
                seen_files[file] = i
        if speaker:
            key = speaker.casefold()
            if key in seen_speakers:
                t.problem(
                    "speaker",
                    f"{speaker!r} already speaks on tracks[{seen_speakers[key]}]: "
                    "one track per speaker",
                )
                speaker = None
            else:
                seen_speakers[key] = i
        if file is not None and speaker:
            tracks.append(Track(file, speaker, offset, gain, line=line))
    if sec.raw("tracks") is not None and isinstance(sec.raw("tracks"), list):
        if count < MIN_TRACKS or count > MAX_TRACKS:
            sec.problem(
                "tracks",
                f"expected {MIN_TRACKS} to {MAX_TRACKS} tracks (one per speaker), found "
                f"{count}; a single recording goes under 'audio:'",
            )
            return ()
    if sec.has("audio") or sec.has("speakers"):
        which = "audio" if sec.has("audio") else "speakers"
        sec.problem(
            which,
            f"set either 'tracks' (one file per speaker) or '{which}', not both",
        )
    return tuple(tracks)  # with a bad entry left out: its problem stops the publish


def _offset(t: Section) -> float | None:
    raw = t.raw("offset")
    if raw is None or (isinstance(raw, str) and raw.strip().lower() == "auto"):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        t.problem("offset", f"expected {OFFSET_HELP}, found {kind_of(raw)}")
        return None
    lo, hi = defaults.TRACK_OFFSET_RANGE
    if not lo <= raw <= hi:
        t.problem("offset", f"expected {OFFSET_HELP} between {lo:g} and {hi:g}, found {raw:g}")
        return None
    return float(raw)


def check_track_speakers(
    hosts: tuple[Person, ...], episodes: list[Episode], problems: list[Problem]
) -> None:
    """Every track's speaker is one of the show's hosts or the episode's guests."""
    for ep in episodes:
        names = {p.name.casefold(): p.name for p in (*hosts, *ep.guests)}
        for i, track in enumerate(ep.tracks):
            if track.speaker.casefold() in names:
                continue
            known = ", ".join(repr(n) for n in names.values()) or "none"
            problems.append(
                Problem(
                    ep.source_file,
                    track.line,
                    f"tracks[{i}].speaker",
                    f"{track.speaker!r} is not a host of the show or a guest of this "
                    f"episode (known: {known}); add them under guests: or fix the name",
                )
            )
