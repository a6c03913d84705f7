"""Who speaks when: voice embeddings over the speech, clustered into the episode's people.

1. Windows of 1.6 s (the encoder's partial utterance) every ``STEP`` seconds over the
   stretches the transcript says hold speech; each gets a GE2E embedding.
2. The embeddings are clustered into ``count`` speakers: agglomerative clustering
   (average linkage, cosine distance) for a start that does not depend on a random
   seed, then a few rounds of centroid refinement in which each window's similarities
   are smoothed over its neighbours in time, so a label does not flicker inside a turn.
   With no count given it is estimated from the linkage (a merge above ``SAME_VOICE``
   cosine distance joins two different voices).
3. Turns shorter than ``MIN_TURN`` are given to their neighbours.

The result is a :class:`Diarization`: per window its time, speaker index and margin
(how much closer it is to its own speaker than to the next; low = uncertain).
"""

from __future__ import annotations

from dataclasses import dataclass

from podpipe.speakers.embed import HOP, PARTIAL_FRAMES, SAMPLE_RATE, mel_frames

STEP = 0.4  # seconds between window centres
HALF = PARTIAL_FRAMES * HOP / SAMPLE_RATE / 2  # 0.8 s: half a window
SMOOTH = 2  # windows each side averaged into a window's similarities
MIN_TURN = 0.75  # seconds (two windows): a single window of another label is flicker
SAME_VOICE = 0.3  # cosine distance: a merge above it joins two voices (estimation)
MAX_ESTIMATED = 6
MIN_VOICE = 8  # windows (about 3 s of speech) a voice needs to count as a person
TARGET_RMS_DBFS = -30.0  # the level the encoder was trained at (Resemblyzer's)


@dataclass(frozen=True)
class Diarization:
    times: tuple[float, ...]  # window centres, seconds
    labels: tuple[int, ...]  # speaker index per window
    margins: tuple[float, ...]  # similarity to own centroid minus the best other one
    count: int
    centroids: object = None  # (count, 256) array

    def label_at(self, t: float) -> tuple[int, float] | None:
        """The label (and margin) of the window nearest to ``t``, if one is within reach."""
        import bisect

        if not self.times:
            return None
        i = bisect.bisect_left(self.times, t)
        best = min(
            (j for j in (i - 1, i) if 0 <= j < len(self.times)),
            key=lambda j: abs(self.times[j] - t),
        )
        if abs(self.times[best] - t) > HALF + STEP:
            return None
        return self.labels[best], self.margins[best]


def window_centres(spans: list[tuple[float, float]], duration: float) -> list[float]:
    """Centres every STEP seconds over each speech span (one for a short span)."""
    centres: list[float] = []
    for start, end in merge_spans(spans):
        start, end = max(0.0, start), min(duration, end)
        if end <= start:
            continue
        t = start + min(HALF, (end - start) / 2)
        last = end - min(HALF, (end - start) / 2)
        while t <= last + 1e-9:
            centres.append(round(t, 3))
            t += STEP
        if not centres or centres[-1] < last - STEP / 2:
            centres.append(round(last, 3))
    return centres


def merge_spans(spans: list[tuple[float, float]], gap: float = 0.3) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] <= gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def window_mels(samples, centres: list[float]):
    """The mel windows (n, 160, 40) around each centre, from one spectrogram of the
    level-normalised recording."""
    import numpy as np

    samples = normalised(samples)
    mel = mel_frames(samples)
    pad = np.zeros((PARTIAL_FRAMES, mel.shape[1]), dtype=np.float32)
    mel = np.concatenate([mel, pad])
    frame_rate = SAMPLE_RATE / HOP
    starts = [max(0, int(round((c - HALF) * frame_rate))) for c in centres]
    starts = [min(s, max(0, len(mel) - 2 * PARTIAL_FRAMES)) for s in starts]
    return np.stack([mel[s : s + PARTIAL_FRAMES] for s in starts]) if starts else mel[:0, None]


def normalised(samples):
    """Speech raised to the level the encoder knows (never lowered), as Resemblyzer does."""
    import numpy as np

    samples = np.asarray(samples, dtype=np.float32)
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0
    if rms <= 0:
        return samples
    change = TARGET_RMS_DBFS - 20 * np.log10(rms)
    return samples * np.float32(10 ** (change / 20)) if change > 0 else samples


