"""Apple's artwork rules, for the source images (before any work) and the built site."""

from __future__ import annotations

import json
import os
from pathlib import Path

from podpipe.cache import write_atomic

ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
ARTWORK_ADVISED_BYTES = 512 * 1024


def check_image(path: Path) -> list[tuple[str, str]]:
    """Apple's artwork rules: (severity, message) for each one the file breaks."""
    return examine(path)[0]


def examine(path: Path) -> tuple[list[tuple[str, str]], bool]:
    """check_image's findings and whether the file is init's placeholder, in one read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            fmt, (w, h), mode, info = img.format, img.size, img.mode, dict(img.info)
    except (UnidentifiedImageError, OSError, ValueError) as e:
        return [("error", f"not a readable image: {e}")], False
    out = []
    if fmt not in ("JPEG", "PNG"):
        out.append(("error", f"artwork is {fmt}: Apple accepts JPEG or PNG"))
    if w != h:
        out.append(("error", f"artwork is {w}x{h}: it must be square"))
    if not (ARTWORK_MIN <= w <= ARTWORK_MAX and ARTWORK_MIN <= h <= ARTWORK_MAX):
        out.append(
            (
                "error",
                f"artwork is {w}x{h} px: Apple requires {ARTWORK_MIN}x{ARTWORK_MIN}"
                f" to {ARTWORK_MAX}x{ARTWORK_MAX}",
            )
        )
    if "A" in mode or "transparency" in info:
        out.append(
            (
                "error",
                f"artwork has an alpha channel (mode {mode}): save it as RGB without transparency",
            )
        )
    elif mode == "P":
        out.append(("warning", "artwork is a palette image: Apple asks for RGB"))
    elif mode not in ("RGB",):
        out.append(("error", f"artwork colour mode is {mode}: Apple requires RGB"))
    size = Path(path).stat().st_size
    if size > ARTWORK_ADVISED_BYTES:
        out.append(("warning", f"artwork is {size // 1024} KB: hosts advise at most 512 KB"))
    return out, PLACEHOLDER_KEY in info


# `podpipe init` writes its placeholder artwork with this PNG text key: `check` and
# `publish` recognise the file, whatever its name, until the host replaces it.
PLACEHOLDER_KEY = "podpipe-placeholder"
# The author and owner email `podpipe init` writes when the host gives none.
PLACEHOLDER_AUTHOR = "Your Name"
PLACEHOLDER_EMAIL = "you@example.com"


def is_placeholder_artwork(path: Path) -> bool:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return PLACEHOLDER_KEY in image.info
    except (OSError, ValueError):
        return False


CHECKS_FILE = "images.cache"  # in .podpipe/: ImageChecks


class ImageChecks:
    """check_image and is_placeholder_artwork by file, kept in ``.podpipe/images.cache``
    with each file's size, mtime and inode and this module's own stamp: `publish`,
    `status` and `check` (and the feed lint after every publish) do not import PIL and
    decode the same artwork on every run. ``work_dir`` None, or a show without its
    .podpipe/ yet: checked every time, nothing written (``save`` is a no-op)."""

    def __init__(self, work_dir: Path | None):
        self.file = work_dir / CHECKS_FILE if work_dir is not None else None
        st = os.stat(__file__)
        self.code = [st.st_size, st.st_mtime_ns]
        self.kept: dict = {}
        self.changed = False
        if self.file is not None:
            try:
                data = json.loads(self.file.read_text())
                if data.get("code") == self.code and isinstance(data.get("files"), dict):
                    self.kept = data["files"]
            except (OSError, ValueError, AttributeError):
                pass

    def _entry(self, path: Path) -> dict | None:
        try:
            st = os.stat(path)
        except OSError:
            return None  # checked as it is: "not a readable image"
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        name = os.fspath(path)
        entry = self.kept.get(name)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp:
            problems, placeholder = examine(Path(path))
            entry = {
                "stamp": stamp,
                "problems": [list(p) for p in problems],
                "placeholder": placeholder,
            }
            self.kept[name] = entry
            self.changed = True
        return entry

    def problems(self, path: Path) -> list[tuple[str, str]]:
        entry = self._entry(path)
        if entry is None:
            return check_image(Path(path))
        return [(str(severity), str(message)) for severity, message in entry["problems"]]

    def placeholder(self, path: Path) -> bool:
        entry = self._entry(path)
        return bool(entry["placeholder"]) if entry is not None else is_placeholder_artwork(path)

    def save(self) -> None:
        if not self.changed or self.file is None or not self.file.parent.is_dir():
            return
        try:
            write_atomic(self.file, json.dumps({"code": self.code, "files": self.kept}))
        except Exception:  # noqa: BLE001 - a cache: a read-only show folder checks again
            return
        self.changed = False
