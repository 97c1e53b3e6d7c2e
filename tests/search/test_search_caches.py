"""What the backend reads once per version of the index: kept while the index is unchanged,
shared by gunicorn's forks through search.warmup, and never stale after a change."""
import os

from replies.models import Reply
from replies.services import reply_unpublish
from search.backends import search_backend
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
    caches = backend._per_version
    assert caches.facets and caches.filters
    backend.close_files()
    kinds("")
    assert backend._per_version is caches
    backend.clear()
    kinds("")
    assert backend._per_version is not caches
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


def test_a_segment_s_facet_values_read_in_one_go_are_the_column_s_values(seeds):
    from search.backends.whoosh.engine import _segment_values
    from search.selectors import FACET_FIELDS

    backend = search_backend()
    (leaf, _), *_ = backend.searcher().reader().leaf_readers()
    for fieldname in FACET_FIELDS:
        if fieldname == "topics":
            continue
        column = leaf.column_reader(fieldname)
        expected = [column[docnum] or "" for docnum in range(leaf.doc_count_all())]
        assert _segment_values(leaf, fieldname, multivalued=False) == expected, fieldname
    assert any(value for value in _segment_values(leaf, "kind", multivalued=False))


def test_an_update_rereads_only_the_new_segment(seeds, django_capture_on_commit_callbacks):
    backend = search_backend()
    kinds("")
    before = dict(backend._segment_values)
    npc_reply = next(reply for reply in seeds.values() if reply.kind == Reply.Kind.NPC_SUGGESTION)
    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=npc_reply)
    kinds("")
    after = backend._segment_values
    kept = [key for key in before if key in after]
    assert all(after[key] is before[key] for key in kept)
    assert set(after) - set(before), "the update's segment was read"
