"""Participant results: loading, validation, `club add` and `club import`."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from podpipe import club
from podpipe.cli import cli
from podpipe.config import load_show
from podpipe.errors import ConfigError
from tests.club_helpers import sample_show_copy


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory) -> Path:
    return sample_show_copy(tmp_path_factory.mktemp("club") / "show")


@pytest.fixture
def show_dir(template_dir, tmp_path) -> Path:
    """A fresh copy for tests that write results files."""
    copy = tmp_path / "show"
    shutil.copytree(template_dir, copy)
    return copy


def _problems(show) -> list[str]:
    """Every problem loading finds in the results files (a participant entry's are
    warnings: the entry is left out, the publish goes on)."""
    return [str(p) for p in club.check_results(show)[1]]


def _write(show_dir: Path, slug: str, text: str) -> Path:
    file = show_dir / "club" / f"{slug}.yaml"
    file.write_text(text, encoding="utf-8")
    return file


# --------------------------------------------------------------------------- loading


def test_sample_results_load_and_late_ones_are_kept_and_marked(template_dir):
    results = club.load_results(load_show(template_dir))
    groupby = results["pandas-groupby"]
    assert [r.name for r in groupby] == ["Chioma Eze", "Tomás Herrera", "Priya Raman"]
    assert [r.late for r in groupby] == [False, False, True]
    assert groupby[0].links == ("https://github.com/chioma-eze-example",)
    assert groupby[0].submitted == dt.date(2026, 10, 8)
    assert len(results["sql-window-functions"]) == 3
    assert results["plotting-with-matplotlib"] == []


@pytest.mark.parametrize(
    "url, reason",
    [
        ("javascript:alert(1)", "expected an absolute http(s) URL, found 'javascript:alert(1)'"),
        ("data:text/html,<b>hi</b>", "expected an absolute http(s) URL"),
        ("/relative/path", "expected an absolute http(s) URL, found '/relative/path'"),
        ("ftp://example.org/x", "expected an absolute http(s) URL"),
    ],
)
def test_dangerous_or_relative_urls_are_rejected_with_file_and_line(show_dir, url, reason):
    file = _write(
        show_dir,
        "plotting-with-matplotlib",
        f"results:\n  - name: Sam\n    title: Plot\n    url: '{url}'\n",
    )
    problems = _problems(load_show(show_dir))
    prefix = f"{file}:4: results[0].url: result left out: {reason}"
    assert problems == [prefix + problems[0].split(reason, 1)[1]]
    assert club.load_results(load_show(show_dir))["plotting-with-matplotlib"] == []


def test_every_problem_is_reported_with_its_line(show_dir):
    file = _write(
        show_dir,
        "plotting-with-matplotlib",
        (
            "# hand-edited\n"
            "results:\n"
            "  - name: Ann\n"
            "    url: https://ann.example.org/plot\n"
            "  - title: No name\n"  # line 5: name missing
            "    url: https://b.example.org/\n"
            "  - name: Cy\n"
            "    url: https://ANN.example.org/plot/\n"  # line 8: duplicate of line 3
            "  - name: Dee\n"
            "    url: https://dee.example.org/\n"
            "    sumary: typo\n"  # line 11: unknown key
            f"  - name: {'x' * 101}\n"  # line 12: too long
            "    url: https://e.example.org/\n"
            "    links: [notaurl]\n"
        ),
    )  # line 14: bad profile link
    problems = _problems(load_show(show_dir))
    out = "result left out: "
    assert f"{file}:5: results[1].name: {out}missing: a result needs a name" in problems
    assert (
        f"{file}:7: results[2].url: {out}duplicate result URL 'https://ANN.example.org/plot/' "
        "(first listed on line 3)"
    ) in problems
    assert f"{file}:11: results[3].sumary: ignored: unknown key (did you mean 'summary'?)" in (
        problems
    )
    assert f"{file}:12: results[4].name: {out}too long: 101 characters, at most 100" in problems
    assert (
        f"{file}:14: results[4].links: {out}expected an absolute http(s) URL, found 'notaurl'"
        in problems
    )
    assert len(problems) == 5
    # every one a warning: the entries that can be read are published (Dee without her
    # unknown key), the others left out
    results = club.load_results(load_show(show_dir))["plotting-with-matplotlib"]
    assert [r.name for r in results] == ["Ann", "Dee"]


def test_a_results_file_for_an_unknown_cycle_is_named(show_dir):
    file = _write(show_dir, "pandas-grouby", "results: []\n")
    assert _problems(load_show(show_dir)) == [
        f"{file}: no club cycle 'pandas-grouby' (did you mean 'pandas-groupby'?): a results "
        "file is named after its cycle's slug"
    ]


def test_invalid_yaml_names_file_and_line(show_dir):
    file = _write(
        show_dir, "plotting-with-matplotlib", "results:\n  - name: Ann\n    url: [unclosed\n"
    )
    problems = _problems(load_show(show_dir))
    assert len(problems) == 1 and problems[0].startswith(f"{file}:")
    assert "invalid YAML" in problems[0]


def test_html_in_fields_is_kept_as_text(show_dir):
    _write(
        show_dir,
        "plotting-with-matplotlib",
        "results:\n  - name: <script>alert(1)</script>\n"
        "    url: https://x.example.org/\n    title: <b>bold</b> & co\n",
    )
    [result] = club.load_results(load_show(show_dir))["plotting-with-matplotlib"]
    assert result.name == "<script>alert(1)</script>"
    assert result.title == "<b>bold</b> & co"


# --------------------------------------------------------------------------- club add


def _only_additions(before: str, after: str) -> list[str]:
    """Lines added; fails if any line of ``before`` was changed or removed."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "\n".join(diff)
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_add_appends_and_keeps_the_hosts_comments_and_order(show_dir):
    file = show_dir / "club" / "pandas-groupby.yaml"
    before = file.read_text(encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "club",
            "add",
            "pandas-groupby",
            "--show",
            str(show_dir),
            "--name",
            "Noor Haddad",
            "--url",
            "https://noor.example.org/groupby",
            "--title",
            "Groupby on transit data",
            "--learned",
            "agg() takes a dict",
            "--link",
            "https://github.com/noor-example",
            "--submitted",
            "2026-10-09",
        ],
    )
    assert result.exit_code == 0, result.output
    added = _only_additions(before, file.read_text(encoding="utf-8"))
    assert added == [
        "  - name: Noor Haddad",
        "    title: Groupby on transit data",
        "    url: https://noor.example.org/groupby",
        "    learned: agg() takes a dict",
        "    links:",
        "      - https://github.com/noor-example",
        "    submitted: 2026-10-09",
    ]
    results = club.load_results(load_show(show_dir))["pandas-groupby"]
    assert results[-1].name == "Noor Haddad" and not results[-1].late


