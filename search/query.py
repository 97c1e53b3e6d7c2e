"""The archive's query language, parsed without ever failing, and compiled to any backend's queries.

Words are ANDed; "…" is an exact phrase; -word excludes; +word is required as typed (no synonyms, never
relaxed); A OR B; field filters such as 签发人:杨军 or signer:杨军. Anything that does not parse as syntax is
searched literally. Traditional characters are folded to simplified ones, as the archive's texts are.

Each word is searched with its synonyms (search/synonyms.py) as alternatives scored below it. When the
documents holding every word are few, relaxed() gives the query for those holding most of them
("minimum should match"); search.selectors ranks them below.

QueryCompiler holds the semantics once; it builds through a QueryBuilder, the few primitives each backend
provides (search/backends/whoosh/queries.py, search/backends/opensearch/queries.py): a term, a phrase of
consecutive sub-word pieces, any/all of several queries, a query excluding another, a boost.
"""
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from typing import Any, Callable, Protocol

from replies.ingest.extract import doc_number_key, find_doc_numbers
from search.analysis import CJK_CHARACTERS, segment, segment_words, subword_query_pieces
from search.keys import doc_year_serial_key, proposal_key
from search.synonyms import EXPANSION_BOOST, SynonymTable

MAX_QUERY_CHARACTERS = 200

FIELD_ALIASES = {
    "签发人": "signer", "signer": "signer",
    "代表": "addressees", "委员": "addressees", "addressee": "addressees",
    "文号": "doc_number", "doc_number": "doc_number",
    "年份": "year", "year": "year",
    "届次": "session", "session": "session",
    "主题": "topics", "topic": "topics",
    "发布机构": "issuing_organ", "organ": "issuing_organ",
}
FIELD_PREFIXES = {"signer": "签发人", "addressees": "代表", "doc_number": "文号", "year": "年份", "session": "届次",
                  "topics": "主题", "issuing_organ": "发布机构"}
QUOTE_PAIRS = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
# 第0287号提案, 第99号, 0287 or 099 (a bare number only with a leading zero or up to three digits,
# so that a year such as 2021 is not taken for a proposal number).
PROPOSAL_QUERY = re.compile(r"^(?:第\s*(\d{1,5})\s*号?(?:建议|提案)?|(\d{1,5})\s*号(?:建议|提案)?|(0\d{1,4}|\d{1,3}))$")
WHITESPACE = re.compile(r"\s+")
CJK_CHARACTER = re.compile(f"[{CJK_CHARACTERS}]")

TITLE_BOOST = 3.0
PHRASE_BOOST = 2.0
DOC_NUMBER_BOOST = 40.0
PROPOSAL_NUMBER_BOOST = 10.0
# Question words and particles that a reader types around what they look for (怎么办理居住证). In a
# query of several words they are not required; the whole text, as typed, still ranks first.
FUNCTION_WORDS = frozenset({
    "如何", "怎么", "怎样", "怎么样", "怎么办", "什么", "哪些", "哪个", "哪里", "为什么", "为何",
    "是否", "能否", "能不能", "可否", "有没有", "请问", "请", "一下", "关于",
    "吗", "呢", "吧", "啊", "的", "地", "得", "了", "着",
    # The rest of a question's frame (能否用于…, 需要什么条件, 在哪里办, 什么时候…).
    "哪儿", "在哪", "在哪里", "多少", "多久", "何时", "什么时候", "啥", "咋", "咋办", "为啥", "是不是",
    "会不会", "可不可以", "可以", "能", "需要", "要", "该", "应该", "在", "呀", "么", "怎么回事",
})
# Minimum should match, in the manner of Elasticsearch's "2<75%", for the relaxed tier (which runs only when
# few documents hold every word): one of two words, beyond that three quarters of them (rounded down).
SHOULD_MATCH_SHARE = 0.75
# A relaxed hit is ranked first by the words it holds, each weighing its rarity (log(1 + documents / documents
# holding the word or a synonym)) times RELAXED_WORD_WEIGHT, so that the word's own score (title, frequency)
# only orders the documents holding the same words.
RELAXED_WORD_WEIGHT = 100.0
# The relaxed query is an OR of every choice of the required number of words: at most this many words take
# part (the longest, which say most), so at most C(6, 4) = 15 combinations.
MAX_RELAXED_WORDS = 6


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    negated: bool = False
    field: str = ""
    required: bool = False  # +word: as typed, no synonyms, never relaxed

    def as_text(self) -> str:
        """The clause as the reader would type it; parse_query reads it back as this clause."""
        if self.required:
            text = f"+{self.text}"
        elif self.field:
            text = f"{FIELD_PREFIXES[self.field]}:{self.text}"
        elif self.phrase:
            text = f"“{self.text}”" if '"' in self.text else f'"{self.text}"'
        else:
            text = self.text
        return f"-{text}" if self.negated else text


