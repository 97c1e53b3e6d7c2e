"""The benchmark's in-Django steps, each run in its own process under the scratch environment.

    python -m bench.tasks NAME --out result.json [options]

The harness (bench/run.py) sets DJANGO_SETTINGS_MODULE, DATABASE_URL, SEARCH_INDEX_DIR … and reads
the JSON written to --out. Nothing here writes outside the scratch database and folders.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import time
from multiprocessing import get_context
from pathlib import Path

from bench import corpus
from bench.queries import FIRST_ANSWER_QUERY, QUERIES

PROCESS_STARTED = time.perf_counter()
TASKS = {}
LOAD_BATCH = 500


def task(function):
    TASKS[function.__name__] = function
    return function


def _setup_django() -> None:
    import django

    django.setup()


def _milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 2)


def percentiles(samples: list[float]) -> dict:
    """p50/p95/p99 in milliseconds (nearest rank) of samples in seconds."""
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    return {"n": len(ordered), "p50_ms": _milliseconds(rank(50)), "p95_ms": _milliseconds(rank(95)),
            "p99_ms": _milliseconds(rank(99)), "mean_ms": _milliseconds(statistics.fmean(ordered)),
            "max_ms": _milliseconds(ordered[-1])}


def top_functions(profile: cProfile.Profile, *, limit: int) -> list[dict]:
    """The functions with the most own time, with their share of the profiled total."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    total = sum(entry[2] for entry in stats.stats.values()) or 1.0
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:limit]
    return [
        {"function": f"{Path(filename).parent.name}/{Path(filename).name}:{line}({name})",
         "calls": calls, "own_s": round(own, 3), "own_share": round(own / total, 3), "cumulative_s": round(cumulative, 3)}
        for (filename, line, name), (_, calls, own, cumulative, _) in rows
    ]


# The jieba segmentation floor -----------------------------------------------------------------


@task
def floor(args) -> dict:
    """jieba's precise-mode tokenize over every C1 text, one core, with the project's dictionary."""
    from search.analysis import configure_jieba, jieba_tokenizer

    documents = corpus.base_documents(quick=args.quick)
    configure_jieba(os.environ["JIEBA_CACHE_DIR"])
    started = time.perf_counter()
    tokenizer = jieba_tokenizer()
    dictionary_s = time.perf_counter() - started
    tokens = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for doc in documents:
        tokens += sum(1 for _ in tokenizer.tokenize(doc["text"], HMM=True))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    text_bytes = corpus.text_bytes(documents)
    return {"documents": len(documents), "characters": sum(len(doc["text"]) for doc in documents),
            "text_bytes": text_bytes, "tokens": tokens, "dictionary_load_s": round(dictionary_s, 2),
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "mb_per_s": round(text_bytes / 1e6 / wall, 3),
            "docs_per_s": round(len(documents) / wall, 1)}


# Topics, computed once per corpus and cached ---------------------------------------------------


def _topics_of(doc: dict) -> tuple[str, list[str]]:
    from replies.ingest.topics import assign_topics

    return doc["id"], assign_topics(title=doc["title"], body=doc["text"])


@task
def topics(args) -> dict:
    """The ingest pipeline's topic assignment for every base document (2 processes), written to --cache."""
    from search.analysis import configure_jieba, jieba_tokenizer

    configure_jieba(os.environ["JIEBA_CACHE_DIR"])
    jieba_tokenizer()  # loaded before forking, shared by the pool
    documents = corpus.base_documents(quick=args.quick)
    started = time.perf_counter()
    with get_context("fork").Pool(args.processes) as pool:
        assigned = dict(pool.imap(_topics_of, documents, chunksize=20))
    Path(args.cache).write_text(json.dumps(assigned, ensure_ascii=False), encoding="utf-8")
    return {"documents": len(assigned), "wall_s": round(time.perf_counter() - started, 1)}


# Loading the corpus in bulk ----------------------------------------------------------------------


