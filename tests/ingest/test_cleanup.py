"""repair_pdf_artifacts: joins page-break cuts, removes spurious spaces and page furniture."""
from __future__ import annotations

from pathlib import Path

import pytest

from replies.ingest.cleanup import display_width, ends_sentence, normalise_text, repair_pdf_artifacts

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return repair_pdf_artifacts(path.read_text(encoding="utf-8"))


# --- spaces ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw, clean",
    [
        ("常工信复〔2021〕第 35 号", "常工信复〔2021〕第35号"),
        ("签发人：杨 军", "签发人：杨军"),
        ("争取财政资金 1.36 亿；组织活动 326 场", "争取财政资金1.36亿；组织活动326场"),
        ("2021 年第一季度", "2021年第一季度"),
        ("抄 送：市政府办公室", "抄送：市政府办公室"),
        ("索 引 号：014109453/2020-00078", "索引号：014109453/2020-00078"),
        ("打造 5G 网络", "打造5G网络"),
        ("联系电话 : 0519-85681275", "联系电话:0519-85681275"),
        ("Hello World 大会", "Hello World大会"),
        ("1. 聚焦基础再造", "1. 聚焦基础再造"),
        ("电话 8568 1275", "电话8568 1275"),
    ],
)
def test_spaces(raw, clean):
    assert repair_pdf_artifacts(raw) == clean


def test_indentation_and_trailing_spaces_are_stripped():
    raw = "\u00a0 \u00a0 \u00a0 \u00a0您提出的提案收悉。  \r\n\r\n\u3000\u3000现答复如下：\t\r\n"
    assert repair_pdf_artifacts(raw) == "您提出的提案收悉。\n\n现答复如下："


def test_normalise_text_keeps_characters():
    assert normalise_text("２０２１年\r\n第３页  ") == "２０２１年\n第３页"


# --- page-break joins ------------------------------------------------------------------

def test_seed_000_cut_sentences_are_joined():
    text = seed("000")
    assert "未来一个时间，国内市场" in text
    assert "争取财政资金1.36亿；组织各类产学研活动326场" in text
    assert "\n\n一、产业结构不断优化，转型升级取得成效\n\n我市加快" in text
    assert text.startswith("常州市工业和信息化局文件\n\n常工信复〔2021〕第22号\n\n关于对常州市十六届人大五次会议代表建议第099号的答复\n\n朱红代表：\n\n")
    assert "签发人：张志强\n经办人：余亮明\n联系电话：85681275\n\n抄送：" in text


def test_seed_002_and_003_cuts():
    text = seed("002")
    assert "工业设计中心8家。二是激发" in text
    assert "提供更加丰富多元的经营便利化服务" in text
    assert "始终是我市做大做强" in text
    assert "签发人：杨军" in text and "抄送：市政府办公室、市人大人事代表工委" in text
    text = seed("003")
    assert "取得“双胜利”。2021年是实施" in text
    assert "各牵头部门迅速启动相关工作" in text
    assert "“十四五”期间，国家和省" in text
    assert "向本地中小微企业开放供应链" in text
    assert "\n\n二、着力实施创新驱动发展战略\n\n今年2月18日" in text


def test_seed_004_article_keeps_its_lines():
    text = seed("004")
    lines = text.split("\n")
    assert lines[:3] == [
        "工业稳增长和转型升级成效明显市(州)典型经验做法介绍(二)——江苏省常州市",
        "- 2022-09-23640",
        "- 来源:工业和信息化部规划司、中国电子信息产业发展研究院",
    ]
    assert "突出集群发展\n产业转型行稳致远\n加强先进制造业集群培育" in text


@pytest.mark.parametrize("page_number", ["- 3 -", "— 3 —", "3", "第3页", "第 3 页 共 5 页", "3/5", "－ 12 －"])
def test_page_numbers_are_dropped_and_the_cut_joined(page_number):
    raw = f"我市将继续加大财政支持力度，进一步推动产业转型升级，力争在未来三年内\n\n{page_number}\n\n实现新的突破。"
    assert repair_pdf_artifacts(raw) == "我市将继续加大财政支持力度，进一步推动产业转型升级，力争在未来三年内实现新的突破。"


def test_running_header_is_dropped_but_letterhead_and_sign_off_kept():
    page = "我市持续推进产业结构调整，今年以来已累计完成技术改造项目一百余项，带动投资"
    raw = (
        "常州市工业和信息化局\n\n常工信复〔2021〕第22号\n\n朱红代表：\n\n"
        f"{page}\n\n- 2 -\n\n常州市工业和信息化局\n\n二百亿元。{page}\n\n- 3 -\n\n常州市工业和信息化局\n\n"
        "二百亿元。\n\n常州市工业和信息化局\n2021年5月20日"
    )
    text = repair_pdf_artifacts(raw)
    assert text.count("常州市工业和信息化局") == 2
    assert text.startswith("常州市工业和信息化局\n\n")
    assert f"{page}二百亿元。{page}二百亿元。" in text
    assert text.endswith("常州市工业和信息化局\n2021年5月20日")


