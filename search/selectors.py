"""Searching replies: parse the reader's query, run it once per page, highlight the hits."""
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date

from django.urls import reverse
from django.utils.safestring import SafeString
from whoosh import query as wq

from replies.models import Reply, Topic
from replies.selectors import FacetValue
from search.backend import SearchHit, SearchRequest, SearchResponse
from search.highlight import highlight_snippets
from search.indexing import search_backend
from search.query import ParsedQuery, QueryCompiler, parse_query
from search.suggest import suggest_query

FACET_FIELDS = ("kind", "year", "session", "signer", "issuing_organ", "topics")
SORT_CHOICES = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
FILTER_FIELDS = {"kind": "kind", "year": "year", "signer": "signer", "session": "session",
                 "topic": "topics", "organ": "issuing_organ"}


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
    sort: str = ""

    def filters(self) -> dict[str, str]:
        return {FILTER_FIELDS[name]: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)}

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
        self._query = wq.Every() if parsed.is_empty else QueryCompiler().compile(parsed)
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

    def _run(self, offset: int, limit: int) -> SearchResponse:
        key = (offset, limit)
        if key not in self._responses:
            response = search_backend().execute(
                SearchRequest(query=self._query, filters=self._filters, sort=self.sort, offset=offset,
                              limit=limit, facets=FACET_FIELDS if self._facets is None else ())
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


HIT_COLUMNS = ("id", "title", "doc_number", "kind", "date", "body")


def visible_hits(hits: list[SearchHit], *, include_drafts: bool, highlight_terms: list[str] = ()) -> list[ReplyHit]:
    """The index's hits that the database says the reader may see, as pages and the API show them.

    The index can lag behind the database (an update waiting for the writer's lock, a failed one):
    visibility is decided here, by the same query that fetches the rows, never by the index alone."""
    rows = Reply.objects.filter(pk__in=[hit.reply_id for hit in hits])
    if not include_drafts:
        rows = rows.published()
    by_id = {row.pk: row for row in rows.only(*HIT_COLUMNS).order_by()}
    return [reply_hit(hit, by_id[hit.reply_id], highlight_terms=highlight_terms)
            for hit in hits if hit.reply_id in by_id]


def reply_hit(hit: SearchHit, row: Reply, *, highlight_terms: list[str] = ()) -> ReplyHit:
    """A result as pages and the API show it: the row's fields, the index's score."""
    return ReplyHit(
        reply_id=row.pk,
        title=row.title,
        doc_number=row.doc_number,
        kind=row.kind,
        date=row.date,
        score=hit.score,
        snippets=highlight_snippets(row.body, list(highlight_terms)) if highlight_terms else [],
    )


FACET_PARAMETERS = {"kind": "kind", "year": "year", "session": "session", "signer": "signer",
                    "issuing_organ": "organ", "topics": "topic"}


def labelled_facets(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[FacetValue]]:
    """Facet counts keyed by the URL parameter that filters on them, with readable labels."""
    topic_names = dict(Topic.objects.values_list("slug", "name")) if facets.get("topics") else {}
    kind_names = dict(Reply.Kind.choices)
    labelled = {}
    for fieldname, counts in facets.items():
        names = kind_names if fieldname == "kind" else topic_names if fieldname == "topics" else {}
        labelled[FACET_PARAMETERS[fieldname]] = [FacetValue(value, names.get(value, value), count) for value, count in counts]
    return labelled


def reply_search(*, params: SearchParams, include_drafts: bool = False, page_size: int = 10) -> ReplySearchResults:
    return ReplySearchResults(parsed=parse_query(params.q), params=params, include_drafts=include_drafts,
                              page_size=page_size)


def reply_related(*, reply: Reply, include_drafts: bool = False, limit: int = 5) -> list[ReplyHit]:
    filters = {} if include_drafts else {"status": Reply.Status.PUBLISHED}
    hits = search_backend().related(reply_id=reply.pk, text=f"{reply.title}\n{reply.body}", limit=limit, filters=filters)
    return visible_hits(hits, include_drafts=include_drafts)
