"""The furniture of a government web page around a document, and its metadata table.

Pure functions, no Django. Text copied from a web page carries more than the document:
menus (展开 菜单, 无障碍浏览), breadcrumbs (您当前的位置:首页 > … > 正文), a line of page
statistics (来源 发布时间 浏览次数 字号 大中小 分享到 打印), the site's footer (上一条 关闭窗口
版权所有 网站标识码) and the metadata table of the 政府信息公开 catalogue (索引号 主题分类
发布机构 成文日期 …). None of it is the reply's text, and none of its words is ever a person.
"""
from __future__ import annotations

import re

# Labels of the page-statistics line: their values describe the page, not the document.
PAGE_LABELS = (
    "发布时间", "发布日期", "发表时间", "更新时间", "信息来源", "来源", "作者", "责任编辑", "编辑", "审核",
    "浏览次数", "浏览量", "浏览", "信息员", "阅读次数", "阅读", "点击量", "点击数", "点击率", "点击", "访问次数", "访问量",
    "选择阅读字号", "导读", "阅读量", "字号", "字体大小", "文字大小", "字体", "分享到", "分享", "打印", "日期", "时间",
)
# Labels of the 政府信息公开 metadata table (and of the records some sites publish replies as).
METADATA_LABELS = (
    "索引号", "主题分类", "组配分类", "体裁分类", "机构分类", "行业分类", "公文类型", "主题词", "关键字", "关键词",
    "发布机构", "所属机构", "发文机关", "发文单位", "信息名称", "文件名称", "公文名称", "名称", "标题", "文号", "发文字号",
    "文件编号", "成文日期", "成文时间", "发文日期", "产生日期", "生成日期", "公开日期", "失效日期", "生效日期", "废止日期",
    "实施日期", "公开方式", "公开范围", "公开属性", "公开程序", "公开目录", "公开形式", "时效性", "时效", "公文时效",
    "有效性", "所属主题", "分类",
    "内容概述", "处理状态", "办理状态", "信息分类", "信息类别", "所属分类",
)
# Whole lines (or cells) that are only furniture.
FURNITURE_WORDS = frozenset(
    """
    展开 菜单 收起 首页 正文 内容 详细查看 详情 关闭 关闭窗口 关闭本页 打印 打印本页 打印本文 分享 分享到 收藏
    大 中 小 大中小 放大 缩小 正常 默认 无障碍 无障碍浏览 无障碍阅读 长辈版 长者模式 关怀版 繁體版 繁体版 简体版
    登录 注册 搜索 返回 返回顶部 返回首页 上一条 下一条 上一篇 下一篇 相关推荐 相关文档 相关链接 相关阅读 附件
    作者 来源 文号 字号 字体 点击 浏览次数 浏览量 信息来源 发布时间 发布日期 责任编辑 编辑 释义 词条 随便看
    扫一扫在手机打开当前页 扫一扫在手机打开当前页面 用微信扫描二维码 关注微信 关注手机版 分享至 政府信息公开
    公开指南 公开制度 政府信息公开指南 政府信息公开制度 政府信息公开目录 今天是 当前时间 下载 下载Word 下载PDF
    微信 微博 手机版 网站地图 联系我们 佚名 本站 本网 本站原创 政务公开 政务要闻 办事服务 网上办事 互动交流 政民互动
    公众参与 新闻中心 新闻动态 通知公告 专题专栏 领导之窗 信息公开 走进 概况 首页聚焦 要闻动态 部门动态 乡镇动态 今日要闻 要闻 新闻
    """.split()
)

_BREADCRUMB_START_RE = re.compile(
    r"^(?:您?(?:当前|现在)?(?:所在|所处)?的?位置|当前所在|您所在的位置|所在位置|位置)\s*[:：]?"
)
_BREADCRUMB_SEPARATORS_RE = re.compile(r"\s*(?:>>>|>>|>|»|›|→|/)\s*")
_FURNITURE_LINE_RE = re.compile(
    r"""^(?:
        欢迎(?:访问|来到|光临)                              # 欢迎访问马关县人民政府门户网
      | 今天是 | 当前时间 | 本网站已支持 | 网站支持IPv6 | 微信智能问答
      | 扫一扫 | 用微信扫描 | 关注微信 | 分享到 | 【?打印 | 【?关闭 | 【下载
      | 上一(?:条|篇)[:：]? | 下一(?:条|篇)[:：]?
      | 版权所有 | 网站标识码 | 主办单位[:：] | 承办[:：] | 技术支持 | 备案号 | .*ICP备 | .*公网安备
      | 【?\s*字(?:体|号)\s*[:：]
      | (?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*星期.                # 2023年11月5日星期天
      | 百科全书收录
    )""",
    re.VERBOSE | re.IGNORECASE,
)