@dataclass
class ParsedQuery:
    """What the reader asked for: groups of clauses; clauses in a group are alternatives (OR)."""

    groups: list[list[Clause]] = field(default_factory=list)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def as_text(self) -> str:
        """The query as text that parses back to these groups (used to offer a corrected query)."""
        return " ".join(" OR ".join(clause.as_text() for clause in group) for group in self.groups)

    def highlight_terms(self) -> list[str]:
        """The strings to mark in results: what was typed, and its words."""
        terms: set[str] = set()
        for group in self.groups:
            for clause in group:
                if clause.negated or (clause.field and clause.field not in ("signer", "addressees")):
                    continue
                terms.add(clause.text)
                if not clause.phrase and not _is_structured_number(clause.text):
                    terms.update(word for word in content_words(segment_words(clause.text)) if len(word) > 1)
        return sorted(terms, key=len, reverse=True)


@cache
def _to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


def content_words(words: list[str]) -> list[str]:
    """The words without question words and particles, unless nothing else is left."""
    return [word for word in words if word not in FUNCTION_WORDS] or words


def _is_structured_number(text: str) -> bool:
    return bool(find_doc_numbers(text) or PROPOSAL_QUERY.match(text))


def normalise_query(raw: str) -> tuple[str, bool]:
    """Control characters become spaces, width is folded, traditional becomes simplified."""
    text = "".join(" " if unicodedata.category(char).startswith("C") else char for char in raw)
    text = unicodedata.normalize("NFKC", text)
    truncated = len(text) > MAX_QUERY_CHARACTERS
    text = text[:MAX_QUERY_CHARACTERS]
    text = _to_simplified().convert(text)
    return WHITESPACE.sub(" ", text).strip(), truncated


def parse_query(raw: str) -> ParsedQuery:
    text, truncated = normalise_query(raw or "")
    parsed = ParsedQuery(truncated=truncated)
    pending_or = False
    for token in _lex(text):
        if token == ("OR", False, False):
            pending_or = bool(parsed.groups) and not parsed.groups[-1][0].negated
            continue
        clause = _clause(*token)
        if clause is None:
            continue
        if pending_or and not clause.negated:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or = False
    return parsed


def _lex(text: str) -> list[tuple[str, bool, bool]]:
    """(text, quoted, negated) tokens: words, "…" phrases and -"…" excluded phrases. An unbalanced
    quote is dropped and the rest read as words; a word's leading "-" is left to _clause."""
    tokens: list[tuple[str, bool, bool]] = []
    position = 0
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        negated = text[position] == "-" and text[position + 1 : position + 2] in QUOTE_PAIRS
        opening = position + 1 if negated else position
        closing = QUOTE_PAIRS.get(text[opening])
        if closing is not None:
            end = text.find(closing, opening + 1)
            if end != -1:
                tokens.append((text[opening + 1 : end], True, negated))
            position = end + 1 if end != -1 else opening + 1
            continue
        end = text.find(" ", position)
        end = len(text) if end == -1 else end
        word = text[position:end]
        quote_at = next((i for i, c in enumerate(word) if c in QUOTE_PAIRS and i > 0), None)
        if quote_at is not None:
            end = position + quote_at
            word = text[position:end]
        tokens.append(("OR", False, False) if word in ("OR", "|") else (word, False, False))
        position = end
    return tokens


