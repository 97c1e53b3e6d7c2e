"""Search over the seeds through the real jieba Whoosh index on disk."""
import pytest

from replies.models import Reply
from replies.services import reply_unpublish
from search.selectors import SearchParams, reply_search
from tests.conftest import seed_path

pytestmark = pytest.mark.usefixtures("search_engine")


def search(q: str = "", include_drafts: bool = False, **filters):
    results = reply_search(params=SearchParams(q=q, **filters), include_drafts=include_drafts)
    return results, results[0 : results.count()]


def test_doc_number_query_returns_that_reply_first(seeds):
    for query in ["常工信复〔2021〕第35号", "常工信复[2021]35号", "〔2021〕35号"]:
        _, hits = search(query)
        assert hits[0].reply_id == seeds["002"].pk, query


def test_proposal_number_finds_its_reply_first(seeds):
    for query in ["第0287号提案", "0287"]:
        _, hits = search(query)
        assert hits and hits[0].reply_id == seeds["001"].pk, query


def test_graphene_finds_every_seed_that_contains_it_with_marks(seeds):
    containing = {reply.pk for reply in Reply.objects.all() if "石墨烯" in reply.body}
    assert len(containing) >= 2
    results, hits = search("石墨烯")
    assert {hit.reply_id for hit in hits} == containing
    assert results.count() == len(containing)
    for hit in hits:
        assert any("<mark>石墨烯</mark>" in snippet for snippet in hit.snippets)


def test_a_single_character_query_works(seeds):
    containing = {reply.pk for reply in Reply.objects.all() if "税" in reply.body}
    _, hits = search("税")
    assert containing and {hit.reply_id for hit in hits} == containing


def test_a_substring_that_jieba_splits_is_found(seeds):
    _, hits = search("工信复")
    assert {hit.reply_id for hit in hits} >= {seeds["000"].pk, seeds["002"].pk, seeds["003"].pk}


def test_exact_phrase_requires_adjacency(seeds):
    _, scattered = search("产业 冠军")
    _, phrase = search('"单项冠军"')
    assert phrase and all("单项冠军" in Reply.objects.get(pk=hit.reply_id).body for hit in phrase)
    assert len(scattered) >= len(phrase)


def test_exclusion_and_or(seeds):
    _, graphene = search("石墨烯")
    _, without = search("石墨烯 -专精特新")
    assert all("专精特新" not in Reply.objects.get(pk=hit.reply_id).body for hit in without)
    assert len(without) < len(graphene)
    _, either = search("何银刚 OR 周旭宏")
    assert {hit.reply_id for hit in either} == {seeds["001"].pk, seeds["002"].pk}


def test_field_filter_on_signer(seeds):
    _, hits = search("签发人:杨军")
    assert [hit.reply_id for hit in hits] == [seeds["002"].pk]


def test_traditional_characters_find_simplified_text(seeds):
    _, simplified = search("产业链")
    _, traditional = search("產業鏈")
    assert simplified and [h.reply_id for h in traditional] == [h.reply_id for h in simplified]


def test_filters_and_facets(seeds):
    results, hits = search("产业", kind="npc_suggestion")
    assert {hit.reply_id for hit in hits} == {seeds["000"].pk, seeds["002"].pk}
    facets = dict(results.facets["kind"])
    assert facets == {"npc_suggestion": 2}
    all_results, _ = search("产业")
    kinds = dict(all_results.facets["kind"])
    assert kinds["npc_suggestion"] == 2 and kinds["cppcc_proposal"] == 2
    assert dict(all_results.facets["year"])["2021"] == 3


def test_sorting_by_date(seeds):
    _, newest = search("", sort="newest")
    dates = [hit.date for hit in newest if hit.date]
    assert dates == sorted(dates, reverse=True)
    _, oldest = search("", sort="oldest")
    assert [hit.reply_id for hit in oldest if hit.date] == [hit.reply_id for hit in reversed(newest) if hit.date]


def test_drafts_are_hidden_from_the_public_but_not_from_staff(seeds):
    reply_unpublish(reply=seeds["002"])
    from search.indexing import index_update_replies

    index_update_replies(reply_ids=[seeds["002"].pk])
    _, public = search("周旭宏")
    _, staff = search("周旭宏", include_drafts=True)
    assert public == [] and [hit.reply_id for hit in staff] == [seeds["002"].pk]


def test_snippets_escape_stored_markup(ingest):
    text = seed_path("000").read_text(encoding="utf-8").replace("石墨烯、碳纤维", "石墨烯<script>alert(1)</script>碳纤维")
    ingest(content=text.encode(), filename="hostile.txt")
    _, hits = search("石墨烯")
    snippet = "".join(hits[0].snippets)
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "<mark>石墨烯</mark>" in snippet


@pytest.mark.parametrize("raw", ['"未闭合', "OR", "-", "((", "签发人:", "\x00\x1b", "税" * 3000, "*", "?", "AND NOT"])
def test_malformed_queries_search_literally(seeds, raw):
    results, _ = search(raw)
    assert results.count() >= 0
