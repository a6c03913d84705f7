"""`podpipe deploy` on the published sample show: to a folder, a bare git repository
(real git), an rsync daemon (the real rsync program) and an S3 stand-in (boto3 against
moto's stand-alone server on 127.0.0.1). The sample is published once per module."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from podpipe import deploy, urls
from podpipe.deploy.folder import FolderTarget
from podpipe.errors import DeployError
from podpipe.pipeline.deploy import run_deploy
from tests.show_helpers import copy_sample_show, podpipe, tree_bytes

pytestmark = pytest.mark.slow
TODAY = "2026-11-24"
EP1 = "episodes/001-why-a-learning-club"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    show = copy_sample_show(tmp_path_factory.mktemp("deploy") / "show")
    result = podpipe("publish", "--today", TODAY, cwd=show)
    assert result.returncode == 0, result.stdout + result.stderr
    return show


@pytest.fixture
def show(published, tmp_path) -> Path:
    """A private copy of the published show (sources, cache, site and its stamp)."""
    dest = tmp_path / "show"
    shutil.copytree(published, dest, symlinks=True)
    return dest


def site_tree(show: Path) -> dict[str, bytes]:
    tree = tree_bytes(show / "site")
    del tree[urls.SITE_MARKER]
    return tree


def republish_with_changes(show: Path) -> None:
    """Episode 1 loses its chapters (chapters.json goes) and a cycle's summary changes
    (its club page changes): a publish that changes a few files, not the MP3s of 2 and 3."""
    episode = show / EP1 / "episode.yaml"
    text = episode.read_text()
    start = text.index("chapters:")
    rest = text[start:].split("\n")
    end = next(i for i, line in enumerate(rest[1:], 1) if line and not line.startswith(" "))
    episode.write_text(text[:start] + "\n".join(rest[end:]))
    yaml = show / "show.yaml"
    yaml.write_text(yaml.read_text().replace("without self-joins.", "without a self-join."))
    result = podpipe("publish", "--today", TODAY, cwd=show)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (show / "site" / EP1 / "chapters.json").exists()


def test_deploy_to_a_folder_sends_the_site_mp3s_first_and_the_feed_last(show, tmp_path):
    www = tmp_path / "www"
    result = podpipe("deploy", "--to", str(www), cwd=show)
    assert result.returncode == 0, result.stderr
    assert tree_bytes(www) == site_tree(show)  # every file, byte for byte, no marker
    n = len(site_tree(show))
    assert f"Deployed to {www}: {n} file(s) sent (" in result.stdout
    assert "0 removed, 0 unchanged." in result.stdout
    assert "The feed to submit to podcast directories: https://podcast.example.org/feed.xml" in (
        result.stdout
    )
    # The order the files reached the folder: MP3s before anything, feed.xml after all.
    mtimes = {p: (www / p).stat().st_mtime_ns for p in tree_bytes(www)}
    mp3s = [t for p, t in mtimes.items() if p.endswith(".mp3")]
    others = [t for p, t in mtimes.items() if not p.endswith(".mp3") and p != "feed.xml"]
    assert len(mp3s) == 3 and max(mp3s) <= min(others)
    assert max(others) <= mtimes["feed.xml"]
    again = podpipe("deploy", "--to", str(www), cwd=show)
    assert again.returncode == 0, again.stderr
    assert f"is up to date: nothing to send ({n} file(s))." in again.stdout


def test_the_library_sends_in_rank_order(show, tmp_path):
    first = run_deploy(show, to=str(tmp_path / "www"))
    paths = [f.path for f in first.sent]
    assert [p.endswith(".mp3") for p in paths[:3]] == [True] * 3
    assert paths[-1] == "feed.xml"
    assert [f.rank for f in first.sent] == sorted(f.rank for f in first.sent)
    assert paths.index("episodes/002-groupby-stories/transcript.vtt") < paths.index(
        "episodes/002-groupby-stories/index.html"
    )


def test_dry_run_lists_and_changes_nothing(show, tmp_path):
    www = tmp_path / "www"
    result = podpipe("deploy", "--to", str(www), "--dry-run", cwd=show)
    assert result.returncode == 0, result.stderr
    assert f"  send    {EP1}/001-why-a-learning-club.mp3 (new," in result.stdout
    assert "Dry run: nothing was sent or removed." in result.stdout
    assert not www.exists()
    assert list((show / ".podpipe" / "deploy").glob("folder-*.json")) == []


class FailingFolder(FolderTarget):
    """A folder that stops accepting files after ``limit`` of them (a full disk, a
    dropped connection, the host pressing Ctrl-C): what an interrupted deploy leaves."""

    limit = 10
    error: BaseException = DeployError("the target stopped answering")

    def send(self, files):
        for f in super().send(files):
            yield f
            FailingFolder.limit -= 1
            if FailingFolder.limit <= 0:
                raise FailingFolder.error


@pytest.mark.parametrize(
    "error", [DeployError("the target stopped answering"), KeyboardInterrupt()], ids=repr
)
def test_an_interrupted_deploy_completes_when_run_again(show, tmp_path, monkeypatch, error):
    www = tmp_path / "www"
    monkeypatch.setattr(FailingFolder, "limit", 10)
    monkeypatch.setattr(FailingFolder, "error", error)
    monkeypatch.setitem(deploy.KINDS, "folder", FailingFolder)
    with pytest.raises(type(error)):
        run_deploy(show, to=str(www))
    arrived = set(tree_bytes(www))
    assert len(arrived) == 10 and "feed.xml" not in arrived
    assert {p for p in arrived if p.endswith(".mp3")} == {
        p for p in site_tree(show) if p.endswith(".mp3")
    }
    record = deploy.Record(next((show / ".podpipe/deploy").glob("folder-*.json")), None)
    assert set(record.files) == arrived  # recorded as they arrived
    monkeypatch.setitem(deploy.KINDS, "folder", FolderTarget)
    result = run_deploy(show, to=str(www))
    assert {f.path for f in result.sent} == set(site_tree(show)) - arrived
    assert tree_bytes(www) == site_tree(show)


def test_a_file_gone_from_the_folder_is_sent_again(show, tmp_path):
    www = tmp_path / "www"
    run_deploy(show, to=str(www))
    (www / "feed.xml").unlink()
    again = run_deploy(show, to=str(www))
    assert [f.path for f in again.sent] == ["feed.xml"]


def test_deploy_needs_a_published_site_that_check_passes(show, tmp_path):
    www = str(tmp_path / "www")
    (show / "site" / "index.html").write_text("edited by hand")
    edited = podpipe("deploy", "--to", www, cwd=show)
    assert edited.returncode == 1
    assert "is not the site the last publish finished" in edited.stderr
    assert "Traceback" not in edited.stderr
    shutil.rmtree(show / "site")
    missing = podpipe("deploy", "--to", www, cwd=show)
    assert missing.returncode == 1
    assert f"no published site in {show / 'site'}: run podpipe publish first" in missing.stderr
    nothing = podpipe("deploy", cwd=show)  # the sample's show.yaml names no target
    assert nothing.returncode == 2
    assert "deploy.to: no deploy target: set deploy.to in show.yaml" in nothing.stderr


def test_deploy_refuses_a_site_check_finds_errors_in(show, tmp_path):
    from PIL import Image

    Image.new("RGB", (200, 200), "red").save(show / "artwork.png")
    result = podpipe("deploy", "--to", str(tmp_path / "www"), cwd=show)
    assert result.returncode == 1
    assert "podpipe check finds 1 error(s)" in result.stderr
    assert "artwork is 200x200 px" in result.stderr
    assert not (tmp_path / "www").exists()


def test_a_folder_inside_the_show_is_refused(show):
    result = podpipe("deploy", "--to", "site/copy", cwd=show)
    assert result.returncode == 2
    assert "overlaps the show folder" in result.stderr


# --- git ---------------------------------------------------------------------------------


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def test_deploy_to_a_git_branch_like_gh_deploy(show, tmp_path):
    bare = tmp_path / "pages.git"
    git("init", "--bare", "--quiet", str(bare))
    git("init", "--quiet", cwd=show)
    git("remote", "add", "origin", str(bare), cwd=show)
    result = podpipe("deploy", "--to", "git:origin", cwd=show)
    assert result.returncode == 0, result.stderr
    assert "Deployed to git:origin#gh-pages: " in result.stdout
    files = git("--git-dir", str(bare), "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert sorted(files) == sorted([*site_tree(show), ".nojekyll"])
    feed = subprocess.run(
        ["git", "--git-dir", str(bare), "show", "gh-pages:feed.xml"], capture_output=True
    ).stdout
    assert feed == (show / "site" / "feed.xml").read_bytes()
    head = git("--git-dir", str(bare), "rev-parse", "gh-pages")
    again = podpipe("deploy", "--to", "git:origin", cwd=show)
    assert again.returncode == 0 and "is up to date: nothing to send" in again.stdout
    assert git("--git-dir", str(bare), "rev-parse", "gh-pages") == head  # no empty commit


def test_a_rejected_push_is_a_clear_error(show, tmp_path):
    bare = tmp_path / "protected.git"
    git("init", "--bare", "--quiet", str(bare))
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'gh-pages is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = podpipe("deploy", "--to", f"git:{bare}#gh-pages", cwd=show)
    assert result.returncode == 1
    assert f"git push to {bare} (branch gh-pages) was rejected or failed" in result.stderr
    assert "gh-pages is protected" in result.stderr and "Traceback" not in result.stderr
    unknown = podpipe("deploy", "--to", "git:upstream", cwd=show)
    assert unknown.returncode == 1
    assert "'upstream' is not a remote of the git repository" in unknown.stderr


# --- rsync -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def rsync_daemon(tmp_path):
    """An rsync daemon on 127.0.0.1 serving a writable module ``site``."""
    if shutil.which("rsync") is None:
        pytest.skip("the rsync program is not installed (apt-get install rsync)")
    dest = tmp_path / "rsync-dest"
    dest.mkdir()
    conf = tmp_path / "rsyncd.conf"
    conf.write_text(
        f"use chroot = no\npid file = {tmp_path}/rsyncd.pid\n[site]\n  path = {dest}\n"
        f"  read only = no\n  uid = {os.getuid()}\n  gid = {os.getgid()}\n"
    )
    port = free_port()
    daemon = subprocess.Popen(
        ["rsync", "--daemon", "--no-detach", "--address=127.0.0.1", f"--port={port}"]
        + [f"--config={conf}"]
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"rsync://127.0.0.1:{port}/site/", dest
    daemon.terminate()
    daemon.wait(10)


def test_deploy_over_rsync(show, rsync_daemon):
    address, dest = rsync_daemon
    result = podpipe("deploy", "--to", address, cwd=show)
    assert result.returncode == 0, result.stderr
    assert tree_bytes(dest) == site_tree(show)
    assert oct((dest / "feed.xml").stat().st_mode & 0o777) == "0o644"
    again = podpipe("deploy", "--to", address, cwd=show)
    assert again.returncode == 0 and "is up to date: nothing to send" in again.stdout
    down = podpipe("deploy", "--to", f"rsync://127.0.0.1:{free_port()}/site/", cwd=show)
    assert down.returncode == 1
    assert "failed (rsync exit code" in down.stderr and "Traceback" not in down.stderr


# --- S3 ----------------------------------------------------------------------------------

EXPECTED = {  # written out here, independently of podpipe's table
    ".mp3": ("audio/mpeg", "public, max-age=2592000"),
    ".vtt": ("text/vtt; charset=utf-8", "public, max-age=3600"),
    ".srt": ("application/x-subrip; charset=utf-8", "public, max-age=3600"),
    ".json": ("application/json", "public, max-age=3600"),
    ".txt": ("text/plain; charset=utf-8", "public, max-age=3600"),
    ".html": ("text/html; charset=utf-8", "public, max-age=300"),
    ".png": ("image/png", "public, max-age=3600"),
    ".jpg": ("image/jpeg", "public, max-age=3600"),  # artwork thumbnails
    ".css": ("text/css; charset=utf-8", "public, max-age=3600"),
    ".js": ("text/javascript; charset=utf-8", "public, max-age=3600"),
    ".ics": ("text/calendar; charset=utf-8", "public, max-age=300"),
}
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="module")
def moto_server():
    pytest.importorskip("boto3")
    server_mod = pytest.importorskip("moto.server")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(moto_server, monkeypatch):
    import boto3

    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=moto_server)
    bucket = f"podcast-{time.monotonic_ns()}"
    client.create_bucket(Bucket=bucket)
    return client, bucket


def test_deploy_to_s3_sets_type_cache_control_and_cors(show, s3, moto_server):
    client, bucket = s3
    env = {"AWS_ENDPOINT_URL": moto_server}  # boto3's own way; deploy.endpoint_url below
    result = podpipe("deploy", "--to", f"s3://{bucket}/show/", cwd=show, env=env)
    assert result.returncode == 0, result.stderr
    listed = client.list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(f"show/{p}" for p in site_tree(show))
    for path, content in site_tree(show).items():
        got = client.get_object(Bucket=bucket, Key=f"show/{path}")
        assert got["Body"].read() == content
        if path == "feed.xml":
            expected = ("application/rss+xml", "public, max-age=300")
        elif path == "club/feed.xml":  # the club's Atom feed
            expected = ("application/atom+xml", "public, max-age=300")
        elif path == "search/index.json":  # changes with every episode, like a page
            expected = ("application/json", "public, max-age=300")
        elif path == "sitemap.xml":
            expected = ("application/xml", "public, max-age=300")
        elif path == "robots.txt":
            expected = ("text/plain; charset=utf-8", "public, max-age=300")
        else:
            expected = EXPECTED[Path(path).suffix]
        assert (got["ContentType"], got["CacheControl"]) == expected, path
    rules = client.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert rules[0]["AllowedOrigins"] == ["*"]
    assert set(rules[0]["AllowedMethods"]) == {"GET", "HEAD"}
    again = podpipe("deploy", "--to", f"s3://{bucket}/show/", cwd=show, env=env)
    assert again.returncode == 0 and "is up to date: nothing to send" in again.stdout


def test_s3_errors_are_clear(show, s3, moto_server, monkeypatch):
    client, bucket = s3
    env = {"AWS_ENDPOINT_URL": moto_server}
    with monkeypatch.context() as m:
        m.delenv("AWS_ACCESS_KEY_ID")
        m.delenv("AWS_SECRET_ACCESS_KEY")
        missing = podpipe("deploy", "--to", f"s3://{bucket}/", cwd=show, env=env)
    assert missing.returncode == 1
    assert f"no credentials for s3://{bucket}/: podpipe reads them from the standard AWS" in (
        missing.stderr
    )
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    down = podpipe("deploy", "--to", f"s3://{bucket}/", cwd=show, env=env)
    assert down.returncode == 1
    assert "cannot reach" in down.stderr and "Traceback" not in down.stderr
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_server}
    nobucket = podpipe("deploy", "--to", "s3://no-such-bucket-here/", cwd=show, env=env)
    assert nobucket.returncode == 1
    assert "there is no bucket no-such-bucket-here" in nobucket.stderr


def test_s3_without_boto3_says_how_to_install_it(show):
    code = (
        "import sys; sys.modules['boto3'] = None; from podpipe.cli import main; "
        "sys.argv = ['podpipe', 'deploy', '--to', 's3://some-bucket/']; main()"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=show, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "needs boto3, which is not installed: pip install 'podpipe[s3]'" in done.stderr


# --- a second publish: every target gets only what changed ---------------------------------


def test_a_republished_site_sends_every_target_only_what_changed(
    show, tmp_path, rsync_daemon, s3, moto_server
):
    """One publish that changes a few files (episode 1 loses its chapters, a cycle's
    summary changes, show.yaml gains deploy:), then each target deployed again."""
    client, bucket = s3
    address, rsync_dest = rsync_daemon
    www, bare = tmp_path / "www", tmp_path / "pages.git"
    git("init", "--bare", "--quiet", str(bare))
    targets = [str(www), f"git:{bare}", address]
    for target in targets:
        assert run_deploy(show, to=target).sent
    first = podpipe(
        "deploy", "--to", f"s3://{bucket}/", cwd=show, env={"AWS_ENDPOINT_URL": moto_server}
    )
    assert first.returncode == 0, first.stderr
    head = git("--git-dir", str(bare), "rev-parse", "gh-pages").strip()
    yaml = show / "show.yaml"
    yaml.write_text(
        yaml.read_text() + f"\ndeploy:\n  to: s3://{bucket}/\n  endpoint_url: {moto_server}\n"
    )
    republish_with_changes(show)
    n = len(site_tree(show))
    for target in targets:
        result = run_deploy(show, to=target)
        sent = [f.path for f in result.sent]
        assert sent[-1] == "feed.xml", target
        # No MP3, transcript or script that did not change: episodes 2 and 3 keep them.
        kept = [p for p in sent if p.startswith(("episodes/002", "episodes/003"))]
        assert not [p for p in kept if not p.endswith("/index.html")], target
        assert not [p for p in sent if p.startswith("static/")], target
        assert "club/sql-window-functions/index.html" in sent, target
        assert result.removed == [f"{EP1}/chapters.json"], target
        assert len(sent) + result.plan.unchanged == n, target
    assert tree_bytes(www) == site_tree(show) == tree_bytes(rsync_dest)
    parents = git("--git-dir", str(bare), "log", "-1", "--format=%P", "gh-pages").strip()
    assert parents == head  # on top of the last deploy, as gh-deploy does
    deployed = podpipe("deploy", cwd=show)  # show.yaml's deploy: now
    assert deployed.returncode == 0, deployed.stderr
    assert f"Deployed to s3://{bucket}/: " in deployed.stdout and ", 1 removed," in deployed.stdout
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == set(site_tree(show))
