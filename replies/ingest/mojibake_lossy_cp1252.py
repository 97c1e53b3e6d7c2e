"""The lossy kind of seed 001: UTF-8 read as Windows-1252 with errors ignored, then ftfy 6.2.

One of the kinds ``replies.ingest.mojibake`` recognises; that module decides when to use it.

The damage this module undoes happens in three steps:

1. UTF-8 bytes are decoded as Windows-1252 with errors ignored, so the five bytes that code
   page leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) vanish.
2. ftfy 6.2 repairs every stretch it can. A character that lost a byte cannot be repaired,
   and ftfy never starts a repair right after a UTF-8 continuation byte, so the characters
   after a broken one stay mojibake up to the next ASCII character. ftfy also folds the
   full-width punctuation it repairs (，：；（）！？) to ASCII.
3. Soft hyphens (byte 0xAD) are stripped from what is left, so damaged stretches lose that
   byte as well.

The repair turns every damaged stretch back into bytes, enumerates the characters each
incomplete UTF-8 sequence could have been, and picks the most probable reading with a
character bigram model (see ``scripts/build_char_model.py``). It then restores full-width
punctuation where the document's own surviving punctuation shows that was its style.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product
from typing import Iterable, Iterator, NamedTuple

from replies.ingest.charmodel import CharBigramModel

# Bytes that can be missing from a damaged stretch: the five Windows-1252 leaves undefined,
# plus 0xAD, whose soft hyphen was stripped after ftfy had run.
DROPPABLE_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD)

# Cost (in nats) of reading a character of a damaged stretch as itself rather than as a
# byte of a UTF-8 sequence. The mechanism leaves such characters only in rare corners.
LITERAL_COST = 9.0
# Readings scoring this much (in nats) below the best at the same point are dropped.
VITERBI_BEAM = 15.0
# Rounds of re-choosing characters with the trigram model after the bigram search.
TRIGRAM_PASSES = 2

# Costs (in nats) of readings the damage mechanism would not have produced (see
# _mechanism_cost). Repaired text right after a run is a hard fact of ftfy's lookbehind; a
# complete character left unrepaired where ftfy could have started is merely unlikely, as
# ftfy's badness heuristic passes over about a third of single Chinese characters.
UNREPAIRED_COMPLETE_COST = 1.5
REPAIRED_AFTER_BLOCKING_COST = 12.0

# How strongly the document-wide punctuation style pulls a punctuation mark with little
# evidence of its own, and how strongly the corpus prior pulls a document with little.
PUNCTUATION_TYPE_WEIGHT = 3.0
PUNCTUATION_PRIOR_WEIGHT = 2.0
# A folded mark is restored when full-width is the likelier original.
RESTORE_FULLWIDTH_ABOVE = 0.5

# Full-width punctuation that ftfy folds to ASCII when it repairs it, grouped so that
# opening and closing brackets share their evidence.
FULLWIDTH_BY_ASCII = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
PUNCTUATION_TYPE = {",": ",", ":": ":", ";": ";", "(": "()", ")": "()", "!": "!", "?": "?"}
# ftfy folds the ideographic space U+3000 to an ASCII space too. In the corpus the model
# learns from, runs of spaces in Chinese context are U+3000 (share of the characters) at the
# start of a line (100 %) and two or more after a sentence mark (94 %; "indent"), and
# elsewhere (2 %, 13 % for two spaces between characters; "inline"). The document's own runs
# weigh against that prior.
IDEOGRAPHIC_SPACE = "\u3000"
IDEOGRAPHIC_SPACE_PRIOR = {"indent": 0.95, "inline": 0.03}
SENTENCE_MARKS = frozenset("。：；，！？）")
SPACE_PRIOR_WEIGHT = 2.0

# Language-model symbols for characters whose identity does not matter to the repair.

# --------------------------------------------------------------------------------------
# Windows-1252 byte view of text
# --------------------------------------------------------------------------------------


def _windows_1252_high_bytes() -> dict[str, int]:
    """Each character Windows-1252 decodes a byte 0x80-0xFF to, mapped to that byte."""
    table = {}
    for byte in range(0x80, 0x100):
        try:
            table[bytes([byte]).decode("cp1252")] = byte
        except UnicodeDecodeError:
            continue
    return table


BYTE_OF_CHAR = _windows_1252_high_bytes()
_WINDOWS_1252_DEFINED_BYTES = frozenset(BYTE_OF_CHAR.values())
_MOJIBAKE_CHARS = "".join(re.escape(char) for char in BYTE_OF_CHAR)
_CONTINUATION_CHARS = "".join(re.escape(c) for c, b in BYTE_OF_CHAR.items() if b < 0xC0)
_LEAD_CHARS = "".join(re.escape(c) for c, b in BYTE_OF_CHAR.items() if 0xC2 <= b <= 0xF4)
MOJIBAKE_RUN_RE = re.compile(f"[{_MOJIBAKE_CHARS}]+")
# A UTF-8 lead byte followed by a continuation byte, both shown as Windows-1252 characters.
MOJIBAKE_SIGNATURE_RE = re.compile(f"[{_LEAD_CHARS}][{_CONTINUATION_CHARS}]")


# Continuation bytes after which ftfy never starts a repair: all but those Windows-1252 shows
# as quotation marks, dashes and the ellipsis, which ftfy takes as possibly meant.
NON_STRICT_CONTINUATION_BYTES = frozenset(b"\x82\x84\x85\x91\x92\x93\x94\x96\x97")


def is_continuation_byte(byte: int) -> bool:
    return 0x80 <= byte <= 0xBF


def blocks_ftfy_repair(byte: int) -> bool:
    """Whether ftfy leaves mojibake right after this byte's character unrepaired."""
    return is_continuation_byte(byte) and byte not in NON_STRICT_CONTINUATION_BYTES


