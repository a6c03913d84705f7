"""The pieces of `podpipe deploy` that need no published site: show.yaml's deploy:
(errors with file, line and key), the target spellings, the order, types and cache
policy of site files, and the plan a record gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from podpipe import deploy
from podpipe.config import load_show, load_show_with_warnings, parse_target
from podpipe.deploy.target import BATCH_FILES, Target, batches
from tests.show_helpers import copy_sample_show


@pytest.fixture
def show(tmp_path: Path) -> Path:
    return copy_sample_show(tmp_path / "show")


def with_deploy(show: Path, block: str) -> Path:
    yaml = show / "show.yaml"
    yaml.write_text(yaml.read_text() + "\ndeploy:\n" + block)
    return yaml


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("spec", "kind", "location", "extra"),
    [
        ("s3://my-podcast/", "s3", "my-podcast", ""),
        ("s3://my-podcast/shows/lol", "s3", "my-podcast", "shows/lol/"),
        ("git:origin", "git", "origin", "gh-pages"),
        ("git:git@github.com:ada/show.git#main", "git", "git@github.com:ada/show.git", "main"),
        ("git:../pages.git", "git", "/work/pages.git", "gh-pages"),
        ("rsync://example.org/podcast", "rsync", "rsync://example.org/podcast/", ""),
        ("ada@example.org:/var/www/pod/", "rsync", "ada@example.org:/var/www/pod/", ""),
        ("example.org:www", "rsync", "example.org:www/", ""),
        ("/var/www/podcast", "folder", "/var/www/podcast", ""),
        ("../public", "folder", "/work/public", ""),
    ],
)
def test_target_spellings(spec, kind, location, extra):
    target = parse_target(spec, Path("/work/show"))
    assert (target.kind, target.location) == (kind, location)
    assert extra == (target.branch if kind == "git" else target.prefix)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("s3://My_Bucket/", "expected s3://BUCKET/ with a bucket name of 3-63 lower-case"),
        ("git:", "expected git:REMOTE or git:REMOTE#BRANCH"),
        ("git:origin#bad..name", "'bad..name' is not a git branch name"),
        ("ftp://example.org/", "unknown kind of target 'ftp://example.org/'"),
        ("", "expected a target such as s3://bucket/, git:origin or a folder"),
    ],
)
def test_wrong_spellings_say_what_to_write(spec, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        parse_target(spec, Path("/work/show"))


def test_show_yaml_deploy_is_read(show):
    with_deploy(
        show,
        "  to: s3://my-podcast/lol/\n  endpoint_url: https://abc.r2.cloudflarestorage.com\n"
        "  region: auto\n  cors: false\n",
    )
    settings = load_show(show).deploy
    assert settings.target.address == "s3://my-podcast/lol/"
    assert settings.endpoint_url == "https://abc.r2.cloudflarestorage.com"
    assert (settings.region, settings.cors) == ("auto", False)


@pytest.mark.parametrize(
    ("block", "key", "needle", "message"),
    [
        ("  to: ftp://x.org/\n", "deploy.to", "to: ftp", "unknown kind of target"),
        ("  to: site/public\n", "deploy.to", "to: site", "overlaps the show folder"),
        ("  to: s3://b-1/\n  endpoint: x\n", "deploy.endpoint", "endpoint:", "did you mean"),
        (
            "  to: s3://b-1/\n  aws_secret_access_key: abc\n",
            "deploy.aws_secret_access_key",
            "aws_secret",
            "credentials never go in show.yaml",
        ),
        ("  endpoint_url: r2.example\n", "deploy.endpoint_url", "endpoint_url", "http(s) URL"),
        ("  cors: maybe\n", "deploy.cors", "cors:", "expected true or false"),
    ],
)
def test_deploy_mistakes_name_file_line_and_key(show, block, key, needle, message):
    yaml = with_deploy(show, block)
    _, problems = load_show_with_warnings(show)
    found = [p for p in problems if p.key == key]
    assert found, problems
    assert found[0].file == yaml and found[0].line == line_of(yaml, needle)
    assert message in found[0].message
    if key.endswith("secret_access_key"):  # said once, not "unknown key" as well
        assert len(found) == 1


def test_the_deploy_key_leaves_cache_keys_alone(show):
    """Show's repr is part of the stage cache keys: deploy: must not change it."""
    plain = repr(load_show(show))
    with_deploy(show, "  to: s3://my-podcast/\n")
    assert repr(load_show(show)) == plain