def cluster(embeddings, times: list[float], count: int | None) -> Diarization:
    """Speaker labels for the windows' embeddings (see the module's docstring)."""
    import numpy as np

    n = len(embeddings)
    if n == 0:
        return Diarization((), (), (), 0)
    x = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True).clip(1e-9)
    labels = _initial(x, count)
    k = int(labels.max()) + 1
    for _ in range(8):
        centroids = _centroids(x, labels, k)
        sims = _smoothed(x @ centroids.T, times)
        new = sims.argmax(axis=1)
        new = _min_turns(new, times, sims)
        if np.array_equal(new, labels):
            break
        labels = new
    labels, k = _renumber(labels)
    centroids = _centroids(x, labels, k)
    sims = x @ centroids.T
    own = sims[np.arange(n), labels]
    other = np.where(np.eye(k, dtype=bool)[labels], -np.inf, sims).max(axis=1) if k > 1 else own
    margins = np.where(np.isfinite(other), own - other, 1.0) if k > 1 else np.ones(n)
    return Diarization(
        tuple(times),
        tuple(int(v) for v in labels),
        tuple(round(float(m), 4) for m in margins),
        k,
        centroids,
    )


def _initial(x, count: int | None):
    """A first labelling from the linkage tree: cut it finer and finer until it holds
    ``count`` groups of a real voice's size (an odd window, a cough or a breath, is its
    own small group at the top of the tree); the small groups join the nearest voice."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(x) == 1:
        return np.zeros(1, dtype=int)
    tree = linkage(x, method="average", metric="cosine")
    if count is None:
        count = min(estimated_count(tree, len(x)), MAX_ESTIMATED)
    count = max(1, min(count, len(x)))
    least = min(MIN_VOICE, max(2, len(x) // (4 * count)))
    for cut in range(count, min(len(x), count + 12) + 1):
        labels = fcluster(tree, t=cut, criterion="maxclust") - 1
        sizes = np.bincount(labels)
        big = [int(i) for i in np.argsort(-sizes)[:count] if sizes[i] >= least]
        if len(big) == count:
            centroids = _centroids(x, labels, int(labels.max()) + 1)[big]
            return _renumber((x @ centroids.T).argmax(axis=1))[0]
    return _renumber(fcluster(tree, t=count, criterion="maxclust") - 1)[0]


def estimated_count(tree, n: int) -> int:
    """1 + the merges of the linkage that join two different voices: above SAME_VOICE,
    and between two groups of at least MIN_VOICE windows (a short odd window is not a
    person)."""
    sizes = [1] * n + [int(row[3]) for row in tree]
    voices = 1
    for a, b, distance, _size in tree:
        if distance > SAME_VOICE and min(sizes[int(a)], sizes[int(b)]) >= MIN_VOICE:
            voices += 1
    return voices


def _centroids(x, labels, k: int):
    import numpy as np

    c = np.stack([x[labels == i].mean(axis=0) if (labels == i).any() else x[0] for i in range(k)])
    return c / np.linalg.norm(c, axis=1, keepdims=True).clip(1e-9)


def _smoothed(sims, times: list[float]):
    """Similarities averaged over neighbouring windows of the same stretch of speech."""
    import numpy as np

    t = np.asarray(times)
    out = np.empty_like(sims)
    n = len(sims)
    for i in range(n):
        lo, hi = max(0, i - SMOOTH), min(n, i + SMOOTH + 1)
        near = np.abs(t[lo:hi] - t[i]) <= SMOOTH * STEP + 1e-6
        weights = np.where(np.arange(lo, hi) == i, 2.0, 1.0) * near
        out[i] = (sims[lo:hi] * weights[:, None]).sum(axis=0) / weights.sum()
    return out


def _min_turns(labels, times: list[float], sims):
    """Runs of one label shorter than MIN_TURN go to the neighbour they are closest to."""
    labels = labels.copy()
    changed = True
    while changed:
        changed = False
        runs = _runs(labels)
        if len(runs) < 2:
            break
        for a, b in sorted(runs, key=lambda r: times[r[1] - 1] - times[r[0]]):
            length = times[b - 1] - times[a] + STEP
            if length >= MIN_TURN:
                continue
            options = []
            if a > 0:
                options.append(labels[a - 1])
            if b < len(labels):
                options.append(labels[b])
            options = [o for o in options if o != labels[a]]
            if not options:
                continue
            best = max(options, key=lambda o: sims[a:b, o].mean())
            labels[a:b] = best
            changed = True
            break
    return labels


def _runs(labels) -> list[tuple[int, int]]:
    runs, start = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            runs.append((start, i))
            start = i
    return runs


def _renumber(labels):
    """Labels 0..k-1 in order of first appearance."""
    import numpy as np

    order: dict[int, int] = {}
    for v in labels:
        order.setdefault(int(v), len(order))
    return np.array([order[int(v)] for v in labels], dtype=int), len(order)
