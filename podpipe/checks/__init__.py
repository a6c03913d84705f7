"""Checks: rules on the source files before any work, and on the built feed and site."""

from podpipe.checks.check import CheckReport, check
from podpipe.checks.feed_rules import NS, lint_site, site_problems
from podpipe.checks.images import check_image, is_placeholder_artwork
from podpipe.checks.known_warnings import keep_warnings, last_warnings
from podpipe.checks.source_rules import (
    artwork_problems,
    future_episodes,
    placeholder_problems,
    site_dir_problems,
    source_problems,
)
from podpipe.checks.transcripts import transcript_problems

__all__ = [
    "NS",
    "CheckReport",
    "artwork_problems",
    "check",
    "check_image",
    "future_episodes",
    "is_placeholder_artwork",
    "keep_warnings",
    "last_warnings",
    "lint_site",
    "placeholder_problems",
    "site_dir_problems",
    "site_problems",
    "source_problems",
    "transcript_problems",
]
