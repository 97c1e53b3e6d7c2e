"""The GB/T 9704 layout reading and the failure kinds seen on real replies (issue 13), one by one."""
from __future__ import annotations

import datetime

from replies.ingest.chinese import chinese_numeral_value, cn_number, parse_bare_date, parse_date, section_number
from replies.ingest.cleanup import repair_pdf_artifacts
from replies.ingest.docnumbers import doc_number_key, parse_doc_number, proposal_key
from replies.ingest.extract import KIND_CPPCC, KIND_NPC, Addressee, extract_fields, parse_addressees, read_person
from replies.ingest.furniture import is_furniture_line, is_furniture_word
from replies.ingest.layout import split_cells


def _fields(text: str):
    return extract_fields(repair_pdf_artifacts(text))


def test_furniture_around_the_title_is_cut_off():
    f = _fields(
        "您当前的位置:首页 > 政务公开 > 建议提案办理\n"
        "关于县政协十届五次会议第D022号提案的答复发布时间:2021-09-07 10:36来源:某县文化和旅游局浏览量:【字号:打印\n"
        "分享:\n"
        "石昌艳委员:\n"
        "您提出的“关于加强非遗保护的提案”收悉。现答复如下:\n"
        "感谢您的关心。\n"
        "某县文化和旅游局\n"
        "2021年9月6日\n"
    )
    assert f.title == "关于县政协十届五次会议第D022号提案的答复"
    assert f.proposal_number == "D022"
    assert f.addressees == [Addressee("石昌艳", "member")]
    assert f.proposal_title == "关于加强非遗保护的提案"
    assert f.issuing_organ == "某县文化和旅游局"
    assert f.date == datetime.date(2021, 9, 6)
    assert f.field_confidence["title"] >= 0.6


def test_furniture_words_are_never_addressees():
    for label in ("文号:", "浏览次数:", "分享:", "内容:", "点击:", "字号:"):
        f = _fields(f"关于市十届人大一次会议第5号建议的答复\n{label}\n王刚代表:\n您提出的《关于修路的建议》收悉。\n")
        assert f.addressees == [Addressee("王刚", "delegate")], label
    assert parse_addressees("浏览次数") is None
    assert is_furniture_word("分享到") and is_furniture_line("您当前的位置:首页 > 政务公开")


def test_salutation_variants():
    assert parse_addressees("于广海委员") == [Addressee("于广海", "member")]
    assert parse_addressees("欧阿玺(等)代表") == [Addressee("欧阿玺", "delegate")]
    assert parse_addressees("田凤琴、吴运华、周静委员") == [Addressee(n, "member") for n in ("田凤琴", "吴运华", "周静")]
    assert parse_addressees("乐东代表团") == [Addressee("乐东代表团", "")]
    assert parse_addressees("九三学社中央") == [Addressee("九三学社中央", "")]
    assert parse_addressees("**委员") == [Addressee("**", "member")]
    assert parse_addressees("各位代表") is None
    f = _fields("关于县十七届人大五次会议第27号建议的答复\n尊敬的于广海委员您好:\n您提出的《关于修路的提案》收悉。\n")
    assert f.addressees == [Addressee("于广海", "member")]


def test_ascii_punctuation_and_a_record_layout_run_together():
    f = _fields(
        "汉阴县水利局关于办理县十八届人大五次会议第142号建议的函\n"
        "名称汉阴县水利局关于办理县十八届人大五次会议第142号建议的函\n"
        "签发人李杨签发日期2021-07-20发布日期2021-07-22类别A\n"
        "欧阿玺(等)代表提出的《关于新建蒲溪镇田禾水库的建议》.\n"
        "回复为了解决水资源供需矛盾,经现场踏勘,可以新建水库一座.\n"
    )
    assert f.signer == "李杨"
    assert f.date == datetime.date(2021, 7, 20)  # 签发日期, not the page's 发布日期
    assert f.kind == KIND_NPC and f.session == "县十八届人大五次会议" and f.proposal_number == "142"
    assert f.addressees == [Addressee("欧阿玺", "delegate")]
    assert f.proposal_title == "关于新建蒲溪镇田禾水库的建议"


