"""`podpipe check`: the configuration validated, the built feed and site linted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from podpipe.checks.feed_rules import site_problems
from podpipe.checks.known_warnings import last_warnings
from podpipe.checks.source_rules import future_episodes, source_problems
from podpipe.config import SHOW_FILE, Show
from podpipe.errors import Problem, exit_code


@dataclass
class CheckReport:
    show: Show
    problems: list[Problem]  # in the configuration and the source files
    findings: list[Problem] = field(default_factory=list)  # in the built feed and site
    last_publish: list[str] = field(default_factory=list)  # the last publish's warnings

    @property
    def exit_code(self) -> int:
        return exit_code(self.problems, self.findings)

    def lines(self) -> list[str]:
        out = [p.labelled() for p in self.problems + self.findings]
        # what the episodes' stages said (a clipped recording...), unless listed above
        out += [f"{w} (last publish)" for w in self.last_publish if w not in out]
        n_eps = len(self.show.episodes)
        if self.exit_code == 0:
            warned = " with the warnings above" if out else ""
            out.append(
                f"{self.show.root / SHOW_FILE}: OK{warned} ({n_eps} episode(s), "
                f"{len(self.show.club.cycles)} club cycle(s)); "
                + (
                    "site checked"
                    if self.show.site_dir.is_dir()
                    else "no site built yet: run podpipe publish"
                )
            )
        return out


def check(show: Show, problems: list[Problem]) -> CheckReport:
    """Everything `check` reports for a loaded show (``problems``: the loader's warnings)."""
    problems = problems + source_problems(show) + future_episodes(show, dt.date.today())
    report = CheckReport(show, problems, site_problems(show, show.site_dir))
    report.last_publish = last_warnings(show)
    return report
