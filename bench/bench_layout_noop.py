#!/usr/bin/env python3
"""A no-op publish and `podpipe --version`, this tree against a baseline commit.

Guards the package-per-stage move (issue 11): the orchestrator now imports its stages
at the top, so the stages must stay cheap to import. For each show size it publishes
once with each tree (the real work), then alternates the two trees' no-op publishes
(and --version), and prints the least of the repeats and the ratio this/baseline.

    python3 bench/bench_layout_noop.py [--baseline 97677b5] [--sizes 3,300,1000] [--repeats 7]

By default Python's bytecode cache is on, as for an installed podpipe (pip compiles the
package; an editable install caches on first run); `--no-bytecode` measures the sandbox
case where PYTHONDONTWRITEBYTECODE=1 makes every run compile every module it imports.
Size 3 is the sample show with its default settings (transcription on); larger sizes
are generated shows of 3-second episodes with transcription off, as in issue 17's table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.show_helpers import copy_sample_show  # noqa: E402

CLIP = REPO / "episodes" / "002-groupby-stories" / "interview.mp3"


def generated_show(root: Path, count: int) -> Path:
    """The sample show's show.yaml and club, with ``count`` 3-second episodes."""
    show = copy_sample_show(root)
    shutil.rmtree(show / "episodes")
    (show / "guids.yaml").unlink()
    text = (
        (show / "show.yaml")
        .read_text()
        .replace("  model: tiny.en\n", "  model: tiny.en\n  enabled: false\n")
    )
    (show / "show.yaml").write_text(text)
    ffmpeg = __import__("imageio_ffmpeg").get_ffmpeg_exe()
    clip = root.parent / f"clip-{root.name}.mp3"
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-i", str(CLIP), "-t", "3", "-c", "copy", str(clip)],
        check=True,
    )
    for n in range(1, count + 1):
        folder = show / "episodes" / f"{n:04d}-episode-{n}"
        folder.mkdir(parents=True)
        shutil.copyfile(clip, folder / "interview.mp3")
        day = 1 + (n % 28)
        (folder / "episode.yaml").write_text(
            f"number: {n}\ntitle: Episode {n}\ndate: 2020-{1 + n % 12:02d}-{day:02d}\n"
            f"summary: The episode numbered {n}.\nnotes: |\n  Notes of episode {n}.\n"
        )
    return show


BYTECODE = True  # as an installed podpipe runs: pip compiles it, Python caches the rest


def run(code: Path, args: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    if BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # set in some sandboxes: every run compiles
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "podpipe", *args], cwd=cwd, env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def baseline_tree(ref: str, into: Path) -> Path:
    into.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref, "podpipe"], cwd=REPO, check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="97677b5", help="git ref (default: before the move)")
    parser.add_argument("--sizes", default="3,300,1000")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="compile every module on every run (PYTHONDONTWRITEBYTECODE=1), no .pyc cache",
    )
    args = parser.parse_args()
    global BYTECODE
    BYTECODE = not args.no_bytecode
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trees = {"baseline": baseline_tree(args.baseline, tmp / "baseline"), "this": REPO}
        cached = "cached bytecode" if BYTECODE else "no bytecode cache (every run compiles)"
        print(f"baseline: {args.baseline}; {cached}; least of {args.repeats} alternating runs, s")
        print(f"{'episodes':>8} {'command':<22}{'baseline':>10}{'this':>10}{'ratio':>8}")
        for size in (int(s) for s in args.sizes.split(",")):
            shows = {}
            for name in trees:
                root = tmp / f"{name}-{size}" / "show"
                root.parent.mkdir()
                shows[name] = copy_sample_show(root) if size == 3 else generated_show(root, size)
                run(trees[name], ["-q", "publish"], shows[name])  # the real work, once
            for label, cmd in (("--version", ["--version"]), ("publish (no change)", ["publish"])):
                best = {name: float("inf") for name in trees}
                for _ in range(args.repeats):
                    for name in trees:
                        best[name] = min(best[name], run(trees[name], cmd, shows[name]))
                ratio = best["this"] / best["baseline"]
                print(
                    f"{size:>8} {label:<22}{best['baseline']:>10.3f}{best['this']:>10.3f}"
                    f"{ratio:>7.2f}x"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
