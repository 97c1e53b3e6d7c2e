"""Reproduces the damage seed 001 went through, and measures how well it is undone.

The mechanism needs ftfy 6.2 exactly: later versions repair (and damage) differently.
"""
from __future__ import annotations

import ftfy

from replies.ingest.mojibake import MOJIBAKE_SIGNATURE_RE

SIMULATED_FTFY_SERIES = "6.2."


def corrupt(text: str) -> str:
    """Damage text the way seed 001 was damaged."""
    if not ftfy.__version__.startswith(SIMULATED_FTFY_SERIES):
        raise RuntimeError(f"the simulation needs ftfy {SIMULATED_FTFY_SERIES}x, not {ftfy.__version__}")
    lossy = text.encode("utf-8").decode("windows-1252", errors="ignore")
    partly_fixed = ftfy.fix_text(lossy, uncurl_quotes=False)
    return partly_fixed.replace("\u00ad", "")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, exact, in O((len(a) + len(b)) * distance) time.

    Computes the distance within a diagonal band and widens the band until the distance
    found fits inside it, which makes near-identical long texts cheap to compare.
    """
    band = max(8, abs(len(a) - len(b)))
    while True:
        distance = _banded_edit_distance(a, b, band)
        if distance <= band:
            return distance
        band *= 2


def _banded_edit_distance(a: str, b: str, band: int) -> int:
    """Edit distance counting only alignments within band of the diagonal (else > band)."""
    outside = band + 1
    previous = {j: j for j in range(min(len(b), band) + 1)}
    for i in range(1, len(a) + 1):
        current = {}
        for j in range(max(0, i - band), min(len(b), i + band) + 1):
            if j == 0:
                current[j] = i
                continue
            substitution = previous.get(j - 1, outside) + (a[i - 1] != b[j - 1])
            current[j] = min(previous.get(j, outside) + 1, current.get(j - 1, outside) + 1, substitution)
        previous = current
    return min(previous.get(len(b), outside), outside)


def character_accuracy(original: str, repaired: str) -> float:
    return 1 - edit_distance(original, repaired) / max(1, len(original))


def residual_mojibake(text: str) -> int:
    """Number of places where text still shows a UTF-8 sequence decoded as Windows-1252."""
    return len(MOJIBAKE_SIGNATURE_RE.findall(text))