def test_a_reply_copied_from_one_table_cell():
    f = _fields(
        "对市政协九届四次会议第63号提案的答复田凤琴委员:你提出的《关于安装红绿灯的建议》的提案收悉,现答复如下:"
        "感谢你对交通管理工作的支持。应城市公安局2020年8月24日"
    )
    assert f.title == "对市政协九届四次会议第63号提案的答复"
    assert f.kind == KIND_CPPCC
    assert f.addressees == [Addressee("田凤琴", "member")]
    assert f.issuing_organ == "应城市公安局"
    assert f.date == datetime.date(2020, 8, 24)


def test_doc_number_with_class_mark_and_signer_on_its_line():
    f = _fields(
        "宁交函〔2021〕141号签发人:姜涛\n对宁陕县第十八届人大六次会议第17号建议的复函\n侯怀菊代表:\n"
        "您提出关于拓宽麻庄村道路的建议收悉,现答复如下:\n感谢。\n宁陕县交通运输局\n2021年9月2日\n"
    )
    assert f.doc_number.text == "宁交函〔2021〕141号" and f.signer == "姜涛"
    assert f.proposal_title == "关于拓宽麻庄村道路的建议"
    f = _fields("平交复函[2017]19号B类\n关于对平江县十七届人大一次会议第82号建议的\n答复\n陈根明代表:\n您提出的《关于修路的建议》收悉。\n")
    assert f.doc_number.text == "平交复函〔2017〕19号"
    assert f.title == "关于对平江县十七届人大一次会议第82号建议的答复"
    assert parse_doc_number("西卫健复函﹝2022﹞27号").text == "西卫健复函〔2022〕27号"


def test_sessions_numbers_and_unquoted_titles():
    f = _fields(
        "对政协魏县第十届委员会第一次会议第25号提案的答复\n李中宇委员:\n"
        "你们提出的关于建设高标准农田的提案,已交我们研究办理,现答复如下:\n感谢。\n"
    )
    assert f.session == "政协魏县第十届委员会第一次会议" and f.proposal_number == "25"
    assert f.proposal_title == "关于建设高标准农田的提案"
    f = _fields("城口县发展和改革委员会关于县政协十届一次会议第6.11号提案的复函\n郭小玲委员:\n您好。\n")
    assert f.proposal_number == "6.11"
    f = _fields("市政协十二届四次会议《关于规范收费停车场的建议》(158号)答复\n耿宝军委员:\n您的建议收悉。\n")
    assert f.proposal_number == "158"


def test_contacts_with_combined_labels_and_the_site_footer():
    f = _fields(
        "关于县十七届人大一次会议第5号建议的答复\n陈龙代表:\n您提出的《关于修路的建议》收悉。\n感谢。\n"
        "马关县交通运输局\n2020年9月18日\n联系人及电话:骆永仙,13887859117\n"
        "扫一扫在手机打开当前页\n主办单位:马关县人民政府办公室 联系电话:0876-7121234\n"
    )
    assert (f.handler, f.phone) == ("骆永仙", "13887859117")
    assert f.issuing_organ == "马关县交通运输局"
    f = _fields(
        "关于县十七届人大一次会议第5号建议的答复\n陈龙代表:\n您提出的《关于修路的建议》收悉。\n"
        "重庆市北碚区城市管理局\n2023927人:黎浩\n联系电话:60307029\n抄 报:市督查局(1份)、市政协提案委\n"
    )
    assert f.date == datetime.date(2023, 9, 27)
    assert f.handler == "黎浩" and f.phone == "60307029"
    assert f.cc == ["市督查局", "市政协提案委"]
    assert read_person("云南省农业厅畜牧处王瑞欣65749510")[0] == "王瑞欣"
    assert read_person("浏览次数")[0] == ""


def test_page_dates_are_not_the_replys_date():
    f = _fields(
        "对县十六届人大一次会议第3号建议的答复\n发布日期:2012-06-18作者:xksh来源:人大办公室\n"
        "王孝友代表:\n你提出的“关于加固河堤”的建议收悉。现答复如下:\n感谢。\n"
    )
    assert f.date is None
    assert "date" not in f.low_confidence_fields() or f.field_confidence["date"] < 0.7


