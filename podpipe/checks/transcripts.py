"""Rules on hand-edited transcripts, checked when the show loads: each one parses (a
mistake is a configuration error naming the file and line). It is published whether
transcription is on or off (Show.has_transcript)."""

from __future__ import annotations

from podpipe import transcribe
from podpipe.config import Show
from podpipe.errors import ConfigError, Problem


def transcript_problems(show: Show) -> list[Problem]:
    problems: list[Problem] = []
    for ep in show.episodes:
        if ep.transcript is None:
            continue
        try:
            transcribe.read_cue_file(ep.transcript)
        except ConfigError as err:
            problems += err.problems
    return problems
