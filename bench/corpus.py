"""The benchmark corpora, read from the shared corpus (never copied into the repository).

C1 is the shared corpus as it is: 6,362 real texts. C8 is C1 eight times: copy 0 is C1 itself, and
copy k (1..7) has its text's lines rotated by k and its id suffixed with "-k", so that every copy is a
different document to the index with the same vocabulary and lengths. The quick run uses the first 500 of every
twelfth document of C1 (from every file).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = ROOT.parent / "shared" / "corpus"
C1_DOCUMENTS = 6362
QUICK_DOCUMENTS = 500
QUICK_STRIDE = 12


class CorpusUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Size:
    """A corpus size: how many copies of which base documents."""

    name: str
    copies: int
    quick: bool = False

    @property
    def documents(self) -> int:
        base = QUICK_DOCUMENTS if self.quick else C1_DOCUMENTS
        return base * self.copies


SIZES = {
    "C1": Size("C1", 1),
    "C8": Size("C8", 8),
    "C32": Size("C32", 32),  # a run of its own (--sizes C32): 203,584 documents
    "Q1": Size("Q1", 1, quick=True),
    "Q2": Size("Q2", 2, quick=True),
}


def corpus_dir() -> Path:
    return Path(os.environ.get("BENCH_CORPUS_DIR") or DEFAULT_CORPUS_DIR)


def corpus_files() -> list[Path]:
    files = sorted(corpus_dir().glob("*.jsonl.gz"))
    if not files:
        raise CorpusUnavailable(
            f"no corpus files in {corpus_dir()}: set BENCH_CORPUS_DIR to the folder holding the shared corpus's .jsonl.gz files"
        )
    return files


def base_documents(*, quick: bool = False) -> list[dict]:
    """C1 in file order (or its quick sample)."""
    documents = []
    for path in corpus_files():
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            documents.extend(json.loads(line) for line in lines)
    if quick:
        documents = documents[::QUICK_STRIDE][:QUICK_DOCUMENTS]
    return documents


def rotated_copy(doc: dict, k: int) -> dict:
    """Copy k of a document: its lines rotated by k, its id suffixed with -k (copy 0 is the document)."""
    if k == 0:
        return doc
    lines = doc["text"].split("\n")
    shift = k % len(lines)
    return {**doc, "id": f"{doc['id']}-{k}", "text": "\n".join(lines[shift:] + lines[:shift])}


def copies(documents: list[dict], *, first: int, last: int) -> Iterator[tuple[int, dict]]:
    """(copy number, document) for copies first..last-1 of every document, copy by copy."""
    for k in range(first, last):
        for doc in documents:
            yield k, rotated_copy(doc, k)


def text_bytes(documents: list[dict]) -> int:
    return sum(len(doc["text"].encode("utf-8")) for doc in documents)


def topics_cache_key() -> str:
    """Changes when the topic rules, the vocabulary, jieba's extra words or the corpus files change."""
    digest = hashlib.sha256()
    for path in (ROOT / "replies" / "ingest" / "topics.py", ROOT / "replies" / "data" / "topics.json",
                 ROOT / "search" / "data" / "domain_words.txt"):
        digest.update(path.read_bytes())
    for path in corpus_files():
        digest.update(f"{path.name}:{path.stat().st_size}".encode())
    return digest.hexdigest()[:12]
