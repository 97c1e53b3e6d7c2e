"""The QueryBuilder (search.query) for OpenSearch: the compiler's primitives as query DSL.

Scores add up as Whoosh's do: bool must and should sum their matching clauses. A phrase of sub-word pieces
is a span_near (slop 0, in order) over the field's two streams (search/backends/opensearch/mapping.py),
used as a filter, and scored as Whoosh's ConsecutivePhrase is, by the sum of its pieces' term scores.
"""
import copy

from search.backends.opensearch.mapping import PAIRS_SUFFIX, is_pair

SUBWORD_FIELDS = ("subwords", "title_subwords")


def _stream(fieldname: str, piece: str) -> str:
    """The field a token is held in: a sub-word field's pairs stream for a CJK bigram, else the field."""
    return fieldname + PAIRS_SUFFIX if fieldname in SUBWORD_FIELDS and is_pair(piece) else fieldname


class OpenSearchQueries:
    def term(self, fieldname: str, text: str, *, boost: float = 1.0) -> dict:
        return {"term": {_stream(fieldname, text): {"value": text, "boost": boost}}}

    def phrase(self, fieldname: str, pieces: list[str], *, boost: float = 1.0) -> dict:
        pairs = fieldname + PAIRS_SUFFIX
        spans = []
        for piece in pieces:
            span = {"span_term": {_stream(fieldname, piece): piece}}
            if _stream(fieldname, piece) != pairs:
                span = {"field_masking_span": {"query": span, "field": pairs}}
            spans.append(span)
        consecutive = {"span_near": {"clauses": spans, "slop": 0, "in_order": True}}
        return {"bool": {"filter": [consecutive], "must": [self.term(fieldname, piece) for piece in pieces],
                         "boost": boost}}

    def any_of(self, queries: list[dict]) -> dict:
        return {"bool": {"should": queries, "minimum_should_match": 1}}

    def all_of(self, queries: list[dict]) -> dict:
        return {"bool": {"must": queries}}

    def excluding(self, query: dict, excluded: dict) -> dict:
        return {"bool": {"must": [query], "must_not": [excluded]}}

    def boosted(self, query: dict, boost: float) -> dict:
        boosted = copy.deepcopy(query)
        (kind, body), = boosted.items()
        if kind == "term":
            (inner,) = body.values()
            inner["boost"] = boost
        else:
            body["boost"] = boost
        return boosted

    def constant(self, query: dict, score: float) -> dict:
        return {"constant_score": {"filter": query, "boost": score}}

    def nothing(self) -> dict:
        return {"match_none": {}}

    def everything(self) -> dict:
        return {"match_all": {}}

    def same(self, a: dict, b: dict) -> bool:
        return a == b


OPENSEARCH_QUERIES = OpenSearchQueries()
