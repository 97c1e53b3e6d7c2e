"""Commitments: the sentences of a reply's body that promise future action, each with its deadline.

Pure functions, no Django. A reply says what its unit will do ("下一步，我局将……", "力争2022年底前完成……",
"计划于明年启动……"); staff track those promises. The rules (docs/commitments.md):

1. The body is cut into sentences (up to 。！？ or a paragraph's end), from the answer to the sign-off.
2. A sentence is a commitment when one of its clauses (between ，；：) speaks of the future and does not
   speak of the past: 将 (not the 将 of "将…纳入", which puts an object before its verb), 将会, 拟, 计划,
   力争, 争取, 预计, 下一步, 今后, 后续, 届时, 待…后 … ; 已, 已经, 曾, 目前正在 make a clause past or present.
3. A sentence without such a word is a commitment too when it stands where the reply lists what it will do:
   after "下一步"/"今后"/"接下来" opening its paragraph, after "将从以下方面…" or "将多措并举…", in the
   numbered items that follow such an opener.
4. Courtesies are never commitments ("感谢…，我们将一如既往…", "欢迎您继续…", "以便进一步改进工作"),
   nor suggestions to others ("建议…").
5. The deadline is the first date the promise prints or implies: "2022年底前" → 2022-12-31, "年内"/"今年"/
   "全年" → the end of the reply's year, "明年" → the end of the next year, "上半年" → 30 June, "3月底前" →
   that month's end (the next year's when the month has passed at the reply's date). A year naming a plan
   or a fund ("纳入2026年项目库") is no deadline. An item of a list takes its opener's deadline when it
   prints none.
"""
from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from replies.ingest.chinese import CJK, parse_bare_date, parse_date, section_number


@dataclass(frozen=True)
class Commitment:
    sentence: str  # the sentence as printed in the body
    start: int  # character offsets of the sentence in the body
    end: int
    deadline: datetime.date | None


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    paragraph: int  # index of its paragraph
    opens_paragraph: bool


# --- sentences -----------------------------------------------------------------------------

_SENTENCE_END = "。！？!?"
# Lines that end the reply proper: the sign-off block and what a web page adds after it.
_SIGN_OFF_RE = re.compile(
    r"^\s*(?:签发人|签发领导|主要签发领导|领导署名|经办人|承办人|承办负责人|承办单位|联系人|联系电话|联系单位|联\s*系|"
    r"抄\s*送|抄\s*报|主办单位|办复类别|办理类别|附件|附：|主题词|此复|特此(?:函告|函复|答复|回复)|此致|"
    r"部门负责人|单位负责人|扫一扫|上一条|下一条|相关推荐|打印|关闭)"
)
_CHINESE_DATE_LINE_RE = re.compile(rf"^\s*[{CJK}0-9]{{2,4}}年[{CJK}0-9]{{1,2}}月[{CJK}0-9]{{1,3}}日\s*$")


def _is_sign_off(paragraph: str) -> bool:
    stripped = paragraph.strip()
    if _SIGN_OFF_RE.match(stripped) or _CHINESE_DATE_LINE_RE.match(stripped):
        return True
    return len(stripped) <= 16 and (parse_bare_date(stripped) is not None or parse_date(stripped) is not None)


def split_sentences(body: str) -> list[Sentence]:
    """The body's sentences with their offsets, from its start to the sign-off block."""
    sentences: list[Sentence] = []
    paragraph_index = 0
    for paragraph in re.finditer(r"[^\n]+", body):
        text = paragraph.group()
        if not text.strip():
            continue
        if _is_sign_off(text):
            break
        first = True
        for piece in re.finditer(rf"[^{_SENTENCE_END}]+[{_SENTENCE_END}]*", text):
            raw = piece.group()
            leading = len(raw) - len(raw.lstrip())
            stripped = raw.strip()
            if not stripped:
                continue
            start = paragraph.start() + piece.start() + leading
            sentences.append(Sentence(stripped, start, start + len(stripped), paragraph_index, first))
            first = False
        paragraph_index += 1
    return sentences


# --- what makes a clause a promise ---------------------------------------------------------

