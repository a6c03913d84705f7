#!/usr/bin/env python3
"""A publish with nothing changed, against `podpipe --version` (the start-up floor).

Target (issue 2): a no-op `podpipe publish` within 3x of `podpipe --version`.
Publishes a copy of the sample show once (the real work), then times both commands
alternately, several rounds, and prints medians side by side with their ratio.

    python3 bench/bench_publish_noop.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.show_helpers import copy_sample_show  # noqa: E402


def timed(cmd: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    podpipe = [sys.executable, "-m", "podpipe"]
    with tempfile.TemporaryDirectory() as tmp:
        show = copy_sample_show(Path(tmp) / "show")
        t0 = time.perf_counter()
        subprocess.run([*podpipe, "publish"], cwd=show, env=env, check=True, capture_output=True)
        first = time.perf_counter() - t0
        version, noop = [], []
        for _ in range(args.rounds):
            version.append(timed([*podpipe, "--version"], show, env))
            noop.append(timed([*podpipe, "publish"], show, env))
        shutil.rmtree(show)
    v, n = statistics.median(version), statistics.median(noop)
    print(f"first publish of the sample show (3 episodes, real work): {first:8.2f} s")
    print(f"{'command':<32}{'median s':>10}{'min s':>10}")
    print(f"{'podpipe --version':<32}{v:>10.3f}{min(version):>10.3f}")
    print(f"{'podpipe publish (no change)':<32}{n:>10.3f}{min(noop):>10.3f}")
    print(f"ratio no-op publish / --version: {n / v:.2f}x (target <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
