"""Synonyms expanded at query time: citizens' words and officials' words (公厕/公共厕所), abbreviations and
full names of bureaus (住建局/住房和城乡建设局), old and new names (工商局/市场监督管理局).

Two sources: the curated vocabulary search/data/synonyms.txt, and the entries staff add in the admin
(SearchSynonym). Both are read at query time, never indexed, so a new entry needs no rebuild. The table is
kept per process; the admin drops it on save (forget_synonyms), and other processes notice a change within
RECHECK_SECONDS (one small query, at most that often).
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"
# Expanded words score below the typed word, so documents that say what the reader typed rank first.
EXPANSION_BOOST = 0.5
# Bounds what one word may cost: its expansions are searched as alternatives of the word.
MAX_EXPANSIONS = 4
RECHECK_SECONDS = 10.0
ONE_WAY = "=>"
SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class SynonymTable:
    """word → the words it expands to (typed word first excluded), in the order they were written."""

    expansions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expand(self, word: str) -> tuple[str, ...]:
        return self.expansions.get(word, ())[:MAX_EXPANSIONS]

    def words_in(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) of the table's words of two or more characters found in the text, longest first
        and never overlapping, in text order."""
        found: list[tuple[str, int, int]] = []
        taken = [False] * len(text)
        for word in sorted((w for w in self.expansions if len(w) > 1 and w in text), key=len, reverse=True):
            start = text.find(word)
            while start != -1:
                end = start + len(word)
                if not any(taken[start:end]):
                    found.append((word, start, end))
                    taken[start:end] = [True] * len(word)
                start = text.find(word, start + 1)
        return sorted(found, key=lambda item: item[1])


def parse_groups(lines) -> list[tuple[list[str], bool]]:
    """(words, one_way) for each line of the vocabulary's format: "a b c" or "a => b c"; # starts a comment."""
    groups = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        one_way = ONE_WAY in line
        words = [word for word in SEPARATORS.split(line.replace(ONE_WAY, " ")) if word]
        if len(words) > 1:
            groups.append((words, one_way))
    return groups


def build_table(groups: list[tuple[list[str], bool]]) -> SynonymTable:
    expansions: dict[str, list[str]] = {}

    def add(word: str, others: list[str]) -> None:
        targets = expansions.setdefault(word, [])
        targets.extend(other for other in others if other != word and other not in targets)

    for words, one_way in groups:
        words = [word.lower() for word in words]
        if one_way:
            add(words[0], words[1:])
        else:
            for word in words:
                add(word, words)
    return SynonymTable({word: tuple(targets) for word, targets in expansions.items() if targets})


def vocabulary_groups() -> list[tuple[list[str], bool]]:
    return parse_groups(DATA_FILE.read_text(encoding="utf-8").splitlines())


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.table: SynonymTable | None = None
        self.stamp: tuple | None = None
        self.checked_at = 0.0


_cache = _Cache()


def _admin_entries_stamp() -> tuple:
    from django.db.models import Count, Max

    from search.models import SearchSynonym

    figures = SearchSynonym.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return figures["count"], figures["latest"]


def synonym_table() -> SynonymTable:
    """The vocabulary and the admin's entries, read once per process and re-read when the entries change."""
    now = time.monotonic()
    with _cache.lock:
        if _cache.table is not None and now - _cache.checked_at < RECHECK_SECONDS:
            return _cache.table
        stamp = _admin_entries_stamp()
        if _cache.table is None or stamp != _cache.stamp:
            _cache.table = build_table(vocabulary_groups() + _admin_groups())
            _cache.stamp = stamp
        _cache.checked_at = now
        return _cache.table


def _admin_groups() -> list[tuple[list[str], bool]]:
    """The admin's entries as groups: a one-way entry expands its first word to the others."""
    from search.models import SearchSynonym

    groups = []
    for words, one_way in SearchSynonym.objects.values_list("words", "one_way"):
        for parsed, written_one_way in parse_groups([words]):
            groups.append((parsed, one_way or written_one_way))
    return groups


def forget_synonyms() -> None:
    """Drop this process's table (the admin calls this after a change); the next search reads it again."""
    with _cache.lock:
        _cache.table = None
        _cache.stamp = None
        _cache.checked_at = 0.0
