"""A git branch (``git:REMOTE#BRANCH``), the way ``mkdocs gh-deploy`` does it: the site
committed as the whole tree of the branch (with ``.nojekyll``, so GitHub Pages serves
it as it is), on top of the branch's last commit, and pushed.

The commit is built in podpipe's own bare repository (``.podpipe/deploy/<id>.git``),
never in the show's working tree. A push moves the branch in one step, so apps never
see a feed ahead of its MP3s; a rejected or failed push changes nothing remote.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from podpipe import urls
from podpipe.deploy.files import SiteFile, in_order
from podpipe.deploy.target import Change, Target
from podpipe.errors import DeployError

NOJEKYLL = ".nojekyll"
REMOTE_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")


class GitTarget(Target):
    whole_site = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.repo: Path | None = None
        self.url = ""
        self.remote_has_branch = False

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.target.branch}"

    @property
    def last(self) -> str:
        """Where the branch's last commit seen on the remote is kept in podpipe's repo."""
        return f"refs/podpipe/{self.target.branch}"

    def connect(self) -> None:
        self.url = self._remote_url()
        out = self._git("ls-remote", self.url, self.ref, doing="reach")
        self.remote_has_branch = bool(out.strip())
        repo = self.state.with_suffix(".git")
        if not (repo / "HEAD").is_file():
            repo.parent.mkdir(parents=True, exist_ok=True)
            self._git("init", "--bare", "--quiet", str(repo))
        self.repo = repo
        # MP3s are hard links into podpipe's cache: their ctime moves, their content not.
        self._git("config", "core.trustctime", "false")

    def replace(self, site_dir: Path, files: list[SiteFile]) -> Change:
        parent = None
        if self.remote_has_branch:
            self._git("fetch", "--quiet", "--no-tags", self.url, f"+{self.ref}:{self.last}")
            parent = self._git("rev-parse", "--verify", self.last).strip()
        tree = self._tree(site_dir)
        old_tree = self._git("rev-parse", f"{parent}^{{tree}}").strip() if parent else None
        if tree == old_tree:
            return Change()
        commit = self._commit(tree, parent)
        self._git("push", "--quiet", self.url, f"{commit}:{self.ref}", doing="push")
        self._git("update-ref", self.last, commit)
        return self._changes(old_tree, tree, {f.path: f for f in files})

    def _tree(self, site_dir: Path) -> str:
        """The site as a git tree: every file but podpipe's marker, plus .nojekyll."""
        env = {"GIT_WORK_TREE": str(site_dir), "GIT_INDEX_FILE": str(self.repo / "podpipe.index")}
        exclude = f":(exclude){urls.SITE_MARKER}"
        self._git("add", "--all", "--force", "--", ".", exclude, env=env, cwd=site_dir)
        empty = self._git("hash-object", "-w", "--stdin", input="").strip()
        self._git("update-index", "--add", "--cacheinfo", f"100644,{empty},{NOJEKYLL}", env=env)
        return self._git("write-tree", env=env).strip()

    def _commit(self, tree: str, parent: str | None) -> str:
        message = "Deployed with podpipe deploy"
        args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
        return self._git(*args, env=self._identity()).strip()

    def _identity(self) -> dict[str, str]:
        """The host's git identity, or the show owner's when git has none configured."""
        try:
            self._git("config", "user.email")
            return {}
        except DeployError:
            name, email = self.show.owner_name, self.show.owner_email
            return {
                "GIT_AUTHOR_NAME": name,
                "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email,
            }

    def _changes(self, old: str | None, new: str, by_path: dict[str, SiteFile]) -> Change:
        change = Change()
        if old is None:
            change.sent = in_order(list(by_path.values()))
            return change
        out = self._git("diff-tree", "-r", "--no-renames", "--name-status", "-z", old, new)
        fields = out.split("\0")
        for status, path in zip(fields[::2], fields[1::2], strict=False):
            if status == "D":
                change.removed.append(path)
            elif path in by_path:
                change.sent.append(by_path[path])
        change.sent = in_order(change.sent)  # pushed at once; listed as the others send
        return change

    def _remote_url(self) -> str:
        """A remote of the show's repository (``origin``) as its URL; else as written."""
        remote = self.target.location
        if not REMOTE_NAME_RE.match(remote) or (self.show.root / remote).exists():
            return remote
        try:
            return self._git("remote", "get-url", remote, cwd=self.show.root, own=False).strip()
        except DeployError:
            raise DeployError(
                f"{self.label}: {remote!r} is not a remote of the git repository in "
                f"{self.show.root}: add it (git remote add {remote} URL) or write the "
                "remote's URL or path after git:"
            ) from None

    def _git(
        self,
        *args: str,
        doing: str = "",
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        input: str | None = None,
        own: bool = True,
    ) -> str:
        """Run git in podpipe's repository (``own``) or the show's; DeployError on failure."""
        argv = ["git", *(["--git-dir", str(self.repo)] if own and self.repo else []), *args]
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, env=full_env, cwd=cwd, input=input
            )
        except FileNotFoundError:
            raise DeployError(
                "deploying to a git branch needs the git program, which is not installed"
            ) from None
        if done.returncode != 0:
            said = " / ".join(line for line in done.stderr.splitlines() if line.strip())[-600:]
            said = said or "no message"
            if doing == "push":
                raise DeployError(
                    f"git push to {self.url} (branch {self.target.branch}) was rejected or "
                    f"failed: {said}. Nothing was changed there; fix the cause (access "
                    "rights, a protected branch, a hook) and run podpipe deploy again"
                )
            if doing == "reach":
                raise DeployError(
                    f"cannot reach the git remote {self.url}: {said}. Check the address "
                    "and your access (ssh key, token)"
                )
            raise DeployError(f"git {args[0]} failed for {self.label}: {said}")
        return done.stdout
