from replies.outline import (
    chinese_numeral_value,
    heading_of,
    outline_entries,
    outline_size,
    paragraph_anchor,
    reply_outline,
)


def flat(entries):
    return [(entry.level, entry.label, entry.title, entry.paragraph) for entry in outline_entries(entries)]


def test_three_levels_nest_under_their_parents():
    paragraphs = [
        "朱红代表：",
        "您提出的建议收悉，现答复如下：",
        "一、加大政策支持力度。我局会同市财政局……",
        "（一）强化创新载体。全市新增……",
        "1. 聚焦基础再造，寻求创新赋能新突破。一是强化……",
        "2．聚焦产业集群。",
        "（二）优化营商环境",
        "二、下一步工作打算",
        "1、继续抓好政策落实。",
        "感谢您对我们工作的关心和支持。",
    ]
    outline = reply_outline(paragraphs)
    assert flat(outline) == [
        (1, "一、", "加大政策支持力度", 2),
        (2, "（一）", "强化创新载体", 3),
        (3, "1.", "聚焦基础再造，寻求创新赋能新突破", 4),
        (3, "2．", "聚焦产业集群", 5),
        (2, "（二）", "优化营商环境", 6),
        (1, "二、", "下一步工作打算", 7),
        (3, "1、", "继续抓好政策落实", 8),
    ]
    first, second = outline
    assert [child.label for child in first.children] == ["（一）", "（二）"]
    assert [child.label for child in first.children[0].children] == ["1.", "2．"]
    assert [child.label for child in second.children] == ["1、"]
    assert outline_size(outline) == 7


def test_numbers_out_of_sequence_and_decimals_are_not_headings():
    paragraphs = [
        "三、这句话恰好以三开头，却不是第一节",  # no 一、 before it
        "一、产业结构不断优化",
        "1.36亿元的财政资金用于……",  # a decimal number, not "1."
        "三、跳过了二",  # 二 is missing: not the next section
        "二、创新能力明显增强",
        "5. 列表不从 1 开始",
    ]
    assert flat(reply_outline(paragraphs)) == [(1, "一、", "产业结构不断优化", 1), (1, "二、", "创新能力明显增强", 4)]


def test_lower_levels_restart_under_each_new_parent():
    paragraphs = ["一、甲", "（一）子一", "（二）子二", "二、乙", "（一）又从一开始", "（三）不是（二）"]
    assert flat(reply_outline(paragraphs)) == [
        (1, "一、", "甲", 0), (2, "（一）", "子一", 1), (2, "（二）", "子二", 2),
        (1, "二、", "乙", 3), (2, "（一）", "又从一开始", 4),
    ]


def test_long_headings_are_cut_and_brackets_of_either_width_are_read():
    level, number, label, title = heading_of("(一) " + "很" * 60)
    assert (level, number, label) == (2, 1, "(一)")
    assert len(title) == 40 and title.endswith("…")
    assert heading_of("十二、第十二节：正文") == (1, 12, "十二、", "第十二节")
    assert heading_of("一、") is None  # a number with nothing after it
    assert heading_of("一是强化创新载体") is None
    assert heading_of("2021年5月20日") is None


def test_chinese_numerals():
    assert [chinese_numeral_value(n) for n in ["一", "九", "十", "十一", "二十", "二十三"]] == [1, 9, 10, 11, 20, 23]
    assert chinese_numeral_value("一二") is None and chinese_numeral_value("十十") is None
    assert chinese_numeral_value("") is None


def test_no_numbered_sections_no_outline_and_anchors_are_stable():
    assert reply_outline(["您好：", "来信收悉。", "谢谢。"]) == []
    assert reply_outline([]) == []
    assert paragraph_anchor(0) == "p1"
    assert reply_outline(["x", "一、甲"])[0].anchor == "p2"


def test_outline_text_gives_paragraphs_with_anchors_and_marks_section_starts():
    from replies.outline import outline_text

    text = outline_text("朱红代表：\n\n一、甲。正文\n  \n二、乙\n谢谢。")
    assert [(p.anchor, p.text, p.starts_section) for p in text.paragraphs] == [
        ("p1", "朱红代表：", False), ("p2", "一、甲。正文", True), ("p3", "二、乙", True), ("p4", "谢谢。", False),
    ]
    assert [entry.anchor for entry in text.outline] == ["p2", "p3"]
    single = outline_text("一、只有一节\n正文")
    assert single.outline == [] and not any(p.starts_section for p in single.paragraphs)
