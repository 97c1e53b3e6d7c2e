"""The Whoosh backend of the search contract (search/backends/base.py), a haystack backend for Chinese:
jieba words, CJK sub-words, one cached searcher.

haystack's stock Whoosh backend analyses every text field in English, drops one-character
queries, re-opens the index for every query and runs an extra query over every document
to narrow by model. This backend owns its schema (see search.fields), keeps one searcher
per process and refreshes it only when the index changed, and executes queries compiled by
search.query (through search/backends/whoosh/queries.py) with filters, facets and sorting in a single
Whoosh search.
"""
import logging
import os
import shutil
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from pathlib import Path

from django.conf import settings
from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SearchBackendError
from haystack.utils import get_identifier
from whoosh import query as wq
from whoosh import sorting
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import DATETIME, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.fields import ID as WHOOSH_ID
from whoosh.writing import CLEAR

from search.backends.base import (
    DATE_RANGE_FILTER,
    MULTIVALUED_FACETS,
    SORTS,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResponse,
)
from search.backends.whoosh.analysis import JiebaAnalyzer, SubwordAnalyzer
from search.backends.whoosh.queries import WHOOSH_QUERIES

logger = logging.getLogger(__name__)

WRITER_MEMORY_MB = 256
# A rebuild's writer processes each sort their postings in memory up to this much before spilling
# sorted runs to disk (which must then be merged back); the rebuild runs on its own.
REBUILD_MEMORY_MB = 1024
# Segments are written as separate files, not Whoosh's default compound file: Whoosh reads a
# compound file through an in-memory copy of each part (BytesIO over the mmap), so every worker
# would hold the whole index in its heap; separate files are read through the shared page cache.
SEGMENT_FILES = {"compound": False}


def _rebuild_codec() -> W3Codec:
    """Whoosh's codec, writing posting blocks uncompressed (zlib took a tenth of a rebuild, for
    half the disk) and without per-block field-length bounds: those cost a column read per
    posting and serve only Whoosh's top-N block skipping, which searches here never use (they
    collect every match for exact counts and facets)."""
    codec = W3Codec(compression=0)
    codec.length_stats = False
    return codec


REBUILD_CODEC = _rebuild_codec()
# Documents per job a rebuild hands to its writer processes.
REBUILD_JOB_DOCUMENTS = 200
# SEARCH_INDEX_DIR holds generations of the index; the symlink LIVE_LINK names the one in use.
# A rebuild writes a new generation beside it and swaps the link, so searches never see a half-built index.
LIVE_LINK = "live"
GENERATION_PREFIX = "generation-"


MAX_CACHED_FILTERS = 64


