"""Drafts stay invisible to the public on every search surface, for every combination of filters.

Written as an attacker would probe: filters that match nothing, filters that match only the draft,
and the index lagging behind the database (writer lock held while a reply is unpublished).
"""
import itertools
import json

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from replies.models import Reply
from replies.services import reply_unpublish
from search.indexing import INDEX_WRITER_LOCK, index_update_replies, index_writer_lock
from search.selectors import FILTER_FIELDS, SearchParams, reply_related, reply_search

SECRET_WORD = "琥珀酸钠"
DRAFT_TEXT = (
    "关于市十六届人大五次会议第777号建议的答复\n"
    "保密局复〔1999〕第7号\n"
    "钱秘密代表：\n"
    f"您提出的关于{SECRET_WORD}储备的建议收悉。我局高度重视{SECRET_WORD}工作，现答复如下：\n"
    f"一、加强{SECRET_WORD}储备。二、产业链协同。\n"
    "保密局\n1999年5月20日\n签发人：甄隐秘\n"
)
NOBODY = "没有这个人"


@pytest.fixture
def archive_with_draft(seeds, ingest, settings):
    settings.RATELIMIT_ENABLE = False
    draft = ingest(content=DRAFT_TEXT.encode(), filename="secret.txt", publish=False).reply
    assert draft.status == Reply.Status.DRAFT and draft.signer == "甄隐秘"
    Reply.objects.filter(pk=draft.pk).update(handling_category="C", satisfaction="不满意")
    draft.refresh_from_db()
    with index_writer_lock(wait=True):
        index_update_replies(reply_ids=[draft.pk])
    return draft


def _filter_values(draft: Reply) -> dict[str, list[str]]:
    """Per filter: absent, the draft's own value (which may also match published replies), a value matching nothing."""
    draft_topic = draft.topics.values_list("slug", flat=True).first() or "industry"
    own = {"kind": draft.kind, "year": str(draft.year), "signer": draft.signer, "session": draft.session,
           "topic": draft_topic, "organ": draft.issuing_organ or "保密局"}
    nothing = {"kind": "other", "year": "1900", "signer": NOBODY, "session": "第九十九届",
               "topic": "no-such-topic", "organ": "不存在的机关"}
    values = {name: ["", own[name], nothing[name]] for name in FILTER_FIELDS if name in own}
    # No published reply here has a 办理类别 or a 满意度: the draft's own (C, 不满意) match nothing published.
    values["handling"] = ["", draft.handling_category]
    values["satisfaction"] = ["", draft.satisfaction]
    assert set(values) == set(FILTER_FIELDS), "every filter dimension is probed"
    return values


def _published_matching(filters: dict[str, str]) -> set[int]:
    rows = Reply.objects.published()
    lookups = {"kind": "kind", "year": "year", "signer": "signer", "session": "session",
               "topic": "topics__slug", "organ": "issuing_organ", "handling": "handling_category", "satisfaction": "satisfaction"}
    for name, value in filters.items():
        if value:
            rows = rows.filter(**{lookups[name]: value})
    return set(rows.values_list("pk", flat=True))


def test_no_combination_of_filters_lets_a_draft_through(archive_with_draft):
    draft = archive_with_draft
    values = _filter_values(draft)
    names = list(values)
    checked = 0
    for combination in itertools.product(*(values[name] for name in names)):
        filters = dict(zip(names, combination))
        for q in (SECRET_WORD, ""):
            results = reply_search(params=SearchParams(q=q, **filters))
            hits = results[0 : results.count()]
            assert draft.pk not in {hit.reply_id for hit in hits}, (q, filters)
            expected = _published_matching(filters) if not q else set()
            assert results.count() == len(expected), (q, filters)
            assert {hit.reply_id for hit in hits} == expected, (q, filters)
            facet_values = {value for counts in results.facets.values() for value, _ in counts}
            assert not facet_values & {draft.signer, draft.session, "保密局", "C", "不满意"}, (q, filters)
            checked += 1
    assert checked == 2 * 2 * 2 * 3 ** (len(names) - 2)  # two queries; handling and satisfaction two values each


