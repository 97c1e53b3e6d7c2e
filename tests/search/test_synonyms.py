"""Synonyms: the curated vocabulary, the admin's entries (no rebuild), and how expansions rank."""
import pytest

from search.models import SearchSynonym
from search.selectors import SearchParams, reply_search
from search.synonyms import (
    MAX_EXPANSIONS,
    build_table,
    forget_synonyms,
    parse_groups,
    synonym_table,
    vocabulary_groups,
)
from tests.search.archive_texts import ingest_replies

pytestmark = pytest.mark.usefixtures("search_engine")


@pytest.fixture(autouse=True)
def fresh_synonyms():
    forget_synonyms()
    yield
    forget_synonyms()


def ids(q: str) -> list[int]:
    """Every hit as the page's last page lists them: those holding the words as typed, then the supplement."""
    results = reply_search(params=SearchParams(q=q))
    return [hit.reply_id for hit in results[0 : results.count()] + results.supplement]


def test_groups_expand_both_ways_and_one_way_lines_one_way():
    table = build_table(parse_groups(["公厕 公共厕所  # comment", "小摊 => 摊贩 摊点", "", "# only a comment"]))
    assert table.expand("公厕") == ("公共厕所",) and table.expand("公共厕所") == ("公厕",)
    assert table.expand("小摊") == ("摊贩", "摊点") and table.expand("摊贩") == ()
    wide = build_table(parse_groups(["甲 乙 丙 丁 戊 己 庚"]))
    assert len(wide.expand("甲")) == MAX_EXPANSIONS


def test_the_vocabulary_holds_the_domain_pairs():
    table = build_table(vocabulary_groups())
    pairs = [("医保", "医疗保障"), ("公厕", "公共厕所"), ("小摊", "摊贩"), ("住建局", "住房和城乡建设局"),
             ("人社局", "人力资源和社会保障局"), ("发改委", "发展和改革委员会"), ("工商局", "市场监督管理局"),
             ("新农合", "农村医保"), ("新农合", "农村医疗保险"), ("欠薪", "讨薪"), ("讨薪", "拖欠工资"),
             ("房产证", "不动产权属证书"), ("公交车", "公交")]
    for typed, expected in pairs:
        assert expected in table.expand(typed), typed
    for word, expansions in table.expansions.items():
        assert word not in expansions and len(set(expansions)) == len(expansions), word


def test_the_one_way_domain_entries_stay_one_way():
    """公交 (公交线路, 公交公司) and 农村医保 say more than 公交车 and 新农合: typed, they are not narrowed."""
    table = build_table(vocabulary_groups())
    assert "公交车" not in table.expand("公交") and "新农合" not in table.expand("农村医保")


def test_a_bus_query_finds_the_reply_that_says_bus_line(ingest):
    """公交车 ⇒ 公交: the reply on a 公交线路 holds every word of 公交车 线路 through the synonym."""
    replies = ingest_replies(ingest, "route_only", "toilet_official")
    results = reply_search(params=SearchParams(q="公交车 线路"))
    assert results.count() == 0 and ids("公交车 线路")[0] == replies["route_only"].pk


def test_words_in_keeps_the_longest_table_word_whole():
    table = build_table(parse_groups(["新农合 合作医疗", "农合 错误"]))
    assert table.words_in("新农合报销") == [("新农合", 0, 3)]


def test_a_citizens_word_finds_the_officials_word_typed_word_first(ingest):
    replies = ingest_replies(ingest, "toilet_official", "toilet_citizen", "route_only")
    assert ids("公厕") == [replies["toilet_citizen"].pk, replies["toilet_official"].pk]
    assert reply_search(params=SearchParams(q="公厕")).count() == 1, "the count is of the words as typed"
    assert ids("公共厕所") == [replies["toilet_official"].pk, replies["toilet_citizen"].pk]
    assert ids("+公厕") == [replies["toilet_citizen"].pk]


def test_expanded_words_are_marked_in_snippets(ingest):
    ingest_replies(ingest, "toilet_official")
    [hit] = reply_search(params=SearchParams(q="公厕")).supplement
    assert any("<mark>公共厕所</mark>" in snippet for snippet in hit.snippets)
    assert hit.missing_words == ["公厕"]


def test_an_admin_entry_works_at_once_without_a_rebuild(ingest, admin_client):
    replies = ingest_replies(ingest, "hawkers")
    assert ids("吵闹") == []
    response = admin_client.post("/admin/search/searchsynonym/add/", {"words": "吵闹 噪声", "note": ""})
    assert response.status_code == 302 and SearchSynonym.objects.filter(words="吵闹 噪声").exists()
    assert ids("吵闹") == [replies["hawkers"].pk]
    entry = SearchSynonym.objects.get()
    admin_client.post(f"/admin/search/searchsynonym/{entry.pk}/delete/", {"post": "yes"})
    assert ids("吵闹") == []


def test_a_one_way_admin_entry(ingest, db):
    SearchSynonym.objects.create(words="摆摊 摊贩", one_way=True)
    forget_synonyms()
    assert synonym_table().expand("摆摊") == ("摊贩",) and "摆摊" not in synonym_table().expand("摊贩")


def test_admins_may_edit_synonyms_and_staff_may_read_them(db):
    from django.contrib.auth.models import Group

    from replies.roles import ADMIN_GROUP, STAFF_GROUP

    admin = set(Group.objects.get(name=ADMIN_GROUP).permissions.values_list("codename", flat=True))
    staff = set(Group.objects.get(name=STAFF_GROUP).permissions.values_list("codename", flat=True))
    assert {"add_searchsynonym", "change_searchsynonym", "delete_searchsynonym"} <= admin
    assert "view_searchsynonym" in staff and "change_searchsynonym" not in staff
