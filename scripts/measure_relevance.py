"""Measure search quality on the judged relevance set (fixtures/relevance_judged/).

    .venv/bin/python scripts/measure_relevance.py [--database NAME] [--verbose] [--json OUT]

The pool's documents are read from the shared corpus (../shared/corpus, or $RELEVANCE_CORPUS_DIR), checked
against the SHA-256 recorded in pool.json, written as Reply rows into a scratch database (created here and
dropped at the end) and indexed into a temporary Whoosh index. Each query then goes through
search.selectors.reply_search exactly as the search page sends it (no filters, a reader who is not staff),
and the script reports P@1, nDCG@10 and R@10 per kind of query and overall, for the development and the
blind part, and the queries that found nothing.

Measures, over the graded judgments (2 = what the reader wants, 1 = useful):
  P@1      the first result is graded 1 or 2;
  nDCG@10  gains 2^grade - 1, log2 discount, normalised by the ideal ranking of the judged documents;
  R@10     judged documents in the top ten / min(judged documents, 10).

`--write-pool` (once, when the set was built) writes pool.json from the selection rule in select_pool().
"""
from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DIR = ROOT / "fixtures" / "relevance_judged"
POOL_FILE = FIXTURE_DIR / "pool.json"
QUERIES_FILE = FIXTURE_DIR / "queries.json"
CITIZEN_POOL_SIZE = 600
KINDS = ("known_item", "topical", "short", "multiword", "org_place", "phrase", "synonym", "question")
KIND_LABELS = {
    "known_item": "known item (words of one title)", "topical": "topical, one or two words",
    "short": "single character or short word", "multiword": "several words (AND)",
    "org_place": "organisation or place + topic", "phrase": "quoted phrase",
    "synonym": "user's word ≠ document's word", "question": "questions as typed",
}
POOL_RULE = (
    "every document of 01_state_council_docs_govcn (55); of 02_citizen_message_replies_tipdm2020, the documents "
    "with short_or_boilerplate false, each reply text kept once (its first occurrence, in file order), and of these "
    "the ones at positions 1, 5, 9 … (index % 4 == 1, counting from 0), the first 600"
)
sys.path.insert(0, str(ROOT))

from tests.search.relevance import (  # noqa: E402
    CITIZEN_FILE,
    GOVCN_FILE,
    CorpusUnavailable,
    load_manifest,
    read_corpus_file,
    write_manifest,
)


def select_pool() -> list[dict]:
    """The pool's selection rule (POOL_RULE), used once to write pool.json."""
    govcn = read_corpus_file(GOVCN_FILE)
    seen, distinct = set(), []
    for doc in read_corpus_file(CITIZEN_FILE):
        if doc["short_or_boilerplate"] or doc["text"] in seen:
            continue
        seen.add(doc["text"])
        distinct.append(doc)
    return govcn + [doc for index, doc in enumerate(distinct) if index % 4 == 1][:CITIZEN_POOL_SIZE]


def write_pool() -> None:
    write_manifest(POOL_FILE, rule=POOL_RULE, documents=select_pool())


def load_pool() -> list[dict]:
    """The pool's documents, each checked against its recorded hash (a changed document is an error)."""
    try:
        return load_manifest(POOL_FILE)
    except CorpusUnavailable as missing:
        raise SystemExit(str(missing)) from None


def load_queries() -> list[dict]:
    return json.loads(QUERIES_FILE.read_text(encoding="utf-8"))


# Measures -------------------------------------------------------------------------------------


def precision_at_1(ranking: list[str], judgments: dict[str, int]) -> float:
    return 1.0 if ranking and judgments.get(ranking[0], 0) > 0 else 0.0


def recall_at_10(ranking: list[str], judgments: dict[str, int]) -> float:
    relevant = {key for key, grade in judgments.items() if grade > 0}
    return len(relevant & set(ranking[:10])) / min(len(relevant), 10)


def ndcg_at_10(ranking: list[str], judgments: dict[str, int]) -> float:
    def dcg(grades):
        return sum((2 ** grade - 1) / math.log2(position + 2) for position, grade in enumerate(grades))

    ideal = dcg(sorted(judgments.values(), reverse=True)[:10])
    return dcg([judgments.get(key, 0) for key in ranking[:10]]) / ideal if ideal else 0.0


def summarise(rows: list[dict]) -> dict:
    count = len(rows) or 1
    return {"queries": len(rows), "p1": sum(r["p1"] for r in rows) / count,
            "ndcg10": sum(r["ndcg10"] for r in rows) / count, "r10": sum(r["r10"] for r in rows) / count}


# The scratch archive ------------------------------------------------------------------------------


def prepare_environment(database: str, workdir: Path) -> None:
    server = os.environ.get("MEASURE_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"{server}/{database}",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50), DEBUG="0",
        SEARCH_INDEX_DIR=str(workdir / "index"), MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"), DATABASE_CONN_MAX_AGE="0", LOG_LEVEL="WARNING",
    )
    from bench.scratch import recreate_database

    recreate_database(database)


