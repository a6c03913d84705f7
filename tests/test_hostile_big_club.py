"""Big results sets (issue 20, bounded work): libyaml's reader gives what ruamel gives,
values and lines; the emitter's lines read back as the entries written; `club import` of
20,000 rows (the limit) takes seconds, twice, and 100,000 rows are refused with the limit
before anything is written."""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
from pathlib import Path

import pytest

from podpipe.config import FALLBACK, LimitError, block_items, fast_load, line_of, parse
from podpipe.config.fastyaml import available
from tests.hostile_helpers import assert_clean_failure, billion_laughs, deep_list, run_cli
from tests.show_helpers import copy_sample_show, tree_bytes

pytestmark = pytest.mark.skipif(not available(), reason="PyYAML without libyaml")

CYCLE = "plotting-with-matplotlib"

SAME = [
    "results:\n  - name: Ann\n    url: https://a\n    links: [https://x, https://y]\n"
    "    submitted: 2026-11-17\n",
    "results:\n- name: yes\n  title: 010\n  summary: 1:20\n  learned: ~\n  x: 1e3\n  y: .inf\n"
    "  z: true\n  w: 'true'\n  v: \"q\\tq\"\n  u: |\n    block\n    text\n  t: >\n    folded\n",
    "a: &x [1, 2]\nb: *x\nc: &s str\nd: *s\n",
    "",
    "# only comments\n",
    "results: []\n",
    "results:\n  -\n  - - nested\n  - {a: 1, b: [x, {c: d}]}\n",
    "key with spaces: value\n'quoted key': 1\n",
    "results:\n  - name: Eve \u00e9\u4e2d\U0001f600\n",
    "results:\n- name: 0x1f\n  t: +1\n  n: -.5\n  nul: null\n  f: False\n  o: off\n",
]

# what ruamel must read itself: its values or its message
RUAMEL = [
    "a: 1\na: 2\n",
    "<<: {a: 1}\n",
    "a: !foo x\n",
    "a: 1\n---\nb: 2\n",
    "a: [\n",
    "? [a]\n: b\n",
    "a: *nope\n",
    "a: !!python/object:os.system x\n",
    "a: line\u2028break\n",
]


def _same(fast, ref, path="$"):
    if isinstance(ref, dict):
        assert isinstance(fast, dict) and list(fast) == list(ref), path
        assert line_of(fast) == line_of(ref), path
        for k in ref:
            assert line_of(fast, k) == line_of(ref, k), f"{path}.{k}"
            _same(fast[k], ref[k], f"{path}.{k}")
    elif isinstance(ref, list):
        assert isinstance(fast, list) and len(fast) == len(ref), path
        for i, item in enumerate(ref):
            assert line_of(fast, i) == line_of(ref, i), f"{path}[{i}]"
            _same(fast[i], item, f"{path}[{i}]")
    else:
        assert fast == ref and isinstance(fast, type(ref).__mro__[-2]), (path, fast, ref)


@pytest.mark.parametrize("text", SAME)
def test_the_fast_reader_gives_ruamels_values_and_lines(text):
    _same(fast_load(text), parse(text, Path("x.yaml")))


@pytest.mark.parametrize("text", RUAMEL)
def test_the_unusual_is_left_to_ruamel(text):
    assert fast_load(text) is FALLBACK


@pytest.mark.parametrize(
    "text, words, line",
    [
        (deep_list(5000), "nested more than 50 levels deep", 1),
        ("x: 1\n" + "- " * 100_000 + "x\n", None, None),  # not a mapping: ruamel's message
        ("a: &a [*a]\n", "an alias refers to the list or mapping it is in", 1),
        (billion_laughs("links"), "its aliases (*name) expand", 10),
    ],
)
def test_the_fast_reader_keeps_the_limits(text, words, line):
    start = time.perf_counter()
    if words is None:
        assert fast_load(text) is FALLBACK
    else:
        with pytest.raises(LimitError, match=re.escape(words)) as e:
            fast_load(text)
        assert e.value.line == line
    assert time.perf_counter() - start < 5