def reply_for_copy(doc: dict, copy: int, used_doc_numbers: set[str]):
    """The Reply row of one document, as tests/search/relevance.py builds it for the relevance test.

    Doc numbers must be unique in the database: a doc number already taken (a later copy, or one of
    C1's own repeats such as two laws of the same 令 number) gets "-<copy>" (then "-<copy>.<n>")
    appended to its displayed text; its search keys (doc_number_key …) are left as parsed.
    """
    from tests.search.relevance import reply_for_corpus_document

    reply = reply_for_corpus_document(doc)
    if reply.doc_number:
        wanted, repeat = reply.doc_number, 1
        while reply.doc_number in used_doc_numbers:
            suffix = f"-{copy}" if repeat == 1 else f"-{copy}.{repeat}"
            reply.doc_number = wanted[: 100 - len(suffix)] + suffix
            repeat += 1
        used_doc_numbers.add(reply.doc_number)
    return reply


@task
def load(args) -> dict:
    """Reply rows (and their topics) bulk-created for copies first..last-1 of the base documents."""
    _setup_django()
    from django.db import transaction

    from replies.models import Reply, Topic
    from replies.services import topic_sync_vocabulary

    documents = corpus.base_documents(quick=args.quick)
    assigned = json.loads(Path(args.topics).read_text(encoding="utf-8")) if args.topics else {}
    topic_sync_vocabulary()
    topic_ids = dict(Topic.objects.values_list("slug", "pk"))
    used = set(Reply.objects.exclude(doc_number="").values_list("doc_number", flat=True))
    Through = Reply.topics.through
    started = time.perf_counter()
    rows = links = 0
    batch: list[tuple[object, list[str]]] = []

    def flush():
        nonlocal rows, links
        with transaction.atomic():
            created = Reply.objects.bulk_create([reply for reply, _ in batch])
            through = [Through(reply_id=reply.pk, topic_id=topic_ids[slug])
                       for reply, (_, slugs) in zip(created, batch) for slug in slugs if slug in topic_ids]
            Through.objects.bulk_create(through)
        rows += len(created)
        links += len(through)
        batch.clear()

    for copy, doc in corpus.copies(documents, first=args.first_copy, last=args.last_copy):
        base_id = doc["id"].rsplit("-", 1)[0] if copy else doc["id"]
        batch.append((reply_for_copy(doc, copy, used), assigned.get(base_id, [])))
        if len(batch) >= LOAD_BATCH:
            flush()
    if batch:
        flush()
    return {"rows": rows, "topic_links": links, "total_rows": Reply.objects.count(),
            "wall_s": round(time.perf_counter() - started, 1)}


@task
def index_count(args) -> dict:
    """Documents in the index of the active settings (ours or the baseline's)."""
    _setup_django()
    if args.baseline or os.environ["DJANGO_SETTINGS_MODULE"] != "config.settings":
        from haystack import connections

        backend = connections["default"].get_backend()
        backend.setup()
        return {"documents": backend.index.doc_count()}
    from search.backends import search_backend

    return {"documents": search_backend().doc_count()}


# Searching in process --------------------------------------------------------------------------


def our_search(query: str) -> int:
    """What /search/ does before rendering: parse, search, page 1 with snippets, facets, suggestion."""
    from django.core.paginator import Paginator

    from search.selectors import SearchParams, labelled_facets, reply_search

    results = reply_search(params=SearchParams.from_mapping({"q": query}), include_drafts=False, page_size=10)
    page = Paginator(results, 10, orphans=3).get_page(1)
    list(page.object_list)
    labelled_facets(results.facets)
    _ = results.suggestion
    return results.count()


def our_search_with_supplement(query: str) -> tuple[int, int]:
    """our_search, and then what /search/ shows below a last page: the supplement of issue 15's query
    expansion (synonyms, relaxed matching, pseudo-relevance feedback), which runs only when fewer than
    search.selectors.RELAX_BELOW documents hold every word. Returns the count and the supplement's size."""
    from django.core.paginator import Paginator

    from search.selectors import SearchParams, labelled_facets, reply_search

    results = reply_search(params=SearchParams.from_mapping({"q": query}), include_drafts=False, page_size=10)
    page = Paginator(results, 10, orphans=3).get_page(1)
    list(page.object_list)
    labelled_facets(results.facets)
    _ = results.suggestion
    supplement = results.supplement if not page.has_next() else []
    return results.count(), len(supplement)