_CLAUSE_SPLIT_RE = re.compile(r"[，,；;：:、]")
# 将 as the future ("我局将积极…", "将于10月末完成"), told from the 将 that fronts an object ("将X纳入规划"):
# the future 将 is followed by an adverb, a preposition or a verb of doing.
_FUTURE_JIANG_RE = re.compile(
    r"将(?:会|要|继续|进一步|积极|认真|立即|及时|尽快|尽力|尽最大|全力|全面|切实|加快|加大|加强|大力|逐步|陆续|持续|"
    r"不断|优先|适时|紧紧|密切|重点|统筹|深入|多措并举|"
    r"根据|按照|依据|依照|结合|围绕|对|从|在|于|以|把|与|和|同|会同|联合|通过|针对|"
    r"组织|开展|实施|推进|推动|启动|采取|做好|协调|争取|督促|认定|研究|完善|建立|指导|配合|予以|给予|安排|"
    r"介入|认真|主动|力争|着力|努力|进行|开工|完成|建设|实现|提高|提升|发挥|牵头|打造|出台|制定|落实|"
    r"请示|邀请|跟踪|关注|强化|优化|扩大|新建|改造|修建|投入|筹措|申报|上报|及早)"
)
_JIANG_RE = re.compile(r"(?<![即拟])将(?![来军士])")
# The verbs after which 将 fronted an object ("将东塘中学住房撤除", "将项目纳入2026年项目库").
_DISPOSAL_VERB_RE = re.compile(r"纳入|列入|列为|作为|改为|改至|改成|调出|调整为|上报|报送|报至|交由|交给|转交|撤除|放到|放在|"
                               r"定为|确定为|并入|移交|划为|划入")
_FUTURE_WORD_RE = re.compile(
    r"将会|将来|下一步|下步|今后|此后|^\s*(?:后续|后期)|接下来|下阶段|下一阶段|在以后的工作中|以后的工作中|"
    r"拟|力争|预计|届时|即将|继续|争取(?:尽快|早日|在|于|\d|[一二]〇|明年|今年|年内)|尽快|早日|即可|方可|再作|"
    r"(?<![设展金目作度动划有财])计划(?![内中书表单经地，,。；、]|\s*$)|决定(?![，,。；、])|准备|待[^，,。；]{1,30}后|"
    r"(?<![社大议协员机开召年例工省都学同])会(?=积极|逐步|立即|尽|适时|加大|紧跟|继续|进一步|及时|认真|全力|陆续|"
    r"优先|按照|根据|结合|采取|予以|给予|密切|跟踪|持续)"
)
_PAST_WORD_RE = re.compile(r"已(?!经?(?:准备|计划|决定))|曾|截至目前|截止目前|目前正在|正在|一直|近年来|以来|了(?![解])")
_SUGGESTION_RE = re.compile(r"^(?:同时[，,])?(?:建议|应由|请|希望|恳请|欢迎)")
_COURTESY_RE = re.compile(
    r"^(?:最后[，,]?\s*)?(?:再次|再一次|衷心|非常|十分|真诚)?(?:感谢|谢谢|致谢)|一如既往|欢迎[^。]*(?:继续|今后)|"
    r"收悉|答复如下|回复如下|希望[^。]*(?:继续|今后|一如既往)|以便(?:我们)?进一步改进|提出宝贵|多提宝贵|请您对|请填|反馈给我们"
)


def _clause_is_promise(clause: str) -> bool:
    if _PAST_WORD_RE.search(clause):
        return False
    return bool(_FUTURE_JIANG_RE.search(clause) or _FUTURE_WORD_RE.search(clause) or _future_jiang(clause))


def _future_jiang(clause: str) -> bool:
    """将 followed by no verb of disposal in its clause is the future ("我厅将综合…情况")."""
    m = _JIANG_RE.search(clause)
    return m is not None and not _DISPOSAL_VERB_RE.search(clause, m.end())


_TITLE_RE = re.compile(r"《[^《》]*》")


def is_promise(sentence: str) -> bool:
    """Whether one of the sentence's clauses speaks of what will be done (rule 2 of the module's docstring)."""
    sentence = _TITLE_RE.sub("《》", sentence)  # a cited title's words are not the reply's
    if _COURTESY_RE.search(sentence):
        return False
    clauses = [clause for clause in _CLAUSE_SPLIT_RE.split(sentence) if clause.strip()]
    if clauses and _SUGGESTION_RE.match(clauses[0].strip()):
        return False
    return any(_clause_is_promise(clause) for clause in clauses)


# --- where a reply lists what it will do ---------------------------------------------------

_PARAGRAPH_OPENER_RE = re.compile(
    r"^(?:在)?(?:下一步|下步|今后|接下来|下阶段|下一阶段|后续|下一步工作中|在今后的工作中|今后工作中)")
