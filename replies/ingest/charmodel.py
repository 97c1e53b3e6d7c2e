"""The character model that judges which reading of damaged text is Chinese.

Built by ``scripts/build_char_model.py`` from clean Chinese text; used by the mojibake repair
to choose among candidate readings, to fill bytes that were lost, and to tell damaged text
from clean text.
"""
from __future__ import annotations

import gzip
import math
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "data" / "char_ngrams.tsv.gz"
MODEL_FORMAT = "char-ngrams v2"

# Language-model symbols for characters whose identity does not matter to the repair.
LINE_BREAK_SYMBOL = "\ue000"
SPACE_SYMBOL = " "
DIGIT_SYMBOL = "0"
LATIN_SYMBOL = "A"


def lm_symbol(char: str) -> str:
    """The symbol the character model uses for char: digits, Latin letters and spaces pooled."""
    if char in "\n\r\u2028\u2029":
        return LINE_BREAK_SYMBOL
    if char.isascii():
        if char.isdigit():
            return DIGIT_SYMBOL
        if char.isalpha():
            return LATIN_SYMBOL
    if char in " \t\xa0\u3000":
        return SPACE_SYMBOL
    return char


# What share of its symbol a pooled character has, for choosing the character itself (a lost
# byte that may be any digit, or U+3000 rather than a space): log P(char) = log P(symbol) +
# log share. From the corpus: U+3000 is about one space in ten, the others are rare.
_POOLED_SHARE = {"\u3000": 0.1, "\xa0": 0.01, "\t": 0.01, "\u2028": 0.001, "\u2029": 0.001, "\r": 0.001}


def pooled_log_share(char: str) -> float:
    """log of char's share of the symbol the model pools it under (0 for unpooled characters)."""
    if char in _POOLED_SHARE:
        return math.log(_POOLED_SHARE[char])
    if char.isascii():
        if char.isdigit():
            return math.log(1 / 10)
        if char.isalpha():
            return math.log(1 / 52)
    return 0.0


class CharBigramModel:
    """Interpolated Witten-Bell character bigram model over pruned counts, with trigrams.

    ``logprob`` (bigram) scores readings; ``logprob3`` (trigram, backing off to the bigram)
    chooses the characters that lost bytes, where one more character of context pays.
    """

    def __init__(
        self,
        unigrams: dict[str, int],
        successor_types: dict[str, int],
        bigrams: dict[str, int],
        fullwidth_prior: float,
        trigrams: dict[str, int] | None = None,
        trigram_contexts: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        self.unigrams = unigrams
        self.successor_types = successor_types
        self.bigrams = bigrams
        self.fullwidth_prior = fullwidth_prior
        self.trigrams = trigrams or {}
        self.trigram_contexts = trigram_contexts or {}  # context -> (count, successor types)
        self.total = sum(unigrams.values())
        self._logprobs: dict[tuple[str, str], float] = {}
        self._logprobs3: dict[tuple[str, str, str], float] = {}

    def knows(self, char: str) -> bool:
        return lm_symbol(char) in self.unigrams

    def unigram_prob(self, symbol: str) -> float:
        return (self.unigrams.get(symbol, 0) + 0.5) / (self.total + 0.5 * len(self.unigrams))

    def logprob(self, previous: str, char: str) -> float:
        """log P(char | previous), both given as text characters."""
        key = (previous, char)
        cached = self._logprobs.get(key)
        if cached is None:
            cached = self._logprobs[key] = self._symbol_logprob(lm_symbol(previous), lm_symbol(char))
        return cached

    def logprob3(self, before: str, previous: str, char: str) -> float:
        """log P(char | before, previous), all given as text characters."""
        key = (before, previous, char)
        cached = self._logprobs3.get(key)
        if cached is None:
            context = lm_symbol(before) + lm_symbol(previous)
            counts = self.trigram_contexts.get(context)
            if counts is None:
                cached = self.logprob(previous, char)
            else:
                context_count, types = counts
                backoff = math.exp(self.logprob(previous, char))
                pair_count = self.trigrams.get(context + lm_symbol(char), 0)
                cached = math.log((pair_count + types * backoff) / (context_count + types))
            self._logprobs3[key] = cached
        return cached

    def _symbol_logprob(self, previous: str, symbol: str) -> float:
        backoff = self.unigram_prob(symbol)
        context_count = self.unigrams.get(previous, 0)
        types = self.successor_types.get(previous, 0)
        if not context_count or not types:
            return math.log(backoff)
        pair_count = self.bigrams.get(previous + symbol, 0)
        return math.log((pair_count + types * backoff) / (context_count + types))

    def score(self, text: str, left: str = "\n", right: str = "\n") -> float:
        """log P(text, then right | left): how much the text reads like Chinese in its place."""
        total = 0.0
        previous = left
        for char in text:
            total += self.logprob(previous, char)
            previous = char
        return total + self.logprob(previous, right)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CharBigramModel:
        unigrams: dict[str, int] = {}
        successor_types: dict[str, int] = {}
        bigrams: dict[str, int] = {}
        trigrams: dict[str, int] = {}
        trigram_contexts: dict[str, tuple[int, int]] = {}
        fullwidth_prior = 0.9
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
            header = next(lines).rstrip("\n")
            if header != f"#{MODEL_FORMAT}":
                raise ValueError(f"{path} is not a {MODEL_FORMAT} file (header {header!r})")
            for line in lines:
                kind, key, *values = line.rstrip("\n").split("\t")
                if kind == "B":
                    bigrams[key] = int(values[0])
                elif kind == "U":
                    unigrams[key] = int(values[0])
                    successor_types[key] = int(values[1])
                elif kind == "T":
                    trigrams[key] = int(values[0])
                elif kind == "C":
                    trigram_contexts[key] = (int(values[0]), int(values[1]))
                elif kind == "P" and key == "fullwidth_prior":
                    fullwidth_prior = float(values[0])
        return cls(unigrams, successor_types, bigrams, fullwidth_prior, trigrams, trigram_contexts)


@lru_cache(maxsize=1)
def default_model() -> CharBigramModel:
    """The shipped model, loaded on first use."""
    return CharBigramModel.load()
