"""The advanced search: 成文日期 range, scope (title / 文号), 发布机构, 届次, 办理类别, 满意度 — on the page and in the API;
办理类别 and 满意度 are facets too, on the search and browse pages."""
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
    Reply.objects.filter(pk=seeds["002"].pk).update(handling_category="B", satisfaction="基本满意")
    Reply.objects.filter(pk=seeds["003"].pk).update(handling_category="A", satisfaction="满意")
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
    assert ids(handling="A") == {archive["000"].pk, archive["003"].pk}
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
    assert {hit["id"] for hit in api["results"]} == {archive["000"].pk, archive["003"].pk}
    api = client.get("/api/search/", {"satisfaction": "满意"}).json()
    assert [hit["id"] for hit in api["results"]] == [archive["003"].pk]
    for bad in ({"date_from": "2021-13-01"}, {"date_to": "yesterday"}, {"handling": "D"}, {"satisfaction": "很满意"}):
        assert client.get(reverse("search:search"), bad).status_code == 400, bad
        assert client.get("/api/search/", bad).status_code == 400, bad
    assert client.get(reverse("search:search"), {"scope": "bogus", "q": "建议"}).status_code == 200


def test_satisfaction_filter(archive):
    assert ids(satisfaction="满意") == {archive["003"].pk}
    assert ids(satisfaction="基本满意") == {archive["002"].pk}
    assert ids(satisfaction="不满意") == set()
    assert ids(satisfaction="满意", handling="B") == set()


def test_handling_and_satisfaction_are_facets_counted_under_the_other_filters(client, archive, settings):
    settings.RATELIMIT_ENABLE = False
    facets = reply_search(params=SearchParams()).facets
    assert facets["handling_category"] == [("A", 2), ("B", 1)]
    assert sorted(facets["satisfaction"]) == [("基本满意", 1), ("满意", 1)]
    organ = archive["002"].issuing_organ
    under_organ = reply_search(params=SearchParams(organ=organ)).facets["handling_category"]
    assert dict(under_organ) == {value: Reply.objects.published().filter(issuing_organ=organ, handling_category=value)
                                 .count() for value, _ in under_organ}

    api = client.get("/api/search/").json()["facets"]
    assert api["handling"] == [{"value": "A", "label": "A 类", "count": 2}, {"value": "B", "label": "B 类", "count": 1}]
    assert [item["value"] for item in api["satisfaction"]] == ["满意", "基本满意"], "in the levels' own order"

    page = client.get(reverse("search:search")).content.decode()
    aside = page.split('id="filters-heading"', 1)[1]
    assert "<h3>办理类别</h3>" in aside and "<h3>满意度</h3>" in aside
    assert 'href="?handling=A"' in aside and 'href="?satisfaction=%E5%9F%BA%E6%9C%AC%E6%BB%A1%E6%84%8F"' in aside
    assert "C 类" not in aside and "不满意" not in aside, "a value no reply carries is never offered"
    filtered = client.get(reverse("search:search"), {"satisfaction": "满意"}).content.decode()
    assert "满意度：满意" in filtered and "B 类" not in filtered.split('id="filters-heading"', 1)[1]


def test_browse_offers_handling_and_satisfaction_with_counts_under_the_other_filters(client, archive):
    page = client.get(reverse("replies:reply_list")).content.decode()
    aside = page.split("分类浏览", 1)[1]
    assert "<h3>办理类别</h3>" in aside and "<h3>满意度</h3>" in aside
    assert '<a href="?handling=A">A 类</a> <span class="count">2</span>' in aside
    assert "C 类" not in aside and "不满意" not in aside
    filtered = client.get(reverse("replies:reply_list"), {"handling": "A"})
    assert filtered.status_code == 200
    text = filtered.content.decode()
    assert "办理类别 A 类" in text and "共 2 份" in text
    # The satisfaction facet under handling=A counts only A replies: 003 满意; 002 (B, 基本满意) is not offered.
    aside = text.split("分类浏览", 1)[1]
    assert 'satisfaction=%E6%BB%A1%E6%84%8F">满意</a> <span class="count">1</span>' in aside
    assert "基本满意" not in aside
    assert client.get(reverse("replies:reply_list"), {"satisfaction": "极满意"}).status_code == 400