def test_field_confidence_covers_the_fields_and_lies_in_range():
    f = _fields("关于县十七届人大一次会议第5号建议的答复\n陈龙代表:\n您提出的《关于修路的建议》收悉。\n")
    assert set(f.field_confidence) == {
        "title", "kind", "doc_number", "session", "proposal_number", "addressees", "proposal_title",
        "issuing_organ", "date", "signer", "handler", "phone", "cc",
    }
    assert all(0.0 <= value <= 1.0 for value in f.field_confidence.values())
    # Cut before the sign-off: the empty organ is marked for review.
    assert "issuing_organ" in f.low_confidence_fields()


def test_cells_split_at_labels_without_colons():
    line = split_cells("文号发布机构舟曲县教育局")
    assert [(c.role, c.value) for c in line.cells] == [("doc_number", ""), ("publisher", "舟曲县教育局")]
    assert split_cells("我局将加强联系,电话畅通。").cells == []


def test_chinese_numerals_dates_and_keys():
    assert cn_number("二〇〇六") == 2006 and cn_number("二0一七") == 2017 and cn_number("二十一") == 21
    assert chinese_numeral_value("十二") == 12 and chinese_numeral_value("一百") is None
    assert parse_date("二0一七年五月二十六日") == datetime.date(2017, 5, 26)
    assert parse_bare_date("2022711") == datetime.date(2022, 7, 11)
    assert parse_bare_date("20241018") == datetime.date(2024, 10, 18)
    assert section_number("（二）强化创新载体") == (2, 2, "（二）", "强化创新载体")
    assert doc_number_key("常工信复", 2021, "022") == "常工信复|2021|22" and proposal_key("第0287号") == "287"


def test_title_and_number_inside_run_together_header_text():
    f = _fields(
        "索引号:116204/2023-1发布机构:白银市人民政府关于对市政协八届一次会议第016号提案的答复\n"
        "展开菜单宁交函〔2021〕141号\n"
        "周博委员:\n您提出的《关于划定生态红线的建议》(第016号)收悉。现答复如下:\n感谢。\n"
    )
    assert f.title == "关于对市政协八届一次会议第016号提案的答复"
    assert f.doc_number.text == "宁交函〔2021〕141号"


def test_salutation_run_into_a_page_label_line():
    f = _fields(
        "关于县政协十届五次会议第22号提案的答复\n发布时间:2021-09-07来源:某县文化和旅游局浏览量:字号:打印石昌艳委员:您好。"
        "您提出的“关于加强非遗保护的提案”收悉。\n感谢。\n"
    )
    assert f.addressees == [Addressee("石昌艳", "member")]
    f = _fields("关于县十七届人大五次会议第27号建议的答复\n余秀华代表您提出的《关于修缮排污设施的建议》收悉,现答复如下:\n")
    assert f.addressees == [Addressee("余秀华", "delegate")]


def test_an_empty_metadata_label_is_never_the_main_recipient():
    f = _fields(
        "• 公文名称:\n对十四届全国人大一次会议第6826号建议的答复\n• 文  号:\n建建复字〔2023〕94号\n• 实施日期:\n"
        "• 分  类:\n村镇建设\n• 时效:\n对十四届全国人大一次会议\n第6826号建议的答复\n王一君代表:\n"
        "您提出的关于加强传统村落保护的建议收悉,现答复如下:\n"
    )
    assert f.addressees == [Addressee("王一君", "delegate")]
    assert f.proposal_title == "关于加强传统村落保护的建议"
    assert f.doc_number.text == "建建复字〔2023〕94号"


def test_a_co_handling_opinion_is_addressed_to_a_department():
    f = _fields(
        "关于区政协十五届一次会议第111号提案协办意见的函\n区城管局:\n"
        "现将魏军委员《关于加强城区噪声污染治理的建议》(第111号)的协办意见送上,供你们答复委员时参考:\n"
        "加大宣传力度。\n某区生态环境局\n2022年4月12日\n"
    )
    assert f.addressees == [Addressee("区城管局", "")]
    assert f.issuing_organ == "某区生态环境局"


