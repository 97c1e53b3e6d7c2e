import pytest
from whoosh import query as wq

from search.backends.whoosh.queries import WHOOSH_QUERIES
from search.query import Clause, QueryCompiler, parse_query


def clauses(text: str) -> list[list[Clause]]:
    return parse_query(text).groups


def test_words_are_separate_clauses():
    assert clauses("石墨烯 产业链") == [[Clause("石墨烯")], [Clause("产业链")]]


def test_quoted_phrase_negation_or_and_fields():
    assert clauses('"产业链 供应链" -疫情 智能制造 OR 工业互联网 签发人:杨军') == [
        [Clause("产业链 供应链", phrase=True)],
        [Clause("疫情", negated=True)],
        [Clause("智能制造"), Clause("工业互联网")],
        [Clause("杨军", field="signer")],
    ]


def test_chinese_quotes_make_a_phrase():
    assert clauses("“绿色工厂”") == [[Clause("绿色工厂", phrase=True)]]


def test_traditional_characters_become_simplified():
    assert clauses("產業鏈") == [[Clause("产业链")]]


@pytest.mark.parametrize("raw", ['"未闭合的引号', "OR", "- OR -", ":", "签发人:", "((()))", "\x00\x07税\x1b", "税" * 3000, '"""'])
def test_malformed_input_never_fails(raw):
    parsed = parse_query(raw)
    for group in parsed.groups:
        for clause in group:
            assert clause.text


def test_unbalanced_quote_is_searched_literally():
    assert clauses('"未闭合') == [[Clause("未闭合")]]


def test_long_queries_are_truncated_and_flagged():
    parsed = parse_query("税" * 3000)
    assert parsed.truncated
    assert len(parsed.groups[0][0].text) == 200


def test_unknown_field_prefix_is_literal_text():
    assert clauses("会议:纪要") == [[Clause("会议:纪要")]]


def test_highlight_terms_are_what_was_typed_and_its_longer_words():
    assert parse_query("智能化改造 -疫情").highlight_terms()[0] == "智能化改造"
    assert "疫情" not in parse_query("智能化改造 -疫情").highlight_terms()
    assert parse_query("常工信复〔2021〕第35号").highlight_terms() == ["常工信复〔2021〕第35号"]
    assert parse_query("税").highlight_terms() == ["税"]


def test_a_minus_before_quotes_excludes_the_phrase():
    assert clauses('石墨烯 -"单项冠军"') == [[Clause("石墨烯")], [Clause("单项冠军", phrase=True, negated=True)]]
    assert clauses("-“绿色工厂”") == [[Clause("绿色工厂", phrase=True, negated=True)]]
    assert clauses('"-产业"') == [[Clause("-产业", phrase=True)]]
    assert clauses('-"" 税') == [[Clause("税")]]


def test_or_after_an_exclusion_starts_its_own_group():
    assert clauses("-疫情 OR 光伏") == [[Clause("疫情", negated=True)], [Clause("光伏")]]


@pytest.mark.parametrize("raw", [
    '石墨烯 -"单项冠军"', '何银刚 OR 周旭宏 签发人:杨军 -疫情', "代表:朱红 年份:2021 会议:纪要 --x",
    '"产业链 供应链" OR 光伏', '“a"b” c', "文号:常工信复〔2021〕22号 主题:industry 发布机构:市工信局",
])
def test_a_parsed_query_written_out_parses_back_the_same(raw):
    parsed = parse_query(raw)
    assert parse_query(parsed.as_text()).groups == parsed.groups


def test_question_words_are_not_required_but_the_typed_text_still_counts():
    compiled = QueryCompiler(WHOOSH_QUERIES).compile(parse_query("怎么办理居住证"))
    required, *typed_text = compiled.subqueries
    assert isinstance(required, wq.And) and len(required.subqueries) == 2
    required_terms = {term for _, term in required.iter_all_terms()}
    assert {"办理", "居住证"} <= required_terms and "怎么" not in required_terms
    assert ("subwords", "怎么") in set(compiled.iter_all_terms())
    assert "怎么" not in parse_query("怎么办理居住证").highlight_terms()


def test_a_lone_character_is_required_next_to_its_neighbour():
    compiled = QueryCompiler(WHOOSH_QUERIES).compile(parse_query("产业连"))
    assert ("text", "连") not in set(compiled.iter_all_terms())
    assert ("subwords", "业连") in set(compiled.iter_all_terms())
