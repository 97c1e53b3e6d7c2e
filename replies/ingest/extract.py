"""Structured fields from the cleaned text of a reply (答复) to a suggestion or proposal.

Pure functions, no Django. :func:`extract_fields` takes text that has already been through
:func:`replies.ingest.cleanup.repair_pdf_artifacts` and returns :class:`ReplyFields`.

A reply has a fairly fixed shape, which the extraction follows:

    [metadata block of a web page: 信息名称/索引号/主题分类/…]   (web copies only)
    常州市工业和信息化局文件                                    letterhead
    常工信复〔2021〕第22号                                     doc number
    关于对常州市十六届人大五次会议代表建议第099号的答复          title (one or two lines)
    朱红代表：                                                 salutation
    …提出的《关于…的建议》收悉…                                 body
    常州市工业和信息化局 / 2021年5月20日                        sign-off, date
    签发人：… 经办人：… 联系电话：… 抄送：…                     labelled footer

Everything before the salutation is the header; field extraction looks for each field
in the part of the document where it is printed, so that numbers and names quoted in
the body are not mistaken for the reply's own.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from replies.ingest.cleanup import CJK, is_heading

# --- result types ----------------------------------------------------------------------

KIND_NPC = "npc_suggestion"
KIND_CPPCC = "cppcc_proposal"
KIND_OTHER = "other"

ROLE_DELEGATE = "delegate"
ROLE_MEMBER = "member"


@dataclass(frozen=True)
class Addressee:
    name: str
    role: str  # "delegate" (代表), "member" (委员), or "" unknown


@dataclass(frozen=True)
class DocNumber:
    text: str  # as printed, brackets normalised to 〔〕 and spaces removed
    issuer: str  # "常工信复", "国办函"; "" when a query gives only 〔2021〕47号
    year: int
    serial: str  # digits as printed: "22", "082"

    @property
    def key(self) -> str:
        return doc_number_key(self.issuer, self.year, self.serial)


@dataclass
class ReplyFields:
    title: str = ""
    kind: str = KIND_OTHER
    doc_number: DocNumber | None = None
    session: str = ""
    proposal_number: str = ""
    addressees: list[Addressee] = field(default_factory=list)
    proposal_title: str = ""
    issuing_organ: str = ""
    signer: str = ""
    handler: str = ""
    phone: str = ""
    cc: list[str] = field(default_factory=list)
    index_number: str = ""
    subject_category: str = ""
    genre: str = ""
    date: datetime.date | None = None
    year: int | None = None
    body: str = ""


# --- document numbers ------------------------------------------------------------------

_OPEN_BRACKETS = "〔[(（【［〈"
_CLOSE_BRACKETS = "〕])）】］〉"

DOC_NUMBER_RE = re.compile(
    rf"(?P<issuer>[{CJK}A-Za-z]{{0,10}}?)\s*"
    rf"[{re.escape(_OPEN_BRACKETS)}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{re.escape(_CLOSE_BRACKETS)}]\s*"
    r"(?P<di>第)?\s*(?P<serial>\d{1,5})\s*号"
)
# Words that run into an issuer when a doc number is quoted in a sentence ("印发了常办电〔…").
_ISSUER_NOISE_WORDS = r"(?:根据|依据|按照|印发了?|下发了?|出台了?|转发了?|发布了?|制定了?|文号|见|即|和|与|及|或|的|是|为)"
_ISSUER_NOISE_RE = re.compile(rf"^.*?{_ISSUER_NOISE_WORDS}(?=.{{2,}})")
_ISSUER_ONLY_NOISE_RE = re.compile(rf"{_ISSUER_NOISE_WORDS}$")


def _doc_number_from_match(m: re.Match[str]) -> DocNumber:
    issuer = m["issuer"]
    while (stripped := _ISSUER_NOISE_RE.sub("", issuer)) != issuer:
        issuer = stripped
    if _ISSUER_ONLY_NOISE_RE.search(issuer):
        issuer = ""
    di = m["di"] or ""
    text = f"{issuer}〔{m['year']}〕{di}{m['serial']}号"
    return DocNumber(text=text, issuer=issuer, year=int(m["year"]), serial=m["serial"])


def parse_doc_number(s: str) -> DocNumber | None:
    """The first document number in `s`, in any bracket style, with or without 第 and spaces."""
    m = DOC_NUMBER_RE.search(s)
    return _doc_number_from_match(m) if m else None


def find_doc_numbers(text: str) -> list[DocNumber]:
    """Every document number in `text`, in order (issuer "" when none is printed)."""
    return [number for _, number in doc_number_mentions(text)]


def doc_number_mentions(text: str) -> list[tuple[re.Match[str], DocNumber]]:
    return [(m, _doc_number_from_match(m)) for m in DOC_NUMBER_RE.finditer(text)]


def doc_number_key(issuer: str, year: int, serial: str) -> str:
    """Canonical key: 常工信复〔2021〕第22号 and 常工信复[2021]22号 give "常工信复|2021|22"."""
    return f"{issuer}|{year}|{serial.lstrip('0') or '0'}"


# --- dates -----------------------------------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0, "O": 0}
_CN_NUM = "〇○零Ｏ一二三四五六七八九十"

_DATE_RE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_NUM}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,2}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*日"
    r"|(?<!\d)(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
)


def _cn_number(s: str) -> int:
    """二〇〇六 → 2006 (digit by digit); 二十一 → 21, 十二 → 12 (with 十)."""
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def parse_date(s: str) -> datetime.date | None:
    """The first valid date in `s`: 2021年5月20日, 二〇〇六年九月七日, 2020-12-28."""
    for m in _DATE_RE.finditer(s):
        try:
            if m["y"]:
                return datetime.date(_cn_number(m["y"]), _cn_number(m["m"]), _cn_number(m["d"]))
            return datetime.date(int(m["iy"]), int(m["im"]), int(m["id"]))
        except (KeyError, ValueError):
            continue
    return None


# --- labelled fields -------------------------------------------------------------------

# label text → field. Several labels may share one line ("主题分类:其他体裁分类:通知").
_LABELS = {
    "信息名称": "info_name",
    "索引号": "index_number",
    "主题分类": "subject_category",
    "体裁分类": "genre",
    "组配分类": "_",
    "文件编号": "doc_number",
    "发文字号": "doc_number",
    "产生日期": "produced",
    "成文日期": "written",
    "发布机构": "publisher",
    "发布日期": "published",
    "废止日期": "_",
    "内容概述": "_",
    "签发人": "signer",
    "签发": "signer",
    "经办人": "handler",
    "承办人": "handler",
    "联系人": "handler",
    "联系电话": "phone",
    "电话": "phone",
    "联系方式": "phone",
    "联系单位及电话": "phone",
    "抄送": "cc",
}
_LABEL_RE = re.compile(
    "(?P<label>"
    + "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(_LABELS, key=len, reverse=True))
    + r")\s*[:：]\s*"
)
# A mobile number first: the landline pattern would otherwise take its first eight digits.
_PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)(?:[(（]?0\d{2,3}[)）]?[-－—]?)?\d{7,8}(?:[-－转]\d{1,5})?(?!\d)")
_NAME_RE = re.compile(rf"[{CJK}·A-Za-z]+")
_LIST_SEP_RE = re.compile(r"[、，,；;]\s*")


def _labelled_values(lines: list[str]) -> dict[str, str]:
    """Values of the known labels; the first occurrence of each field wins.

    A value runs to the next label on the same line or to the end of the line; a 抄送
    list that ends with a separator continues on the next line.
    """
    values: dict[str, str] = {}
    for i, line in enumerate(lines):
        line = line.lstrip("（(【[")  # "（联系人：周敏，联系电话：…）"
        matches = list(_LABEL_RE.finditer(line))
        # Only labels at the start of a line or right after another label's value count,
        # so "电话" inside a sentence is not taken for a label.
        if not matches or matches[0].start() != 0:
            continue
        for m, nxt in zip(matches, matches[1:] + [None]):
            value = line[m.end(): nxt.start() if nxt else len(line)].strip()
            name = _LABELS[re.sub(r"\s", "", m["label"])]
            if name == "cc" and not nxt:
                value = _continue_list(value, lines[i + 1:])
            values.setdefault(name, value)
    return values


def _continue_list(value: str, following: list[str]) -> str:
    for line in following:
        if not value or value[-1] not in "、，,；;":
            break
        value += line.strip()
    return value


def _person(value: str) -> str:
    m = _NAME_RE.match(value.strip())
    return m.group(0) if m else ""


def _phone(value: str) -> str:
    m = _PHONE_RE.search(value)
    return m.group(0) if m else value.strip()


# "(1份)", "（2）" after a recipient: how many copies it gets, which also ends the item.
_COPY_COUNT_RE = re.compile(r"\s*[(（]\s*\d+\s*份?\s*[)）]\s*")


def _cc_list(value: str) -> list[str]:
    value = _COPY_COUNT_RE.sub("、", value.strip()).rstrip("。.、")
    return [part.strip() for part in _LIST_SEP_RE.split(value) if part.strip()]


# --- document layout -------------------------------------------------------------------

_SALUTATION_RE = re.compile(r"^(?:尊敬的)?(?P<names>[^。；;：:]{2,60})[：:]$")
_SALUTATION_STOP_RE = re.compile(r"答复|如下|收悉")
_LETTERHEAD_RE = re.compile(r"^(?P<organ>.{3,40}?)文件$")
_ORGAN_SUFFIX = r"(?:局|厅|委|委员会|办公室|办公厅|部|院|政府|中心|署|会|处|所|公司|站|馆|办|党组|支队|大队|法院|检察院)"
_ORGAN_LINE_RE = re.compile(rf"^(?P<organ>[{CJK}（）()、]{{2,40}}?{_ORGAN_SUFFIX})$")
_HEADER_META_RE = re.compile(r"^(?:[-–—·•]|来源|作者|发布时间|浏览|字号|【)")


@dataclass
class _Layout:
    lines: list[str]  # non-empty lines
    salutation: int | None  # index of the salutation line
    labels: dict[str, str]

    @property
    def header(self) -> list[str]:
        end = self.salutation if self.salutation is not None else min(len(self.lines), 8)
        return self.lines[:end]

    @property
    def body_lines(self) -> list[str]:
        return self.lines[self.salutation:] if self.salutation is not None else []

    @property
    def opening(self) -> str:
        """The first paragraphs after the salutation, where the proposal is acknowledged."""
        return "\n".join(self.body_lines[1:4])


_PARAGRAPH_MIN_CHARS = 60


def _find_salutation(lines: list[str]) -> int | None:
    """The "朱红代表：" line, looked for in the header only (before the first paragraph)."""
    for i, line in enumerate(lines[:25]):
        if _LABEL_RE.match(line):
            continue
        if len(line) > _PARAGRAPH_MIN_CHARS or line.endswith("。"):
            return None
        if is_heading(line):
            continue
        m = _SALUTATION_RE.match(line)
        if m and not _SALUTATION_STOP_RE.search(line):
            return i
    return None


def _layout(text: str) -> _Layout:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return _Layout(lines=lines, salutation=_find_salutation(lines), labels=_labelled_values(lines))


# --- field families --------------------------------------------------------------------

_TITLE_LINE_END_RE = re.compile(r"(?:答复|复函|的函|答复意见|办理情况)$")
_CLASS_MARK_RE = re.compile(r"^[（(]?[A-DＡ-Ｄ]类?[）)]?$|类别")


def _is_header_noise(line: str, keep_dates: bool = False) -> bool:
    return bool(
        _LABEL_RE.match(line)
        or DOC_NUMBER_RE.fullmatch(line)
        or _LETTERHEAD_RE.match(line)
        or _CLASS_MARK_RE.search(line)
        or (not keep_dates and _DATE_RE.fullmatch(line))
    )


def _extract_title(layout: _Layout) -> str:
    if layout.salutation is None:
        return _first_line_title(layout)
    header = layout.header
    # Title lines come after the letterhead and the doc number; the title runs up to the
    # salutation and may be split over two or three lines.
    start = 0
    for i, line in enumerate(header):
        if DOC_NUMBER_RE.fullmatch(line) or _LETTERHEAD_RE.match(line) or _LABEL_RE.match(line):
            start = i + 1
    candidates = [line for line in header[start:] if not _is_header_noise(line)]
    if not candidates:
        # A doc number printed after the title ("…的答复" / "国办函〔2006〕82号").
        candidates = [line for line in header if not _is_header_noise(line)]
        candidates = _trailing_title_run(candidates)
    if len(candidates) > 1 and _ORGAN_LINE_RE.match(candidates[0]):
        candidates = candidates[1:]  # a letterhead printed without 文件
    title = "".join(candidates[-3:]) if candidates else ""
    return title or layout.labels.get("info_name", "")


def _trailing_title_run(lines: list[str]) -> list[str]:
    """The lines of the title in a header that also holds other short lines."""
    for i, line in enumerate(lines):
        if _TITLE_LINE_END_RE.search(line):
            start = i - 1 if i > 0 and not _ORGAN_LINE_RE.match(lines[i - 1]) else i
            return lines[start: i + 1]
    return lines[-1:]


def _first_line_title(layout: _Layout) -> str:
    i = _first_title_index(layout.lines)
    return layout.lines[i] if i is not None else layout.labels.get("info_name", "")


def _first_title_index(lines: list[str]) -> int | None:
    """For a document without a salutation: its first line that is not letterhead or metadata."""
    for i, line in enumerate(lines[:8]):
        if not _is_header_noise(line, keep_dates=True) and not _HEADER_META_RE.match(line):
            return i
    return None


_SESSION_CORE_RE = re.compile(
    rf"第?[一二三四五六七八九十]+届(?:全国|[{CJK}]{{1,8}}?)?(?:人大|人民代表大会|政协|委员会)?(?:常委会)?"
    r"第?[一二三四五六七八九十]+次(?:全体)?会议"
)
# Where the organ/place part in front of the session starts: after one of these words.
_SESSION_PREFIX_STOP_RE = re.compile(r"(?:关于对|关于|对于|对|在|向|于|的|和|及|上)$")
_SESSION_PREFIX_MAX = 14


def _extract_session(text: str) -> str:
    m = _SESSION_CORE_RE.search(text)
    if not m:
        return ""
    start = m.start()
    while (
        start > 0
        and m.start() - start < _SESSION_PREFIX_MAX
        and re.match(rf"[{CJK}]", text[start - 1])
        and not _SESSION_PREFIX_STOP_RE.search(text[max(0, start - 3):start])
    ):
        start -= 1
    return text[start:m.end()]


_PROPOSAL_NUMBER_RES = (
    re.compile(r"(?:建议|提案|议案)(?:编?号)?[:：]?\s*第\s*(?P<n>\d{1,5})\s*号"),
    re.compile(r"第\s*(?P<n>\d{1,5})\s*号(?:代表|委员)?(?:建议|提案|议案)"),
    re.compile(r"(?:建议|提案|议案)(?:编号|号)[:：]?\s*(?P<n>\d{1,5})"),
    re.compile(r"会议第\s*(?P<n>\d{1,5})\s*号"),
)


def _extract_proposal_number(text: str) -> str:
    for pattern in _PROPOSAL_NUMBER_RES:
        m = pattern.search(text)
        if m:
            return m["n"]
    return ""


_ROLE_SUFFIX_RE = re.compile(r"(?P<role>代表|委员)$")  # not 委员会, 代表团
_ROLES = {"代表": ROLE_DELEGATE, "委员": ROLE_MEMBER}
# "周桂英等代表", "周桂英等5位代表", "王小明同志", "（第三组）".
_NAME_NOISE_RE = re.compile(r"等(?:[\d一二三四五六七八九十]+(?:位|名))?$|(?:同志|先生|女士)$|[（(].*?[）)]")


def _extract_addressees(layout: _Layout) -> list[Addressee]:
    if layout.salutation is None:
        return []
    names = _SALUTATION_RE.match(layout.lines[layout.salutation])["names"]
    result: list[Addressee] = []
    pending: list[str] = []  # names waiting for the role word that follows them
    for part in _LIST_SEP_RE.split(_NAME_NOISE_RE.sub("", names)):
        m = _ROLE_SUFFIX_RE.search(part)
        role = _ROLES[m["role"]] if m else ""
        name = _NAME_NOISE_RE.sub("", part[: m.start()] if m else part).strip()
        if not name:
            continue
        pending.append(name)
        if role:
            result.extend(Addressee(n, role) for n in pending)
            pending = []
    result.extend(Addressee(n, "") for n in pending)
    return result


_QUOTED_TITLE_RE = re.compile(r"[《“\"](?P<t>[^《》“”\"\n]{4,150}?)[》”\"][^。\n]{0,40}?收悉")
_PLAIN_TITLE_RE = re.compile(
    r"提出的(?P<t>关于[^。；《》\n]{2,150}?(?:建议|提案|议案|意见))(?:的?(?:提案|建议|议案))?"
    r"(?:[（(][^）)\n]{1,20}[）)])?(?:已)?收悉"  # "…的建议（第1234号）收悉"
)
_TITLE_QUOTE_RE = re.compile(r"《(?P<t>关于[^《》]{2,150})》")


def _extract_proposal_title(layout: _Layout, title: str) -> str:
    opening = layout.opening
    for pattern in (_QUOTED_TITLE_RE, _PLAIN_TITLE_RE):
        m = pattern.search(opening)
        if m:
            return m["t"].strip()
    m = _TITLE_QUOTE_RE.search(title) or _TITLE_QUOTE_RE.search(opening)
    return m["t"] if m else ""


_TITLE_ORGAN_RE = re.compile(rf"^(?P<organ>[{CJK}]{{2,30}}?{_ORGAN_SUFFIX})(?:关于)?对")
_SIGN_OFF_TAIL = 10


def _extract_issuing_organ(layout: _Layout, title: str) -> str:
    for line in layout.lines[:4]:
        m = _LETTERHEAD_RE.match(line)
        if m and not _LABEL_RE.match(line):
            return m["organ"]
    sign_off = _sign_off_organ(layout)
    if sign_off:
        return sign_off
    m = _TITLE_ORGAN_RE.match(title)
    if m:
        return m["organ"]
    return layout.labels.get("publisher", "")


def _sign_off_organ(layout: _Layout) -> str:
    """The organ line at the end of the letter, possibly followed by the date on its line."""
    if layout.salutation is None:
        return ""
    tail = layout.lines[max(layout.salutation + 1, len(layout.lines) - _SIGN_OFF_TAIL):]
    for line in reversed(tail):
        if _LABEL_RE.match(line):
            continue
        line = _DATE_RE.sub("", line).strip()
        m = _ORGAN_LINE_RE.match(line)
        if m:
            return m["organ"]
    return ""


def _extract_date(layout: _Layout) -> datetime.date | None:
    labels = layout.labels
    for value in (labels.get("written"), _sign_off_date(layout), labels.get("produced"), labels.get("published")):
        d = parse_date(value) if value else None
        if d:
            return d
    # Articles and pages print their date near the title ("- 2022-09-23").
    for line in layout.lines[:6]:
        if _HEADER_META_RE.match(line) or _DATE_RE.fullmatch(line):
            d = parse_date(line)
            if d:
                return d
    return None


def _sign_off_date(layout: _Layout) -> str:
    """A line near the end that is a date, or an organ followed by a date."""
    for line in reversed(layout.lines[-_SIGN_OFF_TAIL:]):
        m = _DATE_RE.search(line)
        if m and (m.start() == 0 or _ORGAN_LINE_RE.match(line[: m.start()].strip())) \
                and not line[m.end():].strip(" 。."):
            return m.group(0)
    return ""


def _extract_doc_number(layout: _Layout) -> DocNumber | None:
    for line in layout.header:
        m = DOC_NUMBER_RE.fullmatch(line)
        if m:
            return _doc_number_from_match(m)
    printed = layout.labels.get("doc_number", "")
    return parse_doc_number(printed) if printed else None


_NPC_WORDS_RE = re.compile(r"人大|人民代表大会|代表建议|议案")
_CPPCC_WORDS_RE = re.compile(r"政协|政治协商|提案")


def _classify(session: str, title: str, addressees: list[Addressee], opening: str, is_reply: bool) -> str:
    if not is_reply:
        return KIND_OTHER
    for text in (session, title):
        if _CPPCC_WORDS_RE.search(text):
            return KIND_CPPCC
        if _NPC_WORDS_RE.search(text):
            return KIND_NPC
    roles = {a.role for a in addressees}
    if roles == {ROLE_MEMBER}:
        return KIND_CPPCC
    if roles == {ROLE_DELEGATE}:
        return KIND_NPC
    if "提案" in opening:
        return KIND_CPPCC
    if "建议" in opening:
        return KIND_NPC
    return KIND_OTHER


def _extract_body(layout: _Layout) -> str:
    if layout.salutation is not None:
        lines = layout.body_lines
    else:
        title_index = _first_title_index(layout.lines)
        lines = layout.lines[title_index + 1:] if title_index is not None else layout.lines
        while lines and _is_header_noise(lines[0]) or lines and _HEADER_META_RE.match(lines[0]):
            lines = lines[1:]
    return "\n\n".join(lines)


# --- entry point -----------------------------------------------------------------------

def extract_fields(text: str) -> ReplyFields:
    """Fields of a cleaned reply (or of any other document: then kind is "other")."""
    layout = _layout(text)
    labels = layout.labels
    title = _extract_title(layout)
    addressees = _extract_addressees(layout)
    header_text = "\n".join([title, *layout.header])
    session = _extract_session(title) or _extract_session(header_text) or _extract_session(layout.opening)
    proposal_number = _extract_proposal_number(title) or _extract_proposal_number(header_text)
    is_reply = layout.salutation is not None and bool(
        any(a.role for a in addressees) or proposal_number or _TITLE_LINE_END_RE.search(title)
    )
    kind = _classify(session, title, addressees, layout.opening, is_reply)
    doc_number = _extract_doc_number(layout)
    date = _extract_date(layout)
    return ReplyFields(
        title=title,
        kind=kind,
        doc_number=doc_number,
        session=session if is_reply else "",
        proposal_number=proposal_number if is_reply else "",
        addressees=addressees if is_reply else [],
        proposal_title=_extract_proposal_title(layout, title) if is_reply else "",
        issuing_organ=_extract_issuing_organ(layout, title),
        signer=_person(labels.get("signer", "")),
        handler=_person(labels.get("handler", "")),
        phone=_phone(labels["phone"]) if labels.get("phone") else "",
        cc=_cc_list(labels.get("cc", "")),
        index_number=labels.get("index_number", ""),
        subject_category=labels.get("subject_category", ""),
        genre=labels.get("genre", ""),
        date=date,
        year=date.year if date else (doc_number.year if doc_number else None),
        body=_extract_body(layout),
    )
