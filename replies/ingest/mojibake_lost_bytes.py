"""UTF-8 read as GBK, GB18030 or Big5 with errors replaced: the lost bytes, put back.

Such a decoder takes two bytes at a time. When a byte cannot start a valid pair with the byte
after it, it writes U+FFFD for that one byte and goes on with the next. So each U+FFFD stands
for exactly one lost byte (0x80-0xFF), and that byte did not form a valid pair with the byte
after it, which narrows it down: for GBK a lost UTF-8 continuation byte before another non-ASCII
byte can only be 0x80 or one of the few that lead GBK's unassigned rows.

The text is turned back into the codec's bytes with a hole for each U+FFFD, and a Viterbi
search over the UTF-8 characters those bytes can form picks the most probable reading with the
character model. Characters the model has never seen are candidates only where no byte is
missing.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import NamedTuple

from replies.ingest.charmodel import CharBigramModel, pooled_log_share
from replies.ingest.mojibake_lossy_cp1252 import utf8_sequence_length

REPLACEMENT = "\ufffd"
# States kept at each byte position of the search.
BEAM_WIDTH = 48
# Readings of one character with lost bytes that are tried, the most frequent first.
MAX_CANDIDATES = 256
# Beyond this share of lost non-ASCII bytes (UTF-8 read as Big5 loses about half) the
# characters can no longer be told apart: the text is left as it is, to be flagged.
MAX_LOST_SHARE = 0.4

Slot = int | None  # a byte, or None for a lost one
ANY_HIGH_BYTE = frozenset(range(0x80, 0x100))
# The second byte of a GBK or Big5 character can also be ASCII (0x40-0x7E).
ANY_TRAIL_BYTE = ANY_HIGH_BYTE | frozenset(range(0x40, 0x7F))


class FilledChar(NamedTuple):
    """A character of the reading that had lost bytes."""

    offset: int  # in the decoded text
    char: str
    confidence: float  # the model's posterior among the characters the bytes allow
    alternatives: tuple[str, ...] = ()  # the characters the bytes allow, this one among them


@dataclass(frozen=True)
class LostByteReading:
    text: str
    lost_bytes: int
    filled: tuple[FilledChar, ...]


def codec_slots(text: str, codec: str) -> list[Slot] | None:
    """The bytes text was decoded from by codec, None for each byte lost; None if impossible."""
    slots: list[Slot] = []
    for index, piece in enumerate(text.split(REPLACEMENT)):
        if index:
            slots.append(None)
        try:
            slots.extend(piece.encode(codec))
        except UnicodeEncodeError:
            return None
    return slots


@lru_cache(maxsize=None)
def _valid_pairs(codec: str) -> frozenset[tuple[int, int]]:
    """Byte pairs (lead >= 0x80) that the codec decodes as one character."""
    pairs = set()
    for lead in range(0x80, 0x100):
        for trail in range(0x100):
            try:
                if len(bytes((lead, trail)).decode(codec)) == 1:
                    pairs.add((lead, trail))
            except UnicodeDecodeError:
                pass
    return frozenset(pairs)


@lru_cache(maxsize=None)
def lost_byte_values(codec: str, following: int | None) -> frozenset[int]:
    """Values a lost byte can have, given the byte after it (None: unknown or end of text)."""
    if following is None:
        return ANY_HIGH_BYTE
    valid = _valid_pairs(codec)
    return frozenset(byte for byte in range(0x80, 0x100) if (byte, following) not in valid)


# Characters the model pools under an ASCII symbol (see charmodel.lm_symbol).
POOLED_CHARS = "\u3000\xa0\u2028\u2029"


class _CharIndex:
    """The non-ASCII characters the model knows, by the length and first byte of their UTF-8."""

    def __init__(self, model: CharBigramModel) -> None:
        self.by_lead: dict[tuple[int, int], list[tuple[str, bytes]]] = {}
        for symbol in [*model.unigrams, *POOLED_CHARS]:
            if len(symbol) != 1 or symbol.isascii() or symbol == "\ue000":
                continue
            encoded = symbol.encode("utf-8")
            self.by_lead.setdefault((len(encoded), encoded[0]), []).append((symbol, encoded))
        self.frequency = model.unigrams
        self._cache: dict[tuple, tuple[str, ...]] = {}

    def matching(self, pattern: tuple[int | frozenset[int], ...]) -> tuple[str, ...]:
        """Known characters whose UTF-8 bytes fit the pattern (a byte, or a set of allowed bytes)."""
        cached = self._cache.get(pattern)
        if cached is not None:
            return cached
        first = pattern[0]
        leads = (first,) if isinstance(first, int) else sorted(first)
        found = []
        for lead in leads:
            for char, encoded in self.by_lead.get((len(pattern), lead), ()):
                if all(
                    encoded[i] == slot if isinstance(slot, int) else encoded[i] in slot
                    for i, slot in enumerate(pattern[1:], 1)
                ):
                    found.append(char)
        found.sort(key=lambda char: -self.frequency.get(char, 0))
        result = self._cache[pattern] = tuple(found[:MAX_CANDIDATES]) or _any_chars(pattern)
        return result


def _any_chars(pattern: tuple[int | frozenset[int], ...]) -> tuple[str, ...]:
    """Every assigned character whose UTF-8 bytes fit the pattern: for what the model never saw."""
    choices = [(slot,) if isinstance(slot, int) else sorted(slot) for slot in pattern]
    if math.prod(len(choice) for choice in choices) > 4096:
        return ()
    found = []
    for encoded in product(*choices):
        try:
            char = bytes(encoded).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(char) == 1 and unicodedata.category(char) not in ("Cc", "Cf", "Cn", "Co", "Cs"):
            found.append(char)
    return tuple(found)


@lru_cache(maxsize=4)
def _char_index(model: CharBigramModel) -> _CharIndex:
    return _CharIndex(model)


def _utf8_length(lead: int) -> int:
    return 1 if lead < 0x80 else utf8_sequence_length(lead)


class _Token(NamedTuple):
    start: int
    end: int
    char: str
    candidates: tuple[str, ...]  # the readings of the same bytes, for its confidence
    lost: int


def _tokens_at(slots: list[Slot], start: int, allowed: list[frozenset[int] | None], index: _CharIndex) -> list[_Token]:
    slot = slots[start]
    if isinstance(slot, int) and slot < 0x80:
        return [_Token(start, start + 1, chr(slot), (chr(slot),), 0)]
    lengths = (_utf8_length(slot),) if isinstance(slot, int) else (2, 3)
    tokens = []
    if slot is None:
        # A byte of a character the outer damage hid (read_lost_bytes_twice) can be ASCII: GBK
        # pairs a lead byte with a letter.
        ascii_chars = tuple(chr(byte) for byte in sorted(allowed[start]) if byte < 0x80)
        tokens.extend(_Token(start, start + 1, char, ascii_chars, 1) for char in ascii_chars)
    for length in lengths:
        if length < 2 or start + length > len(slots):
            continue
        body = slots[start : start + length]
        if any(isinstance(byte, int) and not 0x80 <= byte <= 0xBF for byte in body[1:]):
            continue
        lost = sum(byte is None for byte in body)
        if not lost:
            try:
                char = bytes(body).decode("utf-8")
            except UnicodeDecodeError:
                continue
            tokens.append(_Token(start, start + length, char, (char,), 0))
            continue
        pattern = tuple(byte if isinstance(byte, int) else allowed[start + i] for i, byte in enumerate(body))
        candidates = index.matching(pattern)
        tokens.extend(_Token(start, start + length, char, candidates, lost) for char in candidates)
    return tokens


def read_lost_bytes(
    text: str, codec: str, model: CharBigramModel, *, left: str = "\n", right: str = "\n"
) -> LostByteReading | None:
    """The most probable UTF-8 text that codec, replacing errors, turned into text; None if none."""
    slots = codec_slots(text, codec)
    if slots is None or _too_much_lost(slots):
        return None
    return _best_reading(slots, _lost_byte_values(slots, codec, right), model, left, right)


def read_lost_bytes_twice(
    text: str, codec: str, model: CharBigramModel, *, left: str = "\n", right: str = "\n"
) -> LostByteReading | None:
    """As read_lost_bytes, for text that went through the damage twice.

    The outer damage's lost bytes leave characters of the first damage's text unknown; each
    becomes two unknown bytes, limited to the bytes of the characters it can have been, and
    both layers' lost bytes are then chosen together, by the model, on the final text.
    """
    outer = codec_slots(text, codec)
    if outer is None or None not in outer or _too_much_lost(outer):
        return None
    outer_allowed = _lost_byte_values(outer, codec, right)
    inner: list[Slot] = []
    allowed: list[frozenset[int] | None] = []
    position = 0
    while position < len(outer):
        lead = outer[position]
        if lead is not None and lead < 0x80:
            inner.append(lead)
            allowed.append(None)
            position += 1
            continue
        length = 3 if lead is None else _utf8_length(lead)
        body = outer[position : position + length]
        if length < 2 or len(body) < length or any(b is not None and not 0x80 <= b <= 0xBF for b in body[1:]):
            return None
        if None not in body:
            try:
                char = bytes(body).decode("utf-8")
                pair = char.encode(codec) if char != REPLACEMENT else None
            except (UnicodeDecodeError, UnicodeEncodeError):
                return None
            if pair is None:
                inner.append(None)
                allowed.append(None)  # lost by the first damage: set below from its neighbour
            else:
                inner.extend(pair)
                allowed.extend([None] * len(pair))
        else:
            if body[:2] == [0xEF, 0xBF]:
                # U+FFFD (EF BF BD) with its last byte lost, almost surely: the other
                # characters of EF BF are rare half-width forms.
                inner.append(None)
                allowed.append(None)
                position += length
                continue
            pattern = tuple(b if b is not None else outer_allowed[position + i] for i, b in enumerate(body))
            pairs = _double_byte_pairs(pattern, codec)
            inner.extend([None, None])
            if pairs:
                allowed.extend([frozenset(p[0] for p in pairs), frozenset(p[1] for p in pairs)])
            else:  # too many bytes of it lost to list its readings
                allowed.extend([ANY_HIGH_BYTE, ANY_TRAIL_BYTE])
        position += length
    first_damage = _lost_byte_values(inner, codec, right)
    allowed = [given if given is not None else first for given, first in zip(allowed, first_damage)]
    return _best_reading(inner, allowed, model, left, right)


def _double_byte_pairs(pattern: tuple[int | frozenset[int], ...], codec: str) -> set[bytes]:
    """The codec's two bytes of each character whose UTF-8 fits the pattern."""
    pairs = set()
    for char in _any_chars(pattern):
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(encoded) == 2:
            pairs.add(encoded)
    return pairs


