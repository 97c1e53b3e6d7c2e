"""The relevance test set: a fixed archive (the seeds plus a sample of the shared corpus) and its queries.

The corpus documents are not copied into the project (the corpus README forbids shipping them
in fixtures); fixtures/relevance/corpus_sample.json names them by id with the SHA-256 of each
text, and they are read from the shared corpus, by default ../shared/corpus next to the
project, else from $RELEVANCE_CORPUS_DIR. A changed or missing document is an error, never a skip.

Every document is identified by a stable key: a seed by its file's three-digit prefix ("000"),
a corpus document by its corpus id ("tipdm2020c-2549"), kept in Reply.index_number, which is
not indexed.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURE_DIR = ROOT / "fixtures" / "relevance"
SAMPLE_FILE = FIXTURE_DIR / "corpus_sample.json"
QUERIES_FILE = FIXTURE_DIR / "queries.json"
DEFAULT_CORPUS_DIR = ROOT.parent / "shared" / "corpus"
GOVCN_FILE = "01_state_council_docs_govcn.jsonl.gz"
CITIZEN_FILE = "02_citizen_message_replies_tipdm2020.jsonl.gz"
CITIZEN_SAMPLE_SIZE = 245


class CorpusUnavailable(RuntimeError):
    pass


def corpus_dir() -> Path:
    return Path(os.environ.get("RELEVANCE_CORPUS_DIR") or DEFAULT_CORPUS_DIR)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_corpus_file(name: str) -> list[dict]:
    path = corpus_dir() / name
    if not path.exists():
        raise CorpusUnavailable(
            f"{path} is missing: the relevance test reads its corpus sample from the shared corpus "
            "(set RELEVANCE_CORPUS_DIR to the folder holding the corpus .jsonl.gz files)."
        )
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def select_sample() -> list[dict]:
    """The sampling rule, used once to write corpus_sample.json: every State Council document
    of file 01, and the first 245 citizen-message replies of file 02 that are not boilerplate, in file order."""
    govcn = read_corpus_file(GOVCN_FILE)
    citizen = [doc for doc in read_corpus_file(CITIZEN_FILE) if not doc["short_or_boilerplate"]]
    return govcn + citizen[:CITIZEN_SAMPLE_SIZE]


def write_sample_manifest() -> None:
    write_manifest(SAMPLE_FILE, rule="all of 01_state_council_docs_govcn; the first 245 documents of "
                   "02_citizen_message_replies_tipdm2020 with short_or_boilerplate false, in file order",
                   documents=select_sample())


def write_manifest(path: Path, *, rule: str, documents: list[dict]) -> None:
    """A manifest of corpus documents: the rule that chose them, and each one's id, file and text's SHA-256."""
    entries = [{"id": doc["id"], "file": GOVCN_FILE if doc["id"].startswith("govcn-") else CITIZEN_FILE,
                "sha256": text_sha256(doc["text"])} for doc in documents]
    lines = ",\n".join("  " + json.dumps(entry, ensure_ascii=False) for entry in entries)
    path.write_text(f'{{"rule": {json.dumps(rule, ensure_ascii=False)},\n "documents": [\n{lines}\n]}}\n',
                    encoding="utf-8")


def load_sample() -> list[dict]:
    """The sampled corpus documents, in manifest order, each checked against its recorded hash."""
    return load_manifest(SAMPLE_FILE)


def load_manifest(path: Path) -> list[dict]:
    """A manifest's corpus documents, in its order, each checked against its recorded hash."""
    manifest = json.loads(path.read_text(encoding="utf-8"))["documents"]
    by_file: dict[str, dict[str, dict]] = {}
    for name in sorted({entry["file"] for entry in manifest}):
        by_file[name] = {doc["id"]: doc for doc in read_corpus_file(name)}
    documents = []
    for entry in manifest:
        doc = by_file[entry["file"]].get(entry["id"])
        if doc is None or text_sha256(doc["text"]) != entry["sha256"]:
            raise CorpusUnavailable(f"corpus document {entry['id']} is missing or changed in {entry['file']}")
        documents.append(doc)
    return documents


def reply_for_corpus_document(doc: dict):
    """An unsaved Reply holding a corpus document as the archive would: title, 文号, organ, dates, body."""
    from replies.ingest.extract import doc_number_key, parse_doc_number
    from replies.models import Reply

    written = doc.get("written_date") or doc.get("publish_date")
    day = date.fromisoformat(written) if written else None
    number = parse_doc_number(doc["doc_number"]) if doc.get("doc_number") else None
    return Reply(
        title=doc["title"][:500],
        kind=Reply.Kind.OTHER,
        doc_number=(number.text if number else doc.get("doc_number") or "")[:100],
        doc_issuer=number.issuer if number else "",
        doc_year=number.year if number else None,
        doc_serial=number.serial if number else "",
        doc_number_key=doc_number_key(number.issuer, number.year, number.serial) if number else "",
        issuing_organ=(doc.get("issuing_organ") or "")[:200],
        index_number=doc["id"],
        subject_category=(doc.get("subject_category") or "")[:100],
        date=day,
        year=day.year if day else None,
        body=doc["text"],
        status=Reply.Status.PUBLISHED,
    )


