"""Thumbnails of the artwork for the site's lists: small JPEGs made with Pillow at build
time, so a list of episodes does not load a 1400 px original per row.

A thumbnail is kept in ``.podpipe/thumbnails/`` under the hash of its source's bytes and
its width: an unchanged artwork is never resized again, a changed one gets a new file.
Pillow is imported only when a thumbnail must really be made.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.config import Show
from podpipe.errors import ProcessingError

log = logging.getLogger(__name__)

QUALITY = 82
VERSION = 1  # bump when the way thumbnails are made changes


@dataclass(frozen=True)
class Thumbnail:
    path: str  # site path (``artwork-192.jpg``)
    width: int
    height: int


@dataclass(frozen=True)
class Art:
    """An artwork as the pages show it: its thumbnails, smallest first."""

    original: str  # site path of the full-size artwork
    thumbnails: tuple[Thumbnail, ...]

    def srcset(self, root: str) -> str:
        return ", ".join(f"{root}{t.path} {t.width}w" for t in self.thumbnails)

    def src(self, root: str, at_least: int = 0) -> str:
        """The smallest thumbnail at least ``at_least`` pixels wide (else the largest)."""
        fit = [t for t in self.thumbnails if t.width >= at_least] or [self.thumbnails[-1]]
        return root + fit[0].path

    def height_for(self, width: int) -> int:
        t = self.thumbnails[-1]
        return round(width * t.height / t.width)


def site_art(show: Show, out_dir: Path, path: str) -> Art | None:
    """Thumbnails of the artwork at site path ``path`` (already in ``out_dir``), placed
    beside it; None when there is no such file."""
    source = out_dir / path
    if not source.is_file():
        return None
    data = source.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:24]
    cache = show.work_dir / "thumbnails"
    thumbs = []
    for width in urls.THUMB_WIDTHS:
        cached = cache / f"{key}-{width}-v{VERSION}.jpg"
        if not cached.is_file():
            write_atomic(cached, resize(source, width))
        size = jpeg_size(cached)
        target = out_dir / urls.thumbnail(path, width)
        shutil.copyfile(cached, target)
        thumbs.append(Thumbnail(urls.thumbnail(path, width), *size))
    return Art(path, tuple(thumbs))


def resize(source: Path, width: int) -> bytes:
    """A JPEG ``width`` pixels wide (never wider than the source), transparency on white."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, (255, 255, 255))
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            image = image.convert("RGB")
            if image.width > width:
                image = image.resize(
                    (width, round(image.height * width / image.width)), Image.LANCZOS
                )
            out = io.BytesIO()
            image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    except (OSError, UnidentifiedImageError) as e:
        raise ProcessingError(f"cannot make a thumbnail of the artwork: {e}", file=source) from e
    log.debug("thumbnail %s at %d px", source, width)
    return out.getvalue()


def jpeg_size(file: Path) -> tuple[int, int]:
    """(width, height) from a baseline or progressive JPEG's SOF marker, without Pillow."""
    data = file.read_bytes()
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    raise ProcessingError("not a JPEG thumbnail", file=file)
