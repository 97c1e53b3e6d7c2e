"""Mojibake in Chinese text: recognise each common kind, undo it, or flag it.

Pure: text in, ``MojibakeRepair`` (the text and a report of what was done where) out.

The kinds, each undone by its inverse transform:

* UTF-8 read as Windows-1252 or Latin-1 (``å¸¸å·``), GBK or Big5 read as either (``³£ÖÝ``):
  the text is turned back into single bytes and decoded as UTF-8, GB18030 or Big5. ftfy's
  ``fix_encoding`` is one of the candidates, and does this for UTF-8 whenever it can;
* UTF-8 read as GBK, GB18030 or Big5 (``甯稿窞``): the text is encoded with that codec and
  decoded as UTF-8. Such decoders replace each byte they cannot pair with U+FFFD; those bytes
  are filled in with the character model (``mojibake_lost_bytes``), and each filled character
  is chosen again once the whole document is known (``mojibake_context``: its numbering,
  brackets and words);
* the same done twice: every candidate is tried again on its own result;
* the lossy Windows-1252 kind of seed 001 (``mojibake_lossy_cp1252``), where bytes were dropped
  and ftfy had then repaired part of the text.

Damage is looked for stretch by stretch, so a document where only some paragraphs or words are
damaged is repaired there and left alone elsewhere. A candidate replaces its stretch only when
the character model scores it clearly better than the stretch as it is (``REPAIR_MARGIN``);
otherwise the stretch is kept and reported by ``find_damage``, which the pipeline uses to flag
text that still looks damaged. Repairs that had to guess too many lost characters are applied
and reported as uncertain.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, NamedTuple

import ftfy
import opencc

from replies.ingest.charmodel import CharBigramModel, default_model
from replies.ingest.mojibake_lossy_cp1252 import (
    BYTE_OF_CHAR,
    MOJIBAKE_RUN_RE,
    decode_run,
    looks_like_mojibake,
    repair_lossy_cp1252,
    utf8_sequence_length,
)
from replies.ingest.mojibake_context import reconsider_filled
from replies.ingest.mojibake_lost_bytes import REPLACEMENT, FilledChar, read_lost_bytes, read_lost_bytes_twice

__all__ = ["MojibakeRepair", "Repair", "Stretch", "find_damage", "looks_like_mojibake", "repair_mojibake"]

# A repair must make the text this much more probable (in nats) to be applied...
REPAIR_MARGIN = 8.0
# ...and a stretch whose best repair gains more than this, applied or not, looks damaged.
DAMAGE_MARGIN = 4.0
# Characters whose lost bytes were filled with a posterior below this are reported.
LOW_CONFIDENCE_THRESHOLD = 0.8
# A repair with more than this share of low-confidence characters is applied but still
# reported as damaged: too much was lost to trust it without a look.
MAX_LOW_CONFIDENCE_SHARE = 0.03

LOSSY_CP1252 = "utf8_as_cp1252_lossy"
# Fewer characters than this that read as UTF-8 in GBK or Big5 are as likely chance as damage
# (two clean characters can make one character and a half): two damaged characters make three.
MIN_DOUBLE_BYTE_STRETCH = 3
# Codecs that UTF-8 is mistaken for, two bytes at a time.
DOUBLE_BYTE_CODECS = ("gbk", "gb18030", "big5")
# Encodings a document really had, when its bytes were shown one byte a character.
SINGLE_BYTE_SOURCES = ("utf-8", "gb18030", "big5")

# One character for each byte 0x00-0xFF: ASCII, Latin-1, and Windows-1252's specials.
_BYTE_CHARS = {chr(byte): byte for byte in range(0x100)} | BYTE_OF_CHAR
_BYTE_CHAR_CLASS = "".join(re.escape(char) for char in _BYTE_CHARS if not char.isascii())
# A run of them with the ASCII inside, and one ASCII character after that can be a GBK or
# Big5 trail byte.
_SINGLE_BYTE_RUN_RE = re.compile(f"[{_BYTE_CHAR_CLASS}](?:[\\x00-\\x7f]*[{_BYTE_CHAR_CLASS}])*[\\x40-\\x7e]?")
_WINDOWS_1252_ONLY = frozenset(char for char in BYTE_OF_CHAR if ord(char) > 0xFF)
# Valid UTF-8 multi-byte sequences, three in a row: what a line encoded wrongly shows.
_UTF8_RUN_RE = re.compile(rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}){3,}")
# What lost text leaves: U+FFFD, and U+FFFD's UTF-8 bytes read as GBK (锟斤拷) or the
# debugger fill bytes 0xCC and 0xCD read as GBK (烫烫, 屯屯).
_LOST_TEXT_RE = re.compile("\ufffd+|(?:锟斤拷)+|烫{3,}|屯{3,}")
_SPACE_RE = re.compile(r"\s")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]+")


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """One damaged stretch, undone."""

    damage: str  # the kind, e.g. "utf8_as_gbk"; two kinds joined by "+" when it was done twice
    start: int  # of the replacement in the repaired text
    damaged: str
    replacement: str
    lost_bytes: int = 0
    gain: float = 0.0  # how much more probable (nats) the model finds the replacement

    @property
    def end(self) -> int:
        return self.start + len(self.replacement)


@dataclass(frozen=True)
class Stretch:
    """A stretch of text: damaged and left, or repaired with little confidence."""

    damage: str
    start: int
    end: int
    text: str
    confidence: float | None = None  # for a filled character: the model's posterior


@dataclass(frozen=True)
class MojibakeRepair:
    text: str
    repairs: tuple[Repair, ...] = ()
    # Characters whose lost bytes were filled with little confidence (offsets in text).
    low_confidence: tuple[Stretch, ...] = ()
    # Stretches of text that still look damaged (offsets in text).
    unrepaired: tuple[Stretch, ...] = ()
    # Repaired stretches with so many low-confidence characters that they need a look.
    uncertain: tuple[Stretch, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.repairs)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted({repair.damage for repair in self.repairs}))


# --------------------------------------------------------------------------------------
# Candidate readings of one stretch
# --------------------------------------------------------------------------------------


class Reading(NamedTuple):
    damage: str
    text: str
    lost_bytes: int = 0
    filled: tuple[FilledChar, ...] = ()  # characters whose lost bytes the model chose


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _single_bytes(text: str) -> bytes | None:
    """The bytes a one-byte-a-character decoder (Latin-1 or Windows-1252) read as text."""
    try:
        return bytes(_BYTE_CHARS[char] for char in text)
    except KeyError:
        return None


def _single_byte_name(text: str) -> str:
    return "cp1252" if any(char in _WINDOWS_1252_ONLY for char in text) else "latin1"


def _name(source: str) -> str:
    return {"utf-8": "utf8", "gb18030": "gbk"}.get(source, source)


def _single_byte_readings(text: str) -> Iterator[Reading]:
    data = _single_bytes(text)
    if data is None or data.isascii():
        return
    shown_as = _single_byte_name(text)
    for source in SINGLE_BYTE_SOURCES:
        try:
            decoded = data.decode(source)
        except UnicodeDecodeError:
            continue
        if source != "utf-8" and sum(not char.isascii() for char in decoded) < 2:
            continue  # one double-byte character is too little to tell GBK or Big5 from chance
        yield Reading(f"{_name(source)}_as_{shown_as}", decoded)
    fixed, steps = ftfy.fix_encoding_and_explain(text)
    if fixed != text and steps:
        yield Reading(_ftfy_kind(steps), fixed)


def _ftfy_kind(steps) -> str:
    encodings = [encoding for action, encoding in steps if action == "encode"]
    names = ["cp1252" if "1252" in encoding else "latin1" if "latin" in encoding else encoding for encoding in encodings]
    return "+".join(f"utf8_as_{name}" for name in names) or "utf8_as_cp1252"


def _double_byte_readings(text: str, model: CharBigramModel, left: str, right: str) -> Iterator[Reading]:
    for codec in DOUBLE_BYTE_CODECS:
        if codec == "gb18030" and _gbk_equals_gb18030(text):
            continue
        damage = f"utf8_as_{codec}"
        if REPLACEMENT not in text:
            try:
                yield Reading(damage, text.encode(codec).decode("utf-8"))
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
            continue
        readings = [(damage, read_lost_bytes(text, codec, model, left=left, right=right))]
        if codec != "big5":
            readings.append((f"{damage}+{damage}", read_lost_bytes_twice(text, codec, model, left=left, right=right)))
        for name, reading in readings:
            if reading is not None:
                yield Reading(name, reading.text, reading.lost_bytes, reading.filled)


def _gbk_equals_gb18030(text: str) -> bool:
    try:
        return text.replace(REPLACEMENT, "").encode("gbk") == text.replace(REPLACEMENT, "").encode("gb18030")
    except UnicodeEncodeError:
        return False


def _lossy_cp1252_reading(text: str, model: CharBigramModel, left: str, right: str) -> Reading | None:
    """Seed 001's kind, run by run. Only to compare: the document-wide repair applies it."""
    if not looks_like_mojibake(text):
        return None
    pieces = []
    cursor = 0
    for match in MOJIBAKE_RUN_RE.finditer(text):
        if not any(utf8_sequence_length(BYTE_OF_CHAR[char]) for char in match.group()):
            continue
        before = text[match.start() - 1] if match.start() else left
        after = text[match.end()] if match.end() < len(text) else right
        pieces += [text[cursor : match.start()], "".join(d.char for d in decode_run(match.group(), before, after, model))]
        cursor = match.end()
    return Reading(LOSSY_CP1252, "".join(pieces) + text[cursor:])


