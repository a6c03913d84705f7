"""A hand-edited transcript: ``episodes/<folder>/transcript.vtt`` (or ``.srt``).

Once the host has one, it is the episode's transcript: read here into cues (times,
text lines, speaker), checked line by line so a mistake is a configuration error that
names the line, and written back out by ``stage.from_cues`` in every format. ``export``
writes the file a host starts from: one cue per line of text, speakers as ``<v Name>``,
and a NOTE naming the recording it was timed against.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from podpipe.errors import ConfigError, Problem
from podpipe.transcribe.cues import Segment
from podpipe.transcribe.writers import cue_time, vtt

TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)[.,](\d{3})"
TIMING_RE = re.compile(rf"^\s*{TIME}\s*-->\s*{TIME}(?:\s+.*)?$")
VOICE_RE = re.compile(r"^<v(?:\.[^\s>]*)?\s+([^>]+)>")
TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<\d[^>]*>")
SRT_TAG_RE = re.compile(r"</?(?:i|b|u|font)(?:\s[^>]*)?>", re.IGNORECASE)
AUDIO_NOTE = "NOTE podpipe: timed against {name} (sha256 {sha})"
AUDIO_NOTE_RE = re.compile(r"^NOTE podpipe: timed against .* \(sha256 ([0-9a-f]{12,64})\)")
EXAMPLE_TIMING = "00:00:01.000 --> 00:00:04.000"


def read_cue_file(path: Path) -> list[Segment]:
    """The cues of a hand-edited ``.vtt`` or ``.srt``; ConfigError naming the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise _error(path, None, f"not UTF-8 text ({e.reason}); save it as UTF-8") from e
    except OSError as e:
        raise _error(path, None, f"cannot read it: {e.strerror or e}") from e
    if path.suffix.lower() == ".srt":
        return parse_srt(text, path)
    return parse_vtt(text, path)


def parse_vtt(text: str, path: Path) -> list[Segment]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise _error(path, 1, "a WebVTT file starts with the line WEBVTT")
    cues: list[Segment] = []
    for start_line, block in _blocks(lines[1:], first=2):
        head = block[0]
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        # an optional cue identifier comes first (a line that looks like a time does not)
        timing = 0 if "-->" in head or re.match(r"^\s*\d+:\d", head) else 1
        if timing >= len(block) or "-->" not in block[timing]:
            raise _error(
                path,
                start_line + min(timing, len(block) - 1),
                f"expected a cue timing like {EXAMPLE_TIMING}, found {block[-1][:60]!r}",
            )
        cues.append(_cue(path, start_line + timing, block[timing], block[timing + 1 :], cues))
    return cues


def parse_srt(text: str, path: Path) -> list[Segment]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues: list[Segment] = []
    for start_line, block in _blocks(lines, first=1):
        if not block[0].strip().isdigit():
            raise _error(path, start_line, f"expected the cue's number, found {block[0][:60]!r}")
        if len(block) < 2 or "-->" not in block[1]:
            raise _error(
                path,
                start_line + 1,
                f"expected a cue timing like {EXAMPLE_TIMING.replace('.', ',')}",
            )
        cues.append(_cue(path, start_line + 1, block[1], block[2:], cues, srt=True))
    return _single_use_prefixes_are_text(cues)


def _single_use_prefixes_are_text(cues: list[Segment]) -> list[Segment]:
    """SubRip has no speaker markup; "Name: words" is a convention, so a prefix counts as
    a speaker only when it starts two cues or more ("Today: sourdough." is text)."""
    uses = Counter(c.speaker for c in cues if c.speaker)
    return [
        replace(c, text=f"{c.speaker}: {c.text}", speaker=None)
        if c.speaker and uses[c.speaker] < 2
        else c
        for c in cues
    ]


