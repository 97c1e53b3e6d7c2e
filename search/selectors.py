"""Searching replies: parse the reader's query, run it once per page, highlight the hits."""
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date

from django.urls import reverse
from django.utils.safestring import SafeString

from replies.models import Reply, Topic
from replies.selectors import FacetValue, facet_label, facet_order
from search.backends import search_backend
from search.backends.base import (
    DATE_RANGE_FILTER,
    EXPANDED,
    FEEDBACK,
    RELAXED,
    SearchHit,
    SearchQuery,
    SearchResponse,
)
from search.feedback import feedback_terms
from search.highlight import highlight_snippets
from search.query import ParsedQuery, QueryWords, Unit, is_question, parse_query
from search.suggest import suggest_query, suggest_unquoted
from search.synonyms import synonym_table

FACET_FIELDS = ("kind", "year", "session", "signer", "issuing_organ", "topics", "handling_category", "satisfaction")
SORT_CHOICES = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
FILTER_FIELDS = {"kind": "kind", "year": "year", "signer": "signer", "session": "session",
                 "topic": "topics", "organ": "issuing_organ", "handling": "handling_category",
                 "satisfaction": "satisfaction"}
SCOPE_CHOICES = {"": "全文", "title": "标题", "doc_number": "文号"}
# When fewer than RELAX_BELOW documents hold every word as typed, up to SUPPLEMENT_SIZE more follow below them
# (ReplySearchResults.supplement): those holding the words through synonyms, then those holding most words.
RELAX_BELOW = 10
SUPPLEMENT_SIZE = 10
# Pseudo-relevance feedback (ReplySearchResults._feedback_hits): the key words of this many top hits, from
# the title and the start of the body, fill a page that is still not full.
FEEDBACK_DOCUMENTS = 3
FEEDBACK_TERMS = 10
FEEDBACK_TEXT_CHARACTERS = 2000
# Key words are taken only among those in at most this share of the archive.
FEEDBACK_MAX_DOCUMENT_SHARE = 0.1
# A quoted phrase that finds fewer documents than this is offered the same words unquoted.
FEW_PHRASE_RESULTS = 3


@dataclass(frozen=True)
class SearchParams:
    """A search as the reader asked for it; every value is a plain string from a form or URL."""

    q: str = ""
    kind: str = ""
    year: str = ""
    signer: str = ""
    session: str = ""
    topic: str = ""
    organ: str = ""
    handling: str = ""  # 办理类别 A, B or C
    satisfaction: str = ""  # 满意, 基本满意 or 不满意
    date_from: str = ""  # 成文日期 from, YYYY-MM-DD (validated by search.forms)
    date_to: str = ""
    scope: str = ""
    sort: str = ""

    def filters(self) -> dict[str, str]:
        filters = {FILTER_FIELDS[name]: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)}
        if self.date_from or self.date_to:
            filters[DATE_RANGE_FILTER] = f"{self.date_from}..{self.date_to}"
        return filters

    def effective_sort(self, parsed: ParsedQuery) -> str:
        if self.sort in SORT_CHOICES:
            return self.sort
        return "newest" if parsed.is_empty else "relevance"

    @classmethod
    def from_mapping(cls, data) -> "SearchParams":
        return cls(**{item.name: (data.get(item.name) or "").strip() for item in dataclass_fields(cls)})


@dataclass
class ReplyHit:
    reply_id: int
    title: str
    doc_number: str
    kind: str
    date: date | None
    score: float
    snippets: list[SafeString] = field(default_factory=list)
    # A supplementary hit (ReplySearchResults.supplement) lacks some of the words as typed: these.
    missing_words: list[str] = field(default_factory=list)
    relaxed: bool = False
    first_relaxed: bool = False  # the first relaxed hit on its page, where the page says so

    # Named as on Reply, so that one card template (includes/_reply_card.html) shows both.
    def get_absolute_url(self) -> str:
        return reverse("replies:reply_detail", args=[self.reply_id])

    def get_kind_display(self) -> str:
        return Reply.Kind(self.kind).label if self.kind in Reply.Kind.values else self.kind


