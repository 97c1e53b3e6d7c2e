"""rebuild_index builds beside the live index and swaps it in; a failed rebuild leaves searches as they were."""
import os

import pytest
from django.core.management import call_command

from search.backends.whoosh.engine import GENERATION_PREFIX, LIVE_LINK
from search.indexing import index_rebuild, reply_search_index
from search.selectors import SearchParams, reply_search


def found(query: str) -> int:
    return reply_search(params=SearchParams(q=query), include_drafts=False).count()


def generations(backend) -> set[str]:
    return {path.name for path in backend.root.glob(f"{GENERATION_PREFIX}*")}


def test_rebuild_swaps_in_a_new_generation_and_keeps_the_previous_one(seeds, search_index, capsys):
    first = search_index.generation.name
    assert found("产业链") >= 2
    call_command("rebuild_index", "--noinput")
    assert "rebuilt and swapped in: 5 documents" in capsys.readouterr().out
    second = os.readlink(search_index.root / LIVE_LINK)
    assert second != first and generations(search_index) == {first, second}
    assert search_index.generation.name == second and found("产业链") >= 2
    index_rebuild()
    assert first not in generations(search_index), "generations older than the previous one are removed"
    assert search_index.indexed_ids() == {reply.pk for reply in seeds.values()}


def test_a_rebuild_that_fails_midway_leaves_the_live_index_serving(seeds, search_index, monkeypatch):
    live = os.readlink(search_index.root / LIVE_LINK)
    folders = generations(search_index)
    before = found("产业链")
    index = reply_search_index()
    prepared = []

    def failing_prepare(reply):
        if prepared:
            raise RuntimeError("the process died here")
        prepared.append(reply.pk)
        return type(index).full_prepare(index, reply)

    monkeypatch.setattr(index, "full_prepare", failing_prepare)
    with pytest.raises(RuntimeError):
        index_rebuild()
    assert os.readlink(search_index.root / LIVE_LINK) == live
    assert generations(search_index) == folders, "the half-built folder is removed"
    assert found("产业链") == before


def test_a_folder_left_by_a_killed_rebuild_is_ignored_then_cleaned(seeds, search_index):
    stray = search_index.root / f"{GENERATION_PREFIX}killed-midway"
    stray.mkdir()
    (stray / "_MAIN_1.toc").write_bytes(b"half written")
    assert found("产业链") >= 2
    index_rebuild()
    assert not stray.exists()


def test_other_processes_follow_the_swap(seeds, search_index):
    """A second backend object stands for another gunicorn worker with its own open searcher."""
    from search.backends.whoosh.engine import JiebaWhooshBackend

    other_worker = JiebaWhooshBackend("default", PATH=str(search_index.root))
    assert other_worker.doc_count() == 5
    opened = other_worker.generation
    index_rebuild()
    assert other_worker.doc_count() == 5
    assert other_worker.generation != opened and other_worker.generation == search_index.generation