def _blocks(lines: list[str], first: int):
    """(line number of its first line, its lines) for each blank-line separated block."""
    block: list[str] = []
    start = first
    for n, line in enumerate(lines, first):
        if line.strip():
            if not block:
                start = n
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _cue(path, line_no, timing, text_lines, before, *, srt=False) -> Segment:
    m = TIMING_RE.match(timing)
    if not m:
        example = EXAMPLE_TIMING.replace(".", ",") if srt else EXAMPLE_TIMING
        raise _error(path, line_no, f"expected a cue timing like {example}, found {timing!r}")
    start, end = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
    if end < start:
        raise _error(path, line_no, f"the cue ends ({_t(end)}) before it starts ({_t(start)})")
    if before and start < before[-1].start:
        raise _error(
            path,
            line_no,
            f"the cue starts ({_t(start)}) before the one above it ({_t(before[-1].start)}); "
            f"keep the cues in time order",
        )
    if not text_lines:
        raise _error(path, line_no, "the cue has no text: add its words or delete the cue")
    speaker, lines = _speaker(text_lines, srt)
    return Segment(start, end, "\n".join(lines), speaker)


def _speaker(text_lines: list[str], srt: bool) -> tuple[str | None, list[str]]:
    first = text_lines[0].strip()
    speaker = None
    if srt:
        # "Name: text"; not "Aujourd'hui : ..." (French sets a space before a colon)
        m = re.match(r"^([^:]{0,39}[^:\s]):\s+(.*)$", first)
        if m and not m.group(1).strip().isdigit():
            speaker, first = m.group(1).strip(), m.group(2)
    else:
        m = VOICE_RE.match(first)
        if m:
            speaker = html.unescape(m.group(1)).strip()
    lines = [first, *(t.strip() for t in text_lines[1:])]
    if srt:  # SubRip has a few formatting tags and no escapes: "<" is text
        return speaker, [SRT_TAG_RE.sub("", t).strip() for t in lines]
    return speaker, [html.unescape(TAG_RE.sub("", t)).strip() for t in lines]


def _seconds(parts) -> float:
    h, m, s, ms = parts
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _t(seconds: float) -> str:
    return cue_time(seconds)


def _error(path: Path, line: int | None, message: str) -> ConfigError:
    return ConfigError([Problem(path, line, "", f"hand-edited transcript: {message}")])


# --------------------------------------------------------------------------- export


def one_line_cues(cues: list[Segment]) -> list[Segment]:
    """Each line of text its own cue, the cue's time shared by the lines' lengths."""
    out = []
    for cue in cues:
        lines = [line for line in cue.lines if line.strip()]
        total = sum(len(line) for line in lines) or 1
        t = cue.start
        for i, line in enumerate(lines):
            end = cue.end if i == len(lines) - 1 else t + (cue.end - cue.start) * len(line) / total
            out.append(Segment(round(t, 3), round(end, 3), line, cue.speaker))
            t = end
    return out


def export_text(cues: list[Segment], audio_name: str, audio_sha256: str) -> str:
    """The editable WebVTT: a NOTE naming the recording, then one cue per line of text."""
    body = vtt(one_line_cues(cues))
    note = AUDIO_NOTE.format(name=audio_name.replace("\n", " "), sha=audio_sha256[:16])
    return body.replace("WEBVTT\n\n", f"WEBVTT\n\n{note}\n\n", 1)


def timed_against(path: Path) -> str | None:
    """The recording hash (prefix) the export NOTE names; None for a file without it."""
    try:
        head = path.read_text(encoding="utf-8-sig")[:2000]
    except (OSError, UnicodeDecodeError):
        return None
    for line in head.splitlines():
        m = AUDIO_NOTE_RE.match(line)
        if m:
            return m.group(1)
    return None


def stale_warnings(
    path: Path, audio: Path, audio_sha256: str, audio_duration: float, cues_end: float
) -> list[str]:
    """Why the hand-edited transcript's times may no longer match the recording."""
    out = []
    sha = timed_against(path)
    changed = (
        not audio_sha256.startswith(sha)
        if sha
        else audio.stat().st_mtime > path.stat().st_mtime + 1
    )
    if changed:
        out.append(
            f"{path.name}: the recording {audio.name} changed after this transcript was "
            f"written; its times may no longer match (check them, or move it away and "
            f"run podpipe publish, then podpipe transcript export again)"
        )
    if cues_end > audio_duration + 1.0:
        out.append(
            f"{path.name}: its last cue ends at {_t(cues_end)}, after the episode's end "
            f"({_t(audio_duration)}); its times may no longer match"
        )
    return out
