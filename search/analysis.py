"""Chinese analysis for every search backend: jieba words with true token positions, and CJK sub-words.

The text is segmented here, in Python, and each backend indexes exactly these tokens (Whoosh through
the tokenizers of search/backends/whoosh/analysis.py, OpenSearch as whitespace-separated tokens). A
position is the token's sequence number (jieba's own ChineseAnalyzer stores a character offset,
which breaks phrase queries). Words are jieba's precise
mode (no overlapping search-mode pieces); the sub-word field holds overlapping character
bigrams so that any substring of two or more characters can be found (工信 in 常工信复).
"""
import re

from replies.ingest.chinese import CJK_IDEOGRAPHS as CJK_CHARACTERS
from replies.ingest.segmentation import DOMAIN_DICTIONARY, configure_jieba, jieba_tokenizer  # noqa: F401  (re-exported)

WORD_CHARACTER = re.compile(r"\w", re.UNICODE)
SUBWORD_RUNS = re.compile(rf"(?P<cjk>[{CJK_CHARACTERS}]+)|(?P<other>[^\W_{CJK_CHARACTERS}]+)")


def segment(text: str) -> list[tuple[str, int, int]]:
    """Words of the text (punctuation and spaces dropped) with their character offsets."""
    return [
        (word, start, end)
        for word, start, end in jieba_tokenizer().tokenize(text, HMM=True)
        if WORD_CHARACTER.search(word)
    ]


def segment_words(text: str) -> list[str]:
    return [word.lower() for word, _, _ in segment(text)]


def subword_pieces(text: str) -> list[tuple[str, int, int, int]]:
    """(piece, position, start, end) for the sub-word field.

    Every CJK character takes one position and is indexed twice there: alone, and as the
    first character of a bigram with its successor. Any run of letters and digits is one
    piece at one position. A substring is then a phrase of bigrams (plus a single
    character where a run has one), whatever jieba made of its neighbourhood.
    """
    pieces = []
    position = 0
    for match in SUBWORD_RUNS.finditer(text):
        start, run = match.start(), match.group()
        if match.group("cjk"):
            for offset, character in enumerate(run):
                pieces.append((character, position, start + offset, start + offset + 1))
                if offset + 1 < len(run):
                    pieces.append((run[offset : offset + 2], position, start + offset, start + offset + 2))
                position += 1
        else:
            pieces.append((run.lower(), position, start, match.end()))
            position += 1
    return pieces


def subword_query_pieces(text: str) -> list[str]:
    """Pieces of the sub-word field that spell out the text at consecutive positions.

    A CJK run of n characters is its n-1 bigrams and then its last character alone (which
    the index holds at that position too); the last character of the whole text is left
    out, as the bigram before it already fixes it.
    """
    runs = list(SUBWORD_RUNS.finditer(text))
    pieces = []
    for match in runs:
        run = match.group()
        if match.group("cjk"):
            pieces.extend(run[offset : offset + 2] for offset in range(len(run) - 1))
            pieces.append(run[-1])
        else:
            pieces.append(run.lower())
    if runs and runs[-1].group("cjk") and len(runs[-1].group()) > 1:
        pieces.pop()
    return pieces