class ReplySearchResults:
    """Behaves like a QuerySet for Paginator: slicing runs one search for that page, count() is cached."""

    def __init__(self, *, parsed: ParsedQuery, params: SearchParams, include_drafts: bool, page_size: int = 10):
        self.parsed = parsed
        self.params = params
        self.sort = params.effective_sort(parsed)
        self.highlight_terms = parsed.highlight_terms()
        self._words = QueryWords(synonym_table())
        self._include_drafts = include_drafts
        self._filters = params.filters()
        if not include_drafts:
            self._filters["status"] = Reply.Status.PUBLISHED
        self._page_size = page_size
        self._responses: dict[tuple[int, int], SearchResponse] = {}
        self._total: int | None = None
        self._facets: dict[str, list[tuple[str, int]]] | None = None
        self._suggestion: str | None = None
        self._suggested = False
        self._unquoted: str | None = None
        self._unquoted_checked = False
        self._supplement: list[ReplyHit] | None = None

    def _run(self, offset: int, limit: int) -> SearchResponse:
        key = (offset, limit)
        if key not in self._responses:
            response = search_backend().execute(
                SearchQuery(parsed=self.parsed, scope=self.params.scope, filters=self._filters, sort=self.sort,
                            offset=offset, limit=limit, facets=FACET_FIELDS if self._facets is None else ())
            )
            self._responses[key] = response
            self._total = response.total
            if self._facets is None:
                self._facets = response.facets
        return self._responses[key]

    def count(self) -> int:
        if self._total is None:
            self._run(0, self._page_size)
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item : item + 1][0]
        start = item.start or 0
        stop = self.count() if item.stop is None else item.stop
        if stop <= start:
            return []
        return visible_hits(self._run(start, stop - start).hits, include_drafts=self._include_drafts,
                            highlight_terms=self.highlight_terms)

    @property
    def supplement(self) -> list[ReplyHit]:
        """When fewer than RELAX_BELOW documents hold every word as typed: up to SUPPLEMENT_SIZE more, shown
        below them under “以下结果未包含全部检索词”. First those holding every word through a synonym
        (公厕 → 公共厕所), then those holding most of the words (search.query.should_match), best first.
        A misspelling that gets a “您是不是要找” suggestion gets no relaxed hits (a question still does, and so does a
        query whose words' synonyms find something: 小摊扰民 is not a misspelling of 小区扰民)."""
        if self._supplement is None:
            self._supplement = []
            found = 0 if self.parsed.is_empty else self.count()
            if not self.parsed.is_empty and found < RELAX_BELOW and not self.params.scope:  # a scope is asked for strictly
                misspelt = found == 0 and self.suggestion is not None and not is_question(self.parsed)
                self._supplement = self._supplementary_hits(found=found, misspelt=misspelt)
        return self._supplement

    def _supplementary_hits(self, *, found: int, misspelt: bool) -> list[ReplyHit]:
        hits: list[SearchHit] = []
        for variant in (EXPANDED, RELAXED):
            if len(hits) >= SUPPLEMENT_SIZE or (variant == RELAXED and misspelt and not hits):
                break
            response = search_backend().execute(SearchQuery(parsed=self.parsed, variant=variant,
                                                             filters=self._filters, sort=self.sort, offset=0,
                                                             limit=SUPPLEMENT_SIZE))
            seen = {hit.reply_id for hit in hits}
            hits += [hit for hit in response.hits if hit.reply_id not in seen]
        if found + len(hits) < SUPPLEMENT_SIZE:
            hits += self._feedback_hits(known=[*self._run(0, self._page_size).hits, *hits][:RELAX_BELOW])
        units = tuple(unit for group in self.parsed.groups for clause in group if _plain(clause)
                      for unit in self._words.units(clause.text))
        supplement = visible_hits(hits[:SUPPLEMENT_SIZE], include_drafts=self._include_drafts,
                                  highlight_terms=_highlight_terms(self.parsed, self._words), relaxed_units=units)
        if supplement:
            supplement[0].first_relaxed = True
        return supplement

    def _feedback_hits(self, *, known: list[SearchHit]) -> list[SearchHit]:
        """Pseudo-relevance feedback: the key words of the first FEEDBACK_DOCUMENTS hits (strict, then
        supplementary), searched as alternatives weighted by their strength, for documents that say the same
        in other words. Only when the page is not full; never among the strict hits."""
        feedback_ids = [hit.reply_id for hit in known[:FEEDBACK_DOCUMENTS]]
        if not feedback_ids:
            return []
        rows = Reply.objects.filter(pk__in=feedback_ids)
        if not self._include_drafts:
            rows = rows.published()
        texts = [f"{title}\n{body[:FEEDBACK_TEXT_CHARACTERS]}" for title, body in rows.values_list("title", "body")]
        terms = feedback_terms(texts, backend=search_backend(), number=FEEDBACK_TERMS,
                               max_document_share=FEEDBACK_MAX_DOCUMENT_SHARE)
        if not terms:
            return []
        response = search_backend().execute(SearchQuery(parsed=self.parsed, variant=FEEDBACK, feedback=tuple(terms),
                                                         filters=self._filters, sort=self.sort, offset=0,
                                                         limit=SUPPLEMENT_SIZE))
        seen = {hit.reply_id for hit in known}
        return [hit for hit in response.hits if hit.reply_id not in seen]

    @property
    def facets(self) -> dict[str, list[tuple[str, int]]]:
        if self._facets is None:
            self._run(0, self._page_size)
        return self._facets

    @property
    def suggestion(self) -> str | None:
        """When the query finds nothing: a respelt query that finds something (智能制照 → 智能制造), else None."""
        if not self._suggested:
            self._suggested = True
            if not self.parsed.is_empty and self.count() == 0:
                self._suggestion = suggest_query(self.parsed, filters=self._filters)
        return self._suggestion

    @property
    def unquoted_suggestion(self) -> str | None:
        """When a quoted phrase finds few documents: the same words unquoted, if that finds more."""
        if not self._unquoted_checked:
            self._unquoted_checked = True
            found = self.count()
            if not self.parsed.is_empty and found < FEW_PHRASE_RESULTS:
                self._unquoted = suggest_unquoted(self.parsed, filters=self._filters, found=found)
        return self._unquoted