def _readings(text: str, model: CharBigramModel, left: str, right: str) -> Iterator[Reading]:
    yield from _single_byte_readings(text)
    yield from _double_byte_readings(text, model, left, right)


def _candidates(text: str, model: CharBigramModel, left: str, right: str) -> list[Reading]:
    """Every reading of text, and every reading of those (the same damage done twice)."""
    first = list(_readings(text, model, left, right))
    candidates = list(first)
    lossy = _lossy_cp1252_reading(text, model, left, right)
    if lossy is not None:
        candidates.append(lossy)
    for reading in first:
        if reading.lost_bytes:
            continue  # bytes filled by the model on mojibake: read_lost_bytes_twice fills both layers at once
        for again in _readings(reading.text, model, left, right):
            candidates.append(
                Reading(f"{reading.damage}+{again.damage}", again.text, again.lost_bytes, again.filled)
            )
    return candidates


def _score(reading: Reading, model: CharBigramModel, left: str, right: str) -> float:
    text = reading.text
    if reading.damage.startswith("big5_as") or "+big5_as" in reading.damage:
        text = _traditional_to_simplified().convert(text)
    return model.score(text, left, right)


class _Choice(NamedTuple):
    start: int
    end: int
    reading: Reading
    gain: float


def _best_reading(text: str, start: int, end: int, model: CharBigramModel) -> _Choice | None:
    stretch = text[start:end]
    left = text[start - 1] if start else "\n"
    right = text[end] if end < len(text) else "\n"
    # Clean traditional Chinese must not lose to a reading for want of simplified characters.
    baseline = max(model.score(stretch, left, right),
                   model.score(_traditional_to_simplified().convert(stretch), left, right))
    best = None
    for reading in _candidates(stretch, model, left, right):
        if reading.text == stretch or REPLACEMENT in reading.text:
            continue  # U+FFFD in a reading: text lost for good, nothing to gain
        gain = _score(reading, model, left, right) - baseline
        if best is None or gain > best.gain:
            best = _Choice(start, end, reading, gain)
    return best