def expansion_cost(*, repeat: int) -> dict:
    """Each query with and without the supplement, alternately in this process (the same load for both):
    the per-query median difference, for the queries that trigger it."""
    from search.selectors import RELAX_BELOW

    with_, without, supplemented = {}, {}, {}
    for query in QUERIES:
        supplemented[query] = our_search_with_supplement(query)[1]
    for _ in range(repeat):
        for query in QUERIES:
            for samples, run in ((without, our_search), (with_, our_search_with_supplement)):
                started = time.perf_counter()
                run(query)
                samples.setdefault(query, []).append(time.perf_counter() - started)
    triggered = [query for query in QUERIES if supplemented[query]]
    flat_with = [value for query in QUERIES for value in with_[query]]
    flat_without = [value for query in QUERIES for value in without[query]]
    return {
        "relax_below": RELAX_BELOW, "queries_with_a_supplement": {query: supplemented[query] for query in triggered},
        "median_ms_by_query": {query: {"without": _milliseconds(statistics.median(without[query])),
                                       "with": _milliseconds(statistics.median(with_[query]))} for query in QUERIES},
        "latency_without": percentiles(flat_without), "latency_with": percentiles(flat_with),
    }


def baseline_search(query: str) -> int:
    """What the baseline's view does before rendering: haystack's stock search with highlighting."""
    from django.core.paginator import Paginator
    from haystack.query import SearchQuerySet

    results = SearchQuerySet().filter(content=query).highlight()
    page = Paginator(results, 10).get_page(1)
    for result in page.object_list:
        _ = result.highlighted
    return page.paginator.count


def our_phases(query: str, *, repeat: int = 3) -> dict:
    """Median seconds of each step of one search, done as search.selectors does them."""
    from search.backends import search_backend
    from search.backends.base import SearchQuery
    from search.query import parse_query
    from search.selectors import FACET_FIELDS, labelled_facets, visible_hits

    backend = search_backend()
    steps: dict[str, list[float]] = {}

    def timed(name, function, *arguments, **keywords):
        started = time.perf_counter()
        value = function(*arguments, **keywords)
        steps.setdefault(name, []).append(time.perf_counter() - started)
        return value

    def page_hits(response, terms):
        return visible_hits(response.hits, include_drafts=False, highlight_terms=terms)

    for _ in range(repeat):
        parsed = timed("parse", parse_query, query)
        request = SearchQuery(parsed=parsed, filters={"status": "published"}, sort="relevance", offset=0, limit=10,
                              facets=FACET_FIELDS)
        timed("compile", backend.compile, request)
        # One search gives the page, the count and the facets (it compiles the query again).
        response = timed("engine_search_with_facets", backend.execute, request)
        timed("snippets", page_hits, response, parsed.highlight_terms())
        timed("facet_labels", labelled_facets, response.facets)
    return {name: statistics.median(values) for name, values in steps.items()}