def _plain(clause) -> bool:
    return not (clause.negated or clause.field or clause.phrase or clause.required)


def _highlight_terms(parsed: ParsedQuery, words: QueryWords) -> list[str]:
    """What the reader typed and its words (ParsedQuery.highlight_terms), plus the synonyms searched with them."""
    terms = set(parsed.highlight_terms())
    for group in parsed.groups:
        for clause in group:
            if _plain(clause):
                terms.update(form for unit in words.units(clause.text) for form in unit.forms[1:] if len(form) > 1)
    return sorted(terms, key=len, reverse=True)


HIT_COLUMNS = ("id", "title", "doc_number", "kind", "date", "body")


def visible_hits(hits: list[SearchHit], *, include_drafts: bool, highlight_terms: list[str] = (),
                 relaxed_units: tuple[Unit, ...] = ()) -> list[ReplyHit]:
    """The index's hits that the database says the reader may see, as pages and the API show them.

    The index can lag behind the database (an update waiting for the writer's lock, a failed one):
    visibility is decided here, by the same query that fetches the rows, never by the index alone."""
    rows = Reply.objects.filter(pk__in=[hit.reply_id for hit in hits])
    if not include_drafts:
        rows = rows.published()
    by_id = {row.pk: row for row in rows.only(*HIT_COLUMNS).order_by()}
    return [reply_hit(hit, by_id[hit.reply_id], highlight_terms=highlight_terms, relaxed_units=relaxed_units)
            for hit in hits if hit.reply_id in by_id]


def reply_hit(hit: SearchHit, row: Reply, *, highlight_terms: list[str] = (),
              relaxed_units: tuple[Unit, ...] = ()) -> ReplyHit:
    """A result as pages and the API show it: the row's fields, the index's score; for a relaxed hit, the
    query's words it lacks as typed (a synonym found in their place is marked in the snippets)."""
    missing = []
    if relaxed_units:
        text = f"{row.title}\n{row.body}".lower()
        missing = [unit.word for unit in relaxed_units if unit.forms[0] not in text]
    return ReplyHit(
        reply_id=row.pk,
        title=row.title,
        doc_number=row.doc_number,
        kind=row.kind,
        date=row.date,
        score=hit.score,
        snippets=highlight_snippets(row.body, list(highlight_terms)) if highlight_terms else [],
        missing_words=missing,
        relaxed=bool(relaxed_units),
    )


FACET_PARAMETERS = {"kind": "kind", "year": "year", "session": "session", "signer": "signer",
                    "issuing_organ": "organ", "topics": "topic", "handling_category": "handling",
                    "satisfaction": "satisfaction"}


def labelled_facets(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[FacetValue]]:
    """Facet counts keyed by the URL parameter that filters on them, with readable labels."""
    topic_names = dict(Topic.objects.values_list("slug", "name")) if facets.get("topics") else {}
    labelled = {}
    for fieldname, counts in facets.items():
        name = FACET_PARAMETERS[fieldname]
        if name in ("handling", "satisfaction"):  # A, B, C and 满意, 基本满意, 不满意 in their own order
            counts = sorted(counts, key=lambda item: facet_order(name, item[0]))
        labelled[name] = [FacetValue(value, topic_names.get(value, value) if name == "topic" else facet_label(name, value),
                                     count) for value, count in counts if count > 0]
    return labelled


def reply_search(*, params: SearchParams, include_drafts: bool = False, page_size: int = 10) -> ReplySearchResults:
    return ReplySearchResults(parsed=parse_query(params.q), params=params, include_drafts=include_drafts,
                              page_size=page_size)


def reply_search_ids(*, params: SearchParams, include_drafts: bool = False, limit: int) -> tuple[list[int], int]:
    """The ids of the search's first `limit` hits in order, and how many it found: for exports and feeds, which
    read the rows themselves (replies.selectors.reply_in_order, which re-checks visibility)."""
    parsed = parse_query(params.q)
    filters = params.filters()
    if not include_drafts:
        filters["status"] = Reply.Status.PUBLISHED
    response = search_backend().execute(SearchQuery(parsed=parsed, scope=params.scope, filters=filters,
                                                    sort=params.effective_sort(parsed), limit=limit))
    return [hit.reply_id for hit in response.hits], response.total


def reply_related(*, reply: Reply, include_drafts: bool = False, limit: int = 5) -> list[ReplyHit]:
    filters = {} if include_drafts else {"status": Reply.Status.PUBLISHED}
    hits = search_backend().related(reply_id=reply.pk, text=f"{reply.title}\n{reply.body}", limit=limit, filters=filters)
    return visible_hits(hits, include_drafts=include_drafts)
