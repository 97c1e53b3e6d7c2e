"""Chinese-text knowledge shared by ingestion, the outline and search: character ranges,
numerals, dates, section headings and the shape of personal names.

Pure functions, no Django. Everything here is about Chinese writing, not about replies;
document numbers are in :mod:`replies.ingest.docnumbers`, page furniture in
:mod:`replies.ingest.furniture`.
"""
from __future__ import annotations

import datetime
import re

# --- character ranges ------------------------------------------------------------------

# CJK ideographs: Extension A, the Unified block and the compatibility block.
CJK_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The ideographs plus 〇 (U+3007), which dates and numbers use as a digit.
CJK = CJK_IDEOGRAPHS + "\u3007"
# CJK symbols and punctuation, full-width forms, general punctuation (quotes “” ‘’, —, …).
WIDE_PUNCT = "\u3000-\u303f\uff00-\uffef\u2010-\u2027\u2030-\u205e"
WIDE = CJK + WIDE_PUNCT
SPACE = " \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"

# --- numerals --------------------------------------------------------------------------

CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0, "O": 0, "0": 0}
CN_NUMERAL_CHARS = "〇○零Ｏ一二三四五六七八九十"


def cn_number(s: str) -> int:
    """二〇〇六 → 2006 (digit by digit), 二0一七 → 2017; 二十一 → 21, 十二 → 12 (with 十); "21" → 21.

    Raises KeyError or ValueError for anything else.
    """
    if s.isdigit() and s.isascii():
        return int(s)
    if "十" not in s:
        return int("".join(str(CN_DIGITS[c]) for c in s))
    tens, _, units = s.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def chinese_numeral_value(numeral: str) -> int | None:
    """A small counting numeral: 一 → 1, 十 → 10, 十二 → 12, 二十一 → 21; None for anything else."""
    digits = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
    if not numeral or any(c not in digits and c != "十" for c in numeral) or numeral.count("十") > 1:
        return None
    if "十" not in numeral:
        return digits[numeral] if len(numeral) == 1 else None
    tens, _, units = numeral.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)


# --- dates -----------------------------------------------------------------------------

_YEAR_DIGITS = f"[{CN_NUMERAL_CHARS}0]{{4}}"
DATE_RE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|{_YEAR_DIGITS})\s*年\s*(?P<m>\d{{1,2}}|[{CN_NUMERAL_CHARS}]{{1,2}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{CN_NUMERAL_CHARS}]{{1,3}})\s*日"
    r"|(?<!\d)(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
)
# A date printed as bare digits, as a sign-off sometimes is: 2023927, 20241018.
BARE_DATE_RE = re.compile(r"^(?P<digits>(?:19|20)\d{5,6})$")


def parse_date(s: str) -> datetime.date | None:
    """The first valid date in `s`: 2021年5月20日, 二〇〇六年九月七日, 二0一七年, 2020-12-28."""
    for m in DATE_RE.finditer(s):
        try:
            if m["y"]:
                return datetime.date(cn_number(m["y"]), cn_number(m["m"]), cn_number(m["d"]))
            return datetime.date(int(m["iy"]), int(m["im"]), int(m["id"]))
        except (KeyError, ValueError):
            continue
    return None


def parse_bare_date(s: str) -> datetime.date | None:
    """20241018 → 2024-10-18; seven digits read month-then-two-digit-day first (2023927 → 2023-09-27)."""
    m = BARE_DATE_RE.match(s.strip())
    if not m:
        return None
    digits = m["digits"]
    year, rest = int(digits[:4]), digits[4:]
    splits = [(rest[:2], rest[2:])] if len(rest) == 4 else [(rest[:1], rest[1:]), (rest[:2], rest[2:])]
    for month, day in splits:
        try:
            return datetime.date(year, int(month), int(day))
        except ValueError:
            continue
    return None


# --- section headings ------------------------------------------------------------------

_CN_COUNTING = "一二三四五六七八九十"
# The three levels of section numbers a reply uses (the outline's levels).
SECTION_NUMBER_PATTERNS = (
    (1, re.compile(rf"^\s*(?P<label>(?P<n>[{_CN_COUNTING}]{{1,3}})\s*、)\s*")),
    (2, re.compile(rf"^\s*(?P<label>[（(]\s*(?P<n>[{_CN_COUNTING}]{{1,3}})\s*[）)])\s*[、，,]?\s*")),
    # "1.36亿元" is a number, not a heading: the dot must not be followed by a digit.
    (3, re.compile(r"^\s*(?P<label>(?P<n>\d{1,2})\s*(?:[.．](?!\d)|、))\s*")),
)
# Any line that starts like a numbered heading (looser: also 第一，, ①, 第三章).
HEADING_START_RE = re.compile(
    r"""^(?:
        第?[一二三四五六七八九十百]+[、．.，,]           # 一、 第一，
      | [（(][一二三四五六七八九十百\d]+[）)]            # （一） (1)
      | \d{1,2}(?:\.\d{1,2})*[、．.]                    # 1、 1. 1.2.
      | [①-⑳]
      | 第[一二三四五六七八九十百\d]+[章节条部分]
    )""",
    re.VERBOSE,
)
HEADING_MAX_CHARS = 40


def is_heading(line: str) -> bool:
    """A short numbered line without sentence punctuation: 一、总体情况 / （二）… / 1. …"""
    return (
        len(line) <= HEADING_MAX_CHARS
        and bool(HEADING_START_RE.match(line))
        and not any(c in line for c in "。！？；!?;")
    )


def section_number(paragraph: str) -> tuple[int, int, str, str] | None:
    """(level, number, label as printed without spaces, the rest) when the paragraph opens with a section number."""
    for level, pattern in SECTION_NUMBER_PATTERNS:
        m = pattern.match(paragraph)
        if not m:
            continue
        number = int(m["n"]) if level == 3 else chinese_numeral_value(m["n"])
        rest = paragraph[m.end():].strip()
        if number is None or not rest:
            return None
        return level, number, re.sub(r"\s+", "", m["label"]), rest
    return None


# --- personal names --------------------------------------------------------------------

# Common single-character surnames and the compound ones; a cue, not a rule (names from
# minority languages such as 李班马才 or 色尔道 still pass on their shape).
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邱显候"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "令狐", "夏侯", "端木")
_NAME_SHAPE_RE = re.compile(rf"^[{CJK_IDEOGRAPHS}]{{2,4}}$|^[{CJK_IDEOGRAPHS}]{{1,8}}·[{CJK_IDEOGRAPHS}]{{1,8}}$")


def has_name_shape(s: str) -> bool:
    """Two to four ideographs (or a transcribed name with ·): the shape of a Chinese personal name."""
    return bool(_NAME_SHAPE_RE.match(s))


def starts_with_surname(s: str) -> bool:
    return bool(s) and (s[0] in SURNAMES or s.startswith(COMPOUND_SURNAMES))