# --------------------------------------------------------------------------------------
# Where to look
# --------------------------------------------------------------------------------------


def _single_byte_stretches(text: str) -> Iterator[tuple[int, int]]:
    """Runs of characters that stand for one byte each, with the ASCII inside them."""
    for match in _SINGLE_BYTE_RUN_RE.finditer(text):
        yield match.start(), match.end()
        if _SPACE_RE.search(match.group()):
            # Should the run as a whole read as nothing, its words may (clean and damaged mixed).
            for word in re.finditer(r"\S+", match.group()):
                if not word.group().isascii():
                    yield match.start() + word.start(), match.start() + word.end()


def _double_byte_stretches(text: str) -> Iterator[tuple[int, int]]:
    """Stretches whose bytes in GBK or Big5 would be valid UTF-8, line by line."""
    offset = 0
    for line in text.split("\n"):
        for codec in ("gb18030", "big5"):
            if _UTF8_RUN_RE.search(line.replace(REPLACEMENT, "?").encode(codec, errors="replace")):
                for start, end in _utf8_stretches(line, codec):
                    yield offset + start, offset + end
        offset += len(line) + 1


def _utf8_stretches(line: str, codec: str) -> Iterator[tuple[int, int]]:
    """Maximal stretches of line whose codec bytes (U+FFFD: any byte) can be read as UTF-8."""
    encoded: list[bytes | None] = []
    for char in line:
        if char == REPLACEMENT:
            encoded.append(b"")
            continue
        try:
            encoded.append(char.encode(codec))
        except UnicodeEncodeError:
            encoded.append(None)
    start = 0
    while start < len(line):
        if encoded[start] is None or (line[start].isascii() and line[start] != REPLACEMENT):
            start += 1
            continue
        pending = {0}
        complete_at = None
        position = start
        while position < len(line) and encoded[position] is not None:
            pending = _advance(pending, encoded[position] or None)
            if not pending:
                break
            position += 1
            if 0 in pending:
                complete_at = position
        if complete_at is None:
            start += 1
            continue
        end = complete_at
        while end > start and line[end - 1].isascii():
            end -= 1
        if sum(1 for char in line[start:end] if not char.isascii()) >= MIN_DOUBLE_BYTE_STRETCH:
            yield start, end
        start = max(complete_at, start + 1)


