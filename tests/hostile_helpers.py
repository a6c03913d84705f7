"""Helpers of the hostile-input suites: the real CLI in a subprocess, bounded in time,
memory and file size (a hang or a runaway allocation fails the test, never the machine)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.show_helpers import REPO

MEMORY_LIMIT = 2 * 1024**3  # an alias bomb expanded would pass this long before finishing


def billion_laughs(key: str | None, levels: int = 9) -> str:
    """A YAML "billion laughs" document: ``key`` ends up 9**levels values big (no key:
    only the anchors, for *l8 further down)."""
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    if key:
        lines.append(f"{key}: *l{levels - 1}")
    return "\n".join(lines) + "\n"


def deep_list(depth: int = 5000) -> str:
    return "[" * depth + "]" * depth


def run_cli(
    *args: str, cwd: Path, timeout: float = 60, fsize: int | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """`podpipe ARGS` as a host runs it, limited: ``fsize`` bytes per file written (a full
    disk, as the kernel reports a file-size limit: EFBIG), 2 GiB of memory, ``timeout``."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "podpipe", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limits,
    )


def assert_clean_failure(result: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    """Exit ``code``, no traceback, and every needle in the output."""
    out = result.stdout + result.stderr
    assert result.returncode == code, out
    assert "Traceback" not in out, out
    for needle in needles:
        assert needle in out, out
