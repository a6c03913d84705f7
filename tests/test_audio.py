"""The audio stage, checked with the independent meter (ffmpeg ebur128, true peak on)
on the final MP3: loudness within +-0.5 LU of the target, true peak at or below the
ceiling, LRA at most 8 LU; bad input refused with a message naming the file."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from podpipe import audio
from podpipe.config import AudioSettings
from podpipe.errors import ProcessingError
from podpipe.media import Decoder, measure
from tests.audio_helpers import interview, spoken_interview, write_audio, write_samples

ROOT = Path(__file__).resolve().parents[1]
TARGET, CEILING = -16.0, -1.0


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("audio-inputs")


def assert_within_bounds(
    mp3: Path, *, target: float = TARGET, ceiling: float = CEILING, max_lra: float = 8.0
):
    m = measure(mp3)
    assert abs(m.integrated_lufs - target) <= 0.5, m
    assert m.true_peak_dbtp <= ceiling, m
    assert m.lra <= max_lra, m
    return m


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decode(path: Path, channels: int = 1) -> np.ndarray:
    with Decoder(path, sample_rate=44100, channels=channels, chunk_frames=1 << 20) as dec:
        return np.concatenate(list(dec))


# --------------------------------------------------------------------------- the five cases


def test_loud_host_quiet_guest_is_leveled(inputs, tmp_path):
    src = write_audio(
        inputs / "interview.wav", interview(30, host_db=-18, guest_db=-34, peaky=True), channels=2
    )
    before = measure(src)
    assert before.lra >= 12  # the case the leveler exists for
    sha = digest(src)
    out = tmp_path / "episode.mp3"
    report = audio.master(src, out, AudioSettings())
    m = assert_within_bounds(out)
    assert digest(src) == sha
    assert report.channels == 1 and report.bitrate_kbps == 96 and report.sample_rate == 44100
    assert abs(report.input_lufs - before.integrated_lufs) <= 1.0  # mono mix vs stereo
    assert abs(report.output_lufs - m.integrated_lufs) <= 0.3
    assert abs(report.output_lra - m.lra) <= 1.0
    assert report.output_true_peak_dbtp <= CEILING
    assert report.duration_s == pytest.approx(30, abs=0.05)
    assert report.gain_db == pytest.approx(report.output_lufs - report.input_lufs, abs=0.01)
    assert json.loads(json.dumps(report.to_dict()))["output_lufs"] == report.output_lufs


def test_spoken_interview_made_with_espeak_and_sox(tmp_path):
    src = spoken_interview(tmp_path)
    assert measure(src).lra >= 12
    out = tmp_path / "spoken.mp3"
    report = audio.master(src, out, AudioSettings())
    assert_within_bounds(out)
    assert report.input_lra >= 12 and report.output_lra <= 8


def test_very_quiet_recording_gets_20_db_and_more(inputs, tmp_path):
    src = write_audio(
        inputs / "quiet.wav",
        interview(20, host_db=-44, guest_db=-47, noise_db=-90, seed=2),
        channels=1,
    )
    out = tmp_path / "quiet.mp3"
    report = audio.master(src, out, AudioSettings())
    assert_within_bounds(out)
    assert report.gain_db >= 20
    assert any("very quiet" in w for w in report.warnings)


def test_a_whisper_quiet_interview_is_still_leveled(inputs, tmp_path):
    """+45 dB: the quiet guest sits below BS.1770's -70 LUFS absolute gate in the source,
    yet is speech to level, not silence to leave alone."""
    src = write_audio(
        inputs / "whisper.wav",
        interview(40, host_db=-62, guest_db=-76, noise_db=-120, seed=3),
        channels=1,
        codec=["-c:a", "pcm_f32le"],
    )
    out = tmp_path / "whisper.mp3"
    report = audio.master(src, out, AudioSettings())
    assert report.gain_db >= 40
    assert_within_bounds(out)
    assert not any("too peaky" in w for w in report.warnings)


def test_clipped_peaky_recording_needs_the_limiter(inputs, tmp_path):
    src = write_audio(
        inputs / "clipped.wav",
        interview(20, host_db=-10, guest_db=-20, peaky=True, clip=0.4, seed=3),
        channels=2,
    )
    assert measure(src).true_peak_dbtp > -8.5  # flat-topped at 0.4, inter-sample overs
    for channels in (1, 2):
        out = tmp_path / f"clipped{channels}.mp3"
        audio.master(src, out, AudioSettings(channels=channels))
        assert_within_bounds(out)


def test_mono_input(inputs, tmp_path):
    src = write_audio(
        inputs / "mono.flac",
        interview(15, seed=4, rate=22050),
        rate=22050,
        channels=1,
        codec=["-c:a", "flac"],
    )
    out = tmp_path / "mono.mp3"
    report = audio.master(src, out, AudioSettings(channels=2))
    assert_within_bounds(out)
    assert report.channels == 2 and report.bitrate_kbps == 128
    assert decode(out, 2).shape[1] == 2


def test_48khz_six_channel_input_is_downmixed(inputs, tmp_path):
    src = write_audio(
        inputs / "surround.wav",
        interview(15, seed=5, rate=48000),
        rate=48000,
        channels=6,
        codec=["-c:a", "pcm_s24le"],
    )
    for channels in (1, 2):
        out = tmp_path / f"surround{channels}.mp3"
        report = audio.master(src, out, AudioSettings(channels=channels))
        assert_within_bounds(out)
        assert report.sample_rate == 44100


# --------------------------------------------------------------------------- formats, options


@pytest.mark.parametrize(
    "name,rate,codec",
    [
        ("f32.wav", 44100, ["-c:a", "pcm_f32le"]),
        ("s32.wav", 96000, ["-c:a", "pcm_s32le"]),
        ("s16.wav", 8000, ["-c:a", "pcm_s16le"]),
        ("hi.flac", 192000, ["-c:a", "flac"]),
        ("in.mp3", 44100, ["-c:a", "libmp3lame", "-b:a", "128k"]),
        ("in.m4a", 48000, ["-c:a", "aac", "-b:a", "96k"]),
        ("in.opus", 48000, ["-c:a", "libopus", "-b:a", "48k"]),
        ("in.ogg", 22050, ["-c:a", "libvorbis"]),
        ("in.oga", 48000, ["-c:a", "flac"]),
    ],
)
def test_input_formats(inputs, tmp_path, name, rate, codec):
    src = write_audio(
        inputs / name, interview(10, seed=6, rate=rate), rate=rate, channels=2, codec=codec
    )
    out = tmp_path / "out.mp3"
    report = audio.master(src, out, AudioSettings())
    assert_within_bounds(out)
    assert report.duration_s == pytest.approx(10, abs=0.1)


@pytest.mark.parametrize("tail", [bytes(512), b"TAG" + bytes(125)])
def test_a_whole_ogg_file_with_bytes_after_its_last_page_is_audio(inputs, tmp_path, tail):
    """Padding or an ID3v1 tag after the end-of-stream page is not a truncated file."""
    src = write_audio(inputs / "tagged.ogg", interview(6, seed=19), codec=["-c:a", "libvorbis"])
    padded = tmp_path / "padded.ogg"
    padded.write_bytes(src.read_bytes() + tail)
    report = audio.master(padded, tmp_path / "out.mp3", AudioSettings())
    assert report.duration_s == pytest.approx(6, abs=0.1)


def test_short_input_of_under_a_second(inputs, tmp_path):
    src = write_audio(inputs / "short.wav", interview(0.8, seed=7), channels=1)
    out = tmp_path / "short.mp3"
    report = audio.master(src, out, AudioSettings())
    assert out.exists() and report.duration_s == pytest.approx(0.8, abs=0.01)
    assert measure(out).true_peak_dbtp <= CEILING


def test_without_leveler_the_range_stays(inputs, tmp_path):
    src = write_audio(inputs / "wide.wav", interview(30, host_db=-18, guest_db=-32, seed=8))
    out = tmp_path / "wide.mp3"
    audio.master(src, out, AudioSettings(leveler=False))
    m = assert_within_bounds(out, max_lra=30)
    assert m.lra >= 10


def test_other_target_and_ceiling(inputs, tmp_path):
    src = write_audio(inputs / "other.wav", interview(15, seed=9, peaky=True))
    out = tmp_path / "other.mp3"
    audio.master(src, out, AudioSettings(target_lufs=-19, true_peak_dbtp=-2, bitrate_kbps=64))
    assert_within_bounds(out, target=-19, ceiling=-2)


def test_intro_and_outro_are_crossfaded(inputs, tmp_path):
    t = np.arange(3 * 44100) / 44100
    tone = (0.2 * np.sin(2 * np.pi * 440 * t) * np.minimum(1, t))[:, None].astype(np.float32)
    intro = write_samples(inputs / "intro.wav", tone)
    outro = write_samples(inputs / "outro.wav", tone[: 2 * 44100])
    src = write_audio(inputs / "main.wav", interview(12, seed=10))
    out = tmp_path / "framed.mp3"
    report = audio.master(src, out, AudioSettings(intro=intro, outro=outro, crossfade_ms=500))
    assert report.duration_s == pytest.approx(3 + 12 + 2 - 2 * 0.5, abs=0.01)
    assert_within_bounds(out)


def test_silence_is_not_boosted_into_noise(inputs, tmp_path):
    speech = list(interview(8, seed=11))
    rng = np.random.default_rng(0)
    pause = [10 ** (-60 / 20) * rng.standard_normal(8 * 44100)]
    src = write_audio(inputs / "pause.wav", speech + pause + list(interview(8, seed=12)))
    out = tmp_path / "pause.mp3"
    audio.master(src, out, AudioSettings())
    x, y = decode(src)[:, 0], decode(out)[:, 0]
    lag = 1105  # MP3 encoder delay, roughly; irrelevant for RMS over seconds

    def gain(a: int, b: int) -> float:
        rms = [np.sqrt(np.mean(v[a * 44100 + lag : b * 44100 + lag] ** 2)) for v in (x, y)]
        return 20 * np.log10(rms[1] / rms[0])

    speech = [gain(a, a + 1) for a in [*range(0, 8), *range(16, 24)]]
    assert gain(10, 14) <= np.median(speech) + 1.0


def test_output_is_replaced_atomically_and_source_untouched(inputs, tmp_path):
    src = write_audio(inputs / "keep.wav", interview(6, seed=13))
    sha = digest(src)
    out = tmp_path / "keep.mp3"
    out.write_bytes(b"previous episode")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF not really")
    with pytest.raises(ProcessingError):
        audio.master(bad, out, AudioSettings())
    assert out.read_bytes() == b"previous episode"
    audio.master(src, out, AudioSettings())
    assert digest(src) == sha and out.read_bytes()[:3] == b"ID3"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.wav", "keep.mp3"]
    with pytest.raises(ProcessingError, match="overwrite the source"):
        audio.master(src, src, AudioSettings())


# --------------------------------------------------------------------------- parts


def test_k_weighting_matches_bs1770_at_48khz():
    sos = audio.k_weighting(48000)
    np.testing.assert_allclose(
        sos[0, :3], [1.53512485958697, -2.69169618940638, 1.19839281085285], rtol=1e-6
    )
    np.testing.assert_allclose(sos[0, 4:], [-1.69065929318241, 0.73248077421585], rtol=1e-6)
    np.testing.assert_allclose(sos[1, 4:], [-1.99004745483398, 0.99007225036621], rtol=1e-6)


def test_limiter_is_exact_across_chunk_boundaries():
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((21 * 9600, 2)) * 0.3).astype(np.float32)
    plan = audio.Plan(np.zeros(46), 0.0, 0.5)

    def run(chunk: int) -> np.ndarray:
        lim = audio.Limiter(plan, 2, 46)
        parts = [lim.push(x[i : i + chunk]) for i in range(0, len(x), chunk)]
        parts.append(lim.push(x[:0], final=True))
        return np.concatenate(parts)[: len(x)]

    a, b = run(21 * 1000), run(21 * 4321)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a).max() <= 0.5 + 1e-6
    assert np.abs(a[1000:-1000]).max() > 0.45  # limited, not silenced


# --------------------------------------------------------------------------- bad input, CLI


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "podpipe", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def _bad_inputs(folder: Path) -> dict[str, str]:
    """file name -> the reason the CLI must give."""
    folder.mkdir(exist_ok=True)
    (folder / "notes.wav").write_text("these are show notes, not audio\n" * 50)
    (folder / "empty.mp3").write_bytes(b"")
    Image.new("RGB", (64, 64)).save(folder / "cover.png")
    write_samples(
        folder / "silence.wav", np.zeros((3 * 44100, 2), np.float32), codec=["-c:a", "pcm_s16le"]
    )
    write_samples(folder / "blip.wav", (0.1 * np.ones((12000, 1))).astype(np.float32))
    x = (0.1 * np.random.default_rng(0).standard_normal((2 * 44100, 1))).astype(np.float32)
    x[40000] = np.nan
    write_samples(folder / "nan.wav", x)
    x[40000] = np.inf
    write_samples(folder / "inf.wav", x)
    good = write_audio(folder / "good.wav", interview(10, seed=14))
    data = good.read_bytes()
    (folder / "cut.wav").write_bytes(data[: len(data) // 2])
    mp3 = write_audio(
        folder / "good.mp3", interview(10, seed=15), codec=["-c:a", "libmp3lame", "-b:a", "64k"]
    )
    data = bytearray(mp3.read_bytes())
    (folder / "cut.mp3").write_bytes(bytes(data[: len(data) // 2]))
    data[len(data) // 3 : len(data) // 3 + 3000] = bytes(range(256)) * 11 + bytes(184)
    (folder / "damaged.mp3").write_bytes(bytes(data))
    for ext, codec in (("ogg", "libvorbis"), ("opus", "libopus")):
        ogg = write_audio(folder / f"good.{ext}", interview(10, seed=16), codec=["-c:a", codec])
        data = ogg.read_bytes()
        (folder / f"cut.{ext}").write_bytes(data[: len(data) // 2])
        # Cut where a page starts: every page is whole, but the end-of-stream one is gone.
        (folder / f"pages.{ext}").write_bytes(data[: data.rfind(b"OggS", 0, len(data) // 2)])
    return {
        "notes.wav": "not a readable audio file",
        "empty.mp3": "the file is empty (0 bytes)",
        "cover.png": "the file has no audio stream",
        "silence.wav": "the recording is digital silence",
        "blip.wav": "the recording is only 272 ms long; loudness needs at least 400 ms",
        "nan.wav": "NaN or infinite samples",
        "inf.wav": "NaN or infinite samples",
        "cut.wav": "truncated or corrupt",
        "cut.mp3": "truncated",
        "damaged.mp3": "truncated or corrupt",
        "cut.ogg": "truncated (the last Ogg page needs",
        "cut.opus": "truncated (the last Ogg page needs",
        "pages.ogg": "truncated (the last Ogg page is not marked end-of-stream)",
        "pages.opus": "truncated (the last Ogg page is not marked end-of-stream)",
        "missing.wav": "file not found",
    }


def test_cli_bad_input_exit_1_with_the_reason(tmp_path):
    bad = tmp_path / "bad"
    cases = _bad_inputs(bad)
    for name, reason in cases.items():
        src = bad / name
        before = src.read_bytes() if src.exists() else None
        out = tmp_path / "out" / f"{name}.mp3"
        proc = _cli("audio", str(src), "-o", str(out), cwd=tmp_path)
        assert proc.returncode == 1, (name, proc.stderr)
        assert f"error: {src}: " in proc.stderr and reason in proc.stderr, (name, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert not out.exists() and not out.with_suffix(".json").exists()
        assert not (out.parent.exists() and any(out.parent.iterdir()))
        assert (src.read_bytes() if src.exists() else None) == before


def test_cli_writes_mp3_and_report(tmp_path):
    src = write_audio(tmp_path / "in.wav", interview(10, seed=16), channels=2)
    out = tmp_path / "ep.mp3"
    proc = _cli(
        "audio",
        str(src),
        "-o",
        str(out),
        "--stereo",
        "--target",
        "-18",
        "--true-peak",
        "-1.5",
        "--bitrate",
        "160",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.with_suffix(".json").read_text())
    assert report["channels"] == 2 and report["bitrate_kbps"] == 160
    assert f"{out}: " in proc.stdout and "LUFS" in proc.stdout
    assert_within_bounds(out, target=-18, ceiling=-1.5)


@pytest.mark.slow
def test_memory_does_not_grow_with_length(tmp_path):
    """Ten minutes of stereo as float32 would be 212 MB; streaming needs no more memory
    for ten minutes than for one."""
    # VmHWM, not ru_maxrss: Linux carries the parent's high-water mark (a big pytest
    # process) into ru_maxrss across fork and exec.
    code = (
        "import re, sys; from pathlib import Path\n"
        "from podpipe.audio import master; from podpipe.config import AudioSettings\n"
        "master(Path(sys.argv[1]), Path(sys.argv[2]), AudioSettings(channels=2))\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])"
    )
    # glibc's per-thread arenas (the decoder reads ahead in a thread) fragment by a few
    # 10 s chunks, differently from run to run: the same file measured 160 to 182 MB. That
    # noise does not depend on length, so compare the least of three runs per length.
    peaks = []
    for minutes in (1, 10):
        src = write_audio(tmp_path / f"{minutes}.wav", interview(minutes * 60, seed=17), channels=2)
        runs = [
            subprocess.run(
                [sys.executable, "-c", code, str(src), str(tmp_path / "o.mp3")],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            for _ in range(3)
        ]
        peaks.append(min(int(proc.stdout) for proc in runs) / 1024)
    assert peaks[1] - peaks[0] < 25, peaks
    assert peaks[1] < 250, peaks


def test_cache_identity_names_what_decides_the_mp3():
    base = audio.cache_identity(AudioSettings())
    assert json.loads(json.dumps(base)) == base
    assert base["bitrate_kbps"] == 96 and base["ffmpeg"].startswith("ffmpeg version")
    assert audio.cache_identity(AudioSettings(target_lufs=-19)) != base
    assert audio.cache_identity(AudioSettings(intro=Path("intro.wav")))["settings"]["intro"] == (
        "intro.wav"
    )