@dataclass
class SearcherCaches:
    """What is read once per version of the index and dropped when it changes.

    Keyed by the version, not the searcher, so that what gunicorn's master read before forking
    serves every worker, each of which opens its own files."""

    version: tuple = ()
    filters: dict = field(default_factory=dict)
    facets: dict[str, "FacetColumn"] = field(default_factory=dict)
    vocabulary: dict[str, dict[int, list[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetColumn:
    """A facet field's value(s) for every document, as small codes into its list of values.

    Counting a facet is then one pass over the matched document numbers, instead of a column
    lookup per document and facet (which, with segment files read from disk, is a read each)."""

    labels: list[str]
    codes: list  # per document: a code, or a tuple of codes for a multivalued field
    multivalued: bool = False

    @classmethod
    def concatenate(cls, segments: list[list], *, multivalued: bool) -> "FacetColumn":
        """One column over the index from each segment's values, in the searcher's document order."""
        labels: list[str] = []
        code_of: dict[str, int] = {}

        def code(value: str) -> int:
            if value not in code_of:
                code_of[value] = len(labels)
                labels.append(value)
            return code_of[value]

        if multivalued:
            codes = [tuple(code(value) for value in values) for segment in segments for values in segment]
        else:
            codes = [code(value) for segment in segments for value in segment]
        return cls(labels, codes, multivalued=multivalued)

    def counts(self, docnums) -> dict[str, int]:
        codes = self.codes
        if self.multivalued:
            counted = Counter(chain.from_iterable(codes[docnum] for docnum in docnums))
        else:
            counted = Counter(codes[docnum] for docnum in docnums)
        return {self.labels[value_code]: count for value_code, count in counted.items()}


class JiebaWhooshBackend(WhooshSearchBackend, SearchBackend):
    name = "whoosh"
    queries = WHOOSH_QUERIES

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.root = Path(connection_options["PATH"])
        self.generation: Path | None = None
        self._searcher = None
        self._per_version = SearcherCaches()
        # Facet values of each segment, by (segment id, field): segments never change once written
        # (a deleted document is never matched), so an update re-reads only its new segment.
        self._segment_values: dict[tuple[str, str], list] = {}

    # The schema ---------------------------------------------------------------------------

    def build_schema(self, fields):
        schema_fields = {
            ID: WHOOSH_ID(stored=True, unique=True),
            DJANGO_CT: WHOOSH_ID(stored=True),
            DJANGO_ID: WHOOSH_ID(stored=True),
        }
        content_field_name = ""
        for field_class in fields.values():
            schema_fields[field_class.index_fieldname] = self._whoosh_field(field_class)
            if field_class.document:
                content_field_name = field_class.index_fieldname
        if not content_field_name:
            raise SearchBackendError("The reply index needs one field with document=True.")
        return content_field_name, Schema(**schema_fields)

    @staticmethod
    def _whoosh_field(field_class):
        kind = field_class.field_type
        stored = field_class.stored
        boost = field_class.boost
        if kind == "jieba_text":
            return TEXT(analyzer=JiebaAnalyzer(), phrase=True, stored=stored, field_boost=boost)
        if kind == "subword":
            return TEXT(analyzer=SubwordAnalyzer(), phrase=True, stored=False, field_boost=boost)
        if kind == "keyword":
            return WHOOSH_ID(stored=stored, sortable=True)
        if kind == "keyword_list":
            return KEYWORD(stored=stored, commas=True, lowercase=False, scorable=False)
        if kind == "stored":
            return STORED()
        if kind in ("date", "datetime"):
            return DATETIME(stored=stored, sortable=True)
        if kind == "integer":
            return NUMERIC(numtype=int, bits=64, stored=stored, sortable=True)
        raise SearchBackendError(f"No Whoosh field for haystack field type {kind!r}.")

    def setup(self):
        self.root.mkdir(parents=True, exist_ok=True)
        self.generation = self._live_generation()
        self.path = str(self.generation)
        super().setup()
        if set(self.index.schema.names()) != set(self.schema.names()):
            logger.warning("The search index at %s has an older schema; it needs `manage.py rebuild_index`.", self.path)

    # Generations ---------------------------------------------------------------------------

    def _live_generation(self) -> Path:
        link = self.root / LIVE_LINK
        if link.is_symlink() and link.resolve().is_dir():
            return self.root / os.readlink(link)
        generation = self._new_generation_dir()
        self._point_live_at(generation)
        return generation

    def _new_generation_dir(self) -> Path:
        name = f"{GENERATION_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        generation = self.root / name
        generation.mkdir(parents=True)
        return generation

    def _point_live_at(self, generation: Path) -> None:
        staged = self.root / f"{LIVE_LINK}.{uuid.uuid4().hex[:8]}"
        os.symlink(generation.name, staged)
        os.replace(staged, self.root / LIVE_LINK)  # atomic: readers see the old or the new, never none

    def _follow_swaps(self) -> None:
        """Reopen when another process has swapped in a rebuilt generation."""
        if not self.setup_complete:
            self.setup()
            return
        try:
            live = os.readlink(self.root / LIVE_LINK)
        except OSError:
            live = None
        if live != self.generation.name:
            self._close_searcher()
            self.setup_complete = False
            self.setup()

    def build_generation(self, documents: Iterable[dict]) -> Path:
        """Write prepared documents into a new generation, not yet live; return its folder."""
        if not self.setup_complete:
            self.setup()
        generation = self._new_generation_dir()
        try:
            # Each process analyses its share of the documents into its own segment; the segments
            # are kept as they are (multisegment) rather than merged, which would rewrite every posting.
            processes = max(1, settings.SEARCH_REBUILD_PROCESSES)
            writer = FileStorage(str(generation)).create_index(self.schema).writer(
                procs=processes, multisegment=True, batchsize=REBUILD_JOB_DOCUMENTS,
                limitmb=REBUILD_MEMORY_MB, codec=REBUILD_CODEC, **SEGMENT_FILES,
            )
            try:
                for document in documents:
                    writer.add_document(**self._whoosh_document(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        return generation

    def swap_in(self, generation: Path) -> None:
        """Make a built generation live; keep the one it replaces (other processes may still read it)."""
        previous = self.generation
        self._point_live_at(generation)
        for stale in self.root.glob(f"{GENERATION_PREFIX}*"):
            if stale not in (generation, previous):
                shutil.rmtree(stale, ignore_errors=True)
        self._follow_swaps()

    def schema_is_current(self) -> bool:
        if not self.setup_complete:
            self.setup()
        return set(self.index.schema.names()) == set(self.schema.names())

    # Writing ------------------------------------------------------------------------------

    @contextmanager
    def writer(self):
        """One writer at a time: wait for Whoosh's lock, cancel on error, commit otherwise."""
        self._follow_swaps()
        writer = self.index.writer(limitmb=WRITER_MEMORY_MB, timeout=settings.SEARCH_INDEX_LOCK_TIMEOUT, **SEGMENT_FILES)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit()

    def update(self, index, iterable, commit=True):
        documents = [self._whoosh_document(index.full_prepare(obj)) for obj in iterable]
        if not documents:
            return
        with self.writer() as writer:
            for document in documents:
                writer.update_document(**document)

    def _whoosh_document(self, prepared: dict) -> dict:
        prepared.pop("boost", None)
        document = {}
        for key, value in prepared.items():
            if value is None or value == [] or value == "":
                continue
            if isinstance(value, (list, tuple)):
                value = ",".join(str(item).replace(",", " ") for item in value)
            elif isinstance(value, date) and not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)
            document[key] = value
        return document

    def remove(self, obj_or_string, commit=True):
        with self.writer() as writer:
            writer.delete_by_term(ID, get_identifier(obj_or_string))

    def remove_many(self, reply_ids: list[int]) -> None:
        with self.writer() as writer:
            for reply_id in reply_ids:
                writer.delete_by_term(ID, f"replies.reply.{reply_id}")

    def clear(self, models=None, commit=True):
        """Empty the index in place, so that open searchers see a newer generation."""
        self._follow_swaps()
        if set(self.index.schema.names()) != set(self.schema.names()):
            self.delete_index()
            return
        writer = self.index.writer(timeout=settings.SEARCH_INDEX_LOCK_TIMEOUT)
        writer.commit(mergetype=CLEAR)

    # Reading ------------------------------------------------------------------------------

    def searcher(self):
        """This process's searcher, refreshed only when the index on disk has changed."""
        self._follow_swaps()
        if self._searcher is None:
            self._searcher = self.index.searcher()
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
        else:
            return self._searcher
        version = (self.generation.name, self._searcher.reader().generation())
        if self._per_version.version != version:
            self._per_version = SearcherCaches(version=version)
        _load_field_lengths(self._searcher)
        return self._searcher

    def close_files(self) -> None:
        """Close this process's searcher, keeping what was read through it (see SearcherCaches).

        gunicorn's master calls this after warming up: a forked worker must open its own files, as
        processes sharing a file's offset would read each other's positions."""
        self._close_searcher()

    def delete_index(self):
        self._close_searcher()
        super().delete_index()

    def _close_searcher(self):
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def search(self, query_string, **kwargs):
        raise SearchBackendError("Search replies through search.selectors.reply_search().")

    def execute(self, request: SearchQuery) -> SearchResponse:
        query = self.compile(request)
        if query is None:
            return SearchResponse(total=0, hits=[], facets={name: [] for name in request.facets})
        searcher = self.searcher()
        sortedby = None
        if request.sort in SORTS:
            sortedby = sorting.MultiFacet(
                [sorting.FieldFacet(name, reverse=reverse) for name, reverse in SORTS[request.sort]]
            )
        results = self._search(searcher, query, request.filters,
                               limit=max(request.offset + request.limit, 1) if sortedby else None,
                               sortedby=sortedby)
        hits = [
            SearchHit(reply_id=int(hit["reply_id"]), score=hit.score or 0.0)
            for hit in results[request.offset : request.offset + request.limit]
        ]
        matched = results.docs() if request.facets else ()
        facets = {name: _sorted_groups(self._facet_column(name).counts(matched)) for name in request.facets}
        return SearchResponse(total=len(results), hits=hits, facets=facets)

    def _search(self, searcher, query: wq.Query, filters: dict[str, str], *, limit: int | None = None,
                sortedby=None):
        """Every match of the query under the filters, in one pass (limit=None: Whoosh's top-N
        collector would re-run the query for the count). A AndNot B is searched as A masked by B's
        documents: Whoosh's AndNotMatcher, stepped through by a scoring collector, lets through some
        documents its exclusion matches when that is a union."""
        excluded = None
        if isinstance(query, wq.AndNot):
            query, excluded = query.a, query.b
        allowed = self._filter_documents(searcher, filters)
        if filters and not allowed:
            query, allowed, excluded = wq.NullQuery, None, None
        return searcher.search(query, filter=allowed, mask=excluded, limit=limit, sortedby=sortedby, terms=False)

    def _filter_documents(self, searcher, filters: dict[str, str]):
        """The documents under these filters, as a set Whoosh can filter with, kept per index version.

        Whoosh reads an empty set as no filter at all (`if allow` in its FilterCollector), so every
        caller must treat an empty result as "nothing matches" before handing it to Whoosh."""
        if not filters:
            return None
        cache = self._per_version.filters
        key = tuple(sorted(filters.items()))
        if key not in cache:
            if len(cache) >= MAX_CACHED_FILTERS:
                cache.pop(next(iter(cache)))
            cache[key] = searcher._filter_to_comb(_filter_query(filters))
        return cache[key]

    def _facet_column(self, fieldname: str) -> "FacetColumn":
        column = self._per_version.facets.get(fieldname)
        if column is None:
            multivalued = fieldname in MULTIVALUED_FACETS
            leaves = [leaf for leaf, _ in self.searcher().reader().leaf_readers() if leaf.doc_count_all()]
            current = set()
            segments = []
            for leaf in leaves:
                key = (leaf.segment().segment_id(), fieldname)
                current.add(key)
                if key not in self._segment_values:
                    self._segment_values[key] = _segment_values(leaf, fieldname, multivalued=multivalued)
                segments.append(self._segment_values[key])
            for stale in [key for key in self._segment_values if key[1] == fieldname and key not in current]:
                del self._segment_values[stale]
            column = FacetColumn.concatenate(segments, multivalued=multivalued)
            self._per_version.facets[fieldname] = column
        return column

    def related(self, *, reply_id: int, text: str, limit: int, filters: dict[str, str]) -> list[SearchHit]:
        """Replies like this one, by the key words of its text."""
        searcher = self.searcher()
        docnum = searcher.document_number(reply_id=reply_id)
        if docnum is None:
            return []
        allowed = self._filter_documents(searcher, filters)
        if filters and not allowed:
            return []
        results = searcher.more_like(docnum, "text", text=text, top=limit, numterms=20, filter=allowed)
        return [SearchHit(int(hit["reply_id"]), hit.score or 0.0) for hit in results]

    def doc_frequency(self, fieldname: str, word: str) -> int:
        return self.searcher().reader().doc_frequency(fieldname, word)

    def words_by_length(self, fieldname: str) -> dict[int, list[str]]:
        """The field's vocabulary by word length, read once per index generation.

        Whoosh's terms_within() walks a Levenshtein automaton over the term file; with Chinese
        words, whose alphabet is thousands of characters, that costs thousands of seeks a word.
        One pass over the lexicon is far cheaper."""
        vocabulary = self._per_version.vocabulary
        if fieldname not in vocabulary:
            searcher = self.searcher()
            field_object = searcher.schema[fieldname]
            by_length: dict[int, list[str]] = {}
            for term in searcher.reader().lexicon(fieldname):
                word = field_object.from_bytes(term)
                by_length.setdefault(len(word), []).append(word)
            vocabulary[fieldname] = by_length
        return vocabulary[fieldname]

    def indexed_versions(self) -> dict[int, str]:
        """Reply id → the row version each indexed document was made from."""
        reader = self.searcher().reader()
        return {int(fields["reply_id"]): fields.get("row_version", "") for _, fields in reader.iter_docs()}

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def health(self) -> dict:
        return {"backend": self.name}


def _segment_values(leaf, fieldname: str, *, multivalued: bool) -> list:
    """A facet field's value (or tuple of values) for every document of one segment."""
    count = leaf.doc_count_all()
    if multivalued:
        per_document: list[list[str]] = [[] for _ in range(count)]
        field_object = leaf.schema[fieldname]
        for term in leaf.lexicon(fieldname):
            value = field_object.from_bytes(term)
            for docnum in leaf.postings(fieldname, term).all_ids():
                per_document[docnum].append(value)
        return [tuple(values) for values in per_document]
    raw = leaf.column_reader(fieldname, translate=False)
    offsets, lengths = getattr(raw, "_offsets", None), getattr(raw, "_lengths", None)
    if offsets is not None and lengths is not None and len(lengths) == count and count:
        # Whoosh's variable-length column: its values back to back, then their offsets and lengths;
        # read the values in one read, not one per document.
        data = raw._dbfile.get(raw._basepos, offsets[-1] + lengths[-1])
        decode = leaf.schema[fieldname].from_column_value
        return [decode(data[offset : offset + length]) if length else "" for offset, length in zip(offsets, lengths)]
    column = leaf.column_reader(fieldname)
    values = list(column)
    if len(values) != count:  # a segment where no document has the field iterates as empty
        values = [column[docnum] for docnum in range(count)]
    return [value or "" for value in values]


def _load_field_lengths(searcher) -> None:
    """Read each segment's field lengths (one byte a document and field) into memory once.

    Every score needs the document's field length; Whoosh otherwise reads it from the segment's
    column file, a file read per document and field now that segments are not compound files."""
    for leaf, _ in searcher.reader().leaf_readers():
        per_document = getattr(leaf, "_perdoc", None)
        if per_document is None or not hasattr(per_document, "_cached_reader"):
            continue
        for fieldname in searcher.schema.scorable_names():
            length_field = whoosh3._lenfield(fieldname)
            column = per_document._cached_reader(length_field, whoosh3.LENGTHS_COLUMN)
            if column is not None and not isinstance(column, array):
                per_document._readers[length_field] = _byte_column(column)


def _byte_column(column) -> array:
    """A one-byte-per-document column read whole, in one read rather than one per document."""
    try:
        values = array("B", column._dbfile.get(column._basepos, column._count))
    except AttributeError:  # not the fixed-width column Whoosh writes lengths to
        return array("B", column.load())
    values.extend([column._default] * (column._doccount - column._count))
    return values


def _filter_term(name: str, value: str) -> wq.Query:
    if name != DATE_RANGE_FILTER:
        return wq.Term(name, value)
    start, _, end = value.partition("..")
    return wq.DateRange(
        "date",
        datetime.fromisoformat(start) if start else None,
        datetime.fromisoformat(end).replace(hour=23, minute=59, second=59) if end else None,
    )


def _filter_query(filters: dict[str, str]) -> wq.Query | None:
    terms = [_filter_term(name, value) for name, value in filters.items()]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)


def _sorted_groups(groups: dict) -> list[tuple[str, int]]:
    return sorted(((value, count) for value, count in groups.items() if value), key=lambda item: (-item[1], item[0]))


class JiebaWhooshEngine(BaseEngine):
    backend = JiebaWhooshBackend
    query = WhooshSearchQuery
