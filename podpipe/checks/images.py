"""Apple's artwork rules, for the source images (before any work) and the built site."""

from __future__ import annotations

from pathlib import Path

ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
ARTWORK_ADVISED_BYTES = 512 * 1024


def check_image(path: Path) -> list[tuple[str, str]]:
    """Apple's artwork rules: (severity, message) for each one the file breaks."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            fmt, (w, h), mode, info = img.format, img.size, img.mode, dict(img.info)
    except (UnidentifiedImageError, OSError) as e:
        return [("error", f"not a readable image: {e}")]
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
    size = path.stat().st_size
    if size > ARTWORK_ADVISED_BYTES:
        out.append(("warning", f"artwork is {size // 1024} KB: hosts advise at most 512 KB"))
    return out


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
