"""The commitments step (replies/ingest/commitments.py): promises found, past and courtesy left, deadlines read."""
import datetime

import pytest

from replies.ingest.commitments import find_commitments, is_promise, read_deadline, split_sentences

D = datetime.date


def sentences(body, **context):
    return [commitment.sentence for commitment in find_commitments(body, **context)]


@pytest.mark.parametrize("sentence", [
    "下一步，我局将继续加大巡逻管控力度。",
    "力争2022年底前完成改造。",
    "计划于明年启动项目前期工作。",
    "我局拟将该路段列入明年养护计划。",
    "我厅将综合新田县经济产业布局和路段交通量发展情况，适时支持升级改造。",
    "我局已将该段道路上报为改造项目，将予以治理。",
    "待资金下达后我局立即组织实施。",
    "我局今年已经准备进行实施。",
])
def test_promises(sentence):
    assert is_promise(sentence)


@pytest.mark.parametrize("sentence", [
    "新郑市将公益性墓地建设列入2016年为民实事项目，启动公共墓地建设。",  # 将 fronting an object, past
    "政府已将棚户区改造纳入规划当中。",
    "感谢您对我们工作的关心，我们将一如既往地做好城市建设工作。",
    "建议永州市及新田县加快推进该项目前期工作，力争该项目早日开工建设。",
    "您提出的关于尽快配套建设旬皇路护墩的建议收悉，现答复如下：",
    "2021年7月份对八处渗漏管道进行了全面维修。",
    "根据秋冬初春城区行道树枯死数量制定行道树栽植补植计划，并纳入年度重点工作任务。",
    "6月9日，市长就《关于将海阳核电厂区生活污水接入市政管网的请示》做出批示。",
])
def test_not_promises(sentence):
    assert not is_promise(sentence)


@pytest.mark.parametrize(("text", "expected"), [
    ("力争2022年底前完成", D(2022, 12, 31)),
    ("年内完成", D(2021, 12, 31)),
    ("今年将实施", D(2021, 12, 31)),
    ("计划于明年启动", D(2022, 12, 31)),
    ("上半年完成", D(2021, 6, 30)),
    ("明年上半年完成", D(2022, 6, 30)),
    ("3月底前完成", D(2022, 3, 31)),  # March has passed at the reply's date: next year's
    ("预计今年11月份竣工", D(2021, 11, 30)),
    ("争取2022年5月份动工", D(2022, 5, 31)),
    ("2018年5月份动工", None),  # a year before the reply's is what was done
    ("纳入2026年项目库", None),
    ("5年内安排400亿元", None),
    ("力争到2025年累计突破150家", D(2025, 12, 31)),
    ("力争至2024年实现全覆盖", D(2024, 12, 31)),
    ("争取到2023年6月完成", D(2023, 6, 30)),
    ("到2019年已累计完成", None),  # a year before the reply's
])
def test_deadlines(text, expected):
    assert read_deadline(text, reply_date=D(2021, 5, 20), reply_year=2021) == expected


def test_relative_deadline_needs_the_reply_year():
    assert read_deadline("年内完成", reply_date=None, reply_year=None) is None
    assert read_deadline("2023年底前完成", reply_date=None, reply_year=None) == D(2023, 12, 31)


def test_offsets_point_into_the_body():
    body = "王某代表：\n\n您的建议收悉，现答复如下：\n\n我局已完成测设。下一步，我局将于10月底前完成补植。\n\n某某局\n\n2021年5月20日"
    [commitment] = find_commitments(body, reply_date=D(2021, 5, 20), reply_year=2021)
    assert body[commitment.start:commitment.end] == commitment.sentence == "下一步，我局将于10月底前完成补植。"
    assert commitment.deadline == D(2021, 10, 31)


def test_sentences_stop_at_the_sign_off():
    body = "我局将加大力度。\n\n签发人：张三\n\n我们将及时收集并分析。"
    assert [s.text for s in split_sentences(body)] == ["我局将加大力度。"]


def test_a_list_after_an_opener_is_promised_with_the_opener_deadline():
    body = ("2021年是开局之年，市工信局将多措并举加快产业结构优化调整。\n\n"
            "1. 聚焦基础再造。认定省级以上企业技术中心30家、工业设计中心8家。\n\n"
            "2. 聚焦产业集群。去年全市新增企业技术中心12家，同比增长了一倍。\n\n"
            "市发改委持续推进落实重点服务业企业培育方案。")
    found = find_commitments(body, reply_date=None, reply_year=2021)
    assert [c.sentence for c in found] == ["2021年是开局之年，市工信局将多措并举加快产业结构优化调整。",
                                           "认定省级以上企业技术中心30家、工业设计中心8家。"]
    assert {c.deadline for c in found} == {D(2021, 12, 31)}


def test_a_next_step_paragraph_promises_every_sentence():
    body = "下一步，我局将结合文物普查，摸清底数。另建立传统村落保护管理协调机制，不断增强工作系统性。"
    assert len(sentences(body)) == 2
