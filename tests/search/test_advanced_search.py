"""The advanced search: 成文日期 range, scope (title / 文号), 发布机构, 届次, 办理类别 — on the page and in the API."""
import datetime

import pytest
from django.urls import reverse

from replies.models import Reply
from search.indexing import index_update_replies, index_writer_lock
from search.selectors import SearchParams, reply_search

pytestmark = pytest.mark.usefixtures("search_engine")


def ids(**params) -> set[int]:
    results = reply_search(params=SearchParams(**params))
    return {hit.reply_id for hit in results[0 : results.count()]}


@pytest.fixture
def archive(seeds):
    Reply.objects.filter(pk=seeds["000"].pk).update(handling_category="A")
    Reply.objects.filter(pk=seeds["002"].pk).update(handling_category="B")
    with index_writer_lock(wait=True):
        index_update_replies(reply_ids=[reply.pk for reply in seeds.values()])
    return seeds


def test_a_date_range_keeps_the_replies_written_within_it(archive):
    dated = {reply.pk: reply.date for reply in Reply.objects.published() if reply.date}
    assert len(dated) >= 2
    middle = sorted(dated.values())[len(dated) // 2]
    assert ids(date_from=middle.isoformat()) == {pk for pk, day in dated.items() if day >= middle}
    assert ids(date_to=middle.isoformat()) == {pk for pk, day in dated.items() if day <= middle}
    assert ids(date_from=middle.isoformat(), date_to=middle.isoformat()) == {
        pk for pk, day in dated.items() if day == middle}
    assert ids(date_from="1900-01-01", date_to="1900-12-31") == set()


def test_title_scope_needs_the_words_in_the_title(archive):
    in_title = {reply.pk for reply in Reply.objects.published() if "建议" in reply.title}
    in_text = ids(q="建议")
    assert in_title and in_title < in_text or in_title == in_text
    assert ids(q="建议", scope="title") == in_title
    body_only = "石墨烯"
    assert not any(body_only in reply.title for reply in Reply.objects.published())
    assert ids(q=body_only) and ids(q=body_only, scope="title") == set()


def test_doc_number_scope_reads_the_query_as_a_doc_number(archive):
    assert ids(q="常工信复〔2021〕第35号", scope="doc_number") == {archive["002"].pk}
    assert ids(q="〔2021〕35号", scope="doc_number") == {archive["002"].pk}
    assert ids(q="石墨烯", scope="doc_number") == set()


def test_handling_category_and_organ_filter(archive):
    assert ids(handling="A") == {archive["000"].pk}
    assert ids(handling="C") == set()
    organ = archive["002"].issuing_organ
    assert organ and ids(organ=organ) == {r.pk for r in Reply.objects.published().filter(issuing_organ=organ)}


def test_every_advanced_field_is_a_url_and_api_parameter_and_bad_values_are_400(client, archive, settings):
    settings.RATELIMIT_ENABLE = False
    page = client.get(reverse("search:search"), {"q": "建议", "scope": "title", "date_from": "2000-01-01",
                                                  "handling": "A"})
    text = page.content.decode()
    assert page.status_code == 200 and "只检索标题" in text and "成文日期自 2000-01-01" in text
    assert "办理类别 A 类" in text and "检索语法" in text
    api = client.get("/api/search/", {"handling": "A"}).json()
    assert [hit["id"] for hit in api["results"]] == [archive["000"].pk]
    for bad in ({"date_from": "2021-13-01"}, {"date_to": "yesterday"}, {"handling": "D"}):
        assert client.get(reverse("search:search"), bad).status_code == 400, bad
        assert client.get("/api/search/", bad).status_code == 400, bad
    assert client.get(reverse("search:search"), {"scope": "bogus", "q": "建议"}).status_code == 200
