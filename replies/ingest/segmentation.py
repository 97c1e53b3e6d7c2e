"""jieba, set up once for the whole process: word segmentation for the index and part-of-speech
tags for reading names.

Pure functions, no Django. The domain dictionary (search/data/domain_words.txt) is loaded the
first time the tokenizer is used; search.analysis and the ingest steps share this tokenizer.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import jieba

DOMAIN_DICTIONARY = Path(__file__).resolve().parents[2] / "search" / "data" / "domain_words.txt"


def configure_jieba(cache_dir: str) -> None:
    """Keep jieba's dictionary cache in the project's folder instead of the system's temp dir."""
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = cache_dir
    jieba.setLogLevel(logging.WARNING)


def jieba_tokenizer() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer, its dictionary loaded once (gunicorn preloads it)."""
    if not jieba.dt.initialized:
        jieba.dt.initialize()
        jieba.dt.load_userdict(str(DOMAIN_DICTIONARY))
    return jieba.dt


@lru_cache(maxsize=1)
def _pos_tokenizer():
    # jieba.posseg reads jieba's whole dictionary when imported: kept off every process's start-up.
    import jieba.posseg

    return jieba.posseg.POSTokenizer(jieba_tokenizer())


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech flag) pairs; "nr" marks a personal name."""
    return tuple((pair.word, pair.flag) for pair in _pos_tokenizer().lcut(text, HMM=True))


def is_dictionary_word(word: str) -> bool:
    """Whether jieba knows `word` from its dictionary (not a guess of its HMM, such as "函李")."""
    return bool(jieba_tokenizer().FREQ.get(word))