def test_staff_still_find_the_draft(archive_with_draft):
    results = reply_search(params=SearchParams(q=SECRET_WORD), include_drafts=True)
    assert [hit.reply_id for hit in results[0:10]] == [archive_with_draft.pk]
    assert reply_search(params=SearchParams(q=SECRET_WORD, year="1900"), include_drafts=True).count() == 0


def test_http_surfaces_show_nothing_of_the_draft_to_the_public(client, archive_with_draft):
    draft = archive_with_draft
    probes = {
        "api": f"/api/search/?q={SECRET_WORD}&year=1900",
        "api, nobody": f"/api/search/?q={SECRET_WORD}&signer={NOBODY}",
        "page": f"/search/?q={SECRET_WORD}&year=1900",
        "page, signer only": f"/search/?signer={draft.signer}",
        "feed": f"/search/feed/?q={SECRET_WORD}&year=1900",
        "csv": f"/search/export.csv?q={SECRET_WORD}&year=1900",
        "json": f"/search/export.json?q={SECRET_WORD}&year=1900",
        "browse": f"/replies/?signer={draft.signer}",
        "misspelt": "/search/?q=琥珀酸纳&year=1900",
        "misspelt api": "/api/search/?q=琥珀酸纳",
    }
    for name, url in probes.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        text = response.content.decode()
        # What only the draft holds; the query and filter values themselves are echoed, of course.
        secrets = [f'/replies/{draft.pk}/"', "储备的建议", "保密局复", "钱秘密", draft.signer]
        for secret in secrets:
            if secret not in url:
                assert secret not in text, (name, secret)
        if "X-Total-Count" in response:
            assert response["X-Total-Count"] == "0", name
    published = Reply.objects.published().count()
    nobody = client.get(f"/search/?signer={NOBODY}")
    assert "共找到 0 份" in nobody.content.decode() or "没有找到" in nobody.content.decode()
    everything = client.get("/api/search/").json()
    assert everything["count"] == published


def test_suggestions_never_come_from_drafts(archive_with_draft):
    for filters in ({}, {"year": "1900"}, {"signer": NOBODY}):
        results = reply_search(params=SearchParams(q="琥珀酸纳", **filters))
        assert results.count() == 0
        assert results.suggestion is None, filters


def test_related_replies_never_include_drafts_even_under_empty_filters(archive_with_draft, seeds):
    for reply in seeds.values():
        assert archive_with_draft.pk not in {hit.reply_id for hit in reply_related(reply=reply)}


@pytest.fixture
def writer_lock_held_elsewhere():
    """The index writer's advisory lock, held by another database session (as by a rebuild)."""
    with psycopg.connect(dbname=connection.settings_dict["NAME"], host=connection.settings_dict["HOST"] or None,
                         port=connection.settings_dict["PORT"] or None, user=connection.settings_dict["USER"],
                         autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [INDEX_WRITER_LOCK])
        yield
        other.execute("SELECT pg_advisory_unlock(%s)", [INDEX_WRITER_LOCK])


def test_a_reply_unpublished_while_the_index_is_locked_vanishes_from_search_at_once(
    client, seeds, settings, django_capture_on_commit_callbacks, writer_lock_held_elsewhere
):
    settings.RATELIMIT_ENABLE = False
    reply = seeds["002"]
    word = "石墨烯"
    assert reply.pk in {hit.reply_id for hit in reply_search(params=SearchParams(q=word))[0:10]}
    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=reply)
    # The index could not be updated (its writer is busy), yet the database decides.
    assert reply.pk not in {hit.reply_id for hit in reply_search(params=SearchParams(q=word))[0:10]}
    assert reply.pk not in {hit.reply_id for hit in reply_related(reply=seeds["001"])}
    api = client.get("/api/search/", {"q": word}).json()
    assert reply.pk not in {hit["id"] for hit in api["results"]}
    page = client.get(reverse("search:search"), {"q": word}).content.decode()
    assert reply.title not in page
    feed = client.get(reverse("replies:search_feed"), {"q": word}).content.decode()
    assert reply.get_absolute_url() not in feed
    exported = json.loads(client.get(reverse("replies:search_export_json"), {"q": word}).content)
    assert reply.pk not in {record["id"] for record in exported["results"]}
