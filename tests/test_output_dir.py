"""The output folder is replaced on every publish: podpipe must never delete the host's files."""

from __future__ import annotations

import pytest

from tests.show_helpers import copy_sample_show, podpipe, tree_bytes


@pytest.fixture
def show(tmp_path):
    return copy_sample_show(tmp_path / "show")


def set_output(show, value: str) -> None:
    path = show / "show.yaml"
    path.write_text(path.read_text() + f"output_dir: {value}\n")


@pytest.mark.parametrize(
    "value", ["episodes", "club", ".", "..", "episodes/001-why-a-learning-club"]
)
def test_output_dir_over_the_show_files_is_refused(show, value):
    before = tree_bytes(show)
    set_output(show, value)
    result = podpipe("publish", cwd=show)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "output_dir:" in result.stderr and "use a folder of its own" in result.stderr
    after = tree_bytes(show)
    after.pop("show.yaml")
    before.pop("show.yaml")
    assert after == before


def test_a_folder_podpipe_did_not_build_is_not_replaced(show):
    docs = show / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("my own page")
    set_output(show, "docs")
    result = podpipe("publish", cwd=show)
    assert result.returncode == 2
    assert "holds files podpipe did not write" in result.stderr
    assert (docs / "guide.md").read_text() == "my own page"
    assert podpipe("check", cwd=show).returncode == 2


def test_a_file_where_the_site_goes_is_refused(show):
    (show / "site").write_text("hi")
    result = podpipe("publish", cwd=show)
    assert result.returncode == 2
    assert "exists and is not a folder" in result.stderr
    assert (show / "site").read_text() == "hi"


def test_bad_artwork_is_a_configuration_error_before_any_work(show):
    from PIL import Image

    Image.new("RGB", (800, 600), "white").save(show / "small.png")
    path = show / "show.yaml"
    path.write_text(path.read_text().replace("artwork: artwork.png", "artwork: small.png"))
    for command in ("publish", "check", "status"):
        result = podpipe(command, cwd=show)
        assert result.returncode == 2, (command, result.stdout + result.stderr)
        assert "show.yaml:17: artwork: small.png: artwork is 800x600: it must be square" in (
            result.stdout + result.stderr
        ), command
    assert not (show / ".podpipe" / "stages").exists()  # no work was done


def test_check_warns_about_placeholders(show):
    result = podpipe("check", cwd=show)
    assert result.returncode == 0
    assert "base_url: https://podcast.example.org/ is a documentation address" in result.stdout
    assert "owner: ada@example.org is a placeholder" in result.stdout
    assert "OK with the warnings above" in result.stdout