def is_breadcrumb(line: str) -> bool:
    """您当前的位置:首页 > 政务公开 > …, or a line of ≥ 2 ">" separators that starts at 首页."""
    if _BREADCRUMB_START_RE.match(line):
        return True
    return line.startswith("首页") and len(_BREADCRUMB_SEPARATORS_RE.findall(line)) >= 2


def breadcrumb_tail(line: str) -> str:
    """The text after a breadcrumb's last separator: where a page title run into it starts."""
    parts = _BREADCRUMB_SEPARATORS_RE.split(_BREADCRUMB_START_RE.sub("", line))
    return parts[-1].strip() if parts else ""


def is_furniture_word(text: str) -> bool:
    """A menu word, page label or button: never a title, a name or an addressee."""
    compact = re.sub(r"[\s:：|【】\[\]()（）•·]", "", text)
    return compact in FURNITURE_WORDS or compact in PAGE_LABELS or compact in METADATA_LABELS


def is_furniture_line(line: str) -> bool:
    """A line that belongs to the web page, not to the document."""
    compact = line.strip(" •·|-–—")
    if not compact or not re.search(r"[\w\u3400-\u9fff]", compact):
        return True
    return bool(is_furniture_word(compact) or is_breadcrumb(compact) or _FURNITURE_LINE_RE.match(compact))


# Where the site's own footer starts (everything after it is not the reply's).
_SITE_FOOTER_RE = re.compile(
    r"^(?:扫一扫|上一(?:条|篇)|下一(?:条|篇)|【?关闭|【?打印|版权所有|网站标识码|主办单位[:：]|技术支持|"
    r"相关推荐|相关文档|相关链接|责任编辑|用微信扫描|关注微信|.*ICP备|.*公网安备|网站地图|联系我们|返回顶部|"
    r"我要纠错|友情链接|Copyright|©)"
)


def starts_site_footer(line: str) -> bool:
    return bool(_SITE_FOOTER_RE.match(line.strip(" •·|")))


# Menu words and catalogue names a page runs into the title line ("政府信息公开天水市…的答复").
_MENU_WORDS = (
    r"政府信息公开|信息公开|详细查看|关闭|正文|无障碍浏览|无障碍|长者模式|长辈版|登录|注册|星期[一二三四五六日天]|"
    r"首页|展开|菜单|公开制度|公开指南|当前位置|本站|本网"
)
# Catalogue names: a whole line of them is a menu, but in front of a title they may be its first words.
_CATALOGUE_WORDS = r"建议提案办理结果|建议提案办理|建议提案|政协委员提案(?:办理)?|人大代表建议(?:办理)?|人大建议|政协提案"
_LEADING_FURNITURE_RE = re.compile(rf"^(?:{_MENU_WORDS})+")
_MENU_LINE_RE = re.compile(rf"^(?:{_MENU_WORDS}|{_CATALOGUE_WORDS})+$")


def strip_leading_furniture(text: str) -> str:
    """The text without the menu words in front of it; unchanged when nothing else would be left."""
    stripped = _LEADING_FURNITURE_RE.sub("", text).lstrip(" :：>")
    return stripped if len(stripped) >= 6 else text


def is_menu_text(text: str) -> bool:
    """A line made only of menu words and catalogue names (政协委员提案, 建议提案办理结果)."""
    return bool(_MENU_LINE_RE.match(text.strip()))


_FURNITURE_WORD_RE = re.compile(
    "|".join(sorted((re.escape(w) for w in FURNITURE_WORDS | set(PAGE_LABELS) if len(w) >= 2), key=len, reverse=True))
    + r"|>|›|»"
)


def holds_furniture(text: str) -> bool:
    """Whether page furniture (a menu word, a page label, a breadcrumb separator) occurs in the text."""
    return bool(_FURNITURE_WORD_RE.search(text))