def test_add_creates_a_new_results_file_and_marks_late_results(show_dir):
    show = load_show(show_dir)
    report = club.add_result(
        show,
        "sql-window-functions",
        name="Late Larry",
        url="https://larry.example.org/w",
        submitted=dt.date(2026, 11, 3),
    )
    assert report.added == ["https://larry.example.org/w"]
    club.add_result(
        show,
        "intro-to-scikit-learn",
        name="Early Erin",
        url="https://erin.example.org/",
        submitted=dt.date(2026, 12, 8),
    )
    text = (show_dir / "club" / "intro-to-scikit-learn.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Results of the learning-club cycle")
    results = club.load_results(show)
    assert results["sql-window-functions"][-1].late
    assert [r.name for r in results["intro-to-scikit-learn"]] == ["Early Erin"]


def test_add_rejects_a_duplicate_url_and_changes_nothing(show_dir):
    file = show_dir / "club" / "pandas-groupby.yaml"
    before = file.read_bytes()
    result = CliRunner().invoke(
        cli,
        [
            "club",
            "add",
            "pandas-groupby",
            "--show",
            str(show_dir),
            "--name",
            "Copy Cat",
            "--url",
            "HTTPS://chiomaeze.example.net/posts/bike-share-groupby",
        ],
    )
    assert result.exit_code == 2
    assert (
        f"{file}: url: a result with the URL "
        "'HTTPS://chiomaeze.example.net/posts/bike-share-groupby' is already listed; "
        "nothing was changed"
    ) in result.output
    assert file.read_bytes() == before


def test_add_rejects_script_name_with_javascript_url(show_dir):
    file = show_dir / "club" / "pandas-groupby.yaml"
    before = file.read_bytes()
    result = CliRunner().invoke(
        cli,
        [
            "club",
            "add",
            "pandas-groupby",
            "--show",
            str(show_dir),
            "--name",
            "<script>alert(1)</script>",
            "--url",
            "javascript:alert(1)",
        ],
    )
    assert result.exit_code == 2
    assert "url: expected an absolute http(s) URL, found 'javascript:alert(1)'" in result.output
    assert file.read_bytes() == before
    assert not list((show_dir / "club").glob(".*.tmp"))


