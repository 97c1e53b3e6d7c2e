import pytest

from search.query import Clause, parse_query


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
