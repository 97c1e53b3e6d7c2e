"""The mojibake repair on every common kind of damage, made by the simulator from clean seeds.

Paragraphs rather than whole documents keep the tests fast; scripts/measure_mojibake.py
measures the same kinds over whole seeds and corpus texts.
"""
from functools import lru_cache

import ftfy
import pytest

from replies.ingest.mojibake import find_damage, looks_like_mojibake, repair_mojibake
from tests.conftest import seed_path
from tests.ingest.mojibake_simulator import (
    KINDS,
    character_accuracy,
    corrupt,
    damage,
    edit_distance,
    misread,
    original_for,
    residual_mojibake,
)

CLEAN_SEEDS = ("000", "002", "003", "004")
REQUIRED_ACCURACY = 0.995
LOSSLESS_KINDS = sorted(kind for kind, (_, lossless, _) in KINDS.items() if lossless)
# A law text from the corpus: "×…" reads as a UTF-8 lead and continuation byte in Windows-1252.
LOOKS_DAMAGED_BUT_IS_NOT = "进行公示：冻结被执行人×××（证件种类、号码：……）持有×××……（股权的数额）"


@lru_cache(maxsize=None)
def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


def paragraph() -> str:
    """The opening of seed 002 (letterhead, doc number, title, salutation, first paragraphs)."""
    return seed_text("002")[:700]


@lru_cache(maxsize=None)
def repaired_copy(prefix: str):
    return repair_mojibake(corrupt(seed_text(prefix)))


# --- each kind -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOSSLESS_KINDS)
def test_lossless_kind_comes_back_exactly(kind: str):
    original = original_for(kind, paragraph())
    repair = repair_mojibake(damage(kind, paragraph()))
    assert repair.text == original
    assert repair.changed and not repair.unrepaired


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("utf8_as_cp1252", "utf8_as_cp1252"),
        ("utf8_as_latin1", "utf8_as_latin1"),
        ("gbk_as_latin1", "gbk_as_latin1"),
        ("big5_as_latin1", "big5_as_latin1"),
        ("utf8_as_gbk", "utf8_as_gbk"),
        ("utf8_as_latin1_twice", "utf8_as_latin1+utf8_as_latin1"),
    ],
)
def test_the_kind_found_is_named(kind: str, named: str):
    assert repair_mojibake(damage(kind, paragraph())).kinds == (named,)


def test_issue_examples():
    assert repair_mojibake("甯稿窞甯傚伐涓氬拰淇℃伅鍖栧眬鏂囦欢").text == "常州市工业和信息化局文件"
    assert repair_mojibake("³£ÖÝÊÐ¹¤ÒµºÍÐÅÏ¢»¯¾ÖÎÄ¼þ").text == "常州市工业和信息化局文件"
    latin1 = misread("常州市工业和信息化局文件", "utf-8", "latin-1")
    assert "\x9e" in latin1
    assert repair_mojibake(latin1).text == "常州市工业和信息化局文件"


@pytest.mark.parametrize("kind", ["utf8_as_gbk", "utf8_as_gb18030"])
def test_bytes_lost_by_a_double_byte_decoder_are_filled(kind: str):
    damaged = damage(kind, paragraph())
    assert "\ufffd" in damaged
    repair = repair_mojibake(damaged)
    assert "\ufffd" not in repair.text
    assert character_accuracy(paragraph(), repair.text) >= 0.985
    assert sum(r.lost_bytes for r in repair.repairs) == damaged.count("\ufffd")
    for spot in repair.low_confidence:
        assert repair.text[spot.start : spot.end] == spot.text and 0 <= spot.confidence < 0.8


def test_utf8_read_as_gbk_twice_is_undone_and_its_guesses_reported():
    repair = repair_mojibake(damage("utf8_as_gbk_twice", paragraph()))
    assert repair.kinds == ("utf8_as_gbk+utf8_as_gbk",)
    assert character_accuracy(paragraph(), repair.text) >= 0.98
    # Two layers of lost bytes leave lines with many guessed characters: reported for a look.
    assert repair.uncertain
    assert all(repair.text[s.start : s.end] == s.text for s in repair.uncertain)


def test_lossy_windows_1252_kind_of_seed_001():
    repair = repair_mojibake(corrupt(paragraph()))
    assert repair.kinds == ("utf8_as_cp1252_lossy",)
    assert character_accuracy(paragraph(), repair.text) >= REQUIRED_ACCURACY


@pytest.mark.parametrize("kind", ["partial_utf8_as_latin1", "partial_utf8_as_gbk"])
def test_only_the_damaged_stretches_change(kind: str):
    text = seed_text("003")[:1500]
    damaged = damage(kind, text)
    repair = repair_mojibake(damaged)
    assert character_accuracy(text, repair.text) >= 0.995
    clean_lines = [line for line in damaged.split("\n") if line in text.split("\n") and not line.isascii()]
    assert clean_lines
    assert all(line in repair.text for line in clean_lines)
    assert all(r.damaged in damaged and r.damaged not in text for r in repair.repairs)


