#!/usr/bin/env python3
"""Big club results: `club add` on a results file of 10,000 entries and on one with 4 MB
of comment lines, and `club import` of 100,000 rows twice (issue 20), this tree against
a baseline tree, alternating, least of the repeats; peak memory (max RSS) per run.

    python3 bench/bench_club_size.py [--baseline /tmp/main-tree] [--repeats 3] [--cap 120]

``--baseline`` is a checkout of the commit to compare with (e.g. `git archive main | tar
-x -C DIR`); without it only this tree runs. A run over ``--cap`` seconds is stopped and
reported as "> cap" (the baseline's comment-keeping diff was quadratic: 262 s on the
4 MB file in the issue). Each run is the real CLI in a fresh copy of the sample show.
The 100,000-row import is refused by this tree (the stated limit is 20,000 results per
cycle), so the bench also imports 20,000 rows (the limit) twice. ``--publish`` adds a
publish (transcription off) of the sample show with 20,000 results in one cycle: time,
peak memory, and the largest text node of feed.xml and club/feed.xml (parsed by lxml).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.show_helpers import copy_sample_show  # noqa: E402

CYCLE = "plotting-with-matplotlib"


def results_yaml(n: int) -> str:
    return "results:\n" + "".join(
        f"  - name: Participant {i}\n    title: Result {i}\n"
        f"    url: https://p{i}.example.org/result\n"
        f"    summary: What participant {i} built with matplotlib.\n"
        for i in range(n)
    )


def comments_yaml(megabytes: float) -> str:
    line = "# a comment line the host wrote, kept by every rewrite of this file\n"
    return line * int(megabytes * 1024 * 1024 / len(line)) + results_yaml(3)


def form_csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Title", "URL", "Summary"])
        for i in range(rows):
            w.writerow([f"Row {i}", f"Title {i}", f"https://r{i}.example.org/x", "A summary."])
    return path


def run(tree: Path, show: Path, args: list[str], cap: float) -> tuple[float | None, float, int]:
    """(seconds or None past the cap, peak MB, exit code) of `podpipe ARGS` in ``show``."""
    code = (
        "import resource, runpy, sys\n"
        "sys.argv = ['podpipe', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('podpipe', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    rc = e.code or 0\n"
        "else:\n"
        "    rc = 0\n"
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1"}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=show, env=env, capture_output=True, text=True, timeout=cap,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None, float("nan"), -1
    seconds = time.perf_counter() - start
    rss = next((int(x.split()[1]) for x in done.stderr.splitlines() if x.startswith("MAXRSS")), 0)
    return seconds, rss / 1024, done.returncode


def largest_text_nodes(site: Path) -> str:
    """The largest text node of each feed, as lxml parses it (it refuses nodes over 10 MB)."""
    from lxml import etree

    out = []
    for name in ("feed.xml", "club/feed.xml"):
        path = site / name
        if path.is_file():
            tree = etree.parse(str(path))
            big = max((len(e.text or "") for e in tree.iter()), default=0)
            out.append(f"{name} {path.stat().st_size / 1e6:.1f} MB, largest text node {big:,}")
    return "; ".join(out)


def case(
    name: str, setup, args_for, trees: dict[str, Path], repeats: int, cap: float, after=None
) -> None:
    best: dict[str, tuple[float | None, float, int]] = {}
    for _ in range(repeats):
        for label, tree in trees.items():  # alternating
            with tempfile.TemporaryDirectory(prefix="bench-club-", dir="/tmp") as tmp:
                show = copy_sample_show(Path(tmp) / "show")
                extra = setup(show, Path(tmp))
                runs = args_for(extra)
                total, peak, codes = 0.0, 0.0, []
                for args in runs:
                    seconds, mb, rc = run(tree, show, args, cap)
                    if seconds is None:
                        total = None
                        break
                    total += seconds
                    peak = max(peak, mb)
                    codes.append(rc)
                if after is not None and total is not None:
                    print(f"{'':44s} {label:9s} {after(show)}")
                previous = best.get(label)
                result = (total, peak, tuple(codes))
                if previous is None or (total is not None and (previous[0] or 1e9) > total):
                    best[label] = result
    for label, (seconds, peak, codes) in best.items():
        shown = f"> {cap:.0f} s (stopped)" if seconds is None else f"{seconds:7.2f} s"
        print(f"{name:44s} {label:9s} {shown}  peak {peak:7.1f} MB  exit {codes}")
    if len(best) == 2 and all(b[0] for b in best.values()):
        this, base = best["this"][0], best["baseline"][0]
        print(f"{'':44s} ratio this/baseline {this / base:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--publish", action="store_true", help="also publish 20,000 results")
    opts = parser.parse_args()
    trees = {"this": REPO}
    if opts.baseline:
        trees["baseline"] = opts.baseline
    add = ["club", "add", CYCLE, "--name", "New One", "--url", "https://new.example.org/x"]

    def write(text: str):
        def setup(show: Path, tmp: Path) -> None:
            (show / "club" / f"{CYCLE}.yaml").write_text(text, encoding="utf-8")

        return setup

    def csv_of(rows: int):
        return lambda show, tmp: form_csv(tmp / "form.csv", rows)

    def import_twice(path: Path) -> list[list[str]]:
        return [["club", "import", CYCLE, str(path)]] * 2

    print(f"{'case':44s} {'tree':9s} time (least of {opts.repeats}), peak RSS, exit codes")
    case("club add, 10,000 results", write(results_yaml(10_000)), lambda _: [add],
         trees, opts.repeats, opts.cap)  # fmt: skip
    case("club add, 4 MB of comments", write(comments_yaml(4)), lambda _: [add],
         trees, opts.repeats, opts.cap)  # fmt: skip
    case("club import 100,000 rows, twice", csv_of(100_000), import_twice,
         trees, 1, opts.cap)  # fmt: skip
    case("club import 20,000 rows (the limit), twice", csv_of(20_000), import_twice,
         trees, 1, opts.cap)  # fmt: skip
    if opts.publish:

        def big_club(show: Path, tmp: Path) -> None:
            yaml = show / "show.yaml"
            yaml.write_text(
                yaml.read_text().replace("transcription:\n", "transcription:\n  enabled: false\n")
            )
            (show / "club" / f"{CYCLE}.yaml").write_text(results_yaml(20_000), encoding="utf-8")

        publish = [["publish", "--today", "2026-11-24"]]
        case("publish, 20,000 results in a cycle", big_club, lambda _: publish, trees, 1,
             max(opts.cap, 900), after=lambda show: largest_text_nodes(show / "site"))  # fmt: skip


if __name__ == "__main__":
    main()
