"""“您是不是要找”: when a query finds nothing, the same query with a word spelled as the archive spells it.

Built from the index's own vocabulary. For each clause that finds nothing by itself, the
candidates are its text with one character replaced (or two neighbours swapped) so that a piece
of it becomes a word of the index's `text` field: the whole CJK run (产业连 → 产业链), a jieba word
of it that the index lacks (垃圾|分内 → 垃圾分类), or a character jieba left alone with a
neighbour (怎么办|里 → 办理). A candidate is worth as many documents as hold it as an exact
substring; when none does, as many as hold the respelt word and the rest of the text
(怎么办里居住证 → 怎么办理居住证). 签发人:/代表: values are respelt against their own keyword fields.

A suggestion is offered only when the whole corrected query, under the same filters, finds
something. Latin letters and digits are never respelt, nor is a lone character, nor a clause of
more than 20 characters; at most four clauses are tried.

What one suggestion may cost is bounded by work, whatever the query and however large the archive grows:
at most SEARCH_BUDGET searches (counts) and VOCABULARY_BUDGET indexed words compared with pieces of the
query (each respelt piece is compared with every indexed word of its length), plus one doc-frequency
lookup per piece (at most two per character of the four clauses). A suggestion that would need more is not
offered. Measured before these budgets, four long misspelt clauses over the five seeds made 95 searches
and took 0.9 s; the budgets keep such a page to 30 searches and 200,000 comparisons (about 0.13 s of them).
"""
import re
from dataclasses import replace

from search.analysis import CJK_CHARACTERS, segment
from search.backends import search_backend
from search.backends.base import SearchQuery
from search.query import Clause, ParsedQuery

CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]{{2,}}")
RESPELT_FIELDS = ("signer", "addressees")
# Candidates tried per clause, the most frequent words first (over the relevance set the right one ranks
# fifth at worst); each costs up to two searches.
MAX_CANDIDATES = 12
# A clause longer than this (a pasted sentence) is not respelt: one edit rarely rescues it, and each
# candidate costs a search.
MAX_RESPELT_CHARACTERS = 20
MAX_RESPELT_CLAUSES = 4
SEARCH_BUDGET = 30
# About 0.7 µs a word compared; the relevance set's queries need 17,520 at most over 13,435 indexed words.
VOCABULARY_BUDGET = 200_000


class SearchBudgetExhausted(Exception):
    """More searches or vocabulary comparisons than a suggestion may cost; no suggestion is offered."""


class Suggester:
    def __init__(self, filters: dict[str, str], *, budget: int = SEARCH_BUDGET,
                 vocabulary_budget: int = VOCABULARY_BUDGET):
        self.backend = search_backend()
        self.filters = filters
        self.budget = budget
        self.vocabulary_budget = vocabulary_budget
        self.searches = 0
        self.words_compared = 0

    def finds(self, groups: list[list[Clause]]) -> int:
        if self.searches >= self.budget:
            raise SearchBudgetExhausted
        self.searches += 1
        return self.backend.count(SearchQuery(parsed=ParsedQuery(groups=groups), filters=self.filters))

    def variants(self, fieldname: str, word: str) -> list[tuple[str, int]]:
        """The indexed words one edit from `word`, paid for before the pass over the words of its length."""
        compared = len(self.backend.words_by_length(fieldname).get(len(word), ()))
        if self.words_compared + compared > self.vocabulary_budget:
            raise SearchBudgetExhausted
        self.words_compared += compared
        return self.backend.one_character_variants(fieldname, word)

    def suggest(self, parsed: ParsedQuery) -> str | None:
        corrected = False
        tries = 0
        groups = []
        for group in parsed.groups:
            respelt_group = []
            for clause in group:
                respellable = (not clause.negated and len(clause.text) <= MAX_RESPELT_CHARACTERS
                               and (not clause.field or clause.field in RESPELT_FIELDS))
                if respellable and tries < MAX_RESPELT_CLAUSES and self.finds([[clause]]) == 0:
                    tries += 1
                    respelt = self.respelt(clause)
                    if respelt is not None:
                        clause, corrected = respelt, True
                respelt_group.append(clause)
            groups.append(respelt_group)
        if not corrected or self.finds(groups) == 0:
            return None
        return ParsedQuery(groups=groups).as_text()

    def respelt(self, clause: Clause) -> Clause | None:
        """The clause respelt to the candidate held by the most documents as typed, else (for a text
        of several words) by the most documents holding the respelt word and the rest of the text."""
        if clause.field:
            if len(clause.text) < 2:
                return None
            candidates = [(text, text) for text, _ in self.variants(clause.field, clause.text)]
            return self._best(candidates, lambda text, word: [[replace(clause, text=text)]], clause)
        candidates = self.candidates(clause.text)
        return (self._best(candidates, lambda text, word: [[replace(clause, text=text, phrase=True)]], clause)
                or self._best(candidates, lambda text, word: [[replace(clause, text=text)],
                                                              [Clause(word, phrase=True)]], clause))

    def _best(self, candidates: list[tuple[str, str]], groups_for, clause: Clause) -> Clause | None:
        best, best_count = None, 0
        for text, word in candidates:
            count = self.finds(groups_for(text, word))
            if count > best_count:
                best, best_count = replace(clause, text=text), count
        return best

    def candidates(self, text: str) -> list[tuple[str, str]]:
        """(respelt text, the word respelt in it), those from the index's most frequent words first."""
        scored: dict[str, tuple[int, str]] = {}
        for start, end in self.spans(text):
            for variant, frequency in self.variants("text", text[start:end]):
                candidate = text[:start] + variant + text[end:]
                if frequency > scored.get(candidate, (0, ""))[0]:
                    scored[candidate] = (frequency, variant)
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))
        return [(candidate, variant) for candidate, (_, variant) in ranked[:MAX_CANDIDATES]]

    def spans(self, text: str) -> set[tuple[int, int]]:
        """(start, end) of the pieces of the text that may be misspelt words: each CJK run, its
        jieba words that the index lacks, and a lone character with either neighbour (怎么办|里 → 办里)."""
        spans = set()
        for run in CJK_RUN.finditer(text):
            spans.add((run.start(), run.end()))
            for word, start, end in segment(run.group()):
                pieces = [(start, end)] if 1 < len(word) < len(run.group()) else []
                if len(word) == 1:
                    pieces = [(start - 1, end), (start, end + 1)]
                for piece_start, piece_end in pieces:
                    piece = run.group()[max(piece_start, 0):piece_end]
                    if len(piece) > 1 and self.backend.doc_frequency("text", piece) == 0:
                        spans.add((run.start() + max(piece_start, 0), run.start() + piece_end))
        return spans


def suggest_query(parsed: ParsedQuery, *, filters: dict[str, str]) -> str | None:
    """A corrected query text that finds something under these filters, or None."""
    if parsed.is_empty:
        return None
    suggester = Suggester(filters)
    try:
        return suggester.suggest(parsed)
    except SearchBudgetExhausted:
        return None


def suggest_unquoted(parsed: ParsedQuery, *, filters: dict[str, str], found: int) -> str | None:
    """The query with its quoted phrases unquoted ("石墨烯产业链" → 石墨烯产业链), when that finds more than
    the `found` documents the phrases found; else None."""
    if not any(clause.phrase and not clause.negated for group in parsed.groups for clause in group):
        return None
    unquoted = ParsedQuery(groups=[[replace(clause, phrase=False) if clause.phrase and not clause.negated else clause
                                    for clause in group] for group in parsed.groups])
    if search_backend().count(SearchQuery(parsed=unquoted, filters=filters)) <= found:
        return None
    return unquoted.as_text()