def test_repairs_report_where_they_are():
    text = "前文未损坏。\n" + misread("现答复如下：", "utf-8", "gbk") + "\n后文也未损坏。"
    repair = repair_mojibake(text)
    assert repair.text == "前文未损坏。\n现答复如下：\n后文也未损坏。"
    [fix] = repair.repairs
    assert fix.damage == "utf8_as_gbk"
    assert repair.text[fix.start : fix.end] == fix.replacement == "现答复如下："
    assert fix.damaged == "鐜扮瓟澶嶅�備笅锛�" and fix.lost_bytes == 2


# --- never worse -----------------------------------------------------------------------------


def test_a_reading_the_model_does_not_prefer_is_not_applied():
    assert looks_like_mojibake(LOOKS_DAMAGED_BUT_IS_NOT)
    repair = repair_mojibake(LOOKS_DAMAGED_BUT_IS_NOT)
    assert repair.text is LOOKS_DAMAGED_BUT_IS_NOT and not repair.changed
    assert find_damage(LOOKS_DAMAGED_BUT_IS_NOT) == []


def test_text_too_damaged_to_repair_is_kept_and_flagged():
    # UTF-8 read as Big5 loses about half its bytes: no reading can be trusted.
    damaged = damage("utf8_as_big5", paragraph())
    repair = repair_mojibake(damaged)
    assert character_accuracy(paragraph(), repair.text) >= character_accuracy(paragraph(), damaged)
    assert repair.unrepaired
    assert all(repair.text[s.start : s.end] == s.text for s in repair.unrepaired)


def test_lost_text_is_flagged_where_it_is():
    text = "关于对市政协提案的答复：锟斤拷锟斤拷，现答复如下。"
    [stretch] = find_damage(text)
    assert (stretch.damage, text[stretch.start : stretch.end]) == ("lost_text", "锟斤拷锟斤拷")
    assert repair_mojibake(text).text == text


def test_damage_left_unrepaired_is_found_with_its_offsets():
    kept = misread("现答复如下", "utf-8", "gbk")
    text = f"答复：{kept}。"
    stretches = find_damage(text)
    assert [text[s.start : s.end] for s in stretches] == [kept]


# --- clean text ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", CLEAN_SEEDS)
def test_clean_seed_comes_back_as_the_same_string(prefix: str):
    text = seed_text(prefix)
    repair = repair_mojibake(text)
    assert repair.text is text
    assert not repair.changed and not repair.repairs and not repair.low_confidence
    assert find_damage(text) == []
    assert ftfy.fix_encoding(text) == text


@pytest.mark.parametrize(
    "text",
    ["", "plain ASCII, with: punctuation; (and parens)", "café “quoted” — 1,000 × 3 °C", "中文，全角：标点；（括号）",
     "温度 25°C，面积 3×4 米，单价 ÷ 2"],
)
def test_text_without_mojibake_is_untouched(text: str):
    repair = repair_mojibake(text)
    assert repair.text is text and not repair.changed
    assert find_damage(text) == []


# --- seed 001, the real damage ----------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_damaged_seed_is_repaired(prefix: str):
    repair = repaired_copy(prefix)
    assert repair.changed
    assert character_accuracy(seed_text(prefix), repair.text) >= REQUIRED_ACCURACY
    assert residual_mojibake(repair.text) == 0


@lru_cache(maxsize=None)
def repaired_seed_001():
    return repair_mojibake(seed_text("001"))


def test_seed_001_reads_as_the_original_did():
    damaged = seed_text("001")
    repair = repaired_seed_001()
    for phrase in ("何银刚委员", "《关于常州工业经济高质量发展的建议》", "中天钢铁", "信息名称："):
        assert phrase in repair.text
    assert residual_mojibake(repair.text) == 0
    assert repair.kinds == ("utf8_as_cp1252_lossy",)
    # The repair is consistent with the damage: damaging it again gives the input back.
    assert corrupt(repair.text) == damaged


def test_seed_001_keeps_punctuation_that_was_ascii_in_the_original():
    repaired = repaired_seed_001().text
    # ftfy could not have repaired (and folded) a full-width comma right after a damaged
    # stretch, so these ASCII commas are original.
    assert "创新能力,突出工业设计" in repaired
    assert "平台建设,加快推动" in repaired


def test_fullwidth_punctuation_is_restored_only_in_the_documents_style():
    fullwidth_seed = repaired_copy("000").text
    ascii_seed = repaired_copy("004").text
    assert fullwidth_seed.count("，") >= 0.99 * seed_text("000").count("，")
    assert ascii_seed.count("，") == 0
    assert ascii_seed.count(",") == seed_text("004").count(",")


# --- the simulator ---------------------------------------------------------------------------


def test_simulator_damages_like_seed_001():
    damaged = corrupt("何银刚委员：\n现答复如下：")
    assert damaged == "何银刚委员:\n现答å¤å¦‚下:"
    assert looks_like_mojibake(damaged)


def test_edit_distance():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("答复", "答复") == 0
    assert edit_distance("甯稿窞", "常州") == 3
