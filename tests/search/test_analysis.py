from search.analysis import (
    JiebaAnalyzer,
    SubwordAnalyzer,
    subword_pieces,
    subword_query_pieces,
)


def test_jieba_positions_are_token_sequence_numbers_not_character_offsets():
    tokens = [(token.text, token.pos) for token in JiebaAnalyzer()("推进产业链现代化，石墨烯产业", positions=True)]
    assert [pos for _, pos in tokens] == list(range(len(tokens)))
    assert ("石墨烯", tokens[-2][1]) in tokens


def test_jieba_tokens_keep_character_offsets_and_drop_punctuation():
    text = "签发人：张志强"
    tokens = [(t.text, t.startchar, t.endchar) for t in JiebaAnalyzer()(text, chars=True)]
    assert all(text[start:end] == word for word, start, end in tokens)
    assert "：" not in [word for word, _, _ in tokens]


def test_single_characters_are_kept():
    assert "税" in [token.text for token in JiebaAnalyzer()("减免税")] or "减免税" in [
        token.text for token in JiebaAnalyzer()("减免税")
    ]
    assert "税" in [token.text for token in SubwordAnalyzer()("减免税费")]


def test_subword_pieces_cover_every_character_with_a_unigram_and_a_bigram():
    pieces = subword_pieces("常工信复〔2021〕")
    assert [(text, position) for text, position, _, _ in pieces] == [
        ("常", 0), ("常工", 0), ("工", 1), ("工信", 1), ("信", 2), ("信复", 2), ("复", 3), ("2021", 4),
    ]


def test_query_pieces_are_consecutive_and_minimal():
    assert subword_query_pieces("工信") == ["工信"]
    assert subword_query_pieces("常工信复") == ["常工", "工信", "信复"]
    assert subword_query_pieces("第22号") == ["第", "22", "号"]
    assert subword_query_pieces("工信2021") == ["工信", "信", "2021"]
    assert subword_query_pieces("税") == ["税"]
