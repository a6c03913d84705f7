"""Rules on hand-edited transcripts, checked when the show loads: each one parses (a
mistake is a configuration error naming the file and line), and is published."""

from __future__ import annotations

from podpipe import transcribe
from podpipe.config import SHOW_FILE, Show
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
            continue
        if not show.transcription.enabled:
            problems.append(
                Problem(
                    ep.transcript,
                    None,
                    "",
                    f"this hand-edited transcript is not published: transcription.enabled "
                    f"is false in {SHOW_FILE}",
                    "warning",
                )
            )
    return problems
