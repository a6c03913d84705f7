"""Shared pieces of the workflow tests (podpipe init, podpipe episode add)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

WORKTREE = Path(__file__).resolve().parents[1]
SPEECH = Path(__file__).resolve().parent / "data" / "jfk.flac"


def copy_speech(folder: Path, name: str = "jfk.flac") -> Path:
    """A real speech recording (11 s of JFK) in a folder the test owns."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(SPEECH, target)
    return target


def make_tone(path: Path, seconds: float = 1.0, hz: int = 440) -> Path:
    """A short, real, decodable recording (a sine tone) that differs by ``hz``."""
    from podpipe.media import run

    path.parent.mkdir(parents=True, exist_ok=True)
    run(["-f", "lavfi", "-i", f"sine=frequency={hz}:duration={seconds}", "-y", str(path)])
    return path


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root: its bytes and mtime, to prove nothing changed (podpipe's
    own caches in .podpipe/ aside: a refused command may still remember a parse)."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".podpipe" not in p.relative_to(root).parts
    }


def run_podpipe(*args: str, cwd: Path, stdin=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(WORKTREE), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "podpipe", *args],
        cwd=cwd,
        env=env,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
