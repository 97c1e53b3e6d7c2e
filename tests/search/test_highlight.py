import re

from search.highlight import SNIPPET_WIDTH, highlight_snippets, highlight_text

MARK = re.compile(r"<mark>(.*?)</mark>")


def test_the_passage_with_the_most_distinct_terms_comes_first_among_equals():
    text = "物业" * 100 + "。中间的话。" + "关于物业管理和停车收费的答复。" + "停车" * 100
    snippets = highlight_snippets(text, ["物业", "停车"])
    assert len(snippets) == 3
    assert any("物业</mark>管理和<mark>停车" in snippet for snippet in snippets)


def test_snippets_never_cut_a_marked_word_and_never_overlap():
    text = ("安全生产责任制落实情况，" * 400) + "<script>安全生产</script>"
    snippets = highlight_snippets(text, ["安全生产", "责任"])
    assert 1 <= len(snippets) <= 3
    for snippet in snippets:
        assert set(MARK.findall(snippet)) <= {"安全生产", "责任"}
        assert "<script>" not in snippet
        assert len(MARK.sub(r"\1", snippet).strip("…")) <= SNIPPET_WIDTH + len("安全生产")
    starts = [text.replace("\n", " ").find(MARK.sub(r"\1", snippet).strip("…")[:20]) for snippet in snippets]
    assert starts == sorted(starts)


def test_a_window_that_would_end_inside_a_word_is_widened_to_its_end():
    text = "甲" * 120 + "智能制造"
    (snippet,) = highlight_snippets(text, ["智能制造"])
    assert snippet.endswith("<mark>智能制造</mark>")


def test_the_whole_text_is_marked_and_escaped():
    assert highlight_text("a<b>税收与税", ["税"]) == "a&lt;b&gt;<mark>税</mark>收与<mark>税</mark>"


def test_no_term_no_snippet():
    assert highlight_snippets("没有匹配的文字", ["物业"]) == []
