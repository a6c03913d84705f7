"""podpipe models: the names podpipe knows, `fetch` through the real Hugging Face hub
client (against a local stand-in of the hub on 127.0.0.1, and offline), `import` of a
CTranslate2 folder or an openai-whisper checkpoint; `check` before any audio work."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from podpipe.cli import cli
from podpipe.transcribe import bundled_model_dir, resolve_ct2_model
from tests.hub_helpers import serve_hub
from tests.show_helpers import copy_sample_show, podpipe


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Path:
    """podpipe's cache (the model store under it) and the hub cache, inside tmp_path."""
    monkeypatch.setenv("PODPIPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    return tmp_path / "cache" / "models"


@pytest.fixture()
def show(tmp_path) -> Path:
    return copy_sample_show(tmp_path / "show")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def set_model(show: Path, model: str) -> None:
    yaml = show / "show.yaml"
    yaml.write_text(yaml.read_text().replace("  model: tiny.en", f"  model: {model}"))


def model_line(show: Path) -> int:
    lines = (show / "show.yaml").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("  model:"))


def bundled_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in bundled_model_dir().iterdir() if p.is_file()}


def test_the_list_names_faster_whispers_models_and_what_is_installed(store):
    result = run("models")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:] if line}
    for name in ("tiny.en", "base", "small.en", "large-v3", "distil-large-v3", "turbo"):
        assert name in lines
    assert " yes " in lines["tiny.en"] and str(bundled_model_dir()) in lines["tiny.en"]
    assert " no " in lines["large-v3"] and "~3.1 GB" in lines["large-v3"]
    assert "slowest" in lines["large-v3"] and "multilingual" in lines["large-v3"]
    assert f"stored in {store}" in result.output
    assert "transcription.model" in result.output


def test_check_names_the_key_the_store_and_the_fetch_command(store, show):
    set_model(show, "base.en")
    result = run("check", "--show", str(show))
    assert result.exit_code == 2, result.output
    where = f"{(show / 'show.yaml').resolve()}:{model_line(show)}: transcription.model: "
    line = next(ln for ln in result.output.splitlines() if where in ln)
    assert "'base.en' is not on this machine" in line
    assert "`podpipe models fetch base.en`" in line and str(store / "base.en") in line
    assert "--model" not in result.output


def test_check_refuses_an_unknown_model_name_with_a_hint(store, show):
    set_model(show, "tinyy.en")
    result = run("check", "--show", str(show))
    assert result.exit_code == 2
    assert f":{model_line(show)}: transcription.model: unknown model 'tinyy.en'" in result.output
    assert "(did you mean 'tiny.en'?)" in result.output


def test_with_transcription_off_no_model_rule_applies(store, show):
    yaml = show / "show.yaml"
    text = yaml.read_text().replace("language: en\n", "language: de\n", 1)
    text = text.replace("  language: en\n", "").replace(
        "transcription:\n", "transcription:\n  enabled: false\n", 1
    )
    yaml.write_text(text)
    set_model(show, "base.en")  # English only, and not installed: neither matters
    result = run("check", "--show", str(show))
    assert result.exit_code == 0, result.output
    assert "transcription." not in result.output


def test_fetch_offline_says_what_to_do_and_leaves_nothing(store, tmp_path):
    with socket.socket() as s:  # a port nobody listens on: the hub is unreachable
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"HF_ENDPOINT": f"http://127.0.0.1:{port}"}
    out = podpipe("models", "fetch", "small", env=env, cwd=tmp_path)
    assert out.returncode == 1
    assert "cannot download small (Systran/faster-whisper-small)" in out.stderr
    assert (
        "where the machine is online" in out.stderr and "podpipe models import PATH" in out.stderr
    )
    assert "Traceback" not in out.stderr
    assert not (store / "small").exists() and not list(store.glob(".small-*"))
    unknown = podpipe("models", "fetch", "smal", env=env, cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown model 'smal'" in unknown.stderr


@pytest.mark.slow
def test_fetch_downloads_through_the_hub_client_and_check_then_passes(store, show, tmp_path):
    base, seen, stop = serve_hub("Systran/faster-whisper-base.en", bundled_files())
    try:
        out = podpipe("models", "fetch", "base.en", env={"HF_ENDPOINT": base}, cwd=tmp_path)
    finally:
        stop()
    assert out.returncode == 0, out.stderr
    assert f"installed in {store / 'base.en'}" in out.stdout
    assert "Fetching 4 files" in out.stderr  # the hub client's progress
    assert any(r.startswith("GET /Systran/faster-whisper-base.en/resolve/") for r in seen)
    for name, data in bundled_files().items():
        assert (store / "base.en" / name).read_bytes() == data
    assert not (store / "base.en" / ".cache").exists()
    assert resolve_ct2_model("base.en") == str(store / "base.en")
    listed = run("models").output
    assert next(ln for ln in listed.splitlines() if ln.startswith("base.en ")).split()[1] == "yes"
    set_model(show, "base.en")
    assert run("check", "--show", str(show)).exit_code == 0


def test_import_a_ctranslate2_folder_and_refuse_a_broken_one(store, show, tmp_path):
    folder = tmp_path / "my-model"
    shutil.copytree(bundled_model_dir(), folder)
    result = run("models", "import", str(folder))
    assert result.exit_code == 0, result.output
    assert "set transcription.model: my-model in show.yaml" in result.output
    assert (store / "my-model" / "model.bin").is_file()
    set_model(show, "my-model")
    assert run("check", "--show", str(show)).exit_code == 0
    again = run("models", "import", str(folder))
    assert again.exit_code == 2 and "installed already" in again.output

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    (broken / "model.bin").write_bytes(b"\x00" * 10)
    (broken / "tokenizer.json").write_text("{}")
    result = run("models", "import", str(broken))
    assert result.exit_code == 1 and "not a readable CTranslate2 model.bin" in result.output
    (broken / "model.bin").unlink()
    result = run("models", "import", str(broken))
    assert "not a CTranslate2 Whisper model folder (missing model.bin)" in result.output
    assert not (store / "broken").exists()


def test_import_an_openai_whisper_checkpoint(store, tmp_path):
    pytest.importorskip("torch")
    fake = tmp_path / "fake.pt"
    fake.write_text("not a checkpoint")
    result = run("models", "import", str(fake))
    assert result.exit_code == 1 and "not a PyTorch checkpoint" in result.output
    from podpipe.transcribe import converted_checkpoint

    checkpoint, _ = converted_checkpoint(bundled_model_dir())
    result = run("models", "import", checkpoint, "--name", "tiny-openai")
    assert result.exit_code == 0, result.output
    assert "transcription.engine: openai-whisper" in result.output
    assert (store / "tiny-openai.pt").read_bytes() == Path(checkpoint).read_bytes()
    assert "tiny-openai" in run("models").output
