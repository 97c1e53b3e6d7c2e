"""The relevance test set (fixtures/relevance/queries.json) over the seeds and 300 corpus documents.

Every query must meet the expectation written next to it; the figures (P@1, R@10, MRR) are
printed with the test's result. RELEVANCE_VERBOSE=1 also prints each query's top five.
"""
import os

import pytest

from search.selectors import SearchParams, reply_search
from tests.search.relevance import RelevanceQuery, load_queries, measure

pytestmark = pytest.mark.usefixtures("search_engine")

QUERIES = load_queries()


def run(archive, query: RelevanceQuery) -> tuple[list[str], str | None]:
    """Every hit of the query, best first, as document keys; and the suggestion offered."""
    results = reply_search(params=SearchParams(q=query.query, **query.filters))
    return [archive.key(hit.reply_id) for hit in results[0 : results.count()]], results.suggestion


def test_every_query_meets_its_expectation(relevance_archive, db, capsys):
    outcomes = [run(relevance_archive, query) for query in QUERIES]
    rankings = [ranking for ranking, _ in outcomes]
    failures = {query.label: problems for query, (ranking, suggestion) in zip(QUERIES, outcomes)
                if (problems := query.failures(ranking, suggestion))}
    measures = measure(QUERIES, rankings)
    with capsys.disabled():
        print(f"\n{measures.line()}  (archive: 5 seeds ingested in {relevance_archive.seed_seconds:.1f} s, "
              f"{len(relevance_archive.keys) - 5} corpus documents written and indexed in {relevance_archive.corpus_seconds:.1f} s)")
        if os.environ.get("RELEVANCE_VERBOSE"):
            for query, (ranking, suggestion) in zip(QUERIES, outcomes):
                print(f"  {query.label}: {len(ranking)} hits, top {ranking[:5]}, suggestion {suggestion!r}")
    assert not failures, "\n".join(f"{label}: {'; '.join(problems)}" for label, problems in failures.items())


def test_the_set_covers_what_readers_type():
    assert len(QUERIES) >= 40
    assert len({query.label for query in QUERIES}) == len(QUERIES), "each query once"
    texts = [query.query for query in QUERIES]
    assert any(len(text) == 1 for text in texts), "a single character"
    assert any(text.startswith(('"', "“")) for text in texts), "a quoted phrase"
    assert any(" OR " in text for text in texts) and any(" -" in text for text in texts)
    assert any(query.matches == () and query.suggestion is None for query in QUERIES), "a query that finds nothing"
    assert sum(1 for query in QUERIES if query.suggestion) >= 8, "misspellings with their suggestion"
    assert any(query.filters for query in QUERIES) and any("签发人:" in text for text in texts)
    corpus_only = [query for query in QUERIES if query.relevant and not set(query.relevant) & {"000", "001", "002", "003", "004"}]
    assert len(corpus_only) >= 15, "queries answered by corpus documents only"


def test_measures_on_a_hand_worked_example():
    queries = [
        RelevanceQuery(query="a", note="", first="x"),
        RelevanceQuery(query="b", note="", expected=("x", "y")),
        RelevanceQuery(query="c", note="", matches=()),
    ]
    measures = measure(queries, [["x", "z"], ["z", "y"], []])
    assert measures.ranked_queries == 2
    assert measures.precision_at_1 == pytest.approx(0.5)
    assert measures.recall_at_10 == pytest.approx((1 + 0.5) / 2)
    assert measures.mrr == pytest.approx((1 + 0.5) / 2)


def test_failures_name_what_is_wrong():
    query = RelevanceQuery(query="q", note="", first="a", expected=("b",), k=2, above=(("c", "b"),), absent=("d",))
    assert query.failures(["a", "c", "b"]) == ["not in the top 2: ['b']"]
    problems = query.failures(["d", "b", "a"])
    assert "a should be first, got ['d']" in problems
    assert "c should rank above b" in problems and "should not be found: ['d']" in problems
    assert RelevanceQuery(query="q", note="", matches=()).failures(["a"]) != []