@task
def search(args) -> dict:
    """In-process latency over the query set, hit counts, each step's share, and a profile."""
    _setup_django()
    run = baseline_search if args.baseline else our_search
    first = time.perf_counter()
    run(FIRST_ANSWER_QUERY)
    first = time.perf_counter() - first
    hits = {}
    for query in QUERIES:  # warm-up
        hits[query] = run(query)
    samples, per_query = [], {query: [] for query in QUERIES}
    for _ in range(args.repeat):
        for query in QUERIES:
            started = time.perf_counter()
            run(query)
            elapsed = time.perf_counter() - started
            samples.append(elapsed)
            per_query[query].append(elapsed)
    result = {"first_search_s": round(first, 3), "latency": percentiles(samples), "hits": hits,
              "median_ms_by_query": {query: _milliseconds(statistics.median(times)) for query, times in per_query.items()}}
    if not args.baseline:
        try:
            steps: dict[str, list[float]] = {}
            by_query = {}
            for query in QUERIES:
                phases = our_phases(query)
                by_query[query] = {name: _milliseconds(seconds) for name, seconds in phases.items()}
                for name, seconds in phases.items():
                    steps.setdefault(name, []).append(seconds)
            result["steps_mean_ms"] = {name: _milliseconds(statistics.fmean(values)) for name, values in steps.items()}
            result["steps_ms_by_query"] = by_query
        except Exception as error:  # noqa: BLE001  the application's internals moved: report it, keep the rest
            result["steps_error"] = repr(error)
        try:
            result["expansion"] = expansion_cost(repeat=args.repeat)
        except Exception as error:  # noqa: BLE001
            result["expansion_error"] = repr(error)
    profile = cProfile.Profile()
    profile.enable()
    for query in QUERIES:
        run(query)
    profile.disable()
    result["profile_top"] = top_functions(profile, limit=args.top)
    return result


@task
def first_search(args) -> dict:
    """A fresh process: Django set up, then the first search and a second one (the harness times the whole)."""
    setup = time.perf_counter()
    _setup_django()
    setup = time.perf_counter() - setup
    run = baseline_search if args.baseline else our_search
    first = time.perf_counter()
    run(FIRST_ANSWER_QUERY)
    first = time.perf_counter() - first
    second = time.perf_counter()
    run(FIRST_ANSWER_QUERY)
    second = time.perf_counter() - second
    return {"interpreter_to_task_s": round(setup + first + second, 3), "django_setup_s": round(setup, 3),
            "first_search_s": round(first, 3), "second_search_s": round(second, 4)}


# Where a rebuild's time goes -----------------------------------------------------------------


@task
def profile_index(args) -> dict:
    """Where a rebuild's time goes, on --documents replies (spread over the corpus) written into this
    process's (scratch) index through the backend's update(): preparing the documents (database rows →
    field values), each field's analysis, and the rest (Whoosh's writing and commit); then a profile of
    the same on as many other replies."""
    _setup_django()
    from search.backends import search_backend
    from search.indexing import reply_search_index

    index, backend = reply_search_index(), search_backend()
    backend.setup()
    schema = backend.schema
    started = time.perf_counter()
    ids = list(index.index_queryset().values_list("pk", flat=True))
    picked = ids[:: max(1, len(ids) // (2 * args.documents))][: 2 * args.documents]  # spread over every file
    replies = list(index.index_queryset().filter(pk__in=picked))
    timed, profiled = replies[0::2], replies[1::2]
    fetch = time.perf_counter() - started
    started = time.perf_counter()
    prepared = [backend._whoosh_document(index.full_prepare(reply)) for reply in timed]
    prepare = time.perf_counter() - started
    analysis, tokens = {}, {}
    for name in schema.names():
        field = schema[name]
        if getattr(field, "analyzer", None) is None or not any(isinstance(d.get(name), str) for d in prepared):
            continue
        started = time.perf_counter()
        tokens[name] = sum(
            sum(1 for _ in field.analyzer(document[name], positions=True, chars=True))
            for document in prepared if isinstance(document.get(name), str)
        )
        analysis[name] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    backend.update(index, timed)
    update = time.perf_counter() - started
    profile = cProfile.Profile()
    profile.enable()
    backend.update(index, profiled)
    profile.disable()
    return {"documents": len(timed), "text_bytes": sum(len(reply.body.encode()) for reply in timed),
            "fetch_s_for_both": round(fetch, 3), "prepare_s": round(prepare, 3), "analysis_s": analysis,
            "tokens": tokens, "update_s": round(update, 3),
            "whoosh_write_s": round(update - prepare - sum(analysis.values()), 3),
            "profile_top": top_functions(profile, limit=args.top)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", choices=sorted(TASKS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--topics", default="")
    parser.add_argument("--cache", default="")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--first-copy", type=int, default=0)
    parser.add_argument("--last-copy", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    result = TASKS[args.name](args)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