def test_organs_named_only_in_a_note_a_dated_title_or_an_unlabelled_metadata_list():
    f = _fields(
        "关于市政协四届二次会议第345号提案办理落实情况\n来源:市政府办公厅\n"
        "关于“加强农村饮水安全的提案”,是一项长远的提案。\n此件由市水利局办理,联系人刘玉巧,电话2621516。\n"
    )
    assert (f.issuing_organ, f.handler, f.phone) == ("市水利局", "刘玉巧", "2621516")
    assert f.proposal_title == "加强农村饮水安全的提案"
    f = _fields(
        "2019年县人社局对县人大第十八届三次会议第115号建议答复的函\n发文日期\n2019年10月10日 16:48:00\n"
        "寇章国代表:\n您提出的《关于增加教师招聘人数的建议》收悉。现答复如下:\n感谢支持。\n"
    )
    assert f.issuing_organ == "县人社局"
    assert f.date is None  # a 发文日期 with a clock time is the page's stamp
    f = _fields(
        "• 00529508X/2023-00092\n• 中牟县水利局\n• 2023-09-25\n关于县人大十五届三次会议第144号建议的答复\n"
        "席守力代表:\n您提出的关于“疏通南桑园沟”的建议已收悉。现答复如下:\n感谢。\n"
    )
    assert f.issuing_organ == "中牟县水利局"


def test_a_whole_page_run_into_one_line():
    f = _fields(
        "首页 > 政务公开 > 建议提案办理人大代表建议办理重庆市北碚区城市管理局关于区十九届人大三次会议第145号建议的复函"
        "发布时间:2023-10-09 李丽代表:您提出的《关于增设停车位的建议》收悉,现答复如下:我局高度重视,组织人员进行了"
        "实地查看,结合周边道路情况,已在合适位置施划停车位二十个,基本满足群众停车需求。感谢您对城市管理工作的关心和支持。"
        "重庆市北碚区城市管理局2023年9月27日联系人:王敏 联系电话:023-68862000"
    )
    assert f.title == "重庆市北碚区城市管理局关于区十九届人大三次会议第145号建议的复函"
    assert f.addressees == [Addressee("李丽", "delegate")]
    assert f.issuing_organ == "重庆市北碚区城市管理局"
    assert f.date == datetime.date(2023, 9, 27)
    assert f.handler == "王敏"


def test_a_group_salutation_and_a_signer_run_into_the_doc_number_in_one_line():
    f = _fields(
        "对县十八届人大二次会议第68号建议的复函发布日期:2023-10-13 类别:B 签发人:张永祥太交函〔2023〕60号"
        "桂花镇代表团:你们提出的《关于补齐偏远村通讯设施短板的建议》收悉。现答复如下:近年来,国家加大了对移动通信的投入,"
        "使移动信号覆盖增强,我局将组织县电信、移动、联通和铁塔公司实地查勘,对检测出的网络盲区尽快申报建设。专此答复。"
        "太白县交通运输局2023年10月12日"
    )
    assert f.addressees == [Addressee("桂花镇代表团", "")]
    assert f.doc_number.text == "太交函〔2023〕60号" and f.signer == "张永祥"
    assert (f.issuing_organ, f.date) == ("太白县交通运输局", datetime.date(2023, 10, 12))


def test_a_salutation_after_an_empty_label_or_joined_to_a_page_stamp():
    f = _fields("关于县人大第十八届三次会议第115号建议答复的函\n文号\n\n尊敬的寇章国代表:您好！\n\n您提出的《关于增加教师招聘的建议》收悉。\n")
    assert f.addressees == [Addressee("寇章国", "delegate")] and f.doc_number is None
    f = _fields("对十四届全国人大一次会议第6826号建议的答复\n发布时间:2023-12-29 14:43:43尊敬的王一君代表:您好\n您提出的关于加强传统村落保护的建议收悉。\n")
    assert f.addressees == [Addressee("王一君", "delegate")]


def test_more_title_endings_groups_and_numbers_in_chinese_numerals():
    f = _fields("关于乡十七届人大三次会议第二十三号建议的办复函\n银川乡人大主席团:\n你们提出的《关于修建农田路的建议》收悉。\n")
    assert f.title == "关于乡十七届人大三次会议第二十三号建议的办复函"
    assert f.proposal_number == "二十三"
    assert f.addressees == [Addressee("银川乡人大主席团", "")]


