"""`podpipe models`: the models podpipe knows and which are installed, ``fetch`` (the
Hugging Face hub download faster-whisper itself uses, with progress) and ``import`` (a
CTranslate2 folder or an openai-whisper checkpoint copied from elsewhere).

Everything lands in podpipe's model store (config.whisper.store_dir()), under the name
show.yaml's ``transcription.model`` then uses; a model is placed under a temporary name
and renamed when it is complete, so a broken download never looks installed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from podpipe.cache import current_umask
from podpipe.config.whisper import (
    CT2_FILES,
    KNOWN,
    imported_names,
    installed,
    is_hub_id,
    looks_like_path,
    store_dir,
    store_path,
)
from podpipe.errors import ProcessingError, RequestError
from podpipe.transcribe.convert import read_ct2_variables
from podpipe.transcribe.models import BUNDLED_MODEL, bundled_model_dir


@dataclass(frozen=True)
class ModelRow:
    name: str
    size_mb: int | None  # on disk when installed, else the download's
    speed: str
    english_only: bool
    where: Path | None  # None: not installed


def list_models(engine: str = "faster-whisper") -> list[ModelRow]:
    """Every name podpipe knows, then the imported ones, with where each is installed."""
    rows = []
    for name, known in KNOWN.items():
        where = installed(name, engine)
        if name == BUNDLED_MODEL:
            where = bundled_model_dir()
        size = _size_mb(where) if where else known.size_mb
        rows.append(ModelRow(name, size, known.speed, known.english_only, where))
    for name in imported_names():
        where = installed(name, engine) or store_dir() / f"{name}.pt"
        rows.append(ModelRow(name, _size_mb(where), "imported", name.endswith(".en"), where))
    return rows


def _size_mb(path: Path) -> int:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 1e6)


def fetch_model(name: str) -> Path:
    """Download a named model (or a Hugging Face id) into the store, with the hub's
    progress bars; RequestError for a name podpipe does not know, ProcessingError when
    the hub cannot be reached (what to do offline included)."""
    if looks_like_path(name):
        raise RequestError(f"{name} is a path: install a local model with podpipe models import")
    if name not in KNOWN and not is_hub_id(name):
        raise RequestError(
            f"unknown model {name!r}: `podpipe models` lists the names podpipe knows "
            "(a Hugging Face id such as Systran/faster-whisper-small works too)"
        )
    target = store_path(name)
    if (target / "model.bin").is_file():
        return target
    import huggingface_hub

    repo = KNOWN[name].repo if name in KNOWN else name
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    os.chmod(tmp, 0o777 & ~current_umask())
    try:
        huggingface_hub.snapshot_download(
            repo, local_dir=tmp, allow_patterns=list(CT2_FILES), revision=None
        )
        shutil.rmtree(tmp / ".cache", ignore_errors=True)  # the hub's download metadata
        check_ct2_folder(tmp, source=f"{repo} as downloaded")
        os.rename(tmp, target)
    except (RequestError, ProcessingError):
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as err:  # the hub raises many kinds (offline, 404, timeouts)
        shutil.rmtree(tmp, ignore_errors=True)
        endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
        first = (str(err).strip().splitlines() or ["no details"])[0][:300]
        raise ProcessingError(
            f"cannot download {name} ({repo}) from {endpoint}: {type(err).__name__}: {first}. "
            f"Run `podpipe models fetch {name}` where the machine is online, or copy a "
            f"model folder onto this machine and run `podpipe models import PATH`"
        ) from None
    return target


def import_model(path: Path, name: str | None = None) -> tuple[str, Path]:
    """Install a CTranslate2 folder (model.bin, config.json, tokenizer) or an
    openai-whisper .pt checkpoint into the store: (the name to use in show.yaml, where)."""
    path = path.expanduser()
    if not path.exists():
        raise RequestError("model not found", file=path)
    if path.is_dir():
        check_ct2_folder(path)
        name = name or path.name
        target = store_path(name)
    else:
        check_checkpoint(path)
        name = name or path.stem
        target = store_dir() / f"{name}.pt"
    if target.exists() or (store_path(name) / "model.bin").is_file():
        raise RequestError(
            f"a model named {name!r} is installed already ({target}); "
            "pick another name with --name, or delete that one first"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        os.chmod(tmp, 0o777 & ~current_umask())
        try:
            shutil.copytree(path, tmp, dirs_exist_ok=True)
            os.rename(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    else:
        part = target.with_name(f".{target.name}.part")
        try:
            shutil.copyfile(path, part)
            os.replace(part, target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    return name, target


def check_ct2_folder(folder: Path, source: str | None = None) -> None:
    """A CTranslate2 Whisper model: model.bin that reads as one, config.json, tokenizer."""
    where = source or str(folder)
    missing = [f for f in ("model.bin", "config.json") if not (folder / f).is_file()]
    if not (folder / "tokenizer.json").is_file() and not list(folder.glob("vocabulary.*")):
        missing.append("tokenizer.json (or vocabulary.txt)")
    if missing:
        raise ProcessingError(
            f"{where}: not a CTranslate2 Whisper model folder (missing {', '.join(missing)}); "
            "an openai-whisper checkpoint is a .pt file: import that file instead"
        )
    try:
        json.loads((folder / "config.json").read_text(encoding="utf-8"))
        variables = read_ct2_variables(folder / "model.bin")
    except (OSError, ValueError, UnicodeDecodeError, KeyError) as e:
        raise ProcessingError(f"{where}: model.bin or config.json does not read ({e})") from None
    if not any(k.startswith("encoder/") for k in variables):
        raise ProcessingError(f"{where}: model.bin is not a Whisper model (no encoder)")


def check_checkpoint(file: Path) -> None:
    """An openai-whisper checkpoint: a PyTorch file holding dims and model_state_dict."""
    if file.suffix != ".pt":
        raise RequestError(
            "expected a CTranslate2 model folder or an openai-whisper .pt checkpoint", file=file
        )
    if not zipfile.is_zipfile(file):
        raise ProcessingError("not a PyTorch checkpoint (not a zip archive)", file=file)
    try:
        import torch
    except ImportError:
        return  # the zip layout is all that can be checked without torch
    try:
        data = torch.load(file, map_location="cpu", weights_only=True)
    except Exception as e:  # torch's own kinds
        raise ProcessingError(f"not a PyTorch checkpoint that loads ({e})", file=file) from None
    if not (isinstance(data, dict) and "dims" in data and "model_state_dict" in data):
        raise ProcessingError(
            "a PyTorch file without Whisper's dims and model_state_dict", file=file
        )