_LIST_OPENER_RE = re.compile(r"以下|多措并举|几个方面|主要开展|着力")
_ITEM_RE = re.compile(r"^(?:[一二三四五六七八九十]是|另|同时|此外|再次)")
# Scope-only sentences shorter than this are item headings ("一是强化创新载体建设。"), not promises.
MIN_LISTED_CHARACTERS = 12
# A numbered item's opening sentence this short is its heading ("1. 聚焦基础再造，寻求创新赋能新突破。").
ITEM_HEADING_CHARACTERS = 25


_COUNTED_ITEM_RE = re.compile(r"^\s*[一二三四五六七八九十]是")
COUNTED_ITEM_LEVEL = 4  # "一是…", "二是…": below the outline's three levels of numbers


def _item_level(text: str) -> int | None:
    if _COUNTED_ITEM_RE.match(text):
        return COUNTED_ITEM_LEVEL
    numbered = section_number(text)
    return numbered[0] if numbered else None


# --- deadlines -----------------------------------------------------------------------------

_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年"
_MONTH = r"(?P<month>1[0-2]|0?[1-9])\s*月"
_DEADLINE_RES = (
    # 2022年底前, 2022年年底, 2022年末, 2022年内
    ("year_end", re.compile(rf"{_YEAR}\s*(?:年底|年末|底|末|内|前|以前|之前|全年)")),
    ("year_half", re.compile(rf"{_YEAR}\s*(?P<half>上半年|下半年)")),
    ("year_month", re.compile(rf"{_YEAR}\s*{_MONTH}(?:份|底|末|中旬|下旬|上旬|前)?")),
    ("this_year_month", re.compile(rf"(?:今年|本年|年内)\s*{_MONTH}(?:份|底|末|中旬|下旬|上旬)?")),
    ("next_year_half", re.compile(r"明年(?P<half>上半年|下半年)")),
    ("next_year", re.compile(r"明年|下一年度|下年度")),
    ("this_year_half", re.compile(r"(?<![明去前])(?:今年|本年度?)?(?P<half>上半年|下半年)")),
    ("month", re.compile(rf"(?<![\d年]){_MONTH}(?:份|底|末|中旬|下旬|上旬)?(?:前|之前|以前)?(?=[^日号\d])")),
    ("this_year", re.compile(r"今年|本年度|(?<![\d一二三四五六七八九十两])年内|年底前|年底|年末|全年")),
    # 到2025年, 至2025年: the year a target is to be reached by ("力争到2025年累计突破150家").
    ("by_year", re.compile(rf"(?:到|至)\s*{_YEAR}(?![\s\d一二三四五六七八九十]*月)")),
    # A year alone is a deadline where it says when ("力争2023年完成", "2023年我局将…"), not where it names a
    # plan, a fund or a project ("2026年项目库").
    ("year", re.compile(rf"^\s*(?P<opening_year>(?:19|20)\d{{2}})\s*年|(?:(?<=争取)|(?<=力争)|(?<=于)|(?<=在)|(?<=预计)|(?<=计划)|(?<=确保)|(?<=[，,；]))"
                        rf"\s*{_YEAR}(?=\s*(?:[，,]|[我将完建开动投实启全力前内]))")),
)


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def read_deadline(text: str, *, reply_date: datetime.date | None, reply_year: int | None) -> datetime.date | None:
    """The first deadline `text` prints or implies, read against the reply's date (rule 5)."""
    year = reply_year or (reply_date.year if reply_date else None)
    found: list[tuple[int, datetime.date]] = []
    for kind, pattern in _DEADLINE_RES:
        for m in pattern.finditer(text):
            deadline = _deadline_of(kind, m, year=year, reply_date=reply_date)
            if deadline is not None:
                found.append((m.start(), deadline))
                break
    if not found:
        return None
    return min(found, key=lambda item: item[0])[1]