def test_a_dateless_sign_off_ends_a_run_and_a_footer_owner_is_not_the_organ():
    f = _fields(
        "关于对县政协九届三次会议第55号提案的答复雨露乡委员小组:你们提出的《关于支持林果基地道路建设的提案》收悉,现答复如下:"
        "经实地查看,该道路已列入我局下一年度农村公路建设计划,待资金到位后即组织实施,请你们协助做好群众工作。"
        "感谢你们对交通工作的关心和支持!南华县交通运输局主办单位:南华县人民政府办公室"
    )
    assert f.addressees == [Addressee("雨露乡委员小组", "")]
    assert f.issuing_organ == "南华县交通运输局"


def test_labels_printed_in_square_brackets_and_signature_labels():
    f = _fields(
        "[ 发文字号 ] | 某文旅函字〔2025〕12号 |\n[ 成文日期 ] | 2025-05-13 | [ 发布日期 ] | 2025-07-09 |\n"
        "某市文化和旅游发展委员会关于市六届人大三次会议第1153号代表建议办理情况的答复函\n"
        "刘汉席代表:\n你提出的《关于支持古城创建旅游景区的建议》(第1153号建议)收悉。现将办理情况答复如下。\n"
    )
    assert f.date == datetime.date(2025, 5, 13)  # the 成文日期 cell, not the page's 发布日期
    assert f.doc_number is not None and f.doc_number.text == "某文旅函字〔2025〕12号"
    f = _fields(
        "买买江·阿不都热西提代表:\n您提出的“关于中小学统一配备专用校车的建议”(第41号建议)收悉,现答复如下:\n感谢您的关心。\n"
        "主管领导签字:王 颖\n承 办 人签字:牛 震\n联 系 电 话:13119099188\n2017年5月17日\n"
    )
    assert f.handler == "牛震"  # 承办人签字 is the handler's label; 主管领导签字 names no signer
    assert f.signer == ""
    assert f.phone == "13119099188"


def test_proposers_from_a_record_label_when_the_body_opens_without_a_salutation():
    f = _fields(
        "某区公安局交巡警大队\n关于区十届人大三次会议第1号代表建议办理情况的复函\n"
        "代表姓名:陈树林、佟小刚、上官周平\n建议内容: 关于禁限行期间车辆报备的建议\n办理结果:\n"
        "您提出的关于禁限行期间车辆报备的建议收悉,现答复如下:\n感谢您的支持。\n某区公安局交巡警大队\n2024年7月23日\n"
    )
    assert f.addressees == [Addressee("陈树林", "delegate"), Addressee("佟小刚", "delegate"), Addressee("上官周平", "delegate")]


def test_a_news_section_name_is_never_the_title():
    assert is_furniture_line("今日要闻")


def test_copy_to_recipients_separated_by_spaces_or_with_bare_copy_counts():
    f = _fields("某县交通运输局关于县人大十五届四次会议第17号建议的回复\n党军代表:\n你所提的建议已收悉。现回复如下:\n感谢。\n"
                "2019年9月16日\n抄送:县人大代联委 县政府督查室\n")
    assert f.cc == ["县人大代联委", "县政府督查室"]
    f = _fields("汨罗市规划局关于答复市政协九届三次会议委员意见的函\n闵玉霞委员:\n您提出的意见收悉,现答复如下:\n感谢。\n"
                "汨罗市规划局\n2015年6月12日\n抄送:市政协提案法制委2份,市政府办3份,委员及所在单位各1份。\n")
    assert f.cc == ["市政协提案法制委", "市政府办", "委员及所在单位"]


def test_a_bare_number_under_the_session_line_is_the_proposal_number_not_a_page_number():
    f = _fields(
        "关于“拓宽西外环”的建议的答复\n县人大十八届二次会议\n16\n建议人: 庞益平等\n主办单位: 某县交通运输局\n答复时间: 2018-05-19\n"
        "庞益平等七位代表:\n你们提出的关于“拓宽西外环”的建议已收悉,现答复如下:\n感谢。\n某县交通运输局\n2018年5月19日\n"
    )
    assert f.proposal_number == "16"
    assert f.session == "县人大十八届二次会议"


