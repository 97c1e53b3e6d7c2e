"""One date ordering everywhere (undated last under 最新, a year alone sorts as that year), and browse facet
counts that add up under the other active filters."""
import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from replies.models import Reply, Topic
from replies.selectors import BROWSE_FILTERS, browse_facet, reply_list
from search.indexing import index_update_replies, index_writer_lock
from search.selectors import SearchParams, reply_search


@pytest.fixture
def dated(db, search_index, settings):
    settings.RATELIMIT_ENABLE = False
    now = timezone.now()

    def reply(title, *, date=None, year=None, kind=Reply.Kind.NPC_SUGGESTION, signer="张三", published_ago=0):
        return Reply.objects.create(
            title=title, body=f"{title}。关于产业链的答复正文。", date=date, year=year, kind=kind, signer=signer,
            status=Reply.Status.PUBLISHED, published_at=now - datetime.timedelta(days=published_ago),
        )

    replies = {
        "2021": reply("二〇二一年的答复", date=datetime.date(2021, 5, 1), year=2021, published_ago=3),
        "2010": reply("只写年份的答复", year=2010, kind=Reply.Kind.CPPCC_PROPOSAL, published_ago=2),
        "2005": reply("二〇〇五年的答复", date=datetime.date(2005, 3, 1), year=2005, signer="李四", published_ago=1),
        "undated": reply("没有日期的答复", kind=Reply.Kind.OTHER, published_ago=0),
    }
    with index_writer_lock(wait=True):
        index_update_replies(reply_ids=[r.pk for r in replies.values()])
    return replies


def test_newest_and_oldest_are_the_same_on_every_surface(client, dated):
    newest = [dated[key].pk for key in ("2021", "2010", "2005", "undated")]
    oldest = [dated[key].pk for key in ("undated", "2005", "2010", "2021")]
    assert list(Reply.objects.in_order("newest").values_list("pk", flat=True)) == newest
    assert list(Reply.objects.in_order("oldest").values_list("pk", flat=True)) == oldest
    assert list(reply_list(user=AnonymousUser()).values_list("pk", flat=True)) == newest
    for sort, expected in (("newest", newest), ("oldest", oldest)):
        results = reply_search(params=SearchParams(sort=sort))
        assert [hit.reply_id for hit in results[0:10]] == expected, sort
        exported = client.get(reverse("replies:search_export_json"), {"sort": sort}).json()
        assert [record["id"] for record in exported["results"]] == expected, sort
    assert [r["id"] for r in client.get("/api/replies/").json()["results"]] == newest
    feed = client.get(reverse("replies:latest_feed")).content.decode()
    positions = [feed.index(f"/replies/{pk}/") for pk in newest]
    assert positions == sorted(positions)


def test_newest_arrivals_on_the_home_page_are_the_last_published(client, dated):
    page = client.get(reverse("replies:home")).content.decode()
    latest = page.split("最新收录", 1)[1]
    positions = [latest.index(dated[key].title) for key in ("undated", "2005", "2010", "2021")]
    assert positions == sorted(positions)


def test_browse_facet_counts_match_the_database_under_every_combination_of_filters(client, dated):
    topic = Topic.objects.create(slug="industry", name="产业")
    dated["2021"].topics.add(topic)
    dated["2010"].topics.add(topic)
    Reply.objects.filter(pk=dated["2021"].pk).update(handling_category="A", satisfaction="满意")
    Reply.objects.filter(pk=dated["2010"].pk).update(handling_category="A", satisfaction="基本满意")
    Reply.objects.filter(pk=dated["2005"].pk).update(handling_category="C")
    values = {"kind": ["", "npc_suggestion", "other"], "year": ["", "2021", "2010"], "signer": ["", "张三", "李四"],
              "session": [""], "topic": ["", "industry"], "handling": ["", "A"], "satisfaction": ["", "满意"]}
    anonymous = AnonymousUser()
    for combination in itertools.product(*values.values()):
        filters = dict(zip(values, combination))
        for name in BROWSE_FILTERS:
            facet = browse_facet(user=anonymous, name=name, filters=filters)
            for value in facet:
                expected = reply_list(user=anonymous, filters={**filters, name: value.value}).count()
                assert value.count == expected > 0, (filters, name, value)
    page = client.get(reverse("replies:reply_list"), {"year": "2021"}).content.decode()
    assert "其他文件" not in page.split("分类浏览", 1)[1], "a value with no result under the filters is not offered"
    assert "C 类" not in page.split("分类浏览", 1)[1] and "A 类" in page.split("分类浏览", 1)[1]
