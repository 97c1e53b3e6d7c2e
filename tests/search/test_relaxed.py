"""Relaxed matching ("minimum should match"), questions and the unquoted suggestion for a rare phrase."""
import pytest

from search.backends.whoosh.queries import WHOOSH_QUERIES
from search.query import QueryCompiler, parse_query, should_match
from search.selectors import SearchParams, reply_search
from search.synonyms import forget_synonyms
from tests.search.archive_texts import ingest_replies

pytestmark = pytest.mark.usefixtures("search_engine")


@pytest.fixture(autouse=True)
def fresh_synonyms():
    forget_synonyms()
    yield
    forget_synonyms()


def search(q: str, *, include_drafts: bool = False):
    """The results, and every hit as the page's last page shows them: those holding every word, then the supplement."""
    results = reply_search(params=SearchParams(q=q), include_drafts=include_drafts)
    return results, results[0 : results.count()] + results.supplement


def test_should_match_is_one_of_two_then_three_quarters():
    assert [should_match(count) for count in (1, 2, 3, 4, 5, 8)] == [1, 1, 2, 3, 3, 6]


def test_documents_with_every_word_rank_first_then_those_with_most(ingest):
    replies = ingest_replies(ingest, "route_school", "route_only", "hawkers")
    results, hits = search("公交 线路 学校")
    assert [hit.reply_id for hit in hits] == [replies["route_school"].pk, replies["route_only"].pk]
    assert results.count() == 1 and len(results.supplement) == 1
    strict, relaxed = hits
    assert not strict.relaxed and strict.missing_words == []
    assert relaxed.relaxed and relaxed.first_relaxed and relaxed.missing_words == ["学校"]


def test_no_supplement_when_enough_documents_hold_every_word(ingest, monkeypatch):
    ingest_replies(ingest, "route_school", "route_only")
    monkeypatch.setattr("search.selectors.RELAX_BELOW", 1)
    results, hits = search("公交 线路 学校")
    assert results.supplement == [] and len(hits) == 1


def test_a_quoted_phrase_and_a_plus_word_stay_strict(ingest):
    ingest_replies(ingest, "route_school", "route_only")
    assert search('"公交 线路 学校"')[0].count() == 0
    results, hits = search("公交 线路 +学校")
    assert [hit.missing_words for hit in hits] == [[]] and results.supplement == []
    assert QueryCompiler(WHOOSH_QUERIES).relaxed(parse_query('"公交线路" "学校"')) is None


def test_relaxed_hits_keep_drafts_hidden(ingest):
    ingest_replies(ingest, "route_school")
    draft = ingest_replies(ingest, "route_only", publish=False)["route_only"]
    _, public = search("公交 线路 学校")
    assert draft.pk not in {hit.reply_id for hit in public}
    _, staff = search("公交 线路 学校", include_drafts=True)
    assert draft.pk in {hit.reply_id for hit in staff}


def test_a_question_drops_its_frame_and_finds_its_content_words(ingest):
    replies = ingest_replies(ingest, "school_entry", "route_only")
    for question in ("请问小学入学需要什么条件", "小学入学条件是什么呢", "小学入学怎么办理"):
        _, hits = search(question)
        assert hits and hits[0].reply_id == replies["school_entry"].pk, question
    # 报名 is in no document: a question, or any two words that nothing holds both of, still finds the
    # one holding the other content word, with 报名 struck through.
    for query in ("入学怎么报名", "入学 报名"):
        results, hits = search(query)
        assert results.count() == 0 and hits[0].reply_id == replies["school_entry"].pk, query
        assert hits[0].missing_words == ["报名"]


def test_the_page_strikes_through_the_missing_words(client, ingest):
    ingest_replies(ingest, "route_school", "route_only")
    page = client.get("/search/", {"q": "公交 线路 学校"}).content.decode()
    assert "以下结果未包含全部检索词" in page
    assert "<s>学校</s>" in page
    assert page.index("延伸101路") < page.index("以下结果未包含全部检索词") < page.index("优化809路")


def test_a_rare_phrase_is_offered_unquoted(client, ingest):
    ingest_replies(ingest, "route_school", "route_only")
    results = reply_search(params=SearchParams(q='"公交车线路延伸"'))
    assert results.count() == 0 and results.unquoted_suggestion == "公交车线路延伸"
    assert reply_search(params=SearchParams(q="公交车线路延伸")).count() == 1
    # A phrase that finds enough, or finds as much unquoted, is offered nothing.
    assert reply_search(params=SearchParams(q='"公交线路"')).unquoted_suggestion is None
    page = client.get("/search/", {"q": '"公交车线路延伸"'}).content.decode()
    assert "去掉引号检索" in page