def test_a_members_group_greeted_without_a_colon_and_an_organ_named_with_its_phone():
    f = _fields(
        "某县水务局关于对县政协第九届委员会第33号代表 提案的答复\n发布时间:2020-12-02 16:20\n甸沙代委员组\n"
        "你们提出的第33号《关于对甸沙乡兴隆河道进行治理的提案》已交由我局研究办理,现答复如下:\n感谢。\n"
    )
    assert f.addressees == [Addressee("甸沙代委员组", "")]
    assert f.proposal_title == "关于对甸沙乡兴隆河道进行治理的提案"
    f = _fields(
        "马三朝委员:\n您提出的《关于亮化美化路口雕塑的建议》的提案收悉。现答复如下:\n感谢。\n2020年8月18日\n"
        "联系单位及电话:郑州市上街区城市管理局 68118611\n联 系 人:熊晓玮\n"
    )
    assert f.issuing_organ == "郑州市上街区城市管理局"
    assert f.phone == "68118611" and f.handler == "熊晓玮"


def test_in_a_one_line_page_the_organ_after_the_doc_number_heads_the_title():
    f = _fields(
        "淅交字〔2019〕136号签发人:冯涛办理结果:B淅川县交通运输局关于县人大十五届四次会议第17号建议的回复"
        "尊敬的党军、许国平代表:你们所提的“关于县乡村公路连接线建议”已收悉。现回复如下:经研究,该道路已列入计划,"
        "待资金到位后实施,请代表们继续关心支持交通运输工作,我们将认真听取意见,把工作做得更好。2019年9月16日抄送:县人大代联委"
    )
    assert f.title == "淅川县交通运输局关于县人大十五届四次会议第17号建议的回复"
    assert f.issuing_organ == "淅川县交通运输局"


def test_names_in_a_run_a_middle_dot_name_whole_and_no_name_starting_inside_a_word():
    f = _fields(
        "买买江·阿不都热西提代表:您在博乐市九届人大二次会议上提出的“关于中小学统一配备专用校车的建议”(第41号建议)收悉,"
        "现答复如下:经研究,我们将协调交通部门增加城乡公交车辆,满足学生和教师乘车需求,延长公交线路方便群众出行。"
        "衷心感谢您对我市教育事业的关心和支持。2017年5月17日"
    )
    assert f.addressees == [Addressee("买买江·阿不都热西提", "delegate")]
    f = _fields(
        "关于对临临高速沿线道路进行整修建议的答复区第十九届人民代表大会第二次会议24建议人:陈刚、马晓东主办单位:某区自然资源局"
        "答复内容建议内容陈刚、马晓东代表:“关于对临临高速沿线道路进行整修”的建议收悉,现答复如下:整修应避免占用耕地。"
        "感谢您对我们工作的关心和支持,希望您们继续予以监督和指导。某区自然资源局2023年6月12日"
    )
    assert f.addressees == [Addressee("陈刚", "delegate"), Addressee("马晓东", "delegate")]


def test_a_pages_summary_before_the_document_is_not_its_opening():
    f = _fields(
        "今日要闻\n农业农村部答复:通过提高农业现代化水平,促进粮食安全\n"
        "2023-09-08 11:06:27 来源:农业农村部 阅读量:12204 评论\n导读:孟丽红委员提出的《关于促进粮食安全的提案》收悉。现答复如下。\n"
        "关于政协第十四届全国委员会第一次会议第01025号\n(农业水利类090号)提案答复的函\n孟丽红委员:\n"
        "您提出的《关于促进粮食安全的提案》收悉。经商自然资源部,现答复如下。\n"
    )
    assert f.addressees == [Addressee("孟丽红", "member")]
    assert f.title == "关于政协第十四届全国委员会第一次会议第01025号(农业水利类090号)提案答复的函"


def test_in_a_run_a_salutation_without_its_colon_before_the_bodys_opening():
    f = _fields(
        "当前位置:首页 > 政务公开 > 人大代表建议办理某区文化和旅游发展委员会关于区十八届人大四次会议第274号建议的复函"
        "日期:2023-06-27某文旅委函〔2023〕66号罗丹代表您提出的《关于打造乡村旅游的建议》(第274号)收悉。"
        "经与区农业农村委共同研究办理,现答复如下:一、支持将百果园打造成研学亲子游基地。二、在交通显著位置设置指示牌。"
    )
    assert f.addressees == [Addressee("罗丹", "delegate")]
    assert f.proposal_title == "关于打造乡村旅游的建议"