# Queries and measures ----------------------------------------------------------------------


@dataclass(frozen=True)
class RelevanceQuery:
    """One query of the set, with what a reader expects of it (every key decided by reading the texts).

    expected: keys that must all be in the top k; first: the key that must rank first;
    matches: when given, the whole result set must be exactly these keys ([] = must find nothing);
    above: (better, worse) pairs, better must be found and rank above worse; absent: keys that must not be found;
    suggestion: the “您是不是要找” query offered (none unless given, so every query with hits checks that none is).
    """

    query: str
    note: str
    filters: dict = field(default_factory=dict)
    expected: tuple[str, ...] = ()
    first: str = ""
    k: int = 10
    matches: tuple[str, ...] | None = None
    above: tuple[tuple[str, str], ...] = ()
    absent: tuple[str, ...] = ()
    suggestion: str | None = None

    @classmethod
    def from_json(cls, data: dict) -> RelevanceQuery:
        unknown = set(data) - {item for item in cls.__dataclass_fields__}
        if unknown:
            raise ValueError(f"{data['query']!r}: unknown keys {sorted(unknown)}")
        matches = data.get("matches")
        return cls(
            query=data["query"], note=data["note"], filters=data.get("filters", {}),
            expected=tuple(data.get("expected", ())), first=data.get("first", ""), k=data.get("k", 10),
            matches=None if matches is None else tuple(matches),
            above=tuple(tuple(pair) for pair in data.get("above", ())), absent=tuple(data.get("absent", ())),
            suggestion=data.get("suggestion"),
        )

    @property
    def label(self) -> str:
        filters = " ".join(f"{name}={value}" for name, value in self.filters.items())
        return f"{self.query} [{filters}]" if filters else self.query

    @property
    def relevant(self) -> tuple[str, ...]:
        """The documents that count as relevant for the measures: first, expected, else the exact matches."""
        keys = [self.first] if self.first else []
        keys += [key for key in self.expected if key not in keys]
        if not keys and self.matches:
            keys = list(self.matches)
        return tuple(keys)

    def failures(self, ranking: list[str], suggestion: str | None = None) -> list[str]:
        """What this ranking (document keys, best first, every hit) and suggestion get wrong; empty when
        they meet the expectation."""
        problems = [] if suggestion == self.suggestion else [f"suggestion {suggestion!r}, expected {self.suggestion!r}"]
        missing = [key for key in self.expected if key not in ranking[: self.k]]
        if missing:
            problems.append(f"not in the top {self.k}: {missing}")
        if self.first and ranking[:1] != [self.first]:
            problems.append(f"{self.first} should be first, got {ranking[:1]}")
        if self.matches is not None and set(ranking) != set(self.matches):
            problems.append(f"should find exactly {sorted(self.matches)}; missing {sorted(set(self.matches) - set(ranking))}, "
                            f"extra {sorted(set(ranking) - set(self.matches))[:8]}")
        for better, worse in self.above:
            if better not in ranking or (worse in ranking and ranking.index(worse) < ranking.index(better)):
                problems.append(f"{better} should rank above {worse}")
        found_absent = [key for key in self.absent if key in ranking]
        if found_absent:
            problems.append(f"should not be found: {found_absent}")
        return problems


def load_queries() -> list[RelevanceQuery]:
    return [RelevanceQuery.from_json(item) for item in json.loads(QUERIES_FILE.read_text(encoding="utf-8"))]


@dataclass(frozen=True)
class Measures:
    queries: int
    ranked_queries: int
    precision_at_1: float
    recall_at_10: float
    mrr: float

    def line(self) -> str:
        return (f"relevance: {self.queries} queries ({self.ranked_queries} with relevant documents): "
                f"P@1 {self.precision_at_1:.3f}  R@10 {self.recall_at_10:.3f}  MRR {self.mrr:.3f}")


def measure(queries: list[RelevanceQuery], rankings: list[list[str]]) -> Measures:
    """P@1, R@10 and MRR over the queries that have relevant documents (queries that must find
    nothing are checked, not measured). R@10 is over min(relevant, 10), what ten results can hold."""
    ranked = [(query, ranking) for query, ranking in zip(queries, rankings, strict=True) if query.relevant]
    precision = recall = reciprocal = 0.0
    for query, ranking in ranked:
        relevant = set(query.relevant)
        precision += 1.0 if ranking[:1] and ranking[0] in relevant else 0.0
        recall += len(relevant & set(ranking[:10])) / min(len(relevant), 10)
        rank = next((position for position, key in enumerate(ranking, start=1) if key in relevant), None)
        reciprocal += 1.0 / rank if rank else 0.0
    count = len(ranked) or 1
    return Measures(len(queries), len(ranked), precision / count, recall / count, reciprocal / count)
