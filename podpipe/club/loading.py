"""The show as the club's commands load it: only the club's own problems block them."""

from __future__ import annotations

from pathlib import Path

from podpipe.config import Show, load_show_with_warnings
from podpipe.errors import Problem

# Keys under `club` that point at episodes: left to `check`, they do not block recording
# a result.
EPISODE_REFERENCE_KEYS = ("announced_in", "featured_in")


def load_for_club(show_dir: Path) -> tuple[Show, list[Problem], int]:
    """Load the show for a club command: (show, blocking problems, count of other errors).

    Only problems in the club's own configuration block a club command (keys under
    ``club`` except the references to episodes): a host can record results while an
    episode still waits for its audio. The other errors are only counted, for a summary.
    ConfigError when the show cannot be loaded at all.
    """
    show, problems = load_show_with_warnings(show_dir)
    errors = [p for p in problems if p.severity == "error"]
    blocking = [
        p for p in errors if p.key.startswith("club") and not p.key.endswith(EPISODE_REFERENCE_KEYS)
    ]
    return show, blocking, len(errors) - len(blocking)
