"""The OpenSearch backend's index management on a real node: a rebuild writes a new index and switches the
alias to it atomically, a rebuild that fails or is killed leaves the live index serving, check_index and
/healthz work as they do on Whoosh."""
import pytest
from django.core.management import CommandError, call_command

from replies.models import Reply, SourceFile
from search.indexing import index_rebuild, index_remove_replies, reply_search_index
from search.selectors import SearchParams, reply_search

pytestmark = pytest.mark.opensearch


@pytest.fixture(scope="module", autouse=True)
def on_opensearch(opensearch_node):
    from django.test import override_settings

    with override_settings(SEARCH_BACKEND="opensearch", OPENSEARCH_URL=opensearch_node.urls):
        yield


def found(query: str) -> int:
    return reply_search(params=SearchParams(q=query), include_drafts=False).count()


def generations(backend) -> set[str]:
    return set(backend.client.indices.get(index=f"{backend.alias}-*"))


def test_rebuild_switches_the_alias_to_a_new_index_and_keeps_the_previous_one(seeds, search_index, capsys):
    first = search_index.live_generation()
    assert found("产业链") >= 2
    call_command("rebuild_index", "--noinput")
    assert "rebuilt and swapped in: 5 documents" in capsys.readouterr().out
    second = search_index.live_generation()
    assert second != first and generations(search_index) == {first, second}
    assert found("产业链") >= 2
    index_rebuild()
    assert first not in generations(search_index), "indexes older than the previous one are removed"
    assert search_index.indexed_ids() == {reply.pk for reply in seeds.values()}


def test_a_rebuild_that_fails_midway_leaves_the_live_index_serving(seeds, search_index, monkeypatch):
    live = search_index.live_generation()
    indexes = generations(search_index)
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
    assert search_index.live_generation() == live
    assert generations(search_index) == indexes, "the half-built index is removed"
    assert found("产业链") == before


def test_an_index_left_by_a_killed_rebuild_is_ignored_then_removed(seeds, search_index):
    stray = f"{search_index.alias}-killed-midway"
    search_index.client.indices.create(index=stray, body=search_index._body())
    assert found("产业链") >= 2 and search_index.doc_count() == 5
    index_rebuild()
    assert stray not in generations(search_index)


def test_check_index_finds_missing_stale_and_extra_documents_and_repairs_them(seeds, search_index, capsys):
    index_remove_replies(reply_ids=[seeds["000"].pk])  # missing
    Reply.objects.filter(pk=seeds["002"].pk).update(title="改过的标题")  # stale: changed behind the index's back
    SourceFile.objects.filter(reply=seeds["004"]).update(reply=None)
    Reply.objects.filter(pk=seeds["004"].pk).delete()  # extra
    with pytest.raises(CommandError, match="1 added, 1 refreshed, 1 removed"):
        call_command("check_index")
    call_command("check_index", "--repair")
    assert "repaired: 1 added, 1 refreshed, 1 removed" in capsys.readouterr().out
    call_command("check_index")
    assert "in step" in capsys.readouterr().out
    assert reply_search(params=SearchParams(q="改过的标题"), include_drafts=True).count() == 1


def test_healthz_names_the_backend_and_the_cluster_s_health(client, seeds, django_user_model):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    index = health["index"]
    assert index["backend"] == "opensearch" and index["documents"] == 5 and index["schema_current"] is True
    assert index["cluster"]["status"] == "green" and index["cluster"]["nodes"] == 1