def utf8_sequence_length(lead: int) -> int:
    """Length of the UTF-8 sequence a lead byte starts, 0 if it cannot start one."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def looks_like_mojibake(text: str) -> bool:
    """Whether text shows UTF-8 sequences that were decoded as Windows-1252."""
    return any(_is_utf8_prefix(match.group().encode("cp1252")) for match in MOJIBAKE_SIGNATURE_RE.finditer(text))


def _is_utf8_prefix(data: bytes) -> bool:
    """Whether data starts a well-formed UTF-8 sequence (ruling out overlongs and surrogates)."""
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        return error.reason == "unexpected end of data"


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairedSpan:
    start: int  # offset of the replacement in the repaired text
    damaged: str
    replacement: str
    confidence: float  # 0..1, the model's posterior for the chosen reading

    @property
    def end(self) -> int:
        return self.start + len(self.replacement)


# --------------------------------------------------------------------------------------
# Decoding one damaged stretch
# --------------------------------------------------------------------------------------


class Token(NamedTuple):
    """One reading of the run's bytes [start, end): a character, or the run's own character."""

    start: int
    end: int
    char: str
    literal: bool  # the run's character standing for itself, not a byte


class DecodedChar(NamedTuple):
    damaged: str
    char: str
    confidence: float


class FtfyView(NamedTuple):
    """How ftfy saw a character once Windows-1252 had dropped its undefined bytes."""

    broken: bool  # it lost a byte, so ftfy could not repair it
    leaves_open: bool  # ftfy could start a repair right after it


@lru_cache(maxsize=100_000)
def ftfy_view(char: str) -> FtfyView:
    encoded = char.encode("utf-8")
    seen = bytes(byte for byte in encoded if byte < 0x80 or byte in _WINDOWS_1252_DEFINED_BYTES)
    return FtfyView(broken=len(seen) < len(encoded), leaves_open=not blocks_ftfy_repair(seen[-1]))


def _mechanism_cost(previous: Token | None, token: Token | None) -> float:
    """Cost of two adjacent readings that the damage mechanism would not have produced.

    ftfy repairs most complete sequences where it may start, so a complete character in a
    damaged run mostly follows one after which ftfy could not start; and repaired text after
    a run means ftfy could start after the run's last character.
    ``None`` stands for the text around the run: repaired text, or the start of a line.
    """
    if previous is not None and previous.literal or token is not None and token.literal:
        return 0.0
    leaves_open = previous is None or ftfy_view(previous.char).leaves_open
    if token is None:
        return 0.0 if leaves_open else REPAIRED_AFTER_BLOCKING_COST
    if leaves_open and not ftfy_view(token.char).broken:
        return UNREPAIRED_COMPLETE_COST
    return 0.0


def _fill_missing(present: bytes, missing: int) -> Iterator[bytes]:
    """Every continuation-byte tail that is present with missing droppable bytes put back."""
    width = len(present) + missing
    for slots in combinations(range(width), missing):
        for fillers in product(DROPPABLE_BYTES, repeat=missing):
            kept = iter(present)
            filler = iter(fillers)
            yield bytes(next(filler) if position in slots else next(kept) for position in range(width))


def _is_plausible_char(char: str) -> bool:
    return unicodedata.category(char) not in ("Cc", "Cf", "Cn", "Co", "Cs", "Mn")


def _sequence_tokens(data: bytes, start: int, model: CharBigramModel) -> list[Token]:
    """Readings of the UTF-8 sequence whose lead byte is data[start], complete or lossy."""
    length = utf8_sequence_length(data[start])
    if not length:
        return []
    available = 0
    while (
        available < length - 1
        and start + 1 + available < len(data)
        and is_continuation_byte(data[start + 1 + available])
    ):
        available += 1
    # Fewer continuation bytes than are there is also a reading: the rest are then literal.
    return [
        Token(start, start + 1 + used, char, False)
        for used in range(available + 1)
        for char in _candidate_chars(data[start : start + 1 + used], length, model)
    ]


@lru_cache(maxsize=50_000)
def _candidate_chars(present: bytes, length: int, model: CharBigramModel) -> tuple[str, ...]:
    """Characters of the given UTF-8 length that start with present, droppable bytes added.

    Characters the model has never seen are kept only if there is nothing else.
    """
    candidates = set()
    for tail in _fill_missing(present[1:], length - len(present)):
        try:
            char = (present[:1] + tail).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _is_plausible_char(char):
            candidates.add(char)
    known = {char for char in candidates if model.knows(char)}
    return tuple(sorted(known or candidates))


def _run_lattice(run: str, model: CharBigramModel) -> list[list[Token]]:
    """For each byte position of the run, the tokens that start there."""
    data = run.encode("cp1252")
    lattice = []
    for position, char in enumerate(run):
        tokens = _sequence_tokens(data, position, model)
        tokens.append(Token(position, position + 1, char, True))
        lattice.append(tokens)
    return lattice


def _token_cost(previous: Token | None, token: Token) -> float:
    return _mechanism_cost(previous, token) + (LITERAL_COST if token.literal else 0.0)


def _best_path(lattice: list[list[Token]], left: str, right: str, model: CharBigramModel) -> list[Token]:
    """Viterbi search for the most probable token sequence between two fixed neighbours."""
    # best[position][(char, literal)] = (score, last token, key of the state before it)
    State = tuple[str, bool]
    best: list[dict[State, tuple[float, Token | None, State | None]]] = [{} for _ in range(len(lattice) + 1)]
    best[0][(left, True)] = (0.0, None, None)
    for position, tokens in enumerate(lattice):
        states = best[position]
        if not states:
            continue
        threshold = max(score for score, _, _ in states.values()) - VITERBI_BEAM
        for key, (score, last, _) in states.items():
            if score < threshold:
                continue
            for token in tokens:
                total = score + model.logprob(key[0], token.char) - _token_cost(last, token)
                ending = best[token.end]
                state = (token.char, token.literal)
                if state not in ending or ending[state][0] < total:
                    ending[state] = (total, token, key)
    final = best[len(lattice)]
    closing_cost = {} if right.isascii() else {key: _mechanism_cost(final[key][1], None) for key in final}
    key = max(final, key=lambda k: final[k][0] + model.logprob(k[0], right) - closing_cost.get(k, 0.0))
    path = []
    position = len(lattice)
    while position > 0:
        _, token, previous_key = best[position][key]
        path.append(token)
        position = token.start
        key = previous_key
    path.reverse()
    return path


def _token_confidence(
    token: Token, alternatives: list[Token], previous: Token | None, following: Token | None,
    context: tuple[str, str], model: CharBigramModel,
) -> float:
    """Posterior of token among the readings of the same bytes, its neighbours held fixed."""

    def score(candidate: Token) -> float:
        before = previous.char if previous else context[0]
        after = following.char if following else context[1]
        cost = _token_cost(previous, candidate)
        if following is not None:
            cost += _token_cost(candidate, following)
        return model.logprob(before, candidate.char) + model.logprob(candidate.char, after) - cost

    scores = [score(t) for t in alternatives if t.end == token.end]
    top = max(scores)
    return math.exp(score(token) - top) / sum(math.exp(s - top) for s in scores)


def _rescore_with_trigrams(
    path: list[Token], lattice: list[list[Token]], left: str, right: str, model: CharBigramModel
) -> list[Token]:
    """The path with each character re-chosen among the readings of the same bytes by the
    trigram model, its two neighbours on each side held fixed: the bigram search is fast,
    one more character of context tells 道路 from 铁路 where the bytes cannot."""
    path = list(path)
    choices = [[t for t in lattice[token.start] if t.end == token.end and not t.literal] for token in path]
    chars = [left, *(t.char for t in path), right]
    for _ in range(TRIGRAM_PASSES):
        changed = False
        for index, token in enumerate(path):
            alternatives = choices[index]
            if len(alternatives) < 2:
                continue
            before2 = chars[index - 1] if index else "\n"
            before1, after1 = chars[index], chars[index + 2]
            after2 = chars[index + 3] if index + 3 < len(chars) else "\n"
            previous = path[index - 1] if index else None
            following = path[index + 1] if index + 1 < len(path) else None

            def score(candidate: Token) -> float:
                cost = _token_cost(previous, candidate)
                if following is not None:
                    cost += _token_cost(candidate, following)
                elif not right.isascii():
                    cost += _mechanism_cost(candidate, None)
                return (model.logprob3(before2, before1, candidate.char) + model.logprob3(before1, candidate.char, after1)
                        + model.logprob3(candidate.char, after1, after2) - cost)

            best = max(alternatives, key=score)
            if best != token and score(best) > score(token):
                path[index] = best
                chars[index + 1] = best.char
                changed = True
        if not changed:
            break
    return path


def decode_run(run: str, left: str, right: str, model: CharBigramModel) -> list[DecodedChar]:
    """The most probable original characters of one damaged stretch."""
    lattice = _run_lattice(run, model)
    path = _rescore_with_trigrams(_best_path(lattice, left, right, model), lattice, left, right, model)
    decoded = []
    for index, token in enumerate(path):
        previous = path[index - 1] if index else None
        following = path[index + 1] if index + 1 < len(path) else None
        confidence = _token_confidence(token, lattice[token.start], previous, following, (left, right), model)
        decoded.append(DecodedChar(run[token.start : token.end], token.char, confidence))
    return decoded


# --------------------------------------------------------------------------------------
# Full-width punctuation
# --------------------------------------------------------------------------------------


def is_cjk_context(char: str) -> bool:
    """Whether char belongs to Chinese running text (ideographs, CJK and full-width marks)."""
    if not char:
        return False
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 < code <= 0x303F
        or 0xFF01 <= code <= 0xFF5E
        or char in "“”‘’—…·"
    )


@dataclass(frozen=True)
class PunctuationEvidence:
    """Punctuation whose original form survived: full-width inside damaged stretches, and
    ASCII right after one, where ftfy could not have repaired (and folded) a full-width mark."""

    fullwidth: dict[str, int]
    ascii: dict[str, int]

    def fullwidth_probability(self, kind: str, prior: float) -> float:
        fullwidth_total = sum(self.fullwidth.values())
        observed_total = fullwidth_total + sum(self.ascii.values())
        document = (fullwidth_total + PUNCTUATION_PRIOR_WEIGHT * prior) / (observed_total + PUNCTUATION_PRIOR_WEIGHT)
        fullwidth = self.fullwidth.get(kind, 0)
        observed = fullwidth + self.ascii.get(kind, 0)
        return (fullwidth + PUNCTUATION_TYPE_WEIGHT * document) / (observed + PUNCTUATION_TYPE_WEIGHT)


# --------------------------------------------------------------------------------------
# Whole-text repair
# --------------------------------------------------------------------------------------


class _Piece(NamedTuple):
    """A stretch of the input as it goes to the output: unchanged text, or decoded characters."""

    source: str
    decoded: tuple[DecodedChar, ...] | None  # None for text kept as it is

    @property
    def text(self) -> str:
        return self.source if self.decoded is None else "".join(d.char for d in self.decoded)


def _split_pieces(text: str, model: CharBigramModel) -> list[_Piece]:
    pieces = []
    cursor = 0
    for match in MOJIBAKE_RUN_RE.finditer(text):
        run = match.group()
        if not any(utf8_sequence_length(BYTE_OF_CHAR[char]) for char in run):
            continue  # only marks such as “ — · that ftfy repaired; nothing to decode
        if match.start() > cursor:
            pieces.append(_Piece(text[cursor : match.start()], None))
        left = text[match.start() - 1] if match.start() else "\n"
        right = text[match.end()] if match.end() < len(text) else "\n"
        pieces.append(_Piece(run, tuple(decode_run(run, left, right, model))))
        cursor = match.end()
    if cursor < len(text):
        pieces.append(_Piece(text[cursor:], None))
    return pieces


def _blocks_ftfy_after(piece: _Piece) -> bool:
    """Whether ftfy could not have repaired (and folded) a full-width mark right after piece."""
    return piece.decoded is not None and blocks_ftfy_repair(BYTE_OF_CHAR[piece.source[-1]])


def _collect_punctuation_evidence(pieces: list[_Piece]) -> PunctuationEvidence:
    fullwidth: dict[str, int] = {}
    ascii_: dict[str, int] = {}
    ascii_of_fullwidth = {wide: narrow for narrow, wide in FULLWIDTH_BY_ASCII.items()}
    for index, piece in enumerate(pieces):
        if piece.decoded is not None:
            for decoded in piece.decoded:
                if decoded.char in ascii_of_fullwidth:
                    kind = PUNCTUATION_TYPE[ascii_of_fullwidth[decoded.char]]
                    fullwidth[kind] = fullwidth.get(kind, 0) + 1
        elif index and _blocks_ftfy_after(pieces[index - 1]) and piece.source[0] in PUNCTUATION_TYPE:
            kind = PUNCTUATION_TYPE[piece.source[0]]
            ascii_[kind] = ascii_.get(kind, 0) + 1
    return PunctuationEvidence(fullwidth, ascii_)


def _space_context(previous: str, following: str, length: int) -> str | None:
    """The kind of place a run of spaces stands in, for the U+3000 it may have been; None
    outside Chinese text."""
    if previous == "\n":
        return "indent"
    if length >= 2 and (
        previous in SENTENCE_MARKS
        # ftfy folded the mark as well
        or previous in FULLWIDTH_BY_ASCII and (is_cjk_context(following) or following.isdigit())
    ):
        return "indent"
    if is_cjk_context(previous) or is_cjk_context(following):
        return "inline"
    return None


def _collect_space_evidence(pieces: list[_Piece]) -> tuple[dict[str, int], dict[str, int]]:
    """Runs with U+3000 decoded from damaged stretches, and runs of spaces that were provably
    ASCII (right after a stretch ftfy could not repair), by the kind of place they stand in."""
    ideographic: dict[str, int] = {}
    ascii_: dict[str, int] = {}
    texts = [piece.text for piece in pieces]
    for index, piece in enumerate(pieces):
        before = texts[index - 1][-1:] if index else "\n"
        after = texts[index + 1][:1] if index + 1 < len(pieces) else "\n"
        if piece.decoded is not None:
            runs, counts = re.finditer("\u3000+", piece.text), ideographic
        elif index and _blocks_ftfy_after(pieces[index - 1]) and piece.source[0] == " ":
            runs, counts = [re.match(" +", piece.source)], ascii_
        else:
            continue
        text = piece.text
        for run in runs:
            previous = text[run.start() - 1] if run.start() else before
            following = text[run.end()] if run.end() < len(text) else after
            context = _space_context(previous, following, len(run.group()))
            if context is not None:
                counts[context] = counts.get(context, 0) + 1
    return ideographic, ascii_


def ideographic_space_probability(context: str, ideographic: dict[str, int], ascii_: dict[str, int]) -> float:
    """How likely a run of spaces ftfy repaired (and folded) in Chinese context was U+3000."""
    seen, against = ideographic.get(context, 0), ascii_.get(context, 0)
    return (seen + SPACE_PRIOR_WEIGHT * IDEOGRAPHIC_SPACE_PRIOR[context]) / (seen + against + SPACE_PRIOR_WEIGHT)


def _restore_fullwidth(
    pieces: list[_Piece], model: CharBigramModel
) -> list[tuple[int, int, str, float]]:
    """Positions (piece index, offset, full-width mark, probability) to restore."""
    evidence = _collect_punctuation_evidence(pieces)
    space_evidence = _collect_space_evidence(pieces)
    restorations = []
    for index, piece in enumerate(pieces):
        if piece.decoded is not None:
            continue
        text = piece.source
        before = pieces[index - 1].text[-1:] if index else "\n"
        after = pieces[index + 1].text[:1] if index + 1 < len(pieces) else ""
        after_blocking = bool(index) and _blocks_ftfy_after(pieces[index - 1])
        for offset, char in enumerate(text):
            if char not in FULLWIDTH_BY_ASCII:
                continue
            if offset == 0 and after_blocking:
                continue  # provably ASCII in the original
            previous = text[offset - 1] if offset else before
            following = text[offset + 1] if offset + 1 < len(text) else after
            if not (is_cjk_context(previous) or is_cjk_context(following)):
                continue
            probability = evidence.fullwidth_probability(PUNCTUATION_TYPE[char], model.fullwidth_prior)
            if probability > RESTORE_FULLWIDTH_ABOVE:
                restorations.append((index, offset, FULLWIDTH_BY_ASCII[char], probability))
        for run in re.finditer(" +", text):
            previous = text[run.start() - 1] if run.start() else before
            following = text[run.end()] if run.end() < len(text) else after
            context = _space_context(previous, following, len(run.group()))
            if context is None:
                continue
            probability = ideographic_space_probability(context, *space_evidence)
            if probability > RESTORE_FULLWIDTH_ABOVE:
                first = run.start() + (run.start() == 0 and after_blocking)
                restorations.extend((index, offset, IDEOGRAPHIC_SPACE, probability) for offset in range(first, run.end()))
    return restorations


def _assemble(
    pieces: list[_Piece], restorations: list[tuple[int, int, str, float]]
) -> tuple[str, list[RepairedSpan]]:
    restored = {(index, offset): (mark, p) for index, offset, mark, p in restorations}
    output: list[str] = []
    spans: list[RepairedSpan] = []
    length = 0  # of the output so far
    for index, piece in enumerate(pieces):
        if piece.decoded is None:
            chars = list(piece.source)
            for offset, char in enumerate(piece.source):
                if (index, offset) in restored:
                    mark, probability = restored[(index, offset)]
                    spans.append(RepairedSpan(length + offset, char, mark, probability))
                    chars[offset] = mark
            output.append("".join(chars))
            length += len(chars)
            continue
        for group in _group_certain(piece.decoded):
            replacement = "".join(d.char for d in group)
            damaged = "".join(d.damaged for d in group)
            confidence = min(d.confidence for d in group)
            spans.append(RepairedSpan(length, damaged, replacement, confidence))
            output.append(replacement)
            length += len(replacement)
    return "".join(output), spans


def _group_certain(decoded: Iterable[DecodedChar]) -> Iterator[list[DecodedChar]]:
    """Decoded characters grouped so that each uncertain one stands alone."""
    group: list[DecodedChar] = []
    for char in decoded:
        if char.confidence < 0.999:
            if group:
                yield group
            yield [char]
            group = []
        else:
            group.append(char)
    if group:
        yield group


def repair_lossy_cp1252(text: str, model: CharBigramModel) -> tuple[str, list[RepairedSpan]]:
    """The most probable original of text damaged the way seed 001 was, and what was replaced."""
    if not looks_like_mojibake(text):
        return text, []
    pieces = _split_pieces(text, model)
    restorations = _restore_fullwidth(pieces, model)
    return _assemble(pieces, restorations)
