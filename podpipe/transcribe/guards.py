"""Guards against Whisper's known failure modes in its output: microphone bleed in a
double-ender, decoding loops, repeated segments and captions for sounds."""

from __future__ import annotations

import re

from podpipe.transcribe.cues import Segment, tidy_times
from podpipe.transcribe.decode import SAMPLE_RATE

LOOP_REPEATS = 4  # a phrase said this many times in a row is a decoding loop

BLEED_MARGIN_DB = 10.0  # a channel this much quieter than the other only hears bleed
BLEED_FRAME_S = 0.02
MAX_GAIN_MATCH_DB = 6.0
BLEED_HOLD_S = 0.25  # keep this much around speech so word onsets and tails survive


def isolate_speakers(left, right) -> list:
    """Mute each channel where the other is much louder: microphone bleed.

    In a double-ender each microphone also picks up the other speaker, typically
    15-30 dB down; Whisper transcribes that bleed too, so every sentence would appear
    under both names. Levels are first matched on each channel's loud frames, so a
    quiet guest microphone is not mistaken for bleed.
    """
    import numpy as np

    frame = int(BLEED_FRAME_S * SAMPLE_RATE)
    n = min(len(left), len(right)) // frame
    if n == 0:
        return [left, right]
    level = [_frame_db(ch[: n * frame].reshape(n, frame)) for ch in (left, right)]
    # The 99th percentile is speech as long as each speaker talks 1 % of the time; the
    # cap keeps a badly matched pair from turning bleed into "speech" or back.
    offset = np.percentile(level[0], 99) - np.percentile(level[1], 99)
    level[1] = level[1] + float(np.clip(offset, -MAX_GAIN_MATCH_DB, MAX_GAIN_MATCH_DB))
    hold = max(1, int(BLEED_HOLD_S / BLEED_FRAME_S))
    out = []
    for me, other, samples in ((0, 1, left), (1, 0, right)):
        bleed = level[other] - level[me] > BLEED_MARGIN_DB
        mine = level[me] - level[other] > BLEED_MARGIN_DB
        near_mine = np.convolve(mine.astype(np.float32), np.ones(2 * hold + 1), "same") > 0
        keep = ~bleed | near_mine
        gain = np.ones(len(samples), dtype=np.float32)
        gain[: n * frame] = np.repeat(keep.astype(np.float32), frame)
        out.append(samples * gain)
    return out


def _frame_db(frames):
    import numpy as np

    return 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)


def clean_segments(segments: list[Segment], duration: float) -> list[Segment]:
    """Loops removed, empty segments dropped, times inside the audio and in order."""
    out: list[Segment] = []
    for seg in segments:
        text = remove_repeats(seg.text)
        if text and not is_sound_label(text):
            out.append(
                Segment(
                    seg.start, seg.end, text, seg.speaker, seg.words if text == seg.text else ()
                )
            )
    out = drop_repeated_segments(out)
    return tidy_times(out, duration)


def is_sound_label(text: str) -> bool:
    """Whisper's captions for sounds, not speech: "[Music]", "(applause)", "♪ ♪"."""
    rest = re.sub(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|[♪♫♬]", " ", text)
    return not re.search(r"\w", rest)


def _norm(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def remove_repeats(text: str, repeats: int = LOOP_REPEATS, longest: int = 12) -> str:
    """Collapse a phrase of 1..``longest`` words said ``repeats``+ times in a row to one."""
    words = text.split()
    keys = [_norm(w) for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(1, longest + 1):
            count = 1
            while keys[i + count * n : i + (count + 1) * n] == keys[i : i + n] and i + (
                count + 1
            ) * n <= len(words):
                count += 1
            if count >= repeats and any(keys[i : i + n]):
                out.extend(words[i : i + n])
                i += count * n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def cut_loop(seg: Segment, repeats: int = LOOP_REPEATS, longest: int = 12) -> Segment:
    """The segment up to a decoding loop in its words (the phrase kept once), ending
    where that phrase ends: the speech the loop stood for is left without text, so
    fill_gaps decodes it again. A segment without words or loops is returned as is."""
    keys = [_norm(w.text) for w in seg.words]
    for i in range(len(keys)):
        for n in range(1, longest + 1):
            phrase = keys[i : i + n]
            if len(phrase) == n and any(phrase) and keys[i : i + n * repeats] == phrase * repeats:
                kept = seg.words[: i + n]
                text = "".join(w.text for w in kept).strip()
                return Segment(seg.start, max(seg.start, kept[-1].end), text, seg.speaker, kept)
    return seg


def drop_repeated_segments(segments: list[Segment], repeats: int = 3) -> list[Segment]:
    """Keep the first of ``repeats``+ consecutive segments of one speaker with equal text."""
    out: list[Segment] = []
    run = 0
    for seg in segments:
        same = (
            out
            and out[-1].speaker == seg.speaker
            and [_norm(w) for w in out[-1].text.split()] == [_norm(w) for w in seg.text.split()]
        )
        run = run + 1 if same else 1
        if run < repeats:
            out.append(seg)
        elif run == repeats:
            out.pop()  # the second copy was already kept; a loop keeps only the first
    return out
