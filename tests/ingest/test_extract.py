"""Field extraction: the case collection, the seeds, and the helpers one by one."""
from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

import pytest

from replies.ingest.cleanup import repair_pdf_artifacts
from replies.ingest.extract import (
    DOC_NUMBER_RE,
    Addressee,
    DocNumber,
    ReplyFields,
    doc_number_key,
    extract_fields,
    find_doc_numbers,
    parse_date,
    parse_doc_number,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CASES_DIR = FIXTURES / "extraction_cases"
SEEDS_DIR = FIXTURES / "seeds"
EXPECTED: dict[str, dict] = json.loads((CASES_DIR / "expected.json").read_text(encoding="utf-8"))

SCALAR_FIELDS = (
    "title", "kind", "session", "proposal_number", "proposal_title", "issuing_organ", "signer",
    "handler", "phone", "cc", "index_number", "subject_category", "genre", "year",
)


def _path(name: str) -> Path:
    path = CASES_DIR / name
    return path if path.exists() else SEEDS_DIR / name


_cache: dict[str, ReplyFields] = {}


def extracted(name: str) -> ReplyFields:
    if name not in _cache:
        _cache[name] = extract_fields(repair_pdf_artifacts(_path(name).read_text(encoding="utf-8")))
    return _cache[name]


def test_case_collection_is_broad_enough():
    cases = [n for n in EXPECTED if (CASES_DIR / n).exists()]
    assert len(cases) >= 12
    kinds = {EXPECTED[n]["kind"] for n in cases}
    assert kinds == {"npc_suggestion", "cppcc_proposal", "other"}
    assert {p.name for p in CASES_DIR.glob("*.txt")} == set(cases)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("field_name", SCALAR_FIELDS)
def test_scalar_field(name, field_name):
    assert getattr(extracted(name), field_name) == EXPECTED[name][field_name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_doc_number(name):
    doc = extracted(name).doc_number
    expected = EXPECTED[name]["doc_number"]
    if expected is None:
        assert doc is None
    else:
        assert doc == DocNumber(**expected)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_addressees(name):
    assert extracted(name).addressees == [Addressee(n, r) for n, r in EXPECTED[name]["addressees"]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_date(name):
    expected = EXPECTED[name]["date"]
    assert extracted(name).date == (datetime.date.fromisoformat(expected) if expected else None)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_body(name):
    paragraphs = extracted(name).body.split("\n\n")
    spec = EXPECTED[name]
    assert paragraphs[0] == spec["body_first_paragraph"]
    assert paragraphs[-1] == spec["body_last_paragraph"]
    assert len(paragraphs) == spec["body_paragraphs"]


def test_seed_000_as_briefed():
    f = extracted("000_ceaecffb6f3b0a68.txt")
    assert f.doc_number == DocNumber("常工信复〔2021〕第22号", "常工信复", 2021, "22")
    assert (f.kind, f.session, f.proposal_number) == ("npc_suggestion", "常州市十六届人大五次会议", "099")
    assert f.addressees == [Addressee("朱红", "delegate")]
    assert f.proposal_title == "关于加快传统制造业高质量发展的政策引导和推动构建现代化产业体系的建议"
    assert (f.signer, f.handler, f.phone) == ("张志强", "余亮明", "85681275")
    assert f.cc == ["市政府办公室", "市人大代表工委"]
    assert f.issuing_organ == "常州市工业和信息化局"
    assert f.year == 2021 and f.date is None
    assert "争取财政资金1.36亿" in f.body


# --- document numbers ------------------------------------------------------------------

@pytest.mark.parametrize(
    "printed, text, issuer, year, serial",
    [
        ("常工信复〔2021〕第22号", "常工信复〔2021〕第22号", "常工信复", 2021, "22"),
        ("常工信复[2021]22号", "常工信复〔2021〕22号", "常工信复", 2021, "22"),
        ("常工信复〔2021〕第 35 号", "常工信复〔2021〕第35号", "常工信复", 2021, "35"),
        ("国办函(2006)082号", "国办函〔2006〕082号", "国办函", 2006, "082"),
        ("武住建复（2023）8号", "武住建复〔2023〕8号", "武住建复", 2023, "8"),
        ("溧教复【2022】12号", "溧教复〔2022〕12号", "溧教复", 2022, "12"),
        ("苏政办发［2019］3号", "苏政办发〔2019〕3号", "苏政办发", 2019, "3"),
        ("〔2021〕47号", "〔2021〕47号", "", 2021, "47"),
        ("印发了常办电〔2021〕39号文件", "常办电〔2021〕39号", "常办电", 2021, "39"),
    ],
)
def test_parse_doc_number(printed, text, issuer, year, serial):
    assert parse_doc_number(printed) == DocNumber(text, issuer, year, serial)


def test_parse_doc_number_rejects_non_numbers():
    assert parse_doc_number("2021年第22号") is None
    assert parse_doc_number("常州市十六届人大五次会议") is None


def test_find_doc_numbers_and_pattern():
    found = find_doc_numbers("见国办函〔2006〕71号和国办函[2006]82号")
    assert [d.text for d in found] == ["国办函〔2006〕71号", "国办函〔2006〕82号"]
    assert DOC_NUMBER_RE.search("查询 〔2021〕47号")["serial"] == "47"


def test_doc_number_key_matches_across_printings():
    a = parse_doc_number("常工信复〔2021〕第22号")
    b = parse_doc_number("常工信复[2021]022号")
    assert a.key == b.key == doc_number_key("常工信复", 2021, "22") == "常工信复|2021|22"
    assert doc_number_key("", 2021, "0") == "|2021|0"


# --- dates -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "s, expected",
    [
        ("二〇〇六年九月七日", datetime.date(2006, 9, 7)),
        ("二○○六年八月十日", datetime.date(2006, 8, 10)),
        ("二〇二三年十二月三十一日", datetime.date(2023, 12, 31)),
        ("二〇二三年六月二十日", datetime.date(2023, 6, 20)),
        ("2021年5月20日", datetime.date(2021, 5, 20)),
        ("2021 年 5 月 20 日", datetime.date(2021, 5, 20)),
        ("2020-12-28", datetime.date(2020, 12, 28)),
        ("- 2022-09-23640", datetime.date(2022, 9, 23)),
        ("2021年2月30日", None),
        ("没有日期", None),
    ],
)
def test_parse_date(s, expected):
    assert parse_date(s) == expected


# --- salutations, titles, labels: small documents ----------------------------------------

def _reply(salutation: str, opening: str = "你们提出的关于加强管理的建议收悉，现答复如下：") -> str:
    return f"关于市十六届人大五次会议第1号建议的答复\n\n{salutation}\n\n{opening}\n\n特此答复。\n\n某某市某某局\n2021年5月20日"


@pytest.mark.parametrize(
    "salutation, expected",
    [
        ("王小明代表：", [("王小明", "delegate")]),
        ("李华、张伟代表：", [("李华", "delegate"), ("张伟", "delegate")]),
        ("邓乃扬、韩汝琦委员：", [("邓乃扬", "member"), ("韩汝琦", "member")]),
        ("周桂英等代表：", [("周桂英", "delegate")]),
        ("吴晓东等5位代表：", [("吴晓东", "delegate")]),
        ("尊敬的赵敏代表:", [("赵敏", "delegate")]),
        ("王强代表、刘洋委员：", [("王强", "delegate"), ("刘洋", "member")]),
        ("九三学社常州市委员会：", [("九三学社常州市委员会", "")]),
    ],
)
def test_addressee_forms(salutation, expected):
    assert extract_fields(_reply(salutation)).addressees == [Addressee(n, r) for n, r in expected]


@pytest.mark.parametrize(
    "opening, expected",
    [
        ("您提出的《关于加强管理的建议》收悉。", "关于加强管理的建议"),
        ("你们提出的关于加强管理的建议收悉。", "关于加强管理的建议"),
        ("您（你们）提出的关于加强管理的建议提案收悉。", "关于加强管理的建议"),
        ("你们提出的《关于加强管理的提案》（第4626号）收悉。", "关于加强管理的提案"),
        ("您提出的关于加强管理的建议（第12号）收悉。", "关于加强管理的建议"),
        ("您提出的《关于加强管理的建议》的提案收悉。", "关于加强管理的建议"),
        ("你们提出的“关于加强管理的建议”提案收悉。", "关于加强管理的建议"),
    ],
)
def test_proposal_title(opening, expected):
    assert extract_fields(_reply("王小明代表：", opening)).proposal_title == expected


@pytest.mark.parametrize(
    "title, session, number, kind",
    [
        ("国务院办公厅对十届全国人大四次会议第7240号建议的答复", "十届全国人大四次会议", "7240", "npc_suggestion"),
        ("国务院办公厅对全国政协十届四次会议第4626号提案的答复", "全国政协十届四次会议", "4626", "cppcc_proposal"),
        ("关于对常州市十六届人大五次会议代表建议第099号的答复", "常州市十六届人大五次会议", "099", "npc_suggestion"),
        ("关于对政协第十四届常州市委员会第二次会议第0098号提案的答复",
         "政协第十四届常州市委员会第二次会议", "0098", "cppcc_proposal"),
        ("关于北京市第十五届人民代表大会第五次会议第0321号建议的答复",
         "北京市第十五届人民代表大会第五次会议", "0321", "npc_suggestion"),
    ],
)
def test_session_number_and_kind_from_title(title, session, number, kind):
    f = extract_fields(f"{title}\n\n张三代表：\n\n您提出的建议收悉，现答复如下：\n\n特此答复。")
    assert (f.session, f.proposal_number) == (session, number)
    # The salutation says 代表 even for the CPPCC titles: the title decides.
    assert f.kind == kind


def test_kind_falls_back_to_addressee_role():
    f = extract_fields("关于第12号建议的答复\n\n张三委员：\n\n您的意见收悉。")
    assert f.kind == "cppcc_proposal"


def test_labels_on_one_line_with_ascii_colons():
    text = _reply("王小明代表：") + "\n\n签发人:张志强 经办人:余亮明 联系电话:0519-85681275\n\n抄送:市政府办公室,市人大代表工委。"
    f = extract_fields(repair_pdf_artifacts(text))
    assert (f.signer, f.handler, f.phone) == ("张志强", "余亮明", "0519-85681275")
    assert f.cc == ["市政府办公室", "市人大代表工委"]


def test_cc_list_continues_on_next_line():
    f = extract_fields(_reply("王小明代表：") + "\n抄送：市政府办公室、\n市人大代表工委")
    assert f.cc == ["市政府办公室", "市人大代表工委"]


def test_metadata_block_of_a_web_page():
    text = (
        "信息名称:关于对市政协十四届四次会议提案第0287号的答复\n索引号:014109453/2020-00078\n"
        "主题分类:其他体裁分类:通知组配分类:其他\n文件编号:\n产生日期:2020-12-28\n发布机构:市工信局\n"
        "关于对市政协十四届四次会议提案第0287号的答复\n何银刚委员:\n您提出的《关于常州工业经济高质量发展的建议》的提案收悉。\n"
    )
    f = extract_fields(text)
    assert (f.index_number, f.subject_category, f.genre) == ("014109453/2020-00078", "其他", "通知")
    assert f.date == datetime.date(2020, 12, 28)
    assert f.issuing_organ == "市工信局"  # no sign-off line: 发布机构 is the only source
    assert f.doc_number is None


def test_body_numbers_are_not_the_replys_own():
    text = _reply("王小明代表：", "你们提出的建议收悉。根据常办电〔2021〕39号文件，2021年3月5日起实施。")
    f = extract_fields(text)
    assert f.doc_number is None
    assert f.date == datetime.date(2021, 5, 20)


def test_empty_text():
    fields = extract_fields("")
    assert dataclasses.replace(fields, field_confidence={}) == ReplyFields()
    # Nothing was found, so the fields an admin must fill in are marked for review.
    assert {"title", "issuing_organ"} <= set(fields.low_confidence_fields())


def test_seed_001_once_its_mojibake_is_repaired():
    mojibake = pytest.importorskip("replies.ingest.mojibake")
    (path,) = SEEDS_DIR.glob("001_*.txt")
    repaired = mojibake.repair_mojibake(path.read_text(encoding="utf-8")).text
    f = extract_fields(repair_pdf_artifacts(repaired))
    assert (f.kind, f.session, f.proposal_number) == ("cppcc_proposal", "市政协十四届四次会议", "0287")
    assert f.addressees == [Addressee("何银刚", "member")]
    assert f.proposal_title == "关于常州工业经济高质量发展的建议"
    assert (f.index_number, f.subject_category, f.genre) == ("014109453/2020-00078", "其他", "通知")
    assert f.date == datetime.date(2020, 12, 28)
    assert f.issuing_organ == "常州市工业和信息化局"


@pytest.mark.parametrize("line, phone", [
    ("联系电话：13855402597", "13855402597"),  # a mobile number whole, not its first eight digits
    ("联系电话：0512-65223456", "0512-65223456"),
    ("联系电话：85681275", "85681275"),
])
def test_phone_numbers_are_taken_whole(line, phone):
    text = f"关于市政协十五届二次会议第0078号提案的答复\n刘建华委员：\n您的提案收悉，现答复如下：我们将认真研究。\n{line}\n"
    assert extract_fields(text).phone == phone


def test_copy_counts_split_and_leave_the_cc_list():
    text = ("关于市政协十五届二次会议第0078号提案的答复\n刘建华委员：\n您的提案收悉，现答复如下：我们将认真研究。\n"
            "抄送：市政府办公室(1份) 市人大代表工委（2份）、市政协提案委(1)\n")
    assert extract_fields(text).cc == ["市政府办公室", "市人大代表工委", "市政协提案委"]