def build_archive(documents: list[dict]) -> dict[int, str]:
    """Reply rows for the pool (published), indexed in one batch; reply id → corpus id."""
    from django.core.management import call_command

    from replies.models import Reply
    from search.indexing import index_update_replies, index_writer_lock
    from tests.search.relevance import reply_for_corpus_document

    call_command("migrate", verbosity=0)
    replies = Reply.objects.bulk_create([reply_for_corpus_document(doc) for doc in documents])
    with index_writer_lock(wait=True):
        index_update_replies(reply_ids=[reply.pk for reply in replies])
    return {reply.pk: reply.index_number for reply in replies}


def run_queries(queries: list[dict], keys: dict[int, str]) -> list[dict]:
    from search.selectors import SearchParams, reply_search

    rows = []
    for query in queries:
        started = time.perf_counter()
        results = reply_search(params=SearchParams(q=query["query"]))
        hits = results[0:10]
        total = results.count()
        # As the page shows them: what holds every word, then (when that is under a page) the supplement.
        supplement = results.supplement[: 10 - len(hits)] if len(hits) < 10 else []
        hits += supplement
        suggestion = results.suggestion or results.unquoted_suggestion
        elapsed = time.perf_counter() - started
        ranking = [keys[hit.reply_id] for hit in hits]
        judgments = query["judgments"]
        rows.append({
            "query": query["query"], "kind": query["kind"], "part": query["part"], "total": total,
            "shown": len(ranking), "ranking": ranking, "suggestion": suggestion,
            "relaxed": bool(supplement), "seconds": elapsed,
            "p1": precision_at_1(ranking, judgments), "ndcg10": ndcg_at_10(ranking, judgments),
            "r10": recall_at_10(ranking, judgments),
            "missed": [key for key, grade in judgments.items() if key not in ranking],
        })
    return rows


def report(rows: list[dict], *, verbose: bool) -> dict:
    summary = {}
    for part in ("dev", "blind"):
        part_rows = [row for row in rows if row["part"] == part]
        summary[part] = {"all": summarise(part_rows)}
        print(f"\n== {part}: {len(part_rows)} queries")
        print(f"{'kind':<36} {'n':>3} {'P@1':>6} {'nDCG@10':>8} {'R@10':>6}")
        for kind in KINDS:
            kind_rows = [row for row in part_rows if row["kind"] == kind]
            if kind_rows:
                figures = summary[part][kind] = summarise(kind_rows)
                print(f"{KIND_LABELS[kind]:<36} {figures['queries']:>3} {figures['p1']:>6.2f} {figures['ndcg10']:>8.2f} "
                      f"{figures['r10']:>6.2f}")
        figures = summary[part]["all"]
        print(f"{'all':<36} {figures['queries']:>3} {figures['p1']:>6.2f} {figures['ndcg10']:>8.2f} {figures['r10']:>6.2f}")
        empty = [row["query"] for row in part_rows if row["shown"] == 0]
        print(f"no results: {len(empty)} {empty}")
    if verbose:
        print()
        for row in rows:
            print(f"[{row['part']}/{row['kind']}] {row['query']}: {row['total']} hits ({row['shown']} shown), P@1 {row['p1']:.0f} "
                  f"nDCG {row['ndcg10']:.2f} R@10 {row['r10']:.2f}{' +supplement' if row['relaxed'] else ''}"
                  f"{' suggestion ' + repr(row['suggestion']) if row['suggestion'] else ''}\n"
                  f"    top {row['ranking'][:10]}\n    missed {row['missed']}")
    seconds = sorted(row["seconds"] for row in rows)
    print(f"\nper query (search, ten hits, highlighting): median {seconds[len(seconds) // 2] * 1000:.0f} ms, "
          f"max {seconds[-1] * 1000:.0f} ms")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("MEASURE_DATABASE", "relevance_measure"),
                        help="scratch database, created and dropped by this script")
    parser.add_argument("--verbose", action="store_true", help="every query's top ten and the judged documents missed")
    parser.add_argument("--json", type=Path, help="write the figures and every query's ranking here")
    parser.add_argument("--part", choices=("dev", "blind", "both"), default="both")
    parser.add_argument("--write-pool", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.write_pool:
        write_pool()
        return
    documents = load_pool()
    queries = [q for q in load_queries() if arguments.part in ("both", q["part"])]
    with tempfile.TemporaryDirectory(prefix="measure-relevance-") as workdir:
        prepare_environment(arguments.database, Path(workdir))
        import django

        django.setup()
        try:
            started = time.perf_counter()
            keys = build_archive(documents)
            print(f"pool: {len(keys)} documents written and indexed in {time.perf_counter() - started:.1f} s; "
                  f"{len(queries)} queries")
            rows = run_queries(queries, keys)
            summary = report(rows, verbose=arguments.verbose)
        finally:
            from django.db import connections

            connections.close_all()
            from bench.scratch import drop_database

            drop_database(arguments.database)
    if arguments.json:
        arguments.json.write_text(json.dumps({"summary": summary, "queries": rows}, ensure_ascii=False, indent=1),
                                  encoding="utf-8")


if __name__ == "__main__":
    main()
