"""Repair of lossy mojibake, checked on the clean seeds damaged by the simulated mechanism."""
from functools import lru_cache

import pytest

from replies.ingest.mojibake import MojibakeRepair, looks_like_mojibake, repair_mojibake
from tests.conftest import seed_path
from tests.ingest.mojibake_simulator import character_accuracy, corrupt, edit_distance, residual_mojibake

CLEAN_SEEDS = ("000", "002", "003", "004")
REQUIRED_ACCURACY = 0.995


@lru_cache(maxsize=None)
def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def repaired_copy(prefix: str) -> MojibakeRepair:
    return repair_mojibake(corrupt(seed_text(prefix)))


def test_simulator_damages_like_seed_001():
    damaged = corrupt("何银刚委员：\n现答复如下：")
    assert damaged == "何银刚委员:\n现答å¤å¦‚下:"
    assert looks_like_mojibake(damaged)


@pytest.mark.parametrize("prefix", CLEAN_SEEDS)
def test_damaged_seed_is_repaired(prefix: str):
    repair = repaired_copy(prefix)
    assert repair.changed
    assert character_accuracy(seed_text(prefix), repair.text) >= REQUIRED_ACCURACY
    assert residual_mojibake(repair.text) == 0


@pytest.mark.parametrize("prefix", CLEAN_SEEDS)
def test_clean_seed_comes_back_as_the_same_string(prefix: str):
    text = seed_text(prefix)
    assert not looks_like_mojibake(text)
    repair = repair_mojibake(text)
    assert repair.text is text
    assert not repair.changed and not repair.spans and not repair.low_confidence


@pytest.mark.parametrize(
    "text",
    ["", "plain ASCII, with: punctuation; (and parens)", "café “quoted” — 1,000 × 3 °C", "中文，全角：标点；（括号）"],
)
def test_text_without_mojibake_is_untouched(text: str):
    repair = repair_mojibake(text)
    assert repair.text is text and not repair.changed


def test_seed_001_reads_as_the_original_did():
    damaged = seed_text("001")
    repaired = repair_mojibake(damaged).text
    for phrase in ("何银刚委员", "《关于常州工业经济高质量发展的建议》", "中天钢铁", "信息名称："):
        assert phrase in repaired
    assert residual_mojibake(repaired) == 0
    # The repair is consistent with the damage: damaging it again gives the input back.
    assert corrupt(repaired) == damaged


def test_seed_001_keeps_punctuation_that_was_ascii_in_the_original():
    repaired = repair_mojibake(seed_text("001")).text
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


def test_spans_describe_the_repair():
    damaged = corrupt(seed_text("003"))
    repair = repaired_copy("003")
    assert repair.spans and set(repair.low_confidence) <= set(repair.spans)
    assert all(0.0 <= span.confidence <= 1.0 for span in repair.spans)
    for span in repair.spans:
        assert repair.text[span.start : span.end] == span.replacement
    assert all(span.damaged in damaged for span in repair.spans)


def test_edit_distance():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("答复", "答复") == 0