HOSTILE_TEXT = [
    "Ann",
    "Ann: the \"best\" 'one'",
    "true",
    "2026-01-01",
    "010",
    "~",
    "- dash",
    "#hash",
    "a # b",
    "tab\there",
    "line1\nline2",
    " padded ",
    "https://a.org/x#y?q=1&r=2",
    "[flow]",
    "{flow}",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`tick`",
    "ends with colon:",
    "back\\slash",
    "NEL\x85 LS\u2028 PS\u2029 BOM\ufeff",
    "emoji \U0001f600 and \u4e2d",
    "yes",
    "null",
    "<<",
    "=",
    "'",
    '"',
    "---",
    "...",
]


@pytest.mark.parametrize("indent", [(2, 4, 2), (2, 2, 0), (2, 8, 4)])
def test_the_emitters_lines_read_back_as_the_entries(indent):
    entries = [
        {"name": text, "url": f"https://e{i}.example.org/", "links": [text, "https://l"]}
        for i, text in enumerate(HOSTILE_TEXT)
    ]
    entries.append(
        {"name": "Dated", "url": "https://d.example.org/", "submitted": dt.date(2026, 11, 3)}
    )
    text = "results:\n" + block_items(entries, indent)
    ref = parse(text, Path("x.yaml"))
    assert [dict(e) for e in ref["results"]] == [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in e.items()} for e in entries
    ]
    assert "\u2028" not in text  # escaped: libyaml and ruamel read it alike
    _same(fast_load(text), ref)


def _form(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Title", "URL", "Summary"])
        for i in range(rows):
            w.writerow([f"Row {i}", f"Title {i}: a, b", f"https://r{i}.example.org/x", "Sum\nmary"])
    return path


@pytest.fixture
def show(tmp_path) -> Path:
    return copy_sample_show(tmp_path / "show")


def test_importing_20000_rows_twice_takes_seconds(show, tmp_path):
    form = _form(tmp_path / "form.csv", 20_000)
    file = show / "club" / f"{CYCLE}.yaml"
    start = time.perf_counter()
    first = run_cli("club", "import", CYCLE, str(form), cwd=show, timeout=120)
    assert first.returncode == 0 and "20000 added" in first.stdout, first.stdout + first.stderr
    after_first = file.read_bytes()
    again = run_cli("club", "import", CYCLE, str(form), cwd=show, timeout=120)
    seconds = time.perf_counter() - start
    assert again.returncode == 0 and "20000 already there" in again.stdout, again.stdout
    assert file.read_bytes() == after_first
    # 156 s before libyaml's reader and the emitter, on this machine; seconds now
    assert seconds < 40, seconds
    doc = fast_load(after_first.decode())
    assert doc["results"][-1]["summary"] == "Sum\nmary"
    assert doc["results"][7]["title"] == "Title 7: a, b"


def test_importing_100000_rows_is_refused_with_the_limit_and_nothing_written(show, tmp_path):
    form = _form(tmp_path / "form.csv", 100_000)
    before = tree_bytes(show)
    start = time.perf_counter()
    result = run_cli("club", "import", CYCLE, str(form), cwd=show, timeout=120)
    assert_clean_failure(result, 2, "100,000 rows, more than the 20,000 results one cycle")
    assert time.perf_counter() - start < 30
    assert tree_bytes(show) == before


def test_an_add_keeps_every_comment_and_entry_of_a_big_file(show):
    file = show / "club" / "sql-window-functions.yaml"
    text = file.read_text(encoding="utf-8") + "".join(
        f"  # comment {i}\n  - name: P{i}\n    url: https://p{i}.example.org/\n"
        for i in range(5000)
    )
    file.write_text(text, encoding="utf-8")
    result = run_cli(
        "club", "add", "sql-window-functions", "--name", "Ann: yes", "--title", "true",
        "--url", "https://ann.example.org/", cwd=show, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    after = file.read_text(encoding="utf-8")
    assert after.startswith(text)
    last = parse(after, file)["results"][-1]
    assert (last["name"], last["title"]) == ("Ann: yes", "true")