def _too_much_lost(slots: list[Slot]) -> bool:
    non_ascii = sum(1 for slot in slots if slot is None or slot >= 0x80)
    return slots.count(None) > MAX_LOST_SHARE * non_ascii


def _lost_byte_values(slots: list[Slot], codec: str, right: str) -> list[frozenset[int] | None]:
    """For each lost byte, the values it can have had; None for the bytes that are known."""
    following_right = codec_slots(right, codec) if right else None
    allowed: list[frozenset[int] | None] = []
    for position, slot in enumerate(slots):
        if slot is not None:
            allowed.append(None)
            continue
        if position + 1 < len(slots):
            following = slots[position + 1]
        else:
            following = following_right[0] if following_right else None
        allowed.append(lost_byte_values(codec, following))
    return allowed


def _best_reading(
    slots: list[Slot], allowed: list[frozenset[int] | None], model: CharBigramModel, left: str, right: str
) -> LostByteReading | None:
    """Viterbi search over the UTF-8 characters the slots can form, with the trigram model."""
    index = _char_index(model)
    State = tuple[str, str]  # the last two characters
    # best[position][state] = (score, token, previous state)
    best: list[dict[State, tuple[float, _Token | None, State | None]]] = [{} for _ in range(len(slots) + 1)]
    best[0][("\n", left)] = (0.0, None, None)
    for position in range(len(slots)):
        states = best[position]
        if not states:
            continue
        if len(states) > BEAM_WIDTH:
            kept = sorted(states.items(), key=lambda item: item[1][0], reverse=True)[:BEAM_WIDTH]
            states = best[position] = dict(kept)
        tokens = _tokens_at(slots, position, allowed, index)
        for state, (score, _, _) in states.items():
            for token in tokens:
                total = score + model.logprob3(state[0], state[1], token.char)
                if token.lost:
                    total += pooled_log_share(token.char)
                ending = best[token.end]
                following = (state[1], token.char)
                if following not in ending or ending[following][0] < total:
                    ending[following] = (total, token, state)
    final = best[len(slots)]
    if not final:
        return None
    last = max(final, key=lambda state: final[state][0] + model.logprob3(state[0], state[1], right))
    path: list[_Token] = []
    position, state = len(slots), last
    while position > 0:
        _, token, previous = best[position][state]
        path.append(token)
        position, state = token.start, previous
    path.reverse()
    return _reading(path, left, right, model)


def _reading(path: list[_Token], left: str, right: str, model: CharBigramModel) -> LostByteReading:
    chars = ["\n", left, *(token.char for token in path), right, "\n"]
    filled = []
    for offset, token in enumerate(path):
        if not token.lost:
            continue
        at = offset + 2
        before2, before1, after1, after2 = chars[at - 2], chars[at - 1], chars[at + 1], chars[at + 2]

        def score(char: str) -> float:
            return (model.logprob3(before2, before1, char) + model.logprob3(before1, char, after1)
                    + model.logprob3(char, after1, after2) + pooled_log_share(char))

        scores = [score(c) for c in token.candidates]
        top = max(scores)
        confidence = math.exp(score(token.char) - top) / sum(math.exp(s - top) for s in scores)
        filled.append(FilledChar(offset, token.char, confidence, token.candidates))
    return LostByteReading("".join(token.char for token in path), sum(token.lost for token in path), tuple(filled))