@pytest.mark.parametrize(
    ("path", "rank", "content_type", "cache"),
    [
        ("episodes/a/a.mp3", 0, "audio/mpeg", "public, max-age=2592000"),
        ("episodes/a/transcript.vtt", 1, "text/vtt; charset=utf-8", "public, max-age=3600"),
        ("episodes/a/transcript.srt", 1, "application/x-subrip; charset=utf-8", None),
        ("episodes/a/chapters.json", 1, "application/json", "public, max-age=3600"),
        ("episodes/a/index.html", 2, "text/html; charset=utf-8", "public, max-age=300"),
        ("search/index.json", 2, "application/json", "public, max-age=300"),
        ("club/feed.xml", 3, "application/atom+xml", "public, max-age=300"),
        ("feed.xml", 4, "application/rss+xml", "public, max-age=300"),
        ("sitemap.xml", 2, "application/xml", "public, max-age=300"),
        ("club/chart.svg", 1, "image/svg+xml", "public, max-age=3600"),
    ],
)
def test_order_type_and_cache_policy_of_site_files(path, rank, content_type, cache):
    assert deploy.rank(path) == rank
    assert deploy.content_type(path) == content_type
    assert cache is None or deploy.cache_control(path) == cache


def site_file(path: str, size: int = 10, sha: str = "a") -> deploy.SiteFile:
    return deploy.SiteFile(path, Path("/site") / path, size, sha)


def test_the_plan_sends_new_and_changed_and_removes_only_what_podpipe_sent(tmp_path):
    record = deploy.Record(tmp_path / "r.json", None)
    record.files = {"feed.xml": "old", "index.html": "a", "episodes/gone/chapters.json": "a"}
    files = [site_file("a.mp3"), site_file("index.html"), site_file("feed.xml")]
    target = Target.__new__(Target)
    plan = deploy.plan(files, record, target)
    assert [f.path for f in plan.send] == ["a.mp3", "feed.xml"]
    assert plan.new == {"a.mp3"} and plan.unchanged == 1
    assert plan.remove == ["episodes/gone/chapters.json"]


def test_batches_never_mix_ranks_and_stay_small():
    files = [site_file(f"e/{i}.mp3", 100_000_000) for i in range(5)]
    files += [site_file(f"p/{i}.html") for i in range(BATCH_FILES + 1)] + [site_file("feed.xml")]
    sizes = [(b[0].rank, len(b)) for b in batches(files)]
    assert sizes == [(0, 2), (0, 2), (0, 1), (2, BATCH_FILES), (2, 1), (4, 1)]


def test_the_record_is_saved_atomically_and_read_back(tmp_path):
    target = parse_target("s3://my-podcast/", tmp_path)
    path = deploy.record_file(tmp_path, target)
    assert path.parent == tmp_path / "deploy" and path.name.startswith("s3-my-podcast-")
    record = deploy.Record(path, target)
    record.sent("feed.xml", "abc")
    record.save()
    assert deploy.Record(path, target).files == {"feed.xml": "abc"}
    path.write_text("{not json")
    assert deploy.Record(path, target).files == {}  # a broken record: send everything


def test_a_publish_does_not_load_the_deploy_targets():
    """`import podpipe.pipeline` (every publish) leaves deploy, http.server and boto3 out."""
    import subprocess
    import sys

    code = "import sys, podpipe.pipeline, podpipe.cli; print(sorted(sys.modules))"
    repo = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    loaded = set(eval(out.stdout))
    assert not loaded & {"podpipe.deploy", "http.server", "boto3", "botocore"}