def _clause(text: str, quoted: bool, negated: bool) -> Clause | None:
    if quoted:
        return Clause(text.strip(), phrase=True, negated=negated) if text.strip() else None
    negated = text.startswith("-") and len(text) > 1
    if negated:
        text = text[1:]
    if text.startswith("+") and len(text) > 1 and not negated:
        text = text[1:]
        return Clause(text, required=True) if any(char.isalnum() for char in text) else None
    name, separator, value = text.partition(":")
    if separator and value and name in FIELD_ALIASES:
        return Clause(value, negated=negated, field=FIELD_ALIASES[name])
    if not any(char.isalnum() for char in text):
        return None
    return Clause(text, negated=negated)


Query = Any  # a backend's query object, as its QueryBuilder makes it


class QueryBuilder(Protocol):
    """The primitives a backend builds its queries from. Scores add up over the parts that match (as
    Whoosh's and Lucene's boolean queries do); a boost multiplies a query's score."""

    def term(self, fieldname: str, text: str, *, boost: float = 1.0) -> Query: ...

    def phrase(self, fieldname: str, pieces: list[str], *, boost: float = 1.0) -> Query:
        """Sub-word pieces (search.analysis.subword_query_pieces) at consecutive positions of a sub-word field,
        scored as the sum of the pieces' own term scores."""

    def any_of(self, queries: list[Query]) -> Query: ...

    def all_of(self, queries: list[Query]) -> Query: ...

    def excluding(self, query: Query, excluded: Query) -> Query: ...

    def boosted(self, query: Query, boost: float) -> Query:
        """The query with this boost (replacing its own)."""

    def constant(self, query: Query, score: float) -> Query:
        """The documents the query matches, each scored `score`."""

    def nothing(self) -> Query: ...

    def everything(self) -> Query: ...

    def same(self, a: Query, b: Query) -> bool: ...


@dataclass(frozen=True)
class Unit:
    """One word of the reader's text as searched: what was typed, and the strings that count as it (the word
    and its synonyms, to tell which words a document lacks)."""

    word: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Relaxation:
    """The documents that hold most, not all, of the words, and which words take part."""

    query: Query
    units: tuple[Unit, ...]
    should_match: int


def is_question(parsed: ParsedQuery) -> bool:
    """Whether the reader typed a question (怎么办理居住证): a plain clause holding a question's frame word."""
    return any(_relaxable(clause) and any(word in FUNCTION_WORDS for word, _, _ in segment(clause.text))
               for group in parsed.groups for clause in group)


def rarity(holding: int, documents: int) -> float:
    """A word's weight by how few documents hold it (an inverse document frequency)."""
    return math.log(1 + documents / max(1, min(holding, documents)))


def should_match(count: int) -> int:
    """How many of `count` words a relaxed match needs: one of two, else three quarters (so that a query never
    finds nothing while one of its content words occurs, and a short strict tier is followed by the documents
    holding most of the words)."""
    if count <= 2:
        return 1
    return max(1, math.floor(count * SHOULD_MATCH_SHARE))


