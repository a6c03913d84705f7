"""Helpers shared by tests: temporary copies of the bundled sample show."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_FILES = ("show.yaml", "artwork.png", "episodes", "club", "guids.yaml", "templates")


def copy_sample_show(dest: Path) -> Path:
    """Copy the sample show (sources only, no site or cache) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return dest


def podpipe(
    *args: str,
    cwd: Path | None = None,
    env: dict | None = None,
    check: bool = False,
    timeout: float = 900,
) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a host would."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "podpipe", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root with its content, for byte-identical comparisons."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
