"""Whether the Whisper model show.yaml names is on this machine, asked before any work:
a publish offline would otherwise fail only after the audio was mastered."""

from __future__ import annotations

from podpipe.config import SHOW_FILE, Show, line_of_key
from podpipe.config.whisper import KNOWN, fetch_command, installed, is_hub_id, store_path
from podpipe.errors import Problem


def model_problems(show: Show) -> list[Problem]:
    """An error when transcription is on, some episode needs Whisper (no hand-edited
    transcript), and the named model is neither bundled, fetched nor cached."""
    t = show.transcription
    if not t.enabled or all(ep.transcript for ep in show.episodes):
        return []
    if not (t.model in KNOWN or is_hub_id(t.model)) or installed(t.model, t.engine):
        return []  # a local path is checked when the show loads; an import is in the store
    file = show.root / SHOW_FILE
    return [
        Problem(
            file,
            line_of_key(file, "model", after="transcription:"),
            "transcription.model",
            f"the model {t.model!r} is not on this machine: while online, run "
            f"`{fetch_command(t.model)}` (it is stored in {store_path(t.model)}), or copy "
            f"a model folder here and run `podpipe models import PATH`; `podpipe models` "
            f"lists what is installed",
        )
    ]
