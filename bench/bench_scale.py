#!/usr/bin/env python3
"""Large shows (issue 17): publish, one edit, status and check against `podpipe --version`.

For each size it generates a show of 3-second episodes with transcription off (as in
issue 17's table), publishes it once (the real work: identical clips share one cached
audio output) and then alternates, in the same run, `podpipe --version` (the start-up
floor) with: a no-op publish, a publish after one episode's title was edited, `status`
and `check`; every round times every size, so the sizes are compared over the same
stretch of a shared machine's time. It prints the least of the repeats and each one's
ratio to --version, and the CPU seconds (user + system) as a load-proof second figure.

    python3 bench/bench_scale.py [--sizes 30,300,1000] [--repeats 3] [--tree DIR]

Targets at 1000 episodes: no-op <= 5x, one edit <= 15x, status and check <= 5x, and the
one-edit figure at 1000 within 2x of the one at 30. ``--tree`` times another copy of
the package (say a `git archive` of main) instead of this one.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.scale_helpers import edit_title, generated_show  # noqa: E402

TARGETS = {"publish (no change)": 5, "publish (one edit)": 15, "status": 5, "check": 5}


CPU: dict[str, float] = {}  # least CPU seconds (user + system) per command
CPU_KEYS = {  # the rows' labels: their key in CPU
    "--version": "--version",
    "publish (no change)": "publish",
    "publish (one edit)": "edit",
    "status": "status",
    "check": "check",
}


def timed(code: Path, args: list[str], cwd: Path, ok=(0,), key: str = "") -> float:
    """Wall seconds of ``podpipe ARGS``; its CPU seconds (user + system, less moved by
    other work on a shared machine) are kept in CPU, the least per command."""
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed podpipe: bytecode cached
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "podpipe", *args], cwd=cwd, env=env, capture_output=True
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    key = key or " ".join(args)
    CPU[key] = min(CPU.get(key, float("inf")), cpu)
    if done.returncode not in ok:
        raise SystemExit(
            f"podpipe {' '.join(args)} failed:\n{done.stdout.decode()}{done.stderr.decode()}"
        )
    return seconds


def edit_one(show: Path, size: int, round_: int) -> None:
    """Change the title of the middle episode (a different title every round)."""
    n = max(1, size // 2)
    edit_title(show, n, f"Episode {n}, edit {round_}")


def output_lines(code: Path, args: list[str], cwd: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "podpipe", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    return len((out.stdout + out.stderr).splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,300,1000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=REPO, help="the code to time")
    args = parser.parse_args()
    code = args.tree.resolve()
    one_edit: dict[int, float] = {}
    one_edit_cpu: dict[int, float] = {}
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"code: {code}; least of {args.repeats} runs, alternating the commands and the sizes;")
    print("ratio to --version")
    print(f"{'episodes':>8} {'command':<22}{'seconds':>9}{'ratio':>8}{'target':>8}{'lines':>7}")
    with tempfile.TemporaryDirectory(prefix="i17-bench-", dir="/tmp/i17") as tmp:
        shows: dict[int, Path] = {}
        first: dict[int, float] = {}
        for size in sizes:
            root = Path(tmp) / f"s{size}" / "show"
            root.parent.mkdir()
            shows[size] = generated_show(root, size)
            started = time.perf_counter()
            timed(code, ["-q", "publish"], shows[size])  # the real work, once
            first[size] = time.perf_counter() - started
        best = {size: {k: float("inf") for k in ("--version", *TARGETS)} for size in sizes}
        cpu_best: dict[int, dict[str, float]] = {size: {} for size in sizes}
        # Every round times every size, so a machine that slows down for a while slows
        # all sizes alike (the growth figure compares sizes).
        for r in range(args.repeats):
            for size in sizes:
                show, b = shows[size], best[size]
                CPU.clear()
                b["--version"] = min(b["--version"], timed(code, ["--version"], show))
                b["publish (no change)"] = min(
                    b["publish (no change)"], timed(code, ["publish"], show)
                )
                edit_one(show, size, r)
                b["publish (one edit)"] = min(
                    b["publish (one edit)"], timed(code, ["publish"], show, key="edit")
                )
                b["status"] = min(b["status"], timed(code, ["status"], show, ok=(0, 1)))
                b["check"] = min(b["check"], timed(code, ["check"], show, ok=(0, 1)))
                for label, key in CPU_KEYS.items():
                    cpu_best[size][label] = min(cpu_best[size].get(label, float("inf")), CPU[key])
        for size in sizes:
            show, b, cpu = shows[size], best[size], cpu_best[size]
            edit_one(show, size, args.repeats)
            lines = {"publish (one edit)": output_lines(code, ["publish"], show)}
            lines["status"] = output_lines(code, ["status"], show)
            feed_kb = (show / "site" / "feed.xml").stat().st_size / 1000
            print(f"{size:>8} {'first publish':<22}{first[size]:>9.2f}")
            base = b["--version"]
            print(f"{size:>8} {'--version':<22}{base:>9.3f}{1:>7.2f}x   cpu {cpu['--version']:.3f}")
            for label, target in TARGETS.items():
                ratio = b[label] / base
                mark = "" if size != 1000 else ("ok" if ratio <= target else "MISS")
                cpu_ratio = f"   cpu {cpu[label] / cpu['--version']:.2f}x"
                print(
                    f"{size:>8} {label:<22}{b[label]:>9.3f}{ratio:>7.2f}x"
                    f"{f'<={target}x':>8} {mark}{lines.get(label, ''):>6}{cpu_ratio}"
                )
            print(f"{size:>8} {'feed.xml':<22}{feed_kb:>8.0f}K")
            one_edit[size] = b["publish (one edit)"]
            one_edit_cpu[size] = cpu["publish (one edit)"]
    print(f"load average {os.getloadavg()[0]:.1f}")
    if len(sizes) > 1:
        big, small = max(sizes), min(sizes)
        growth = one_edit[big] / one_edit[small]
        cpu_growth = one_edit_cpu[big] / one_edit_cpu[small]
        print(
            f"one edit at {big} / at {small}: {growth:.2f}x (target <= 2x); cpu {cpu_growth:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
