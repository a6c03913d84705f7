"""Submissions by pull request or issue: the GitHub issue form and workflow podpipe
writes (valid YAML with the keys GitHub requires; the workflow's command passes on the
sample show), and `podpipe club import-issues` reading an exported issue list."""

from __future__ import annotations

import json
import re
import shlex

import pytest
import yaml
from click.testing import CliRunner

from podpipe import club
from podpipe.cli.main import cli
from podpipe.config import load_show
from podpipe.scaffold import CHECK_COMMAND
from tests.club_helpers import sample_show_copy
from tests.show_helpers import podpipe

FORM = ".github/ISSUE_TEMPLATE/club-result.yml"
WORKFLOW = ".github/workflows/club-check.yml"
FIELD_TYPES = {"markdown", "textarea", "input", "dropdown", "checkboxes"}


@pytest.fixture
def show_dir(tmp_path):
    return sample_show_copy(tmp_path / "show")


def scaffold(show_dir):
    result = CliRunner().invoke(cli, ["club", "scaffold-github", "--show", str(show_dir)])
    assert result.exit_code == 0, result.output
    return result


def check_issue_form(doc: dict) -> None:
    """GitHub's rules for an issue form (docs: "Syntax for issue forms")."""
    assert {"name", "description", "body"} <= set(doc)
    assert isinstance(doc["name"], str) and isinstance(doc["description"], str)
    assert set(doc) <= {"name", "description", "body", "title", "labels", "assignees", "projects"}
    ids = []
    for item in doc["body"]:
        assert item["type"] in FIELD_TYPES
        attrs = item["attributes"]
        if item["type"] == "markdown":
            assert isinstance(attrs["value"], str) and "id" not in item
            continue
        assert isinstance(attrs["label"], str) and attrs["label"]
        assert re.fullmatch(r"[A-Za-z0-9_-]+", item["id"])
        ids.append(item["id"])
        assert isinstance(item.get("validations", {}).get("required", False), bool)
    assert len(ids) == len(set(ids))
    assert any(i["type"] != "markdown" for i in doc["body"])


def test_scaffold_writes_a_valid_issue_form_and_workflow(show_dir):
    result = scaffold(show_dir)
    assert f"created {FORM}" in result.output.replace(str(show_dir) + "/", "")
    form = yaml.safe_load((show_dir / FORM).read_text(encoding="utf-8"))
    check_issue_form(form)
    fields = {i["id"]: i for i in form["body"] if "id" in i}
    assert list(fields) == [f[0] for f in club.ISSUE_FIELDS]
    assert [k for k, f in fields.items() if f["validations"]["required"]] == [
        "cycle",
        "name",
        "url",
    ]
    assert "pandas-groupby" in fields["cycle"]["attributes"]["description"]
    assert form["labels"] == ["club-result"]
    flow = yaml.safe_load((show_dir / WORKFLOW).read_text(encoding="utf-8"))
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["pull_request"]["paths"][0] == "club/**"
    job = flow["jobs"]["check"]
    assert job["runs-on"] == "ubuntu-latest"
    assert all(("uses" in s) != ("run" in s) for s in job["steps"])
    assert job["steps"][-1]["run"] == "podpipe check --strict"
    again = scaffold(show_dir)
    assert f"kept    {WORKFLOW} (already there)" in again.output.replace(str(show_dir) + "/", "")


def test_the_workflow_command_passes_on_the_sample_show(show_dir):
    scaffold(show_dir)
    flow = yaml.safe_load((show_dir / WORKFLOW).read_text(encoding="utf-8"))
    command = shlex.split(flow["jobs"]["check"]["steps"][-1]["run"])
    assert command[0] == "podpipe"
    done = podpipe(*command[1:], cwd=show_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK" in done.stdout


def test_the_workflow_command_fails_on_a_broken_result(show_dir):
    """A publish leaves the broken entry out and goes on; the pull request's check
    (`check --strict`) fails on it, before it is merged."""
    file = show_dir / "club" / "pandas-groupby.yaml"
    file.write_text(file.read_text() + "  - name: Eve\n    url: javascript:alert(1)\n")
    done = podpipe(*shlex.split(CHECK_COMMAND)[1:], cwd=show_dir)
    assert done.returncode == 2
    assert "result left out: expected an absolute http(s) URL" in done.stdout + done.stderr
    assert "(--strict)" in done.stdout
    assert podpipe("check", cwd=show_dir).returncode == 0  # a warning without --strict


def test_init_writes_the_github_files(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "new"), "--yes"])
    assert result.exit_code == 0, result.output
    form = yaml.safe_load((tmp_path / "new" / FORM).read_text(encoding="utf-8"))
    check_issue_form(form)
    assert (tmp_path / "new" / WORKFLOW).is_file()


