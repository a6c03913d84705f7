"""The orchestrator: loads the show once, runs each episode's stages in order (reusing
what is cached), builds the next site beside the current one and swaps it in.

publish.py is the linear story of `podpipe publish`; stages.py the stage protocol and
the list the builder iterates; builder.py runs, reuses or keeps each stage; assemble.py
the staging site and the swap; fingerprint.py whether anything changed; report.py the
summary; status.py `podpipe status`; deploy.py what `podpipe deploy` requires first (not
re-exported here: it loads the deploy targets and http.server's types, which a publish
with nothing to do has no use for).
"""

from __future__ import annotations

from pathlib import Path

from podpipe import checks
from podpipe.checks import CheckReport
from podpipe.pipeline import collector
from podpipe.pipeline.assemble import build_site, swap_into_place
from podpipe.pipeline.builder import EpisodeBuilder, planner
from podpipe.pipeline.fingerprint import input_fingerprint, site_is_current
from podpipe.pipeline.job import EpisodeJob, Stage
from podpipe.pipeline.load import load
from podpipe.pipeline.publish import publish, show_lock
from podpipe.pipeline.report import EpisodeOutcome, NullProgress, PublishResult
from podpipe.pipeline.stages import STAGES
from podpipe.pipeline.status import StatusReport, status
from podpipe.pipeline.transcripts import (
    Review,
    correction_problems,
    export_transcript,
    review_transcript,
)


def check(show_dir: Path) -> CheckReport:
    """`podpipe check`: validate the configuration (raises ConfigError on errors), then
    the source files, the built feed and site."""
    with collector.paused():  # bookkeeping only
        show, problems, results = load(show_dir)
        return checks.check(show, problems + correction_problems(show, results))


__all__ = [
    "correction_problems",
    "export_transcript",
    "Review",
    "review_transcript",
    "STAGES",
    "CheckReport",
    "EpisodeBuilder",
    "EpisodeJob",
    "EpisodeOutcome",
    "NullProgress",
    "PublishResult",
    "Stage",
    "StatusReport",
    "build_site",
    "check",
    "input_fingerprint",
    "load",
    "planner",
    "publish",
    "show_lock",
    "site_is_current",
    "status",
    "swap_into_place",
]
