"""The OpenSearch backend of the search contract (search/backends/base.py), through the opensearch-py client.

The reply index lives behind an alias (settings.OPENSEARCH_INDEX): each index it points at is a generation,
named ALIAS-YYYYmmdd-HHMMSS-xxxxxxxx. A rebuild writes a new generation in bulk and switches the alias to it
in one atomic update_aliases call; searches meanwhile read the old one, and a rebuild that dies leaves an
index no alias names, removed by the next rebuild. Writes between rebuilds go to the alias, through the one
writer of search.indexing, and are refreshed before they return, so a search right after sees them.

One shard (the archive is small for a shard; every score and count then comes from one set of statistics)
and auto_expand_replicas 0-1: a copy on a second node when there is one, and green on one node alone.
"""
import logging
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing import get_context

from django.conf import settings

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError

from search.backends.base import (
    DATE_RANGE_FILTER,
    SORTS,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResponse,
)
from search.backends.opensearch.mapping import document, index_body, word_tokens
from search.backends.opensearch.queries import OPENSEARCH_QUERIES

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT = 30
# How long a write waits for the cluster (an elected manager, its shard) before it fails and stays queued in
# search.indexing's queue for the next drain.
WRITE_TIMEOUT = {"timeout": "10s", "request_timeout": REQUEST_TIMEOUT}
BULK_CHUNK = 500
# A rebuild segments its documents (jieba: the whole cost of a rebuild) in settings.SEARCH_REBUILD_PROCESSES
# processes, SEGMENT_CHUNK documents a task, with at most SEGMENT_AHEAD tasks a process in flight.
SEGMENT_CHUNK = 50
SEGMENT_AHEAD = 3
REPLICAS = "0-1"
# Every value of a facet is counted (as Whoosh does); bounded well below OpenSearch's search.max_buckets.
MAX_FACET_VALUES = 10_000
# Terms read per request when reading a field's whole vocabulary (words_by_length).
VOCABULARY_PARTITION = 20_000
# How long the index's version (_version) is taken as known: a search asks for the document frequencies of
# hundreds of words (search.feedback), and each would otherwise ask the cluster for its statistics. This
# process's own writes forget it at once; other processes' writes are seen after at most this long.
VERSION_SECONDS = 1.0