def issue_body(form: dict, values: dict[str, str]) -> str:
    """The Markdown GitHub makes of an issue-form submission."""
    out = []
    for item in form["body"]:
        if "id" in item:
            text = values.get(item["id"]) or "_No response_"
            out.append(f"### {item['attributes']['label']}\n\n{text}")
    return "\n\n".join(out)


def test_import_issues_reads_issue_form_bodies(show_dir, tmp_path):
    scaffold(show_dir)
    form = yaml.safe_load((show_dir / FORM).read_text(encoding="utf-8"))
    ok = {
        "cycle": "plotting-with-matplotlib",
        "name": "Noor Haddad",
        "url": "https://noor.example.org/plots",
        "summary": "Three **plots**, one <b>question</b>.",
        "links": "https://github.com/noor-example\nhttps://noor.example.org/",
    }
    issues = [
        {
            "number": 12,
            "title": "Club result: plots",
            "body": issue_body(form, ok),
            "createdAt": "2026-11-18T09:12:44Z",
            "url": "https://github.com/example/show/issues/12",
        },
        {"number": 13, "title": "A question", "body": "How do I join?"},
    ]
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(issues), encoding="utf-8")
    args = ["club", "import-issues", str(export), "--show", str(show_dir)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "1 added, 0 already there" in result.output
    assert "left alone: #13" in result.output
    [r] = club.load_results(load_show(show_dir))["plotting-with-matplotlib"]
    assert (r.name, r.url, str(r.submitted)) == ("Noor Haddad", ok["url"], "2026-11-18")
    assert r.summary == ok["summary"]  # kept as text; the pages escape it
    assert r.links == ("https://github.com/noor-example", "https://noor.example.org/")
    result = CliRunner().invoke(cli, args)
    assert "0 added, 1 already there" in result.output


def test_import_issues_refuses_invalid_issues_and_writes_nothing(show_dir, tmp_path):
    scaffold(show_dir)
    form = yaml.safe_load((show_dir / FORM).read_text(encoding="utf-8"))
    issues = [
        {
            "number": 3,
            "body": issue_body(
                form, {"cycle": "plotting", "name": "A", "url": "https://a.example/"}
            ),
        },
        {
            "number": 4,
            "body": issue_body(
                form, {"cycle": "pandas-groupby", "name": "B", "url": "javascript:alert(1)"}
            ),
        },
        {
            "number": 5,
            "body": issue_body(
                form, {"cycle": "pandas-groupby", "name": "C", "url": "https://c.example/"}
            ),
        },
    ]
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(issues), encoding="utf-8")
    before = (show_dir / "club" / "pandas-groupby.yaml").read_bytes()
    result = CliRunner().invoke(
        cli, ["club", "import-issues", str(export), "--show", str(show_dir)]
    )
    assert result.exit_code != 0
    assert "[0] issue #3.cycle: no club cycle 'plotting'" in result.output
    assert "[1] issue #4.url: expected an absolute http(s) URL" in result.output
    assert (show_dir / "club" / "pandas-groupby.yaml").read_bytes() == before
    result = CliRunner().invoke(
        cli, ["club", "import-issues", str(export), "--skip-invalid", "--show", str(show_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    names = [r.name for r in club.load_results(load_show(show_dir))["pandas-groupby"]]
    assert names[-1] == "C"


def test_import_issues_names_a_file_that_is_not_an_issue_list(show_dir, tmp_path):
    bad = tmp_path / "issues.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["club", "import-issues", str(bad), "--show", str(show_dir)])
    assert result.exit_code != 0
    assert f"{bad}:1: not a JSON issue list" in result.output
