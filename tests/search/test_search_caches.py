"""What the backend reads once per version of the index: kept while the index is unchanged,
shared by gunicorn's forks through search.warmup, and never stale after a change."""
import os

from replies.models import Reply
from replies.services import reply_unpublish
from search.indexing import search_backend
from search.selectors import SearchParams, reply_search
from search.warmup import warm_up


def kinds(q: str, **filters) -> dict[str, int]:
    return dict(reply_search(params=SearchParams(q=q, **filters)).facets["kind"])


def test_facets_and_filters_follow_a_change_to_the_index(seeds, django_capture_on_commit_callbacks):
    before = kinds("产业")
    assert before["npc_suggestion"] == 2
    npc_reply = next(reply for key, reply in seeds.items() if reply.kind == Reply.Kind.NPC_SUGGESTION and "产业" in reply.body)
    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=npc_reply)
    after = kinds("产业")
    assert after.get("npc_suggestion", 0) == 1
    assert {kind: count for kind, count in after.items() if kind != "npc_suggestion"} == {
        kind: count for kind, count in before.items() if kind != "npc_suggestion"}


def test_caches_outlive_the_files_until_the_index_changes(seeds):
    backend = search_backend()
    kinds("")
    caches = backend._per_searcher
    assert caches.facets and caches.filters
    backend.close_files()
    kinds("")
    assert backend._per_searcher is caches
    backend.clear()
    kinds("")
    assert backend._per_searcher is not caches
    assert kinds("") == {}


def test_a_forked_worker_searches_with_what_the_master_read(seeds):
    warm_up()
    expected = reply_search(params=SearchParams(q="石墨烯")).count()
    search_backend().close_files()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the worker: its own files, the master's caches
        try:
            count = reply_search(params=SearchParams(q="石墨烯")).count()
            os.write(writer, str(count).encode())
        finally:
            os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    assert int(os.read(reader, 32) or b"-1") == expected >= 2
