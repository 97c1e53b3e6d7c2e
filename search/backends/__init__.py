"""The search backends behind one contract (search/backends/base.py): Whoosh, embedded (the default), and
OpenSearch, a cluster of its own. settings.SEARCH_BACKEND chooses; OPENSEARCH_URL names the cluster's nodes."""
from functools import cache

from django.conf import settings
from haystack import connections

from search.backends.base import SearchBackend

BACKENDS = ("whoosh", "opensearch")


def search_backend() -> SearchBackend:
    """The backend settings.SEARCH_BACKEND names; one per process (and, for Whoosh, per thread, as haystack
    keeps its connections)."""
    if settings.SEARCH_BACKEND == "opensearch":
        return _opensearch_backend(tuple(settings.OPENSEARCH_URL), settings.OPENSEARCH_INDEX)
    return connections["default"].get_backend()


@cache
def _opensearch_backend(urls: tuple[str, ...], index: str) -> SearchBackend:
    from search.backends.opensearch.engine import OpenSearchBackend

    return OpenSearchBackend(urls=list(urls), alias=index)