def _advance(pending: set[int], data: bytes | None) -> set[int]:
    """UTF-8 states (continuation bytes still expected) after data; None is one lost byte."""
    for byte in data if data is not None else (None,):
        following = set()
        for expected in pending:
            if byte is None:
                following.update((expected - 1,) if expected else (1, 2))
            elif expected:
                if 0x80 <= byte <= 0xBF:
                    following.add(expected - 1)
            elif byte < 0x80:
                following.add(0)
            elif 0xC2 <= byte <= 0xDF:
                following.add(1)
            elif 0xE0 <= byte <= 0xEF:
                following.add(2)
            elif 0xF0 <= byte <= 0xF4:
                following.add(3)
        pending = following
        if not pending:
            break
    return pending


def _choices(text: str, model: CharBigramModel) -> list[_Choice]:
    """The best reading of each suspect stretch, the stretches not overlapping, best first."""
    stretches = set(_single_byte_stretches(text)) | set(_double_byte_stretches(text))
    found = [choice for start, end in stretches if (choice := _best_reading(text, start, end, model))]
    found.sort(key=lambda choice: -choice.gain)
    kept: list[_Choice] = []
    for choice in found:
        if all(choice.end <= other.start or other.end <= choice.start for other in kept):
            kept.append(choice)
    return kept


# --------------------------------------------------------------------------------------
# The repair
# --------------------------------------------------------------------------------------


def repair_mojibake(text: str, model: CharBigramModel | None = None) -> MojibakeRepair:
    """Undo the mojibake in text where the model is clearly for it; clean text comes back as is."""
    if not _suspect(text):
        return MojibakeRepair(text=text)
    model = model or default_model()
    repaired, repairs, low, doubtful = _repair_stretches(text, model)
    if looks_like_mojibake(repaired):
        repaired, repairs, low, doubtful = _repair_lossy_cp1252(repaired, repairs, low, doubtful, model)
    if not repairs:
        return MojibakeRepair(text=text, unrepaired=tuple(find_damage(text, model)))
    return MojibakeRepair(repaired, tuple(repairs), tuple(low), tuple(find_damage(repaired, model)), tuple(doubtful))


def _suspect(text: str) -> bool:
    """A quick look for anything any kind of damage leaves."""
    if text.isascii():
        return False
    if _SINGLE_BYTE_RUN_RE.search(text) or REPLACEMENT in text or _LOST_TEXT_RE.search(text):
        return True
    return any(
        _UTF8_RUN_RE.search(text.encode(codec, errors="replace")) for codec in ("gb18030", "big5")
    )


