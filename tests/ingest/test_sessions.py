"""Session keys and the proposal grouping key (replies/ingest/sessions.py)."""
import pytest

from replies.ingest.extract import read_handling_category, read_handling_role, read_satisfaction
from replies.ingest.sessions import parse_session, proposal_group_key


@pytest.mark.parametrize(("printed", "organ", "key", "body"), [
    ("常州市十六届人大五次会议", "", "常州市16-5", "npc"),
    ("市十六届人大五次会议", "常州市科学技术局", "常州市16-5", "npc"),
    ("十六届五次会议", "常州市科学技术局", "常州市16-5", ""),
    ("十六届五次会议", "常州市市场监督管理局", "常州市16-5", ""),
    ("十三届人大五次会议", "杭州市余杭区农业农村局", "杭州市13-5", "npc"),
    ("政协子洲县第十届委员会第二次会议", "", "子洲县10-2", "cppcc"),
    ("县政协九届三次会议", "南华县交通运输局", "南华县9-3", "cppcc"),
    ("中国人民政治协商会议砚山县九届委员会第三次会议", "", "砚山县9-3", "cppcc"),
    ("政协第十四届全国委员会第二次会议", "农业农村部", "全国14-2", "cppcc"),
    ("政协魏县第十届委员会 第一次会议", "", "魏县10-1", "cppcc"),
    ("县人大第十七届五次会议", "", "县17-5", "npc"),
])
def test_session_keys(printed, organ, key, body):
    session = parse_session(printed, organ=organ)
    assert (session.key, session.body) == (key, body)


def test_two_printings_of_one_proposal_meet():
    lead = proposal_group_key(session="市十六届人大五次会议", kind="npc_suggestion", number="第099号",
                              organ="常州市工业和信息化局")
    co = proposal_group_key(session="十六届五次会议", kind="npc_suggestion", number="099", organ="常州市科学技术局")
    assert lead == co and str(lead) == "常州市16-5/npc/99"
    elsewhere = proposal_group_key(session="市十六届人大五次会议", kind="npc_suggestion", number="99",
                                   organ="溧阳市工业和信息化局")
    assert elsewhere != lead, "one 届次 and number in another city is another proposal"


def test_no_key_without_a_session_or_a_number():
    assert proposal_group_key(session="", kind="npc_suggestion", number="12") is None
    assert proposal_group_key(session="市十六届人大五次会议", kind="npc_suggestion", number="") is None


@pytest.mark.parametrize(("text", "category"), [
    ("……\n办复类别:B类\n联系电话", "B"),
    ("类别:A\n李辉忠代表:", "A"),
    ("平交复函[2017]19号B类", "B"),
    ("华建复〔2017〕5号(B类)", "B"),
    ("湘交建议复〔2017〕98号    A类", "A"),
    ("我局将加快建设。", ""),
])
def test_handling_category(text, category):
    assert read_handling_category(text) == category


def test_handling_category_closing_a_title():
    assert read_handling_category("正文", "第652042号办理情况的答复(B)") == "B"


@pytest.mark.parametrize(("text", "organ", "role"), [
    ("结合市科技局意见，现将主办意见答复如下：", "", "主办"),
    ("我局作为会办单位，现将会办意见答复如下：", "", "会办"),
    ("我厅高度重视，会同省财政厅等协办单位进行认真研究", "", "主办"),
    ("主办单位:阿拉善左旗交通运输局\n协办单位:", "阿拉善左旗交通运输局", "主办"),
    ("主办单位:中牟县人民政府办公室 地址:河南省", "中牟县水利局", ""),  # the web site's owner, not the reply's
])
def test_handling_role(text, organ, role):
    assert read_handling_role(text, organ=organ) == role


@pytest.mark.parametrize(("text", "verdict"), [
    ("反馈意见\n\n满意\n\n一是教育部门", "满意"),
    ("代表满意度：基本满意", "基本满意"),
    ("对此该代表表示理解，对工作表示满意。", "满意"),
    ("以上答复您是否满意，如有意见，敬请反馈。", ""),
    ("以上答复如不满意，请与县农业农村局联系。", ""),
    ("办人民群众满意的教育。", ""),
])
def test_satisfaction(text, verdict):
    assert read_satisfaction(text) == verdict
