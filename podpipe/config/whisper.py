"""The Whisper models podpipe knows by name, and where a model is on this machine.

The names are faster-whisper's (tiny to large-v3, the distil variants, turbo), each
with its Hugging Face repository, its download size and a speed class. A model is
installed when it is the bundled ``tiny.en``, in podpipe's model store
(``podpipe models fetch`` / ``import`` put it there), or already in the Hugging Face
cache. Plain file-system lookups: nothing here imports a hub client or an engine, so
``check`` can ask before any work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from podpipe import defaults


@dataclass(frozen=True)
class KnownModel:
    name: str
    repo: str  # the CTranslate2 conversion on the Hugging Face hub
    size_mb: int  # model.bin and tokenizer, as downloaded
    speed: str  # a speed class on CPU, relative to tiny
    english_only: bool
    openai: bool  # openai-whisper knows the name too (its own download)


S = "Systran/faster-whisper-"
D = "Systran/faster-distil-whisper-"
KNOWN = {
    m.name: m
    for m in (
        KnownModel("tiny.en", S + "tiny.en", 75, "fastest (bundled)", True, True),
        KnownModel("tiny", S + "tiny", 75, "fastest", False, True),
        KnownModel("base.en", S + "base.en", 145, "fast", True, True),
        KnownModel("base", S + "base", 145, "fast", False, True),
        KnownModel("small.en", S + "small.en", 484, "medium", True, True),
        KnownModel("small", S + "small", 484, "medium", False, True),
        KnownModel("distil-small.en", D + "small.en", 336, "fast", True, False),
        KnownModel("medium.en", S + "medium.en", 1530, "slow", True, True),
        KnownModel("medium", S + "medium", 1530, "slow", False, True),
        KnownModel("distil-medium.en", D + "medium.en", 789, "medium", True, False),
        KnownModel("large-v1", S + "large-v1", 3090, "slowest", False, True),
        KnownModel("large-v2", S + "large-v2", 3090, "slowest", False, True),
        KnownModel("large-v3", S + "large-v3", 3090, "slowest", False, True),
        KnownModel("large", S + "large-v3", 3090, "slowest", False, True),
        KnownModel("distil-large-v2", D + "large-v2", 1510, "slow", False, False),
        KnownModel("distil-large-v3", D + "large-v3", 1510, "slow", False, False),
        KnownModel(
            "distil-large-v3.5", "distil-whisper/distil-large-v3.5-ct2", 1510, "slow", False, False
        ),
        KnownModel(
            "large-v3-turbo",
            "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
            1620,
            "slow",
            False,
            True,
        ),
        KnownModel(
            "turbo", "mobiuslabsgmbh/faster-whisper-large-v3-turbo", 1620, "slow", False, True
        ),
    )
}
CT2_FILES = (
    "config.json",
    "preprocessor_config.json",
    "model.bin",
    "tokenizer.json",
    "vocabulary.*",
)


def looks_like_path(model: str) -> bool:
    """A local model, not a name; "org/name" stays a Hugging Face id unless it exists."""
    return (
        model.startswith(("/", ".", "~", "\\"))
        or model.endswith((".pt", ".bin"))
        or (len(model) > 2 and model[1] == ":")
        or Path(model).expanduser().exists()
    )


def is_hub_id(model: str) -> bool:
    return "/" in model and not looks_like_path(model)


def cache_root() -> Path:
    """podpipe's cache: $PODPIPE_CACHE_DIR, else $XDG_CACHE_HOME/podpipe (~/.cache/podpipe)."""
    if os.environ.get("PODPIPE_CACHE_DIR"):
        return Path(os.environ["PODPIPE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "podpipe"


def store_dir() -> Path:
    """Where ``podpipe models fetch`` and ``import`` install models: <cache>/models/."""
    return cache_root() / "models"


def store_path(name: str) -> Path:
    """The folder (CTranslate2) a model of that name has in the store."""
    return store_dir() / name


def hub_cache() -> Path:
    """The Hugging Face hub cache faster-whisper downloads into (HF_HUB_CACHE, HF_HOME)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "huggingface",
    )
    return Path(home) / "hub"


def installed(name: str, engine: str = defaults.ENGINES[0]) -> Path | None:
    """Where the named model is on this machine for ``engine``, or None. (The bundled
    tiny.en is found by the transcribe package; here it counts as installed.)"""
    if name == defaults.MODEL:
        return Path("<bundled>")
    folder = store_path(name)
    if (folder / "model.bin").is_file():
        return folder  # openai-whisper converts a CTranslate2 folder itself
    if engine == "openai-whisper":
        for pt in (store_dir() / f"{name}.pt", Path.home() / ".cache" / "whisper" / f"{name}.pt"):
            if pt.is_file():
                return pt
        return None
    repo = KNOWN[name].repo if name in KNOWN else name
    snapshots = hub_cache() / ("models--" + repo.replace("/", "--")) / "snapshots"
    found = sorted(snapshots.glob("*/model.bin")) if snapshots.is_dir() else []
    return found[-1].parent if found else None


def imported_names() -> list[str]:
    """Models in the store that are not in the catalog (``podpipe models import``)."""
    root = store_dir()
    if not root.is_dir():
        return []
    names = {p.name for p in root.iterdir() if (p / "model.bin").is_file()}
    names |= {p.stem for p in root.glob("*.pt")}
    return sorted(names - KNOWN.keys())


def fetch_command(name: str) -> str:
    return f"podpipe models fetch {name}"