def test_add_to_an_unknown_cycle_says_did_you_mean(show_dir):
    result = CliRunner().invoke(
        cli,
        [
            "club",
            "add",
            "sql-windows",
            "--show",
            str(show_dir),
            "--name",
            "A",
            "--url",
            "https://a.example.org/",
        ],
    )
    assert result.exit_code == 2
    assert "no club cycle 'sql-windows' (did you mean 'sql-window-functions'?)" in result.output


def test_add_goes_on_past_a_broken_entry_and_names_it(show_dir):
    """A participant's broken entry (merged by pull request) is left out of the site,
    as in a publish, and kept in the file as written; the add goes on and says so."""
    text = "results:\n  - name: Ann\n    url: javascript:x\n"
    file = _write(show_dir, "plotting-with-matplotlib", text)
    report = club.add_result(
        load_show(show_dir), "plotting-with-matplotlib", name="Bo", url="https://bo.example.org/"
    )
    assert [str(p) for p in report.warnings] == [
        f"{file}:3: results[0].url: result left out: expected an absolute http(s) URL, "
        "found 'javascript:x'"
    ]
    assert file.read_text().startswith(text)
    assert [r.name for r in club.load_results(load_show(show_dir))["plotting-with-matplotlib"]] == [
        "Bo"
    ]


def test_add_refuses_to_rewrite_a_results_file_that_is_not_a_results_list(show_dir):
    file = _write(show_dir, "plotting-with-matplotlib", "results:\n  name: Ann\n")
    before = file.read_bytes()
    with pytest.raises(ConfigError) as info:
        club.add_result(
            load_show(show_dir),
            "plotting-with-matplotlib",
            name="Bo",
            url="https://bo.example.org/",
        )
    assert f"{file}:1: results: expected a mapping with a 'results:' list" in str(info.value)
    assert file.read_bytes() == before


@pytest.mark.parametrize("submitted", ["2026-13-45", "2026-10-08 14:03:22"])
def test_add_checks_the_results_file_as_publish_reads_it(show_dir, submitted):
    """A date that publish rejects (once a traceback, or accepted and written) is named
    by `club add` too, with file and line, and the entry is left out as publish leaves
    it out; the host's lines stay as written."""
    text = (
        f"results:\n  - name: Ann\n    url: https://ann.example.org/\n    submitted: {submitted}\n"
    )
    file = _write(show_dir, "plotting-with-matplotlib", text)
    report = club.add_result(
        load_show(show_dir), "plotting-with-matplotlib", name="Bo", url="https://bo.example.org/"
    )
    assert f"{file}:4: results[0].submitted: result left out: expected a date like 2026-11-24" in (
        str(report.warnings[0])
    )
    assert file.read_text().startswith(text)


# --------------------------------------------------------------------------- club import

FORM_EXPORT = (
    "Timestamp,Your name,Link to your result,Title,What did you learn?,Profile\n"
    "2026/11/18 09:12:44,Ines Moreau,https://ines.example.org/plots,Small multiples,"
    '"sharey=True, and why",https://github.com/ines-example\n'
    "2026/11/20 21:03:01,Kwame Mensah,https://kwame.example.org/nb,,,\n"
    "2026/12/01 08:00:00,Late Lotte,https://lotte.example.org/fig,Figure,,\n"
)


