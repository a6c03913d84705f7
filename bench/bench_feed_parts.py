#!/usr/bin/env python3
"""feed.xml from kept per-item parts (feed/fragments.py) against the whole feedgen render.

Run from the repository root: ``python3 bench/bench_feed_parts.py [episodes] [repeats]``
(default 1000 episodes, 7 repeats). On bench_feed's synthetic show (notes, chapters, a
guest and four transcript links per episode, ~2.4 MB of feed at 1000) it alternates,
in one run:

- ``whole render``: the baseline, what build_feed did before the parts: feedgen renders
  every item, the feed written atomically;
- ``cold``: build_feed with no kept parts (the first publish, or a deleted cache);
- ``one edit``: build_feed after one episode's title changed (a warm cache);
- ``no change``: build_feed with every part kept.

It prints the least wall and CPU seconds of the repeats and each one's ratio to the
baseline. Every document built is checked against the whole render, byte for byte.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_feed import synthetic_show  # noqa: E402
from podpipe import feed  # noqa: E402
from podpipe.cache import write_atomic  # noqa: E402
from podpipe.feed import fragments  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        show, episodes = synthetic_show(root, count)
        out = root / "site" / "feed.xml"
        cache = show.work_dir / fragments.FILE
        wall: dict[str, float] = {}
        cpu: dict[str, float] = {}

        def timed(label: str, run) -> None:
            w, c = time.perf_counter(), time.process_time()
            run()
            w, c = time.perf_counter() - w, time.process_time() - c
            wall[label] = min(wall.get(label, float("inf")), w)
            cpu[label] = min(cpu.get(label, float("inf")), c)

        def check() -> None:
            if out.read_bytes() != feed.feed_bytes(show, episodes):
                raise SystemExit("the assembled feed differs from the whole render")

        middle = count // 2
        for round_ in range(repeats):
            timed(
                "whole render (baseline)",
                lambda: write_atomic(out, feed.feed_bytes(show, episodes)),
            )
            cache.unlink(missing_ok=True)
            timed("cold (no kept parts)", lambda: feed.build_feed(show, episodes, out))
            check()
            edited = dataclasses.replace(episodes[middle].episode, title=f"Edited {round_}")
            episodes[middle] = dataclasses.replace(episodes[middle], episode=edited)
            timed("one edit (warm)", lambda: feed.build_feed(show, episodes, out))
            check()
            timed("no change (warm)", lambda: feed.build_feed(show, episodes, out))
            check()
        size = out.stat().st_size
    base_wall, base_cpu = wall["whole render (baseline)"], cpu["whole render (baseline)"]
    print(f"feed of {count} episodes ({size / 1e6:.2f} MB), least of {repeats} alternating runs")
    print(f"{'':26} {'wall s':>8} {'ratio':>7} {'cpu s':>8} {'ratio':>7}")
    for label in wall:
        print(
            f"{label:26} {wall[label]:8.3f} {wall[label] / base_wall:7.2f}"
            f" {cpu[label]:8.3f} {cpu[label] / base_cpu:7.2f}"
        )


if __name__ == "__main__":
    main()