def _deadline_of(kind: str, m: re.Match[str], *, year: int | None,
                 reply_date: datetime.date | None) -> datetime.date | None:
    groups = m.groupdict()
    printed = groups.get("year") or groups.get("opening_year")
    printed_year = int(printed) if printed else None
    if printed_year is not None and year is not None and printed_year < year:
        return None  # a year before the reply's is a statement of what was done
    half = groups.get("half")
    if kind in ("year_end", "year", "by_year"):
        return _year_end(printed_year)
    if kind == "year_half":
        return datetime.date(printed_year, 6, 30) if half == "上半年" else _year_end(printed_year)
    if kind == "year_month":
        return _month_end(printed_year, int(groups["month"]))
    if year is None:
        return None
    if kind == "next_year_half":
        return datetime.date(year + 1, 6, 30) if half == "上半年" else _year_end(year + 1)
    if kind == "next_year":
        return _year_end(year + 1)
    if kind == "this_year_half":
        return datetime.date(year, 6, 30) if half == "上半年" else _year_end(year)
    if kind == "this_year_month":
        return _month_end(year, int(groups["month"]))
    if kind == "month":
        month = int(groups["month"])
        passed = reply_date is not None and month < reply_date.month
        return _month_end(year + 1 if passed else year, month)
    return _year_end(year)


# --- the step ------------------------------------------------------------------------------

def find_commitments(body: str, *, reply_date: datetime.date | None = None,
                     reply_year: int | None = None) -> list[Commitment]:
    """The commitments of a reply's body, in order (rules in the module's docstring)."""
    commitments: list[Commitment] = []
    scope_paragraph: int | None = None  # the paragraph whose rest is a list of promises
    scope_level: int | None = None  # the numbered items that continue the list in later paragraphs
    scope_deadline: datetime.date | None = None
    previous_paragraph = -1
    for sentence in split_sentences(body):
        text = sentence.text
        new_paragraph = sentence.paragraph != previous_paragraph
        previous_paragraph = sentence.paragraph
        if new_paragraph and scope_paragraph is not None and sentence.paragraph != scope_paragraph:
            if scope_level is not None and _item_level(text) == scope_level:
                scope_paragraph = sentence.paragraph  # the next item of the list
            else:
                scope_paragraph = scope_level = scope_deadline = None
        listed = scope_paragraph == sentence.paragraph
        promise = is_promise(text)
        opener = sentence.opens_paragraph and _PARAGRAPH_OPENER_RE.match(text)
        if (promise and _LIST_OPENER_RE.search(text)) or opener:
            scope_paragraph = sentence.paragraph
            scope_level = None
            scope_deadline = read_deadline(text, reply_date=reply_date, reply_year=reply_year) or (
                _year_end(reply_year) if reply_year and str(reply_year) in text.replace(" ", "") else None)
            listed = True
            if _is_last_of_paragraph(body, sentence):
                scope_level = _next_level(body, sentence)
        if _COURTESY_RE.search(text) or _SUGGESTION_RE.match(text):
            continue
        if not promise and not (listed and _listed_promise(text)):
            continue
        deadline = promise_deadline(text, reply_date=reply_date, reply_year=reply_year)
        if deadline is None and listed:
            deadline = scope_deadline
        commitments.append(Commitment(text, sentence.start, sentence.end, deadline))
    return commitments


def promise_deadline(sentence: str, *, reply_date: datetime.date | None,
                     reply_year: int | None) -> datetime.date | None:
    """The first deadline the sentence's promising clauses print (a date in a clause of the past is no deadline)."""
    clauses = [clause for clause in _CLAUSE_SPLIT_RE.split(sentence) if clause.strip()]
    promising = [index for index, clause in enumerate(clauses) if _clause_is_promise(clause)]
    # A time adverbial often stands in a clause of its own before the promise ("6月底前，将认定…"): it is read
    # when no promising clause prints a date itself.
    adverbials = [index - 1 for index in promising if index and not _PAST_WORD_RE.search(clauses[index - 1])]
    for index in (*promising, *adverbials):
        deadline = read_deadline(clauses[index], reply_date=reply_date, reply_year=reply_year)
        if deadline is not None:
            return deadline
    return None


def _listed_promise(text: str) -> bool:
    """A sentence of a list of promises that is a promise itself: not a heading, not a statement of the past."""
    compact = re.sub(r"\s", "", text)
    if len(compact) < MIN_LISTED_CHARACTERS:
        return False
    if section_number(compact) and len(compact) <= ITEM_HEADING_CHARACTERS:
        return False
    return not _PAST_WORD_RE.search(text)


def _is_last_of_paragraph(body: str, sentence: Sentence) -> bool:
    rest = body[sentence.end:]
    return not rest.split("\n", 1)[0].strip()


def _next_level(body: str, sentence: Sentence) -> int | None:
    """The section level of the next paragraph, when it opens with a number (the list's items)."""
    for paragraph in body[sentence.end:].split("\n")[1:]:
        if paragraph.strip():
            return _item_level(paragraph.strip())
    return None
