"""Damages clean text the ways Chinese files really are damaged, and measures how well it is undone.

Each kind is a function from the original to the damaged text. ``original_for`` gives the
text a kind starts from: the kinds whose document was really in Big5 start from its
traditional-character form, with what Big5 cannot encode replaced by "?".

The lossy Windows-1252 kind (seed 001's) needs ftfy 6.2 exactly: later versions repair (and
damage) differently.
"""
from __future__ import annotations

import random
from functools import lru_cache
from typing import Callable

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
import opencc

from replies.ingest.mojibake_lossy_cp1252 import MOJIBAKE_SIGNATURE_RE

SIMULATED_FTFY_SERIES = "6.2."


def corrupt(text: str) -> str:
    """Damage text the way seed 001 was damaged: UTF-8 read as Windows-1252 with errors
    ignored, then ftfy 6.2, then soft hyphens stripped."""
    if not ftfy.__version__.startswith(SIMULATED_FTFY_SERIES):
        raise RuntimeError(f"the simulation needs ftfy {SIMULATED_FTFY_SERIES}x, not {ftfy.__version__}")
    lossy = text.encode("utf-8").decode("windows-1252", errors="ignore")
    partly_fixed = ftfy.fix_text(lossy, uncurl_quotes=False)
    return partly_fixed.replace("\u00ad", "")


def misread(text: str, written_as: str, read_as: str) -> str:
    """Text saved in one encoding and opened in another; what cannot be read becomes U+FFFD.

    Windows-1252 is read the way Windows reads it: the five bytes it leaves undefined become
    the C1 control characters of the same number, so nothing is lost.
    """
    if read_as == "cp1252":
        read_as = "sloppy-windows-1252"
    return text.encode(written_as).decode(read_as, errors="replace")


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def big5_original(text: str) -> str:
    """The text as a Big5 document would have it: traditional characters, "?" for the rest."""
    return _to_traditional().convert(text).encode("big5", errors="replace").decode("big5")


def damage_stretches(text: str, damage: Callable[[str], str], share: float, seed: int) -> str:
    """Damage a share of the lines only (at least one), chosen at random with seed."""
    lines = text.split("\n")
    candidates = [index for index, line in enumerate(lines) if not line.isascii()]
    if not candidates:
        return text
    chosen = random.Random(seed).sample(candidates, max(1, round(share * len(candidates))))
    return "\n".join(damage(line) if index in chosen else line for index, line in enumerate(lines))


# kind -> (damage, lossless, starts from the Big5 form)
KINDS: dict[str, tuple[Callable[[str], str], bool, bool]] = {
    "utf8_as_cp1252": (lambda t: misread(t, "utf-8", "cp1252"), True, False),
    "utf8_as_latin1": (lambda t: misread(t, "utf-8", "latin-1"), True, False),
    "utf8_as_gbk": (lambda t: misread(t, "utf-8", "gbk"), False, False),
    "utf8_as_gb18030": (lambda t: misread(t, "utf-8", "gb18030"), False, False),
    "utf8_as_big5": (lambda t: misread(t, "utf-8", "big5"), False, False),
    # GB18030 writes every character, and the ones GBK has as GBK does.
    "gbk_as_latin1": (lambda t: misread(t, "gb18030", "latin-1"), True, False),
    "gbk_as_cp1252": (lambda t: misread(t, "gb18030", "cp1252"), True, False),
    "big5_as_latin1": (lambda t: misread(t, "big5", "latin-1"), True, True),
    "big5_as_cp1252": (lambda t: misread(t, "big5", "cp1252"), True, True),
    "utf8_as_cp1252_twice": (lambda t: misread(misread(t, "utf-8", "cp1252"), "utf-8", "cp1252"), True, False),
    "utf8_as_latin1_twice": (lambda t: misread(misread(t, "utf-8", "latin-1"), "utf-8", "latin-1"), True, False),
    "utf8_as_gbk_twice": (lambda t: misread(misread(t, "utf-8", "gbk"), "utf-8", "gbk"), False, False),
    "utf8_as_cp1252_lossy": (corrupt, False, False),
    "partial_utf8_as_latin1": (
        lambda t: damage_stretches(t, lambda line: misread(line, "utf-8", "latin-1"), 0.3, len(t)), True, False),
    "partial_utf8_as_gbk": (
        lambda t: damage_stretches(t, lambda line: misread(line, "utf-8", "gbk"), 0.3, len(t)), False, False),
}


def original_for(kind: str, text: str) -> str:
    return big5_original(text) if KINDS[kind][2] else text


def damage(kind: str, text: str) -> str:
    return KINDS[kind][0](original_for(kind, text))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, exact: Myers' bit-parallel algorithm, one big integer a column."""
    if not a or not b:
        return len(a) + len(b)
    positions: dict[str, int] = {}
    for index, char in enumerate(a):
        positions[char] = positions.get(char, 0) | (1 << index)
    mask = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    plus, minus, distance = mask, 0, len(a)
    for char in b:
        equal = positions.get(char, 0)
        vertical = equal | minus
        horizontal = (((equal & plus) + plus) ^ plus) | equal
        horizontal_plus = minus | (~(horizontal | plus) & mask)
        horizontal_minus = plus & horizontal
        if horizontal_plus & last:
            distance += 1
        elif horizontal_minus & last:
            distance -= 1
        horizontal_plus = ((horizontal_plus << 1) | 1) & mask
        horizontal_minus = (horizontal_minus << 1) & mask
        plus = horizontal_minus | (~(vertical | horizontal_plus) & mask)
        minus = horizontal_plus & vertical
    return distance


def character_accuracy(original: str, repaired: str) -> float:
    """Character similarity: 1 - edit distance / length of the original."""
    return 1 - edit_distance(original, repaired) / max(1, len(original))


def residual_mojibake(text: str) -> int:
    """Number of places where text still shows a UTF-8 sequence decoded as Windows-1252."""
    return len(MOJIBAKE_SIGNATURE_RE.findall(text))