def test_import_a_form_export_twice_changes_nothing_the_second_time(show_dir, tmp_path):
    csv_file = tmp_path / "form.csv"
    csv_file.write_text(FORM_EXPORT, encoding="utf-8")
    runner = CliRunner()
    args = ["club", "import", "plotting-with-matplotlib", str(csv_file), "--show", str(show_dir)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "3 added, 0 already there, 0 invalid" in first.output
    file = show_dir / "club" / "plotting-with-matplotlib.yaml"
    after_first = file.read_bytes()
    second = runner.invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "0 added, 3 already there, 0 invalid" in second.output
    assert file.read_bytes() == after_first
    results = club.load_results(load_show(show_dir))["plotting-with-matplotlib"]
    assert [(r.name, r.submitted, r.late) for r in results] == [
        ("Ines Moreau", dt.date(2026, 11, 18), False),
        ("Kwame Mensah", dt.date(2026, 11, 20), False),
        ("Late Lotte", dt.date(2026, 12, 1), True),
    ]
    assert results[0].learned == "sharey=True, and why"
    assert results[0].links == ("https://github.com/ines-example",)


def test_import_into_an_existing_file_keeps_its_comments(show_dir, tmp_path):
    file = show_dir / "club" / "pandas-groupby.yaml"
    before = file.read_text(encoding="utf-8")
    csv_file = tmp_path / "more.csv"
    csv_file.write_text(
        "Participant;URL;Notes\n"
        "Olu;https://olu.example.org/;Grouped by weekday\n"
        "Chioma Eze;https://chiomaeze.example.net/posts/bike-share-groupby/;"
        "dup\n",
        encoding="utf-8",
    )
    report = club.import_csv(load_show(show_dir), "pandas-groupby", csv_file, {"Notes": "summary"})
    assert report.added == ["https://olu.example.org/"]
    assert report.skipped == ["https://chiomaeze.example.net/posts/bike-share-groupby/"]
    added = _only_additions(before, file.read_text(encoding="utf-8"))
    assert added == [
        "  - name: Olu",
        "    url: https://olu.example.org/",
        "    summary: Grouped by weekday",
    ]


def test_import_rejects_non_utf8_csv_naming_file_and_line(show_dir, tmp_path):
    csv_file = tmp_path / "latin1.csv"
    csv_file.write_bytes(
        "name,url\nAnn,https://a.example.org/\nJosé,https://j.example.org/\n".encode("latin-1")
    )
    result = CliRunner().invoke(
        cli, ["club", "import", "pandas-groupby", str(csv_file), "--show", str(show_dir)]
    )
    assert result.exit_code == 2
    assert f"{csv_file}:3: not UTF-8 text (byte 0xe9 at byte offset" in result.output


def test_import_rejects_malformed_csv_naming_file_and_line(show_dir, tmp_path):
    csv_file = tmp_path / "broken.csv"
    csv_file.write_text(
        'name,url\nAnn,https://a.example.org/\n"Bo "x",https://b.example.org/\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        club.import_csv(load_show(show_dir), "pandas-groupby", csv_file)
    assert f"{csv_file}:3: malformed CSV:" in str(info.value)


def test_import_with_a_bad_row_imports_nothing_unless_told(show_dir, tmp_path):
    csv_file = tmp_path / "form.csv"
    csv_file.write_text(
        "name,url\nAnn,https://a.example.org/\n"
        "<script>alert(1)</script>,javascript:alert(1)\n"
        "Cy,https://c.example.org/,extra\n",
        encoding="utf-8",
    )
    file = show_dir / "club" / "pandas-groupby.yaml"
    before = file.read_bytes()
    with pytest.raises(ConfigError) as info:
        club.import_csv(load_show(show_dir), "pandas-groupby", csv_file)
    message = str(info.value)
    assert (
        f"{csv_file}:3: url: expected an absolute http(s) URL, found 'javascript:alert(1)'"
    ) in message
    assert f"{csv_file}:4: expected 2 fields like the header, found 3" in message
    assert "nothing was imported" in message
    assert file.read_bytes() == before
    report = club.import_csv(load_show(show_dir), "pandas-groupby", csv_file, skip_invalid=True)
    assert report.added == ["https://a.example.org/"]
    assert len(report.invalid) == 2


def test_import_map_names_unknown_columns_and_fields(show_dir, tmp_path):
    csv_file = tmp_path / "form.csv"
    csv_file.write_text("who,where\nAnn,https://a.example.org/\n", encoding="utf-8")
    runner = CliRunner()
    base = ["club", "import", "pandas-groupby", str(csv_file), "--show", str(show_dir)]
    missing = runner.invoke(cli, base)
    assert missing.exit_code == 2
    assert (
        "no column for the result's name; pass --map COLUMN=name (columns: who, where)"
        in missing.output
    )
    typo = runner.invoke(cli, [*base, "--map", "who=nmae", "--map", "wher=url"])
    assert "no result field 'nmae' (did you mean 'name'?)" in typo.output
    assert "no column 'wher' in the header (did you mean 'where'?)" in typo.output
    ok = runner.invoke(cli, [*base, "--map", "who=name", "--map", "where=url"])
    assert ok.exit_code == 0, ok.output
    assert "1 added" in ok.output


def test_import_reads_form_questions_by_their_words_and_says_so(show_dir, tmp_path):
    """A form's own questions, not podpipe's names: the columns are found by their words,
    the e-mail column is left out, and the host is told which guesses were made."""
    csv_file = tmp_path / "form.csv"
    csv_file.write_text(
        "Timestamp,Email address,Your name,Link to your project,"
        "Your GitHub or blog profile,What did you learn?\n"
        "2026/11/20 10:01:02,ann@example.org,Ann,https://ann.example.org/plots,"
        "https://github.com/ann-example,log scales\n",
        encoding="utf-8",
    )
    args = ["club", "import", "plotting-with-matplotlib", str(csv_file), "--show", str(show_dir)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "column 'Link to your project' read as the result's url" in result.output
    assert "column 'Your GitHub or blog profile' read as the result's links" in result.output
    (r,) = club.load_results(load_show(show_dir))["plotting-with-matplotlib"]
    assert (r.name, r.url, r.links, r.learned, r.submitted) == (
        "Ann",
        "https://ann.example.org/plots",
        ("https://github.com/ann-example",),
        "log scales",
        dt.date(2026, 11, 20),
    )
    assert (
        "ann@example.org" not in (show_dir / "club" / "plotting-with-matplotlib.yaml").read_text()
    )


def test_two_columns_that_could_be_the_url_are_not_guessed(show_dir, tmp_path):
    csv_file = tmp_path / "form.csv"
    csv_file.write_text(
        "Your name,Link to your notebook,Link to your blog post\nAnn,https://a.example.org/,"
        "https://b.example.org/\n",
        encoding="utf-8",
    )
    args = ["club", "import", "pandas-groupby", str(csv_file), "--show", str(show_dir)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "no column for the result's url; pass --map COLUMN=url" in result.output


def test_add_never_rewrites_unusual_hand_formatting(show_dir):
    # ruamel would normalise the spacing and the flow mapping; the host's lines must stay.
    original = (
        "results:\n"
        "-   name:    Odd   # spacing kept\n"
        '    url: "https://odd.example.org/"\n'
        "- {name: Flow, url: 'https://flow.example.org/'}\n"
    )
    file = _write(show_dir, "plotting-with-matplotlib", original)
    club.add_result(
        load_show(show_dir),
        "plotting-with-matplotlib",
        name="New",
        url="https://new.example.org/",
        submitted=dt.date(2026, 11, 20),
    )
    after = file.read_text(encoding="utf-8")
    assert after.startswith(original)
    assert _only_additions(original, after) == [
        "-   name: New",
        "    url: https://new.example.org/",
        "    submitted: 2026-11-20",
    ]
    names = [r.name for r in club.load_results(load_show(show_dir))["plotting-with-matplotlib"]]
    assert names == ["Odd", "Flow", "New"]


def test_free_text_with_semicolons_does_not_fool_the_separator(show_dir, tmp_path):
    csv_file = tmp_path / "form.csv"
    csv_file.write_text(
        "Name,URL,Summary\n"
        'Ann,https://a.example.org/,"one; two;\r\nthree"\r\n'
        "Bo,https://b.example.org/,plain\n",
        encoding="utf-8-sig",  # with a byte-order mark, as spreadsheet apps write it
    )
    report = club.import_csv(load_show(show_dir), "intro-to-scikit-learn", csv_file)
    assert report.added == ["https://a.example.org/", "https://b.example.org/"]
    [ann, _] = club.load_results(load_show(show_dir))["intro-to-scikit-learn"]
    # A multi-line answer keeps its line break, without the CR.
    assert (ann.name, ann.summary) == ("Ann", "one; two;\nthree")


def test_add_after_the_cycle_ended_warns_and_marks_late(show_dir):
    result = CliRunner().invoke(
        cli,
        [
            "club",
            "add",
            "pandas-groupby",
            "--show",
            str(show_dir),
            "--name",
            "Tardy",
            "--url",
            "https://tardy.example.org/",
            "--submitted",
            "2026-10-20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning: the cycle ended on 2026-10-11: the result is kept and marked late" in (
        result.output
    )
    assert club.load_results(load_show(show_dir))["pandas-groupby"][-1].late


@pytest.mark.parametrize("start", ["results: []\n", "# nothing yet\nresults:\n", ""])
def test_add_to_an_empty_results_file(show_dir, start):
    file = _write(show_dir, "plotting-with-matplotlib", start)
    club.add_result(
        load_show(show_dir), "plotting-with-matplotlib", name="First", url="https://f.example.org/"
    )
    text = file.read_text(encoding="utf-8")
    assert "  - name: First\n    url: https://f.example.org/\n" in text
    if start.startswith("#"):
        assert text.startswith("# nothing yet\n")
    names = [r.name for r in club.load_results(load_show(show_dir))["plotting-with-matplotlib"]]
    assert names == ["First"]


def test_a_non_utf8_results_file_is_named_and_never_rewritten(show_dir):
    file = show_dir / "club" / "plotting-with-matplotlib.yaml"
    file.write_bytes("results:\n  - name: José\n    url: https://j.example.org/\n".encode("cp1252"))
    before = file.read_bytes()
    assert _problems(load_show(show_dir)) == [
        f"{file}: not UTF-8 text (invalid continuation byte at byte 22)"
    ]
    with pytest.raises(ConfigError):
        club.add_result(
            load_show(show_dir), "plotting-with-matplotlib", name="B", url="https://b.example.org/"
        )
    assert file.read_bytes() == before


def test_concurrent_adds_keep_every_result(show_dir):
    """Six `club add` processes at once (a form hook firing while the host types) all
    land in the file: none overwrites another's result."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "podpipe",
                "club",
                "add",
                "pandas-groupby",
                "--name",
                f"Person {i}",
                "--url",
                f"https://p{i}.example.org/groupby",
                "--show",
                str(show_dir),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(6)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    results = club.load_results(load_show(show_dir))["pandas-groupby"]
    names = {r.name for r in results}
    assert {f"Person {i}" for i in range(6)} <= names
    assert len(results) == 3 + 6


@pytest.mark.parametrize(
    "text, date",
    [
        ("2026/10/08 14:03:22", dt.date(2026, 10, 8)),  # Google Forms
        ("10/8/2026 14:03:22", dt.date(2026, 10, 8)),
        ("2026-10-08T14:03:22.123Z", dt.date(2026, 10, 8)),  # ISO 8601, Typeform, Tally
        ("2026-10-25 10:00", dt.date(2026, 10, 25)),  # re-saved by a spreadsheet
        ("2026/11/20 10:00:00 PM GMT+1", dt.date(2026, 11, 20)),  # a 12-hour locale
        ("11/20/2026 9:05 AM", dt.date(2026, 11, 20)),
        ("10/25/2026 10:00", dt.date(2026, 10, 25)),
        ("25.10.2026 10:00", dt.date(2026, 10, 25)),
        ("2026-10-25", dt.date(2026, 10, 25)),
        ("next tuesday", None),
    ],
)
def test_form_timestamps(text, date):
    assert club.parse_submitted(text) == date


def test_guessing_leaves_alone_columns_that_only_look_like_a_field(show_dir, tmp_path):
    """A real form: "Job title" is not the result's title, "How did you hear about the
    club?" is not its summary, "Home address" is not its URL; two columns that could both
    be the summary are named, and neither is taken."""
    csv_file = tmp_path / "form.csv"
    csv_file.write_text(
        "Timestamp,Email Address,Your name (as it should appear),Job title,Home address,"
        "Link to your project,Tell us about your project,Describe what you made,"
        "How did you hear about the club?,What did you learn?\n"
        "2026/11/20 10:00:00 AM GMT+1,a@example.org,Ann,Data analyst,1 Main St,"
        "https://ann.example.org/p,It plots,Plots,A friend,log scales\n",
        encoding="utf-8",
    )
    args = ["club", "import", "plotting-with-matplotlib", str(csv_file), "--show", str(show_dir)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (
        "columns 'Tell us about your project' and 'Describe what you made' could each be the "
        "result's summary: neither was read (--map COLUMN=summary to choose)" in result.output
    )
    (r,) = club.load_results(load_show(show_dir))["plotting-with-matplotlib"]
    assert (r.name, r.url, r.title, r.summary, r.learned, r.submitted) == (
        "Ann",
        "https://ann.example.org/p",
        "",
        "",
        "log scales",
        dt.date(2026, 11, 20),
    )
    chosen = CliRunner().invoke(cli, [*args, "--map", "Describe what you made=summary"])
    assert "could each be" not in chosen.output
