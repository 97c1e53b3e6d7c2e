"""The QueryBuilder (search.query) for Whoosh: the compiler's primitives as Whoosh query objects."""
from whoosh import query as wq

from search.backends.whoosh.phrases import ConsecutivePhrase


class WhooshQueries:
    def term(self, fieldname: str, text: str, *, boost: float = 1.0) -> wq.Query:
        return wq.Term(fieldname, text, boost=boost)

    def phrase(self, fieldname: str, pieces: list[str], *, boost: float = 1.0) -> wq.Query:
        return ConsecutivePhrase(fieldname, pieces, boost=boost)

    def any_of(self, queries: list[wq.Query]) -> wq.Query:
        return wq.Or(queries)

    def all_of(self, queries: list[wq.Query]) -> wq.Query:
        return wq.And(queries)

    def excluding(self, query: wq.Query, excluded: wq.Query) -> wq.Query:
        return wq.AndNot(query, excluded)

    def boosted(self, query: wq.Query, boost: float) -> wq.Query:
        query.boost = boost
        return query

    def constant(self, query: wq.Query, score: float) -> wq.Query:
        return wq.ConstantScoreQuery(query, score=score)

    def nothing(self) -> wq.Query:
        return wq.NullQuery

    def everything(self) -> wq.Query:
        return wq.Every()

    def same(self, a: wq.Query, b: wq.Query) -> bool:
        return str(a) == str(b)


WHOOSH_QUERIES = WhooshQueries()
