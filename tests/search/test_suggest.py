"""“您是不是要找”: suggestions from the index's vocabulary, on the search page and in the API, over the seeds.

The relevance set (test_relevance.py) checks suggestions over the seeds and 300 corpus documents.
"""
import html
import re

import pytest
from django.contrib.auth.models import User

from replies.models import Reply
from replies.services import reply_publish, reply_unpublish
from search.backends.base import one_edit_apart as _one_edit_apart
from search.query import parse_query
from search.selectors import SearchParams, reply_search
from search.suggest import SearchBudgetExhausted, Suggester

pytestmark = pytest.mark.usefixtures("search_engine")

SUGGESTION_LINK = re.compile(r'您是不是要找：<a href="(?P<href>[^"]*)">(?P<text>[^<]*)</a>')


def suggestion(q: str, **filters) -> str | None:
    results = reply_search(params=SearchParams(q=q, **filters))
    return results.suggestion


def test_a_misspelt_word_gets_the_indexed_word(seed_archive, db):
    assert reply_search(params=SearchParams(q="智能制照")).count() == 0
    assert suggestion("智能制照") == "智能制造"
    assert suggestion("产业连") == "产业链"
    assert suggestion("周旭红") == "周旭宏"


def test_a_query_with_hits_gets_no_suggestion(seed_archive, db):
    assert reply_search(params=SearchParams(q="智能制造")).count() > 0
    assert suggestion("智能制造") is None
    assert suggestion("") is None


def test_nonsense_gets_no_suggestion(seed_archive, db):
    for q in ["齉龘靐", "xyzzy", "量子纠缠", "常工信复〔2021〕第99号", "签发人:杨"]:
        assert reply_search(params=SearchParams(q=q)).count() == 0, q
        assert suggestion(q) is None, q


def test_the_suggestion_must_find_something_under_the_same_filters(seed_archive, db):
    assert suggestion("何银钢") == "何银刚"
    assert suggestion("何银钢", kind="npc_suggestion") is None
    assert suggestion("智能制照", kind="npc_suggestion") == "智能制造"


def test_other_clauses_are_kept(seed_archive, db):
    assert suggestion("智能制照 -石墨烯") is None  # 智能制造 is in every seed that has 石墨烯
    assert suggestion("智能制照 签发人:杨军") == "智能制造 签发人:杨军"
    assert suggestion("代表:朱宏") == "代表:朱红"


def test_drafts_never_lend_their_words_to_the_public(seed_archive, db, django_capture_on_commit_callbacks):
    member = Reply.objects.get(pk=seed_archive.reply_id("001"))
    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=member)
    try:
        assert suggestion("何银钢") is None
        staff = reply_search(params=SearchParams(q="何银钢"), include_drafts=True)
        assert staff.suggestion == "何银刚"
    finally:
        with django_capture_on_commit_callbacks(execute=True):
            reply_publish(reply=member)
    assert suggestion("何银钢") == "何银刚"


def test_the_page_links_the_suggestion_with_the_filters_kept(seed_archive, db, client):
    page = client.get("/search/", {"q": "智能制照", "kind": "npc_suggestion", "page": "2"}).content.decode()
    assert "没有找到符合条件的答复" in page
    link = SUGGESTION_LINK.search(page)
    assert link and link["text"] == "智能制造"
    followed = client.get("/search/" + html.unescape(link["href"]))
    assert followed.status_code == 200
    assert followed.context["params"] == SearchParams(q="智能制造", kind="npc_suggestion")
    assert followed.context["page"].paginator.count == 2
    assert "您是不是要找" not in followed.content.decode()


def test_the_page_offers_nothing_when_nothing_is_close(seed_archive, db, client):
    page = client.get("/search/", {"q": "齉龘靐"}).content.decode()
    assert "没有找到符合条件的答复" in page and "您是不是要找" not in page


def test_the_api_returns_the_suggestion(seed_archive, db, client):
    data = client.get("/api/search/", {"q": "智能制照"}).json()
    assert data["count"] == 0 and data["suggestion"] == "智能制造"
    found = client.get("/api/search/", {"q": "智能制造"}).json()
    assert found["count"] > 0 and found["suggestion"] is None


def test_staff_see_suggestions_from_drafts_in_the_api(seed_archive, db, client, django_capture_on_commit_callbacks):
    member = Reply.objects.get(pk=seed_archive.reply_id("001"))
    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=member)
    try:
        assert client.get("/api/search/", {"q": "何银钢"}).json()["suggestion"] is None
        client.force_login(User.objects.create_user("staff", password="a-long-test-password", is_staff=True))
        assert client.get("/api/search/", {"q": "何银钢"}).json()["suggestion"] == "何银刚"
    finally:
        with django_capture_on_commit_callbacks(execute=True):
            reply_publish(reply=member)


def test_one_edit_apart_means_one_character_replaced_or_two_neighbours_swapped():
    assert _one_edit_apart("智能制造", "智能制照")
    assert _one_edit_apart("产业链", "产链业")
    assert not _one_edit_apart("产业链", "链业产")
    assert not _one_edit_apart("智能制造", "智慧制照")
    assert not _one_edit_apart("产业链", "产业链")


def test_a_pasted_sentence_is_not_respelt(seed_archive, db):
    assert reply_search(params=SearchParams(q="税" * 3000)).count() == 0
    assert suggestion("税" * 3000) is None


def test_a_suggestion_costs_a_bounded_number_of_searches(seed_archive, db):
    suggester = Suggester({}, budget=5)
    with pytest.raises(SearchBudgetExhausted):
        suggester.suggest(parse_query("智能制照"))
    assert suggester.searches == 5
    assert Suggester({}).suggest(parse_query("智能制照")) == "智能制造"
