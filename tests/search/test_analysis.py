from search.analysis import subword_pieces, subword_query_pieces
from search.backends.whoosh.analysis import JiebaAnalyzer, SubwordAnalyzer


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


def cuts_a_number(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at - 1].isascii() and text[at - 1].isalnum() and text[at].isascii() and text[at].isalnum()


def test_every_substring_of_the_text_is_found_in_the_sub_word_field(tmp_path):
    """On a real index on disk: any substring, whichever run ends it meets, single characters too."""
    from whoosh.fields import ID, Schema, TEXT
    from whoosh.filedb.filestore import FileStorage

    from search.backends.whoosh.queries import WHOOSH_QUERIES
    from search.query import QueryCompiler

    texts = {"a": "常工信复〔2021〕第22号文件", "b": "关于第22号的答复，税收减免", "c": "减免税费，工信局"}
    index = FileStorage(str(tmp_path)).create_index(
        Schema(key=ID(stored=True), subwords=TEXT(analyzer=SubwordAnalyzer(), phrase=True)))
    with index.writer() as writer:
        for key, text in texts.items():
            writer.add_document(key=key, subwords=text)
    with index.searcher() as searcher:
        for text in texts.values():
            for start in range(len(text)):
                for end in range(start + 1, min(len(text), start + 6) + 1):
                    needle = text[start:end]
                    if cuts_a_number(text, start) or cuts_a_number(text, end):
                        continue  # letters and digits are indexed as whole runs (2021, not 2)
                    query = QueryCompiler(WHOOSH_QUERIES)._substring(needle)
                    if query is None:
                        continue
                    found = {hit["key"] for hit in searcher.search(query, limit=None)}
                    assert {key for key, value in texts.items() if needle in value} <= found, needle
