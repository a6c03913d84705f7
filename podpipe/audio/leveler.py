"""The leveler: a gain curve per 100 ms block that brings each speaker to the programme level."""

from __future__ import annotations

from podpipe.audio.meter import ABSOLUTE_GATE, integrated_loudness, lufs, moving_mean

SPEECH_GATE_LU = -24.0  # a 400 ms block is speech when within this of the programme level
LEVEL_WINDOW = 30  # blocks (3 s) over which a speaker's level is estimated
SMOOTH = 10  # blocks (1 s) of gain-curve smoothing against pumping
LEVELER_STRENGTH = 0.9  # share of a level difference the leveler removes
MAX_BOOST_DB, MAX_CUT_DB = 18.0, 12.0  # leveler range relative to the programme level


def leveler_curve(power, *, strength: float = LEVELER_STRENGTH):
    """Gain per 100 ms block (dB) that pulls each speaker's level toward the programme's.

    Speech blocks pass a gate relative to the programme loudness; a speaker's level is
    the mean power of the speech blocks within a 3 s window. Blocks with no speech near
    them (pauses, silence) take the gain interpolated from the speech around them, capped
    at the median speech gain: silence is never boosted more than speech.
    """
    import numpy as np

    programme = integrated_loudness(power)
    momentary = lufs(_centered_mean(power, 4))
    # The absolute gate as it will be after make-up gain (taken as bringing the programme
    # to -23 LUFS at least): a guest 15 LU under a very quiet host (-60 LUFS) is speech.
    floor = ABSOLUTE_GATE - max(0.0, -23.0 - programme)
    speech = (momentary > max(floor, programme + SPEECH_GATE_LU)).astype(np.float64)
    energy = _centered_mean(power * speech, LEVEL_WINDOW)
    share = _centered_mean(speech, LEVEL_WINDOW)
    known = share * LEVEL_WINDOW >= 5  # at least 0.5 s of speech in the window
    gain = np.zeros(len(power))
    if known.any():
        level = lufs(energy[known] / share[known])
        gain[known] = np.clip(strength * (programme - level), -MAX_CUT_DB, MAX_BOOST_DB)
        index = np.arange(len(power))
        typical = float(np.median(gain[known]))
        # long pauses: the gain of the speech around them, but never more than the
        # typical speech gain (a pause after a quiet guest must not rise to a hiss)
        gain = np.where(
            known,
            np.interp(index, index[known], gain[known]),
            np.minimum(np.interp(index, index[known], gain[known]), typical),
        )
    return _centered_mean(gain, SMOOTH)


def _centered_mean(values, width: int):
    import numpy as np

    ahead = width // 2
    padded = np.concatenate([values, np.full(ahead, values[-1] if len(values) else 0.0)])
    return moving_mean(padded, width)[ahead:]