FEEDBACK_TOPICS = ("路灯维修", "垃圾清运", "噪音扰民", "停车收费", "小区绿化", "公交线路", "学校招生", "医保报销",
                   "户口迁移", "房产证办理", "供暖不足", "自来水停水", "道路积水", "广场舞", "流动摊贩", "违章建筑",
                   "养犬管理", "电梯维修", "燃气安全", "快递乱放")


def test_feedback_fills_a_short_page_with_what_the_first_hits_are_about(ingest):
    """讨薪 is in one reply. The key words of that reply (拖欠, 农民工, 工资, 劳动监察, 结清) find the one that
    never says 讨薪; the twenty replies on other topics, which share only the words of every reply, stay out."""
    for number, topic in enumerate(FEEDBACK_TOPICS):
        ingest(content=f"关于{topic}问题的答复\n\n网友您好：您反映的{topic}问题，我局已安排专人处理，感谢您的关心。"
                       .encode(), filename=f"topic_{number}.txt")
    asked = ingest(content="关于农民工讨薪的答复\n\n网友您好：您反映的讨薪问题，经劳动监察大队调查，施工单位拖欠"
                           "农民工工资属实，已责令其结清拖欠工资。".encode(), filename="asked.txt").reply
    said_otherwise = ingest(content="关于工地拖欠工资的答复\n\n网友您好：劳动监察大队已约谈该项目施工单位，督促其在"
                                    "十日内结清拖欠的农民工工资。".encode(), filename="otherwise.txt").reply
    results, hits = search("讨薪")
    assert results.count() == 1
    assert [hit.reply_id for hit in hits] == [asked.pk, said_otherwise.pk]
    assert hits[1].relaxed and hits[1].missing_words == ["讨薪"]


NOISE_TITLES = ("关于广场舞扰民的答复", "关于酒吧扰民的答复")


def test_relaxed_hits_holding_the_rarer_word_rank_first(ingest, monkeypatch):
    """No reply holds both 小摊 (or its synonym 摊贩) and 扰民. 扰民 is in two short replies, in the title and
    three times in the body; 摊贩 once in a long body. The reply about hawkers, the rarer word, ranks first
    among those holding one of the two, whatever the titles, the lengths and the synonym's lower score."""
    for number, title in enumerate(NOISE_TITLES):
        ingest(content=f"{title}\n\n扰民问题已转交，扰民行为将查处，扰民必究。".encode(),
               filename=f"noise_{number}.txt")
    hawkers = ingest(content=("关于占道经营的答复\n\n网友您好：城管执法中队已清理校门口的摊贩。"
                              + "城管执法中队将加强日常巡查，规范经营秩序，感谢您对我们工作的关心和支持。" * 6).encode(),
                     filename="hawkers.txt").reply
    results, hits = search("小摊 扰民")
    assert results.count() == 0 and len(hits) == 3
    assert hits[0].reply_id == hawkers.pk and hits[0].missing_words == ["小摊", "扰民"]  # 小摊 as typed
    # Ranked by the words' own scores alone, the replies holding 扰民 as typed would come first.
    monkeypatch.setattr("search.query.RELAXED_WORD_WEIGHT", 0.0)
    assert search("小摊 扰民")[1][0].reply_id != hawkers.pk


def test_a_query_whose_synonyms_find_something_is_relaxed_though_a_respelling_is_offered(ingest):
    """小摊 is in no reply, and 小区 is one character away, so 小摊 噪音 is offered 小区 噪音; but the synonyms
    (小摊 ⇒ 摊贩, 噪音 = 噪声) find the reply on hawkers, so this is no misspelling: the relaxed tier follows."""
    replies = ingest_replies(ingest, "hawkers")
    estate = ingest(content="关于小区噪音的答复\n\n网友您好：物业已对小区内的噪音来源进行处理。".encode(),
                    filename="estate.txt").reply
    results, hits = search("小摊 噪音")
    assert results.count() == 0 and results.suggestion == "小区 噪音"
    assert [hit.reply_id for hit in hits] == [replies["hawkers"].pk, estate.pk]