@pytest.mark.parametrize(
    "first, second",
    [
        ("一、产业结构不断优化，转型升级取得成效", "我市加快产业结构不断优化，积极推进从制造向智造转变。"),
        ("（二）关于加强产业链供应链建设", "我市坚决贯彻落实国家和省的一系列稳企惠企政策。"),
        ("关于对常州市十六届人大五次会议代表建议第099号的答复", "朱红代表："),
        ("朱红代表：", "市人大交办的建议收悉，现答复如下："),
        ("常工信复〔2021〕第22号", "关于对常州市十六届人大五次会议代表建议第099号的答复"),
        ("感谢您对我市工业和信息化工作的关心和支持，欢迎继续提出宝贵意见", "常州市工业和信息化局"),
        ("感谢您对我市工业和信息化工作的关心和支持，欢迎继续提出宝贵意见", "2021年5月20日"),
        ("坚持制造立市稳定经济大盘", "常州是长三角地区重要的现代化制造业基地。"),
        ("我市加快产业结构不断优化，积极推进从制造向智造转变，推动工业经济运行持续向好", "签发人：张志强"),
    ],
)
def test_complete_lines_are_not_joined(first, second):
    raw = f"{first}\n\n{second}"
    assert repair_pdf_artifacts(raw) == raw


@pytest.mark.parametrize(
    "first, second, joined",
    [
        ("机制建立以来，各挂钩市领导高度重视，各牵头部门迅速", "启动相关工作。", "机制建立以来，各挂钩市领导高度重视，各牵头部门迅速启动相关工作。"),
        ("产业链现代化是一项全局性、战略性工作，“十四五”期间，", "国家和省把提升产业链放在突出位置。", None),
        ("认定省级以上企业技术中心 30 家、工业设计中心 8", "家。二是激发企业创新活力。", "认定省级以上企业技术中心30家、工业设计中心8家。二是激发企业创新活力。"),
        ("加快", "推进。", "加快推进。"),
        ("全市共有规模以上工业企业", "，同比增长。", "全市共有规模以上工业企业，同比增长。"),
    ],
)
def test_cut_sentences_are_joined(first, second, joined):
    assert repair_pdf_artifacts(f"{first}\n\n{second}") == (joined or first + second)


def test_latin_words_cut_by_a_page_break_keep_a_space():
    raw = "该平台采用国际通行的技术架构，支持多种协议接入，具体包括 Industrial\n\nInternet 标准。"
    assert repair_pdf_artifacts(raw) == "该平台采用国际通行的技术架构，支持多种协议接入，具体包括Industrial Internet标准。"


def test_clean_text_is_unchanged():
    clean = "关于对市政协提案的答复\n\n张三委员：\n\n您提出的提案收悉。\n\n一、基本情况\n\n我市工业经济平稳运行。\n\n常州市工业和信息化局\n2021年5月20日"
    assert repair_pdf_artifacts(clean) == clean
    assert repair_pdf_artifacts(repair_pdf_artifacts(seed("000"))) == seed("000")


def test_blank_line_runs_collapse():
    assert repair_pdf_artifacts("\n\n甲。\n\n\n\n乙。\n\n") == "甲。\n\n乙。"


# --- hard-wrapped text -----------------------------------------------------------------

def test_hard_wrapped_paragraphs_are_reflowed():
    raw = (
        "九三学社中央：\n"
        "　　你们提出的《关于加快工业互联网平台建设推动制造业\n"
        "数字化转型的提案》收悉。经商国家发展改革委、科技部、\n"
        "财政部，现答复如下：\n"
        "　　工业互联网是新一代信息技术与制造业深度融合的产物\n"
        "，是实现产业数字化、网络化、智能化发展的重要基础设施\n"
        "。近年来，我部深入实施工业互联网创新发展战略，网络、\n"
        "\n— 2 —\n\n"
        "平台、安全三大体系建设取得明显成效。\n"
        "一、关于加强平台建设的政策支持\n"
        "　　我部会同有关部门印发行动计划，提出到二〇二三年，工\n"
        "业互联网新型基础设施建设量质并进。\n"
    )
    assert repair_pdf_artifacts(raw).split("\n") == [
        "九三学社中央：",
        "你们提出的《关于加快工业互联网平台建设推动制造业数字化转型的提案》收悉。经商国家发展改革委、科技部、财政部，现答复如下：",
        "工业互联网是新一代信息技术与制造业深度融合的产物，是实现产业数字化、网络化、智能化发展的重要基础设施。近年来，我部深入实施工业互联网创新发展战略，网络、平台、安全三大体系建设取得明显成效。",
        "一、关于加强平台建设的政策支持",
        "我部会同有关部门印发行动计划，提出到二〇二三年，工业互联网新型基础设施建设量质并进。",
    ]


# --- predicates ------------------------------------------------------------------------

def test_display_width_and_ends_sentence():
    assert display_width("常州2021") == 8
    assert ends_sentence("现答复如下：") and ends_sentence("“好。”") and not ends_sentence("“双循环”")
    assert not ends_sentence("争取财") and not ends_sentence("1.")
