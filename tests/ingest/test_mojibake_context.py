"""Lost bytes settled by the whole document (replies/ingest/mojibake_context.py), and the
ideographic spaces of seed 001's kind."""
import pytest

from replies.ingest.charmodel import default_model, pooled_log_share
from replies.ingest.mojibake import repair_mojibake
from replies.ingest.mojibake_context import chinese_number, reconsider_filled
from replies.ingest.mojibake_lost_bytes import FilledChar
from tests.ingest.mojibake_simulator import corrupt


@pytest.mark.parametrize(
    "numeral, value",
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("一百零五", 105), ("三百", 300), ("一一", None)],
)
def test_chinese_number(numeral, value):
    assert chinese_number(numeral) == value


def filled_at(text: str, char: str, alternatives: str) -> list[FilledChar]:
    return [FilledChar(text.index(char), char, 0.6, tuple(alternatives))]


def test_a_heading_digit_continues_the_numbering_around_it():
    # 第六条 and 第八条 lose the same byte at the start of a line: the articles around decide.
    text = "第五条 甲方负责。\n第八条 乙方负责。\n第七条 丙方负责。"
    repaired, filled = reconsider_filled(text, filled_at(text, "八", "八六"), default_model())
    assert repaired == "第五条 甲方负责。\n第六条 乙方负责。\n第七条 丙方负责。"
    assert filled[0].char == "六" and filled[0].confidence > 0.99


def test_a_digit_outside_numbering_is_left_to_the_model():
    # A reference inside a sentence is no heading: nothing forces either digit.
    text = "依照民法典第八十四条规定。"
    _, filled = reconsider_filled(text, filled_at(text, "八", "八六"), default_model())
    assert filled[0].confidence < 0.99


def test_a_closing_bracket_wins_only_where_one_was_opened():
    model = default_model()
    opened = "按照规定（含3%；的部分予以退还。"
    assert reconsider_filled(opened, filled_at(opened, "；", "；），"), model)[0] == "按照规定（含3%）的部分予以退还。"
    unopened = "按照规定含3%）的部分予以退还。"
    assert reconsider_filled(unopened, filled_at(unopened, "）", "；），"), model)[0] == "按照规定含3%；的部分予以退还。"


def test_a_colon_ends_the_line_before_a_list():
    text = "下列案件由中级人民法院管辖；\n\n（一）重大涉外案件"
    repaired, _ = reconsider_filled(text, filled_at(text, "；", "；：，"), default_model())
    assert repaired == "下列案件由中级人民法院管辖：\n\n（一）重大涉外案件"


def test_nothing_to_choose_leaves_the_text():
    text = "第五条 甲方负责。"
    assert reconsider_filled(text, filled_at(text, "五", "五"), default_model()) == (text, filled_at(text, "五", "五"))


def test_pooled_characters_pay_their_share():
    assert pooled_log_share("的") == 0.0
    assert pooled_log_share("\u2028") < pooled_log_share("\u3000") < pooled_log_share(" ") == 0.0
    assert pooled_log_share("7") == pytest.approx(pooled_log_share("0"))


def test_seed_001_kind_restores_the_ideographic_spaces_ftfy_folded():
    original = "关于您反映的问题，现答复如下：\u3000\u3000经查，该路段已经完成改造。\u3000\u3000感谢您对我们工作的支持。"
    damaged = corrupt(original)
    assert "\u3000" not in damaged
    assert repair_mojibake(damaged).text == original


def test_seed_001_kind_keeps_a_single_space_between_words():
    original = "关于 A3 区的问题，现答复如下：经查，该路段已经完成改造。感谢您对我们工作的支持。"
    assert repair_mojibake(corrupt(original)).text == original
