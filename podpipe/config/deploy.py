"""show.yaml's ``deploy`` and the target spellings ``podpipe deploy --to`` accepts.

One spelling per kind of target, the same in show.yaml and on the command line:

- ``s3://BUCKET/PREFIX/``: S3-compatible object storage (AWS, R2, B2, MinIO);
- ``git:REMOTE`` or ``git:REMOTE#BRANCH``: a branch of a git repository (default
  ``gh-pages``); REMOTE is a remote of the show's repository (``origin``), a URL or a path;
- ``rsync://HOST/MODULE/PATH`` or ``[USER@]HOST:PATH``: an rsync destination;
- anything else: a local or mounted folder (relative to show.yaml's folder there, to the
  current folder on the command line).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from podpipe.config.model import DeploySettings, DeployTarget
from podpipe.config.schema import Section

DEFAULT_BRANCH = "gh-pages"
# What an S3 bucket name may be (the common rules of AWS, R2 and B2).
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
BRANCH_RE = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$")
# ``[user@]host:path`` as scp and rsync write it: a host before the first colon, no slash.
REMOTE_SHELL_RE = re.compile(r"^(?:[^@/\s:]+@)?[A-Za-z0-9][A-Za-z0-9.-]*:(?!//)")
# Keys that would put a secret into a file that is committed and often public.
SECRET_KEYS = (
    "aws_access_key_id",
    "aws_secret_access_key",
    "access_key",
    "access_key_id",
    "secret_key",
    "secret_access_key",
    "secret",
    "password",
    "token",
    "session_token",
    "credentials",
)


def parse_target(spec: str, base: Path) -> DeployTarget:
    """The target a spec names; ValueError with what to write instead when it names none.

    Relative folder paths resolve against ``base``."""
    spec = spec.strip()
    if not spec:
        raise ValueError("expected a target such as s3://bucket/, git:origin or a folder")
    if spec.startswith("s3://"):
        bucket, _, prefix = spec[5:].partition("/")
        if not BUCKET_RE.match(bucket):
            raise ValueError(
                f"expected s3://BUCKET/ with a bucket name of 3-63 lower-case letters, "
                f"digits, '.' and '-', found {spec!r}"
            )
        prefix = prefix.strip("/")
        return DeployTarget("s3", spec, bucket, prefix=f"{prefix}/" if prefix else "")
    if spec.startswith("git:"):
        remote, _, branch = spec[4:].partition("#")
        branch = branch or DEFAULT_BRANCH
        if not remote:
            raise ValueError(f"expected git:REMOTE or git:REMOTE#BRANCH, found {spec!r}")
        if not BRANCH_RE.match(branch) or branch.endswith((".lock", "/")):
            raise ValueError(f"{branch!r} is not a git branch name (in {spec!r})")
        if remote.startswith((".", "/", "~")):
            remote = os.path.normpath(base / Path(remote).expanduser())
        return DeployTarget("git", spec, remote, branch=branch)
    if spec.startswith("rsync://") or REMOTE_SHELL_RE.match(spec):
        return DeployTarget("rsync", spec, spec if spec.endswith("/") else spec + "/")
    if "://" in spec:
        raise ValueError(
            f"unknown kind of target {spec!r}: expected s3://, git:, rsync://, "
            "[user@]host:path or a folder"
        )
    folder = Path(spec.removeprefix("file:")).expanduser()
    return DeployTarget("folder", spec, os.path.normpath(base / folder))


def read_deploy(sec: Section, root: Path) -> DeploySettings:
    """show.yaml's ``deploy``: ``to`` and the object store's options."""
    target = None
    spec = sec.str("to")
    if spec is not None:
        try:
            target = parse_target(spec, root)
        except ValueError as e:
            sec.problem("to", str(e))
    if target and (conflict := folder_conflict(target, root, None)):
        sec.problem("to", conflict)
    endpoint = sec.url("endpoint_url")
    for key in list(sec.node):
        if str(key).lower() in SECRET_KEYS:
            sec.problem(
                str(key),
                "credentials never go in show.yaml (it is committed and often public): "
                "podpipe deploy reads them from the standard AWS chain (AWS_ACCESS_KEY_ID "
                "and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or ~/.aws/credentials)",
            )
            sec.known.append(str(key))
    settings = DeploySettings(
        target=target,
        endpoint_url=endpoint,
        region=sec.str("region"),
        cors=sec.bool("cors", True),
    )
    sec.finish()
    return settings


def folder_conflict(target: DeployTarget, root: Path, site_dir: Path | None) -> str | None:
    """Why a folder target cannot be deployed to (it overlaps the show or its site)."""
    if target.kind != "folder":
        return None
    folder = Path(target.location).resolve()
    for own, what in ((root, "the show folder"), (site_dir, "the built site")):
        if own is None:
            continue
        own = own.resolve()
        if folder == own or own in folder.parents or folder in own.parents:
            return (
                f"{folder} overlaps {what} ({own}); deploy to a folder of its own, "
                "outside the show, such as /var/www/podcast"
            )
    return None