class QueryWords:
    """How the reader's text is read as words: jieba's cut with the synonym table's words kept whole, and the
    content words that a document must hold (no question frame, no stranded character)."""

    def __init__(self, synonyms: SynonymTable | None = None):
        self.synonyms = synonyms or SynonymTable()

    def segment(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's words of the text, with the synonym table's words kept whole (jieba cuts 新农合 as 新|农合)."""
        known = self.synonyms.words_in(text)
        if not known:
            return segment(text)
        words, position = [], 0
        for word, start, end in [*known, ("", len(text), len(text))]:
            words += [(piece, position + a, position + b) for piece, a, b in segment(text[position:start])]
            if word:
                words.append((word, start, end))
            position = end
        return words

    def content(self, text: str) -> tuple[list[tuple[str, int, int]], list[int]]:
        """The text's words and the indexes of those searched as its content; none for a doc or proposal
        number."""
        if find_doc_numbers(text) or PROPOSAL_QUERY.match(text):
            return [], []
        words = self.segment(text)
        content = [index for index, (word, _, _) in enumerate(words) if word not in FUNCTION_WORDS]
        content = [index for index in content if not _stranded(words, index, content)] or content
        return words, content or list(range(len(words)))

    def units(self, text: str, *, expand: bool = True) -> list[Unit]:
        """The text's content words as searched (see Unit)."""
        words, indexes = self.content(text)
        return [self.unit(words[index][0], expand=expand) for index in indexes]

    def unit(self, word: str, *, expand: bool = True) -> Unit:
        return Unit(word=word, forms=(word.lower(), *(self.synonyms.expand(word.lower()) if expand else ())))


class QueryCompiler:
    """Turns a ParsedQuery into a backend's query over the reply index's fields, through its QueryBuilder."""

    def __init__(self, queries: QueryBuilder, synonyms: SynonymTable | None = None):
        self.q = queries
        self.words = QueryWords(synonyms)
        self.synonyms = self.words.synonyms

    def compile(self, parsed: ParsedQuery) -> Query:
        positive, negative = self._parts(parsed)
        if not positive and not negative:
            return self.q.nothing()
        base = self.q.all_of(positive) if positive else self.q.everything()
        if len(positive) == 1:
            base = positive[0]
        if negative:
            return self.q.excluding(base, self.q.any_of(negative))
        return base

    def _parts(self, parsed: ParsedQuery) -> tuple[list[Query], list[Query]]:
        positive, negative = [], []
        for group in parsed.groups:
            alternatives = [self._clause(clause) for clause in group]
            alternatives = [query for query in alternatives if query is not None]
            if not alternatives:
                continue
            combined = alternatives[0] if len(alternatives) == 1 else self.q.any_of(alternatives)
            (negative if group[0].negated else positive).append(combined)
        return positive, negative

    def beyond(self, parsed: ParsedQuery, strict: "QueryCompiler") -> Query | None:
        """What this compiler's query (with its synonyms) finds that the strict compiler's query does not, or
        the strict one excludes; None when both compile the query's clauses alike."""
        positive, _ = self._parts(parsed)
        strict_positive, excluded = strict._parts(parsed)
        if not positive or not strict_positive:
            return None
        expanded, typed = (self.q.all_of(positive) if len(positive) > 1 else positive[0],
                           self.q.all_of(strict_positive) if len(strict_positive) > 1 else strict_positive[0])
        if self.q.same(expanded, typed):
            return None
        return self.q.excluding(expanded, self.q.any_of([typed, *excluded]) if excluded else typed)

    def feedback(self, parsed: ParsedQuery, terms) -> Query | None:
        """The documents holding any of these (word, weight) key words (search.feedback), each scored by its
        weight, that the query itself does not find nor excludes; None without words."""
        if not terms:
            return None
        words = self.q.any_of([self.q.term("text", word, boost=weight) for word, weight in terms])
        positive, excluded = self._parts(parsed)
        found = [self.q.all_of(positive) if len(positive) > 1 else positive[0]] if positive else []
        return self.q.excluding(words, self.q.any_of([*found, *excluded])) if found or excluded else words

    def relaxed(self, parsed: ParsedQuery, *, holding: Callable[[Unit], int] | None = None,
                documents: int = 0) -> Relaxation | None:
        """The documents holding most of the query's words but not all of them (those the strict query finds
        are masked out), or None when the query cannot be relaxed: fewer than two words, or nothing but phrases,
        +words, field filters, OR alternatives and numbers. A lone character (产业连's 连, 不按时's 不) counts for
        no word here. With `holding` (how many of the `documents` hold a word or its synonyms), a document
        holding more of the words, and the rarer ones, ranks first (RELAXED_WORD_WEIGHT)."""
        units: list[tuple[Unit, Query]] = []
        fixed: list[Query] = []
        for group in parsed.groups:
            clause = group[0]
            if clause.negated:
                continue
            if len(group) == 1 and _relaxable(clause):
                units.extend(unit for unit in self._unit_queries(clause.text) if len(unit[0].word) > 1)
            else:
                compiled = [query for query in (self._clause(c) for c in group) if query is not None]
                if compiled:
                    fixed.append(compiled[0] if len(compiled) == 1 else self.q.any_of(compiled))
        if len(units) > MAX_RELAXED_WORDS:
            longest = sorted(range(len(units)), key=lambda index: -len(units[index][0].word))[:MAX_RELAXED_WORDS]
            units = [units[index] for index in sorted(longest)]
        needed = should_match(len(units))
        if not units or needed >= len(units):
            return None
        if holding is not None and documents:
            units = [(unit, self.q.any_of([
                self.q.constant(query, RELAXED_WORD_WEIGHT * rarity(holding(unit), documents)), query]))
                for unit, query in units]
        should = self.q.any_of([self.q.all_of(list(chosen))
                                for chosen in combinations([query for _, query in units], needed)])
        relaxed = self.q.all_of([*fixed, should]) if fixed else should
        strict_positive, negative = self._parts(parsed)
        strict = self.q.all_of(strict_positive) if len(strict_positive) > 1 else strict_positive[0]
        return Relaxation(query=self.q.excluding(relaxed, self.q.any_of([strict, *negative])),
                          units=tuple(unit for unit, _ in units), should_match=needed)

    def _clause(self, clause: Clause) -> Query | None:
        if clause.field:
            return self._field_filter(clause.field, clause.text)
        if clause.phrase:
            return self._phrase(clause.text)
        return self._words(clause.text, expand=not clause.required)

    def _field_filter(self, fieldname: str, value: str) -> Query | None:
        if fieldname == "doc_number":
            return self._doc_number(value) or self._phrase(value)
        return self.q.term(fieldname, value)

    def _phrase(self, text: str) -> Query | None:
        exact = self._substring(text)
        if exact is None:
            return None
        return self.q.any_of([exact, self._substring(text, "title_subwords", boost=TITLE_BOOST)])

    def units(self, text: str, *, expand: bool = True) -> list[Unit]:
        return self.words.units(text, expand=expand)

    def _unit_queries(self, text: str, *, expand: bool = True) -> list[tuple[Unit, Query]]:
        """The text's content words (see Unit), each with its query."""
        words, indexes = self.words.content(text)
        content = set(indexes)
        return [(self.words.unit(words[index][0], expand=expand),
                 self._required_word(words, index, content, expand=expand)) for index in indexes]

    def _words(self, text: str, *, expand: bool = True) -> Query | None:
        exact = self._substring(text)
        structured = self._doc_number(text) or self._proposal_number(text)
        if structured is not None:
            return self.q.any_of([structured, exact]) if exact is not None else structured
        words = self.words.segment(text)
        if not words:
            return exact
        if len(words) == 1:
            return self._word(words[0][0].lower(), expand=expand)
        required = [query for _, query in self._unit_queries(text, expand=expand)]
        scattered = required[0] if len(required) == 1 else self.q.all_of(required)
        alternatives = [scattered]
        if exact is not None:
            alternatives += [self.q.boosted(exact, PHRASE_BOOST),
                             self._substring(text, "title_subwords", boost=TITLE_BOOST * PHRASE_BOOST)]
        return self.q.any_of(alternatives)

    def _required_word(self, words: list[tuple[str, int, int]], index: int, content: set[int] | None = None, *,
                       expand: bool = True) -> Query:
        """A word of a text of several words. A single Chinese character typed against a neighbour is
        required next to it (产业连: 产业连, not 产业 and any 连; 小孩上小学: 小孩上 or 上小学); a question's
        frame (护照在哪里办) is no neighbour."""
        word, start, end = words[index]
        if len(word) > 1 or not CJK_CHARACTER.match(word):
            return self._word(word.lower(), expand=expand)
        content = set(range(len(words))) if content is None else content
        joined = []
        if index > 0 and index - 1 in content and words[index - 1][2] == start:
            joined.append(words[index - 1][0] + word)
        if index + 1 < len(words) and index + 1 in content and words[index + 1][1] == end:
            joined.append(word + words[index + 1][0])
        if not joined:
            return self._word(word, expand=expand)
        alternatives = [self._substring(text.lower()) for text in joined]
        return alternatives[0] if len(alternatives) == 1 else self.q.any_of(alternatives)

    def _word(self, word: str, *, expand: bool = True) -> Query:
        """One jieba word: the word itself, or the same characters inside a longer word (物业 in 物业管理),
        with a title holding them ranked first; and its synonyms, each scored below it."""
        typed = self._typed_word(word)
        expansions = self.synonyms.expand(word) if expand else ()
        if not expansions:
            return typed
        return self.q.any_of([typed, *(self.q.boosted(self._typed_word(other), EXPANSION_BOOST)
                                       for other in expansions)])

    def _typed_word(self, word: str) -> Query:
        subword = self._substring(word)
        if subword is None:
            return self.q.term("text", word)
        title = self._substring(word, "title_subwords", boost=TITLE_BOOST)
        if len(subword_query_pieces(word)) == 1 and len(word) == 2:
            # Two characters are one bigram: its term already holds every document with the word, and
            # scores them as the word's own term would (a second, near-identical posting list cost a
            # third of the search).
            return self.q.any_of([subword, title])
        return self.q.any_of([self.q.term("text", word), subword, title])

    def in_scope(self, parsed: ParsedQuery, scope: str) -> Query:
        """The query restricted to a scope of the advanced search: "title" (every positive clause found in the
        title), "doc_number" (the text read as a 文号) or anything else (the full text, as compiled)."""
        if scope == "doc_number":
            return self._doc_number(parsed.as_text()) or self.q.nothing()
        compiled = self.compile(parsed)
        if scope != "title":
            return compiled
        in_title = [self._substring(clause.text, "title_subwords") for group in parsed.groups for clause in group
                    if not clause.negated and not clause.field]
        in_title = [query for query in in_title if query is not None]
        return self.q.all_of([compiled, *in_title]) if in_title else compiled

    def _substring(self, text: str, fieldname: str = "subwords", *, boost: float = 1.0) -> Query | None:
        """The text as a contiguous substring, found through a sub-word field (the text's or the title's)."""
        pieces = subword_query_pieces(text)
        if not pieces:
            return None
        if len(pieces) == 1:
            return self.q.term(fieldname, pieces[0], boost=boost)
        return self.q.phrase(fieldname, pieces, boost=boost)

    def _doc_number(self, text: str) -> Query | None:
        numbers = find_doc_numbers(text)
        if not numbers:
            return None
        number = numbers[0]
        if not number.issuer:
            return self.q.term("doc_year_serial", doc_year_serial_key(number.year, number.serial),
                               boost=DOC_NUMBER_BOOST)
        return self.q.term("doc_number_key", doc_number_key(number.issuer, number.year, number.serial),
                           boost=DOC_NUMBER_BOOST)

    def _proposal_number(self, text: str) -> Query | None:
        match = PROPOSAL_QUERY.match(text)
        if match is None:
            return None
        number = next(group for group in match.groups() if group)
        return self.q.term("proposal_key", proposal_key(number), boost=PROPOSAL_NUMBER_BOOST)


def _stranded(words: list[tuple[str, int, int]], index: int, content: list[int]) -> bool:
    """A lone Chinese character between a question's frame words (护照在哪里办's 办): part of the frame."""
    word = words[index][0]
    if len(word) > 1 or not CJK_CHARACTER.match(word):
        return False
    neighbours = [other for other in (index - 1, index + 1) if 0 <= other < len(words)]
    return bool(neighbours) and all(other not in content for other in neighbours)


def _relaxable(clause: Clause) -> bool:
    return not (clause.phrase or clause.field or clause.required or clause.negated or _is_structured_number(clause.text))
