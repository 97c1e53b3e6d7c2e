"""The ingest pipeline on damaged text files: repaired and noted, or flagged with the stretches."""
import re

import pytest

from replies.ingest.parsers.tools import ExternalTools
from replies.ingest.pipeline import MOJIBAKE_UNREPAIRED_FLAG, prepare_document, repair_text
from tests.conftest import seed_path
from tests.ingest.mojibake_simulator import misread

MAX_BYTES = 50 * 1024 * 1024
TITLE = "关于对市十六届人大五次会议代表建议第141号的答复"
BODY = "周旭宏代表：\n\n你们提出的《关于培育壮大龙头企业带动我市产业集聚发展的建议》收悉，现答复如下：\n\n一、关于加快产业结构优化调整问题。"


def prepare(text: str):
    return prepare_document(text.encode("utf-8"), "reply.txt", max_bytes=MAX_BYTES, tools=ExternalTools())


def stretches_of(prepared) -> list[dict]:
    return [s for note in prepared.repair_notes if note["kind"] == MOJIBAKE_UNREPAIRED_FLAG for s in note["stretches"]]


def test_utf8_read_as_latin1_is_repaired_without_control_characters():
    damaged = misread(f"{TITLE}\n\n{BODY}", "utf-8", "latin-1")
    assert "\x9e" in damaged or "\x82" in damaged
    prepared = prepare(damaged)
    assert prepared.fields.title == TITLE
    assert "现答复如下" in prepared.fields.body
    assert "mojibake_repaired" in prepared.quality_flags
    assert MOJIBAKE_UNREPAIRED_FLAG not in prepared.quality_flags
    [note] = [n for n in prepared.repair_notes if n["kind"] == "mojibake"]
    assert note["damage"] == ["utf8_as_latin1"]


def test_utf8_read_as_gbk_is_repaired():
    prepared = prepare(misread(f"{TITLE}\n\n{BODY}", "utf-8", "gbk"))
    assert prepared.fields.title == TITLE
    assert "mojibake_repaired" in prepared.quality_flags


def test_text_left_damaged_is_flagged_with_its_stretches_in_the_body():
    lost = "锟斤拷锟斤拷锟斤拷"
    prepared = prepare(f"{TITLE}\n\n周旭宏代表：\n\n你们提出的建议收悉，{lost}现答复如下：\n\n一、关于加快产业结构优化调整问题。")
    assert MOJIBAKE_UNREPAIRED_FLAG in prepared.quality_flags
    [stretch] = stretches_of(prepared)
    assert stretch["field"] == "body" and stretch["damage"] == "lost_text"
    assert prepared.fields.body[stretch["start"] : stretch["end"]] == stretch["text"] == lost


def test_a_damaged_title_is_located_in_the_title():
    title = misread("常州市工业和信息化局文件", "utf-8", "big5")  # half the bytes lost: not repairable
    prepared = prepare(f"{title}\n\n{TITLE}\n\n{BODY}")
    assert MOJIBAKE_UNREPAIRED_FLAG in prepared.quality_flags
    stretches = stretches_of(prepared)
    assert stretches
    for stretch in stretches:
        value = {"title": prepared.fields.title, "body": prepared.fields.body, "text": prepared.text}[stretch["field"]]
        assert value[stretch["start"] : stretch["end"]] == stretch["text"]


def test_clean_seed_is_not_flagged():
    prepared = prepare_document(seed_path("002").read_bytes(), "002.txt", max_bytes=MAX_BYTES, tools=ExternalTools())
    assert not {"mojibake_repaired", MOJIBAKE_UNREPAIRED_FLAG} & set(prepared.quality_flags)
    assert not [n for n in prepared.repair_notes if n["kind"].startswith("mojibake")]


# NUL is left out: a text file with NUL bytes is not taken for text at all.
@pytest.mark.parametrize("control", ["\x07", "\x1b", "\x7f", "\x85", "\x9e"])
def test_control_characters_never_reach_title_or_body(control: str):
    # Long enough that two control characters do not make the parser take it for binary data.
    filler = "一、关于加快产业结构优化调整推动产业集聚发展问题，市工信局将多措并举。" * 8
    prepared = prepare(f"关于对市十六届人大五次会议{control}代表建议第141号的答复\n\n周旭宏代表：\n\n"
                       f"你们提出的建议{control}收悉，现答复如下。\t{filler}")
    assert control not in prepared.fields.title and control not in prepared.fields.body
    assert "\t" in prepared.fields.body
    assert {"kind": "control_characters", "removed": 2} in prepared.repair_notes
    assert MOJIBAKE_UNREPAIRED_FLAG not in prepared.quality_flags


def test_repair_text_strips_control_characters_and_keeps_line_feeds_and_tabs():
    text, _, notes = repair_text("第一行。\x0c\x01\n第二\t行\x00\x9f")
    assert re.sub("\n+", "\n", text) == "第一行。\n第二\t行"  # the form feed was a page break
    assert notes[-1] == {"kind": "control_characters", "removed": 3}


def test_uncertain_repairs_are_flagged_and_located():
    prepared = prepare(misread(misread(f"{TITLE}\n\n{BODY}", "utf-8", "gbk"), "utf-8", "gbk"))
    assert "mojibake_repaired" in prepared.quality_flags
    assert MOJIBAKE_UNREPAIRED_FLAG in prepared.quality_flags
    stretches = [s for s in stretches_of(prepared) if s["damage"] == "uncertain_repair"]
    assert stretches
    for stretch in stretches:
        value = {"title": prepared.fields.title, "body": prepared.fields.body, "text": prepared.text}[stretch["field"]]
        assert value[stretch["start"] : stretch["end"]] == stretch["text"]