class OpenSearchBackend(SearchBackend):
    name = "opensearch"
    queries = OPENSEARCH_QUERIES

    def __init__(self, *, urls: list[str], alias: str):
        self.urls = urls
        self.alias = alias
        self._client: OpenSearch | None = None
        self._live: str | None = None  # the live generation as last seen; the alias is what is searched
        self._vocabulary: dict[str, tuple[tuple, dict[int, list[str]], dict[str, int]]] = {}
        self._known_version: tuple[float, tuple] | None = None  # (when it was read, the version)

    @property
    def client(self) -> OpenSearch:
        if self._client is None:
            self._client = OpenSearch(hosts=self.urls, timeout=REQUEST_TIMEOUT, max_retries=2,
                                      retry_on_timeout=True)
        return self._client

    def close_files(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # Generations ---------------------------------------------------------------------------------------------

    def _fields(self) -> dict:
        from search.indexing import reply_search_index

        return reply_search_index().fields

    def _body(self) -> dict:
        return index_body(self._fields(), replicas=REPLICAS)

    def _new_generation(self) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        self.client.indices.create(index=name, body=self._body())
        return name

    def live_generation(self) -> str | None:
        try:
            names = list(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return None
        return names[0] if names else None

    def ensure_index(self) -> str:
        """The live generation, made (empty) if there is none yet; looked up once per process."""
        if self._live is None:
            live = self.live_generation()
            if live is None:
                live = self._new_generation()
                self._point_alias_at(live)
            self._live = live
        return self._live

    def _point_alias_at(self, generation: str) -> None:
        actions = [{"remove": {"index": f"{self.alias}-*", "alias": self.alias}}] if self.live_generation() else []
        actions.append({"add": {"index": generation, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})

    def build_generation(self, documents: Iterable[dict]) -> str:
        """Write prepared documents into a new generation, not yet live; return its name."""
        self.ensure_index()
        fields = self._fields()
        generation = self._new_generation()
        try:
            self.client.indices.put_settings(index=generation, body={"index": {"refresh_interval": "-1"}})
            processes = max(1, settings.SEARCH_REBUILD_PROCESSES)
            actions = ({"_index": generation, "_id": str(source["reply_id"]), "_source": source}
                       for source in segmented_sources(documents, fields, processes=processes))
            for _ in helpers.streaming_bulk(self.client, actions, chunk_size=BULK_CHUNK, max_retries=3,
                                            request_timeout=120):
                pass
            self.client.indices.put_settings(index=generation, body={"index": {"refresh_interval": None}})
            self.client.indices.refresh(index=generation)
        except BaseException:
            self.client.indices.delete(index=generation, ignore_unavailable=True)
            raise
        return generation

    def swap_in(self, generation: str) -> None:
        """Switch the alias to a built generation in one step; keep the one it replaces, remove older ones."""
        self.client.cluster.health(index=generation, params={"wait_for_status": "yellow", "timeout": "60s",
                                                              "request_timeout": 90})
        previous = self.live_generation()
        self._point_alias_at(generation)
        self._live = generation
        self._known_version = None
        for stale in self.client.indices.get(index=f"{self.alias}-*", params={"expand_wildcards": "open"}):
            if stale not in (generation, previous):
                self.client.indices.delete(index=stale, ignore_unavailable=True)

    def schema_is_current(self) -> bool:
        self.ensure_index()
        live = self.live_generation()
        mapping = self.client.indices.get_mapping(index=live)[live]["mappings"]
        return mapping.get("_meta", {}).get("schema") == self._body()["mappings"]["_meta"]["schema"]

    # Writing ------------------------------------------------------------------------------------------------

    def update(self, index, iterable, commit=True) -> None:
        fields = index.fields
        actions = [{"_index": self.alias, "_id": str(obj.pk), "_source": document(index.full_prepare(obj), fields)}
                   for obj in iterable]
        if actions:
            self.ensure_index()
            self._known_version = None
            helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK, refresh=True, max_retries=3, **WRITE_TIMEOUT)

    def remove_many(self, reply_ids: list[int]) -> None:
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": str(reply_id)} for reply_id in reply_ids]
        if actions:
            self.ensure_index()
            self._known_version = None
            helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK, refresh=True, ignore_status=(404,),
                         **WRITE_TIMEOUT)

    def clear(self, models=None, commit=True) -> None:
        """Empty the live index in place, every document deleted (by id: _delete_by_query needs the reindex
        module, which the nodes of search/opensearch/node/ leave out)."""
        self.remove_many(list(self.indexed_ids()))

    # Reading ------------------------------------------------------------------------------------------------

    def execute(self, request: SearchQuery) -> SearchResponse:
        query = self.compile(request)
        if query is None:
            return SearchResponse(total=0, hits=[], facets={name: [] for name in request.facets})
        body = {
            "query": _filtered(query, request.filters),
            "track_total_hits": True,
            "from": request.offset,
            "size": request.limit,
            "_source": ["reply_id"],
            "sort": _sort(request.sort),
        }
        if request.facets:
            body["aggs"] = {name: {"terms": {"field": name, "size": MAX_FACET_VALUES}} for name in request.facets}
        response = self._search(body)
        hits = [SearchHit(reply_id=int(hit["_source"]["reply_id"]), score=hit.get("_score") or 0.0)
                for hit in response["hits"]["hits"]]
        facets = {name: _sorted_groups(response["aggregations"][name]["buckets"]) for name in request.facets}
        return SearchResponse(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def _search(self, body: dict) -> dict:
        self.ensure_index()
        return self.client.search(index=self.alias, body=body)

    def related(self, *, reply_id: int, text: str, limit: int, filters: dict[str, str]) -> list[SearchHit]:
        """Replies like this one, by the key words of its text (more_like_this over the jieba words)."""
        if not self.client.exists(index=self.alias, id=str(reply_id)):
            return []
        like = {"more_like_this": {"fields": ["text"], "like": " ".join(word_tokens(text)), "min_term_freq": 1,
                                   "min_doc_freq": 1, "max_query_terms": 20, "minimum_should_match": 1}}
        query = {"bool": {"must": [like], "must_not": [{"ids": {"values": [str(reply_id)]}}]}}
        response = self._search({"query": _filtered(query, filters), "size": limit, "_source": ["reply_id"]})
        return [SearchHit(int(hit["_source"]["reply_id"]), hit.get("_score") or 0.0)
                for hit in response["hits"]["hits"]]

    def doc_frequency(self, fieldname: str, word: str) -> int:
        _, _, frequencies = self._field_vocabulary(fieldname)
        return frequencies.get(word, 0)

    def words_by_length(self, fieldname: str) -> dict[int, list[str]]:
        _, by_length, _ = self._field_vocabulary(fieldname)
        return by_length

    def _field_vocabulary(self, fieldname: str) -> tuple[tuple, dict[int, list[str]], dict[str, int]]:
        """The field's terms and their document frequencies, read once per version of the index (a terms
        aggregation over every document, in partitions)."""
        version = self._version()
        cached = self._vocabulary.get(fieldname)
        if cached is not None and cached[0] == version:
            return cached
        cardinality = self._search({"size": 0, "track_total_hits": False, "aggs": {
            "terms": {"cardinality": {"field": fieldname, "precision_threshold": 40000}}}})
        partitions = max(1, -(-int(cardinality["aggregations"]["terms"]["value"] * 1.2) // VOCABULARY_PARTITION))
        frequencies: dict[str, int] = {}
        for partition in range(partitions):
            response = self._search({"size": 0, "track_total_hits": False, "aggs": {"terms": {"terms": {
                "field": fieldname, "size": VOCABULARY_PARTITION,
                "include": {"partition": partition, "num_partitions": partitions}}}}})
            frequencies.update((bucket["key"], bucket["doc_count"])
                               for bucket in response["aggregations"]["terms"]["buckets"])
        by_length: dict[int, list[str]] = {}
        for word in sorted(frequencies):
            by_length.setdefault(len(word), []).append(word)
        self._vocabulary[fieldname] = (version, by_length, frequencies)
        return self._vocabulary[fieldname]

    def _version(self) -> tuple:
        """What changes whenever the live index does: its name and its operation counters (read at most once
        every VERSION_SECONDS, and again after every write by this process)."""
        now = time.monotonic()
        if self._known_version is not None and now - self._known_version[0] < VERSION_SECONDS:
            return self._known_version[1]
        stats = self.client.indices.stats(index=self.alias, metric="indexing,docs")
        (name, index), = stats["indices"].items()
        primaries = index["primaries"]
        version = (name, primaries["indexing"]["index_total"], primaries["indexing"]["delete_total"],
                   primaries["docs"]["count"], primaries["docs"]["deleted"])
        self._known_version = (now, version)
        return version

    # State --------------------------------------------------------------------------------------------------

    def indexed_versions(self) -> dict[int, str]:
        self.ensure_index()
        return {int(hit["_source"]["reply_id"]): hit["_source"].get("row_version", "")
                for hit in helpers.scan(self.client, index=self.alias, query={"_source": ["reply_id", "row_version"]},
                                        size=2000)}

    def doc_count(self) -> int:
        self.ensure_index()
        return self.client.count(index=self.alias)["count"]

    def health(self) -> dict:
        cluster = self.client.cluster.health(params={"request_timeout": 10})
        return {"backend": self.name, "cluster": {
            "name": cluster["cluster_name"], "status": cluster["status"], "nodes": cluster["number_of_nodes"],
            "unassigned_shards": cluster["unassigned_shards"]}}


def segmented_sources(documents: Iterable[dict], fields: dict, *, processes: int) -> Iterator[dict]:
    """Each prepared document as OpenSearch receives it (mapping.document), in order. With several processes
    the jieba analysis runs in a pool forked from this one (the dictionary loaded once, before the fork),
    while this process goes on reading rows and sending bulk requests."""
    if processes <= 1:
        yield from (document(prepared, fields) for prepared in documents)
        return
    from search.analysis import jieba_tokenizer

    jieba_tokenizer()
    global _POOL_FIELDS
    _POOL_FIELDS = fields
    documents = iter(documents)
    with get_context("fork").Pool(processes) as pool:
        in_flight: deque = deque()
        while chunk := list(islice(documents, SEGMENT_CHUNK)):
            in_flight.append(pool.apply_async(_segment_chunk, (chunk,)))
            while len(in_flight) > SEGMENT_AHEAD * processes:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


_POOL_FIELDS: dict | None = None  # the index's fields, inherited by the segmenting processes through the fork


def _segment_chunk(chunk: list[dict]) -> list[dict]:
    return [document(prepared, _POOL_FIELDS) for prepared in chunk]


def _filtered(query: dict, filters: dict[str, str]) -> dict:
    if not filters:
        return query
    return {"bool": {"must": [query], "filter": [_filter(name, value) for name, value in filters.items()]}}


def _filter(name: str, value: str) -> dict:
    if name != DATE_RANGE_FILTER:
        return {"term": {name: value}}
    start, _, end = value.partition("..")
    bounds = {key: bound for key, bound in (("gte", start), ("lte", end)) if bound}
    return {"range": {"date": bounds}} if bounds else {"exists": {"field": "date"}}


def _sort(sort: str) -> list:
    if sort in SORTS:
        return [{name: {"order": "desc" if reverse else "asc"}} for name, reverse in SORTS[sort]]
    return [{"_score": {"order": "desc"}}, {"reply_id": {"order": "asc"}}]


def _sorted_groups(buckets: list[dict]) -> list[tuple[str, int]]:
    return sorted(((str(bucket["key"]), bucket["doc_count"]) for bucket in buckets if bucket["key"] != ""),
                  key=lambda item: (-item[1], item[0]))
