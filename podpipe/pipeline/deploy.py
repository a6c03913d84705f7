"""`podpipe deploy`: only a site that `publish` finished and `check` passes is sent.

The show's lock is held throughout, so a publish cannot swap a new site in while the
old one is on its way.
"""

from __future__ import annotations

from pathlib import Path

from podpipe import checks, deploy, urls
from podpipe.config import SHOW_FILE, DeployTarget, folder_conflict, parse_target
from podpipe.errors import ConfigError, DeployError, Problem, RequestError
from podpipe.pipeline.fingerprint import site_as_published
from podpipe.pipeline.load import load
from podpipe.pipeline.publish import show_lock
from podpipe.pipeline.transcripts import correction_problems


def run_deploy(
    show_dir: Path,
    *,
    to: str | None = None,
    dry_run: bool = False,
    progress=None,
    cwd: Path | None = None,
) -> deploy.DeployResult:
    """Deploy the show's built site to ``to`` (a target spelling, relative folders from
    ``cwd``) or to show.yaml's ``deploy.to``."""
    show, problems, results = load(show_dir)
    target = chosen_target(show, to, cwd or Path.cwd())
    with show_lock(show):
        require_published(show)
        report = checks.check(show, problems + correction_problems(show, results))
        found = report.problems + report.findings
        errors = [p for p in found if p.severity == "error"]
        if errors:
            raise DeployError(
                f"podpipe check finds {len(errors)} error(s) in the show or its built site; "
                "nothing was deployed. Fix them and publish again:\n"
                + "\n".join(f"  {p.labelled()}" for p in errors)
            )
        result = deploy.deploy(show, target, dry_run=dry_run, progress=progress)
    result.warnings = [str(p) for p in found if p.severity != "error"] + result.warnings
    return result


def chosen_target(show, to: str | None, cwd: Path) -> DeployTarget:
    if to is not None:
        try:
            target = parse_target(to, cwd)
        except ValueError as e:
            raise RequestError(f"--to: {e}") from None
    elif show.deploy.target is not None:
        target = show.deploy.target
    else:
        file = show.root / SHOW_FILE
        raise ConfigError(
            [
                Problem(
                    file,
                    None,
                    "deploy.to",
                    "no deploy target: set deploy.to in show.yaml (for example "
                    "s3://my-bucket/, git:origin or /var/www/podcast) or pass --to TARGET",
                )
            ]
        )
    conflict = folder_conflict(target, show.root, show.site_dir)
    if conflict:
        raise RequestError(f"{target.spec}: {conflict}")
    return target


def require_published(show) -> None:
    site = show.site_dir
    if not (site / urls.SITE_MARKER).is_file():
        raise DeployError(f"no published site in {site}: run podpipe publish first")
    if not site_as_published(show):
        raise DeployError(
            f"{site} is not the site the last publish finished (a publish was interrupted "
            "or failed before its end, or a file in it changed since): run podpipe "
            "publish, then deploy"
        )
