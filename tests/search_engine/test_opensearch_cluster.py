"""A real two-node OpenSearch cluster (scripts/opensearch_cluster.py) with one replica: Chinese text
segmented by jieba in Python and indexed with a whitespace analyzer, so the engine sees exactly
Python's tokens; search goes on with the same results when either node stops."""
import logging

import jieba
import pytest

from tests.conftest import OPENSEARCH_TEST_JAVA_OPTS, require_opensearch_tools

pytestmark = pytest.mark.opensearch

INDEX = "replies-test"
# key → text; chosen so that 课后 服务 stand together in two texts and apart in a third, and the
# token 农村 stands alone in two texts while 农村公路 is one token in two others.
TEXTS = {
    "a": "关于加强农村公路养护管理的建议答复",
    "b": "关于推进城乡医疗保险一体化的提案答复",
    "c": "公路建设用地与农村宅基地管理问题的答复",
    "d": "关于农村义务教育学校课后服务的答复",
    "e": "农村公路安全防护工程建设情况通报",
    "f": "关于延长中小学课后服务时间的建议答复",
    "g": "家政服务进社区与课后托管的提案答复",
}


def tokens(text: str) -> list[str]:
    return [token for token in jieba.cut(text) if token.strip()]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require_opensearch_tools()
    from scripts.opensearch_cluster import EngineUnavailable, start_cluster

    try:
        cluster = start_cluster(2, tmp_path_factory.mktemp("opensearch"), java_opts=OPENSEARCH_TEST_JAVA_OPTS)
    except EngineUnavailable as error:
        pytest.fail(f"the OpenSearch test cluster did not start: {error}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def client(cluster):
    from opensearchpy import OpenSearch

    client = OpenSearch(hosts=cluster.urls, timeout=30, max_retries=2, retry_on_timeout=True)
    yield client
    client.close()


@pytest.fixture(scope="module")
def indexed(client):
    from opensearchpy import helpers

    jieba.setLogLevel(logging.WARNING)
    text = {"type": "text", "analyzer": "tokens"}
    client.indices.create(index=INDEX, body={
        "settings": {"number_of_shards": 2, "number_of_replicas": 1,
                     "analysis": {"analyzer": {"tokens": {"type": "custom", "tokenizer": "whitespace",
                                                          "filter": ["lowercase"]}}}},
        "mappings": {"properties": {"key": {"type": "keyword"}, "body": text}},
    })
    actions = [{"_index": INDEX, "_id": key, "key": key, "body": " ".join(tokens(value))}
               for key, value in TEXTS.items()]
    helpers.bulk(client, actions, refresh=True)
    health(client, index=INDEX, wait_for_status="green", timeout="60s")
    return {key: tokens(value) for key, value in TEXTS.items()}


def health(client, index: str | None = None, **params) -> dict:
    # opensearch-py takes a "timeout" parameter for its own HTTP timeout unless request_timeout is
    # given; here it is the server's wait, so both are set.
    return client.cluster.health(index=index, params={**params, "request_timeout": 90})


def search(client, query: dict) -> list[str]:
    response = client.search(index=INDEX, body={"query": query, "size": 20, "track_total_hits": True,
                                                "sort": ["_score", {"key": "asc"}]})
    keys = [hit["_source"]["key"] for hit in response["hits"]["hits"]]
    assert response["hits"]["total"] == {"value": len(keys), "relation": "eq"}
    assert response["_shards"]["failed"] == 0
    return keys


def term_query() -> dict:
    return {"match": {"body": "农村"}}


def phrase_query() -> dict:
    return {"match_phrase": {"body": " ".join(tokens("课后服务"))}}


def containing(documents: dict[str, list[str]], words: list[str]) -> set[str]:
    """The keys whose token lists hold `words` side by side."""
    n = len(words)
    return {key for key, found in documents.items()
            if any(found[i:i + n] == words for i in range(len(found) - n + 1))}


def node_index(cluster, client, *, manager: bool) -> int:
    elected = client.transport.perform_request("GET", "/_cat/cluster_manager", params={"format": "json"})[0]["node"]
    names = [node.name for node in cluster.nodes]
    return names.index(elected) if manager else 1 - names.index(elected)


def test_whitespace_analysis_keeps_jiebas_tokens(client, indexed):
    analysed = client.indices.analyze(index=INDEX, body={"analyzer": "tokens", "text": " ".join(indexed["e"])})
    assert [token["token"] for token in analysed["tokens"]] == indexed["e"]

    term = search(client, term_query())
    assert set(term) == containing(indexed, ["农村"]) == {"c", "d"}  # not a, e: 农村公路 is one token

    words = tokens("课后服务")
    assert words == ["课后", "服务"]
    phrase = search(client, phrase_query())
    assert set(phrase) == containing(indexed, words) == {"d", "f"}  # not g: 服务 … 课后 apart


def test_search_answers_the_same_while_either_node_is_down(cluster, client, indexed):
    before = {"term": search(client, term_query()), "phrase": search(client, phrase_query())}
    assert before["term"] and before["phrase"]

    # A node that is not the elected cluster manager: the survivor keeps a quorum, health turns yellow.
    follower = node_index(cluster, client, manager=False)
    cluster.stop_node(follower)
    state = health(client, wait_for_nodes="1", wait_for_status="yellow", timeout="30s")
    assert (state["status"], state["number_of_nodes"], state["unassigned_shards"]) == ("yellow", 1, 2)
    assert search(client, term_query()) == before["term"]
    assert search(client, phrase_query()) == before["phrase"]
    cluster.start_node(follower)
    state = health(client, wait_for_nodes="2", wait_for_status="green", timeout="60s")
    assert (state["status"], state["number_of_nodes"]) == ("green", 2)

    # The elected cluster manager: with two nodes the survivor has no quorum (production runs three
    # manager-eligible nodes, docs/scale.md), yet it still answers searches from its copies.
    manager = node_index(cluster, client, manager=True)
    cluster.stop_node(manager)
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import TransportError

    survivor = OpenSearch(hosts=[cluster.nodes[1 - manager].url], timeout=30, max_retries=0)
    try:
        assert search(survivor, term_query()) == before["term"]
        assert search(survivor, phrase_query()) == before["phrase"]
        with pytest.raises(TransportError) as refused:
            survivor.cluster.health(params={"cluster_manager_timeout": "1s"})
        assert refused.value.status_code == 503
    finally:
        survivor.close()
    cluster.start_node(manager)
    state = health(client, wait_for_nodes="2", wait_for_status="green", timeout="60s")
    assert (state["status"], state["number_of_nodes"]) == ("green", 2)
    assert search(client, term_query()) == before["term"]
    assert client.count(index=INDEX)["count"] == len(TEXTS)


@pytest.fixture
def archive_on_cluster(cluster, settings):
    """The archive's OpenSearch backend on this two-node cluster, behind an alias of its own."""
    settings.SEARCH_BACKEND = "opensearch"
    settings.OPENSEARCH_URL = cluster.urls
    settings.OPENSEARCH_INDEX = "replies-archive"
    return cluster


def test_the_archive_searches_through_a_node_s_loss_and_applies_the_writes_queued_meanwhile(
        archive_on_cluster, client, seeds, django_capture_on_commit_callbacks):
    from replies.models import Reply
    from search.backends import search_backend
    from search.indexing import index_drain, index_drift, index_enqueue
    from search.models import PendingIndexUpdate
    from search.selectors import SearchParams, reply_search

    cluster = archive_on_cluster
    health(client, wait_for_status="green", timeout="60s")

    def found(q: str) -> list[int]:
        results = reply_search(params=SearchParams(q=q), include_drafts=True)
        return [hit.reply_id for hit in results[0:results.count()]]

    def change_title(reply, title: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            Reply.objects.filter(pk=reply.pk).update(title=title)
            index_enqueue(reply_ids=[reply.pk])

    before = {q: found(q) for q in ("石墨烯", "产业链", "智能制造")}
    assert all(before.values())

    follower = node_index(cluster, client, manager=False)
    cluster.stop_node(follower)
    assert {q: found(q) for q in before} == before
    change_title(seeds["001"], "从节点停机时改过的标题")  # yellow: the survivor holds the primary, writes go on
    assert not PendingIndexUpdate.objects.exists()
    cluster.start_node(follower)

    manager = node_index(cluster, client, manager=True)
    cluster.stop_node(manager)
    assert {q: found(q) for q in before} == before  # the survivor answers from its copy
    change_title(seeds["002"], "主节点停机时改过的标题")  # no elected manager: the write waits in the queue
    queued = PendingIndexUpdate.objects.get()
    assert queued.reply_id == seeds["002"].pk and queued.attempts == 1
    cluster.start_node(manager)
    health(client, wait_for_status="green", timeout="60s")

    assert index_drain() == 1 and not PendingIndexUpdate.objects.exists()
    assert found("主节点停机时改过的标题") == [seeds["002"].pk]
    assert found("从节点停机时改过的标题") == [seeds["001"].pk]
    assert index_drift().in_step and search_backend().doc_count() == 5
