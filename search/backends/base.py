"""The search contract: what search.selectors, search.suggest, search.warmup, search.indexing and /healthz
ask of a search backend, and nothing else. Each backend (search/backends/whoosh/, search/backends/opensearch/)
implements SearchBackend; search.backends.search_backend() returns the one settings.SEARCH_BACKEND names.

A search goes in as a SearchQuery: the reader's parsed query (search.query.ParsedQuery) and how to run it,
never a backend's query object. Every backend compiles it with the one QueryCompiler of search.query through
its own QueryBuilder, so both search the same semantics. Out comes a SearchResponse: the exact number of
matches, one page of SearchHits (a reply id and a score, nothing else: pages read the rows from the
database, which decides visibility), and facet counts.
"""
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from search.query import Clause, ParsedQuery, Query, QueryBuilder, QueryCompiler, Unit
from search.synonyms import synonym_table

# How a SearchQuery's parsed query is searched (search.selectors.ReplySearchResults):
STRICT = "strict"  # as typed, without synonyms, in its scope
EXPANDED = "expanded"  # the documents that only the words' synonyms find (QueryCompiler.beyond)
RELAXED = "relaxed"  # those holding most, not all, of the words (QueryCompiler.relaxed)
FEEDBACK = "feedback"  # those holding the key words of the first hits (QueryCompiler.feedback)
VARIANTS = (STRICT, EXPANDED, RELAXED, FEEDBACK)

DATE_RANGE_FILTER = "date"  # its value "YYYY-MM-DD..YYYY-MM-DD", either end may be empty
# Sort orders besides relevance (the score, best first): the reply's sort_date (its date, else 1 January
# of its year, else replies.models.UNDATED), then its id, the same way.
SORTS = {
    "newest": [("sort_date", True), ("reply_id", True)],
    "oldest": [("sort_date", False), ("reply_id", False)],
}
MULTIVALUED_FACETS = {"topics", "addressees"}


@dataclass(frozen=True)
class SearchQuery:
    parsed: ParsedQuery
    scope: str = ""  # "" (the full text), "title" or "doc_number" (QueryCompiler.in_scope); strict only
    variant: str = STRICT
    feedback: tuple[tuple[str, float], ...] = ()  # FEEDBACK only: (word, weight), from search.feedback
    # Index field → value, every one required; DATE_RANGE_FILTER a range of the reply's date. Filters that no
    # document meets find nothing (an empty set of allowed documents never means "no filter").
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"  # or a key of SORTS
    offset: int = 0
    limit: int = 10
    facets: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    reply_id: int
    score: float


@dataclass(frozen=True)
class SearchResponse:
    total: int  # exact
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]]  # field → (value, count), most frequent first, then by value


class SearchBackend(ABC):
    """One search engine behind the contract. Reading: execute, related, the vocabulary lookups of
    suggestions. Writing, only ever through search.indexing (the one writer): update, remove_many, clear, and
    a rebuild as build_generation then swap_in."""

    name: str  # as settings.SEARCH_BACKEND spells it
    queries: QueryBuilder

    def compile(self, query: SearchQuery) -> Query | None:
        """The backend's query for this SearchQuery, or None when its variant finds nothing more."""
        strict = QueryCompiler(self.queries)
        if query.variant == STRICT:
            return self.queries.everything() if query.parsed.is_empty else strict.in_scope(query.parsed, query.scope)
        if query.parsed.is_empty:
            return None
        if query.variant == FEEDBACK:
            return strict.feedback(query.parsed, query.feedback)
        expanding = QueryCompiler(self.queries, synonym_table())
        if query.variant == EXPANDED:
            return expanding.beyond(query.parsed, strict)
        relaxation = expanding.relaxed(query.parsed, holding=self._holding, documents=self.doc_count())
        return None if relaxation is None else relaxation.query

    def _holding(self, unit: Unit) -> int:
        """How many documents hold the word or one of its synonyms, each as an exact substring (unfiltered)."""
        return self.count(SearchQuery(parsed=ParsedQuery([[Clause(form, phrase=True) for form in unit.forms]])))

    @abstractmethod
    def execute(self, query: SearchQuery) -> SearchResponse:
        """One page of the query's matches under its filters, their exact number and the asked facets."""

    def count(self, query: SearchQuery) -> int:
        return self.execute(replace(query, offset=0, limit=0, facets=())).total

    @abstractmethod
    def related(self, *, reply_id: int, text: str, limit: int, filters: dict[str, str]) -> list[SearchHit]:
        """Replies like this one (not itself), by the key words of its text, under the filters."""

    # The vocabulary, for suggestions (search.suggest) -------------------------------------------------

    @abstractmethod
    def doc_frequency(self, fieldname: str, word: str) -> int:
        """How many documents hold this token in this field."""

    @abstractmethod
    def words_by_length(self, fieldname: str) -> dict[int, list[str]]:
        """The field's tokens by length, read once per version of the index."""

    def one_character_variants(self, fieldname: str, word: str) -> list[tuple[str, int]]:
        """Words of the field's vocabulary of the same length as `word`, one edit away (a character
        replaced, or two neighbours swapped), with the number of documents holding each."""
        return [(candidate, self.doc_frequency(fieldname, candidate))
                for candidate in self.words_by_length(fieldname).get(len(word), ())
                if one_edit_apart(candidate, word)]

    # Writing (search.indexing only) ---------------------------------------------------------------------

    @abstractmethod
    def update(self, index, iterable, commit=True) -> None:
        """Index these model objects as the haystack index prepares them (replacing their documents)."""

    @abstractmethod
    def remove_many(self, reply_ids: list[int]) -> None: ...

    @abstractmethod
    def clear(self) -> None:
        """Empty the live index in place."""

    @abstractmethod
    def build_generation(self, documents: Iterable[dict]):
        """Write prepared documents into a new index, not yet live; return what swap_in takes. A build that
        fails or is killed leaves the live index as it was."""

    @abstractmethod
    def swap_in(self, generation) -> None:
        """Make a built index live, atomically for every reader."""

    # State ----------------------------------------------------------------------------------------------

    @abstractmethod
    def indexed_versions(self) -> dict[int, str]:
        """Reply id → the row version (search_indexes.document_digest) each indexed document was made from."""

    def indexed_ids(self) -> set[int]:
        """Every indexed reply id (for consistency checks against the database)."""
        return set(self.indexed_versions())

    @abstractmethod
    def doc_count(self) -> int: ...

    @abstractmethod
    def schema_is_current(self) -> bool:
        """Whether the live index has the fields the code indexes (else it needs a rebuild)."""

    @abstractmethod
    def health(self) -> dict:
        """What /healthz reports of the engine: at least {"backend": name, "status": green|yellow|red}."""

    def close_files(self) -> None:
        """Drop what must not cross a fork (open files, connections); gunicorn's master calls it after
        warming up, and each worker opens its own."""


def one_edit_apart(candidate: str, word: str) -> bool:
    """Same length, and one character replaced or two neighbouring characters swapped."""
    differences = [index for index, (a, b) in enumerate(zip(candidate, word)) if a != b]
    if len(differences) == 1:
        return True
    if len(differences) == 2 and differences[1] == differences[0] + 1:
        first, second = differences
        return candidate[first] == word[second] and candidate[second] == word[first]
    return False
