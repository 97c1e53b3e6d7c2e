"""Lost bytes, settled by the whole document.

The lost-byte search (``mojibake_lost_bytes``) chooses each character from a few neighbours.
Some choices only the document can settle: 第六条 and 第八条 lose the same byte at the start
of a line and read the same to the model, but the articles around say which it was; a
closing bracket is only right where one was opened; a word the document writes elsewhere,
undamaged, is the likelier reading where its bytes were lost. ``reconsider_filled`` chooses
each filled character again, among the characters its bytes allow, with these in the score.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from replies.ingest.charmodel import CharBigramModel, pooled_log_share
from replies.ingest.mojibake_lost_bytes import FilledChar
from replies.ingest.segmentation import jieba_tokenizer

# Nats for each time a candidate's pair with a neighbour occurs undamaged in the document
# (on a log scale: log(1 + count)).
CACHE_WEIGHT = 0.7
# Nats against a digit that breaks the numbering of the items around it.
NUMBERING_WEIGHT = 20.0
# Nats for a closing bracket that closes one opened on its line, and against one that closes
# nothing.
BRACKET_WEIGHT = 4.0
# Nats for a colon ending the line before a list's first item (（一）, 一、, 1., 第一条): in the
# corpus 97 % of the lines before one end in a colon, and almost none in a semicolon.
LIST_INTRO_WEIGHT = 4.0
# Weight of jieba's word model (the best segmentation of the characters around, words of up to
# four characters such as 同父异母 that character trigrams cannot see whole).
WORD_WEIGHT = 0.3
WORD_WINDOW = 4
MAX_WORD = 4
MAX_WORD_ALTERNATIVES = 8
# Rounds of choosing again, for filled characters next to each other.
PASSES = 2

BRACKETS = {"）": "（", ")": "(", "〕": "〔", "》": "《", "】": "【", "」": "「", "』": "『", "”": "“", "]": "["}

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL = "[零〇一二三四五六七八九十百]+"
# Numbered items, by kind: 第X条 (章, 节) and X、 heading a line, （X） anywhere, and 一是,
# 二是 … after a sentence.
_ITEM_START = "(?:^|(?<=[。；：\u3000 ]))"
NUMBERING_RES = {
    "article": re.compile(f"^[ \t\u3000#]*第({_NUMERAL})(条|章|节)", re.M),
    "paren": re.compile(f"[（(]({_NUMERAL})[）)]"),
    "enum": re.compile(f"{_ITEM_START}({_NUMERAL})、", re.M),
    "point": re.compile(f"{_ITEM_START}({_NUMERAL})是", re.M),
}

_FIRST_ITEM_RE = re.compile("\n+[ \t\u3000]*(?:[（(][一1１][）)]|一、|1[.．、]|第一条)")


def chinese_number(numeral: str) -> int | None:
    """The value of a Chinese numeral up to 999 (一, 十二, 二十, 一百零五); None if malformed."""
    if numeral == "十":
        return 10
    total = 0
    digit: int | None = None
    for char in numeral:
        if char in CHINESE_DIGITS:
            if digit is not None and digit != 0:
                return None
            digit = CHINESE_DIGITS[char]
        elif char in "十百":
            unit = 10 if char == "十" else 100
            total += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + (digit or 0)


def reconsider_filled(text: str, filled: list[FilledChar], model: CharBigramModel) -> tuple[str, list[FilledChar]]:
    """Choose each filled character of text again, with the document's context; the text with
    those choices, and the filled characters with their confidences among the alternatives."""
    chars = list(text)
    at = {f.offset: f for f in filled if len(f.alternatives) > 1}
    if not at:
        return text, filled
    cache = _undamaged_pairs(text, at)
    for _ in range(PASSES):
        changed = False
        for offset, spot in sorted(at.items()):
            scores = {alt: _score(chars, offset, alt, model, cache, len(spot.alternatives)) for alt in spot.alternatives}
            _numbering(chars, offset, scores)
            best = max(scores, key=scores.get)
            if best != chars[offset] and scores[best] > scores.get(chars[offset], -math.inf):
                chars[offset] = best
                changed = True
        if not changed:
            break
    result = []
    for spot in filled:
        if spot.offset not in at:
            result.append(spot)
            continue
        scores = {alt: _score(chars, spot.offset, alt, model, cache, len(spot.alternatives)) for alt in spot.alternatives}
        _numbering(chars, spot.offset, scores)
        char = chars[spot.offset]
        top = max(scores.values())
        confidence = math.exp(scores[char] - top) / sum(math.exp(s - top) for s in scores.values())
        result.append(spot._replace(char=char, confidence=confidence))
    return "".join(chars), result


def _is_ideograph(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _is_word_char(char: str) -> bool:
    return _is_ideograph(char) or char.isascii() and char.isalnum()


def _undamaged_pairs(text: str, filled: dict[int, FilledChar]) -> Counter:
    """Pairs of ideographs, letters and digits (words and names such as K3县, not punctuation)
    in the text outside the filled characters."""
    return Counter(
        text[i : i + 2] for i in range(len(text) - 1)
        if i not in filled and i + 1 not in filled and _is_word_char(text[i]) and _is_word_char(text[i + 1])
        and not text[i : i + 2].isdigit()
    )


def _score(chars: list[str], offset: int, char: str, model: CharBigramModel, cache: Counter, alternatives: int) -> float:
    before2 = chars[offset - 2] if offset >= 2 else "\n"
    before1 = chars[offset - 1] if offset >= 1 else "\n"
    after1 = chars[offset + 1] if offset + 1 < len(chars) else "\n"
    after2 = chars[offset + 2] if offset + 2 < len(chars) else "\n"
    score = (model.logprob3(before2, before1, char) + model.logprob3(before1, char, after1)
             + model.logprob3(char, after1, after2) + pooled_log_share(char))
    score += CACHE_WEIGHT * (math.log1p(cache.get(before1 + char, 0)) + math.log1p(cache.get(char + after1, 0)))
    score += BRACKET_WEIGHT * _bracket_fit(chars, offset, char)
    if WORD_WEIGHT and _is_ideograph(char) and alternatives <= MAX_WORD_ALTERNATIVES:
        window = chars[max(0, offset - WORD_WINDOW) : offset] + [char] + chars[offset + 1 : offset + 1 + WORD_WINDOW]
        score += WORD_WEIGHT * _segmentation_logprob("".join(window))
    if char in "：:" and after1 == "\n" and _FIRST_ITEM_RE.match("".join(chars[offset + 1 : offset + 12])):
        score += LIST_INTRO_WEIGHT
    return score


def _segmentation_logprob(text: str) -> float:
    """log P of the most probable segmentation of text into jieba's words (jieba's own route)."""
    tokenizer = jieba_tokenizer()
    frequency, log_total = tokenizer.FREQ, math.log(tokenizer.total)
    best = [0.0] + [-math.inf] * len(text)
    for start in range(len(text)):
        if best[start] == -math.inf:
            continue
        for end in range(start + 1, min(len(text), start + MAX_WORD) + 1):
            count = frequency.get(text[start:end]) or (1 if end == start + 1 else 0)
            if count:
                best[end] = max(best[end], best[start] + math.log(count) - log_total)
    return best[-1]


def _bracket_fit(chars: list[str], offset: int, char: str) -> int:
    """+1 for a closing bracket that closes one open on its line, -1 for one that closes
    nothing there; 0 for anything else."""
    opener = BRACKETS.get(char)
    if opener is None:
        return 0
    depth = 0
    position = offset - 1
    while position >= 0 and chars[position] != "\n":
        if chars[position] == char:
            depth += 1
        elif chars[position] == opener:
            if depth == 0:
                return 1
            depth -= 1
        position -= 1
    return -1


def _numbering(chars: list[str], offset: int, scores: dict[str, float]) -> None:
    """Where the filled character is a digit of a numbered item, the alternatives that
    continue the numbering of the items before or after it win outright."""
    if chars[offset] not in CHINESE_DIGITS and chars[offset] not in "十百":
        return
    text = "".join(chars)
    for pattern in NUMBERING_RES.values():
        values = [(m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(text)]
        here = [item for item in values if item[0] <= offset < item[1]]
        if not here:
            continue
        start, end, numeral = here[0]
        before = [chinese_number(n) for s, _, n in values if s < start]
        after = [chinese_number(n) for s, _, n in values if s > start]
        expected = {
            value for value in (before[-1] + 1 if before and before[-1] else None, after[0] - 1 if after and after[0] else None)
            if value
        }
        index = offset - start
        fits = [alternative for alternative in scores
                if chinese_number(numeral[:index] + alternative + numeral[index + 1 :]) in expected]
        if fits:
            for alternative in scores:
                if alternative not in fits:
                    scores[alternative] -= NUMBERING_WEIGHT
        return