def _repair_stretches(text: str, model: CharBigramModel) -> tuple[str, list[Repair], list[Stretch], list[Stretch]]:
    output: list[str] = []
    repairs: list[Repair] = []
    filled: list[FilledChar] = []
    cursor = length = 0
    for choice in sorted(_choices(text, model), key=lambda choice: choice.start):
        if choice.gain < REPAIR_MARGIN or choice.reading.damage == LOSSY_CP1252:
            continue  # seed 001's kind is repaired document-wide, with its punctuation
        output.append(text[cursor : choice.start])
        length += choice.start - cursor
        reading = choice.reading
        repairs.append(Repair(reading.damage, length, text[choice.start : choice.end], reading.text,
                              reading.lost_bytes, round(choice.gain, 1)))
        filled.extend(f._replace(offset=length + f.offset) for f in reading.filled)
        output.append(reading.text)
        length += len(reading.text)
        cursor = choice.end
    output.append(text[cursor:])
    repaired = "".join(output)
    if filled:
        # The whole document is known now: its numbering, brackets and words can settle what
        # the bytes left open. Each character stays one character, so offsets hold.
        repaired, filled = reconsider_filled(repaired, filled, model)
        repairs = [r if r.replacement == repaired[r.start : r.end] else dataclasses.replace(r, replacement=repaired[r.start : r.end])
                   for r in repairs]
    damage_at = {}
    for r in repairs:
        damage_at.update((offset, r.damage) for offset in range(r.start, r.end))
    low = [Stretch(damage_at.get(f.offset, ""), f.offset, f.offset + 1, f.char, round(f.confidence, 3))
           for f in filled if f.confidence < LOW_CONFIDENCE_THRESHOLD]
    doubtful = []
    for r in repairs:
        in_repair = sum(1 for s in low if r.start <= s.start < r.end)
        if in_repair > MAX_LOW_CONFIDENCE_SHARE * len(r.replacement.strip()):
            doubtful.append(Stretch(r.damage, r.start, r.end, r.replacement))
    return repaired, repairs, low, doubtful


def _repair_lossy_cp1252(
    text: str, repairs: list[Repair], low: list[Stretch], doubtful: list[Stretch], model: CharBigramModel
) -> tuple[str, list[Repair], list[Stretch], list[Stretch]]:
    """Seed 001's kind, on what the stretch repairs left: applied only if the whole text gains."""
    repaired, spans = repair_lossy_cp1252(text, model)
    gain = model.score(repaired) - model.score(text)
    if repaired == text or gain < REPAIR_MARGIN:
        return text, repairs, low, doubtful
    shift = _offset_shifter([(span.start, len(span.damaged), len(span.replacement)) for span in spans])
    moved = [Repair(r.damage, shift(r.start), r.damaged, r.replacement, r.lost_bytes, r.gain) for r in repairs]
    moved += [Repair(LOSSY_CP1252, span.start, span.damaged, span.replacement) for span in spans]
    low = [Stretch(s.damage, shift(s.start), shift(s.start) + 1, s.text, s.confidence) for s in low]
    low += [Stretch(LOSSY_CP1252, span.start, span.end, span.replacement, round(span.confidence, 3))
            for span in spans if span.confidence < LOW_CONFIDENCE_THRESHOLD]
    doubtful = [Stretch(s.damage, shift(s.start), shift(s.end), s.text) for s in doubtful]
    return repaired, sorted(moved, key=lambda r: r.start), sorted(low, key=lambda s: s.start), doubtful


def _offset_shifter(replacements: list[tuple[int, int, int]]):
    """Maps an offset in a text to the text after replacements (new start, old length, new length)."""
    old_starts = []
    delta = 0
    for new_start, old_length, new_length in sorted(replacements):
        old_starts.append((new_start - delta, delta + new_length - old_length))
        delta += new_length - old_length

    def shift(offset: int) -> int:
        moved = 0
        for old_start, delta_after in old_starts:
            if old_start >= offset:
                break
            moved = delta_after
        return offset + moved

    return shift


# --------------------------------------------------------------------------------------
# What still looks damaged
# --------------------------------------------------------------------------------------


def find_damage(text: str, model: CharBigramModel | None = None) -> list[Stretch]:
    """Stretches of text that look like mojibake or lost text, in order; [] for clean text."""
    if not _suspect(text) and not _CONTROL_RE.search(text):
        return []
    model = model or default_model()
    found = [
        Stretch(choice.reading.damage, choice.start, choice.end, text[choice.start : choice.end])
        for choice in _choices(text, model)
        if choice.gain >= DAMAGE_MARGIN
    ]
    found += [Stretch("lost_text", m.start(), m.end(), m.group()) for m in _LOST_TEXT_RE.finditer(text)]
    found += [Stretch("control_characters", m.start(), m.end(), m.group()) for m in _CONTROL_RE.finditer(text)]
    return _merge(found)


def _merge(stretches: list[Stretch]) -> list[Stretch]:
    merged: list[Stretch] = []
    for stretch in sorted(stretches, key=lambda s: (s.start, -s.end)):
        if merged and stretch.start < merged[-1].end:
            last = merged[-1]
            if stretch.end > last.end:
                merged[-1] = Stretch(last.damage, last.start, stretch.end, last.text + stretch.text[last.end - stretch.start :])
            continue
        merged.append(stretch)
    return merged
