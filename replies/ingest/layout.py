"""The layout of a reply after GB/T 9704-2012 (党政机关公文格式), read from plain text.

Pure functions, no Django. :func:`read_layout` splits a cleaned text into lines and labelled
cells and finds the standard's elements in it, so that each field is read where the
standard prints it:

    版头  发文机关标志 (…文件), 发文字号 (平交复函〔2017〕19号), 签发人
    主体  标题, 主送机关/称呼 (朱红代表：), 正文, 附件说明, 发文机关署名, 成文日期,
          附注 (联系人, 联系电话, 此件公开发布)
    版记  抄送, 印发机关和印发日期

Around these a web copy carries page furniture (see :mod:`replies.ingest.furniture`), a
metadata table, and the reply's own labels (办理类别 A/B/C, 公开属性, 主办/协办/会办).

Text copied from a table runs several cells into one line ("签发人李杨签发日期2021-07-20"),
so a line is cut into cells at every known label before anything else is read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from replies.ingest.chinese import CJK, DATE_RE, parse_bare_date, starts_with_surname
from replies.ingest.docnumbers import DOC_NUMBER_RE
from replies.ingest.furniture import (
    METADATA_LABELS,
    PAGE_LABELS,
    is_furniture_line,
    is_furniture_word,
    starts_site_footer,
)
from replies.ingest.segmentation import is_dictionary_word, pos_tags

# --- labels ----------------------------------------------------------------------------

# label as printed → the role of its value. "_" = known but not read (so that it ends the
# value before it); "page" = page furniture.
LABEL_ROLES: dict[str, str] = {
    **dict.fromkeys(PAGE_LABELS, "page"),
    **dict.fromkeys(METADATA_LABELS, "_"),
    "信息名称": "title", "文件名称": "title", "公文名称": "title", "名称": "title", "标题": "title",
    "索引号": "index_number", "主题分类": "subject_category", "体裁分类": "genre",
    "组配分类": "catalogue", "公开目录": "catalogue", "信息分类": "catalogue", "所属分类": "catalogue",
    "文号": "doc_number", "发文字号": "doc_number", "文件编号": "doc_number",
    "成文日期": "written", "成文时间": "written", "签发日期": "written", "答复时间": "written", "答复日期": "written",
    "办结日期": "written", "办理时间": "written", "办结时间": "written", "回复时间": "written", "回复日期": "written", "产生日期": "produced", "生成日期": "produced", "发文日期": "produced",
    "发布日期": "published", "发布时间": "published", "公开日期": "published",
    "发布机构": "publisher", "所属机构": "publisher", "发文机关": "publisher", "发文单位": "publisher",
    "信息来源": "source", "来源": "source",
    "承办单位": "undertaker", "办理部门": "undertaker", "办理单位": "undertaker", "主办单位": "undertaker",
    "答复单位": "undertaker",
    "协办单位": "_", "会办单位": "_", "交办日期": "_", "反馈时间": "_", "责任领导": "_", "政府督办领导": "_",
    "承办负责人": "_", "承办责任人": "_", "分管领导": "_", "主管领导姓名": "_", "主管领导": "_", "领导签字": "_",
    "邮政编码": "_", "邮编": "_", "地址": "_", "通讯地址": "_", "办理结果": "class", "办理情况": "_",
    "办理类别": "class", "办复类别": "class", "答复类别": "class", "类别": "class", "答复类型": "class",
    "是否同意公开": "_", "是否公开": "_", "公开属性": "_", "公开方式": "_",
    "签发人": "signer", "签发": "signer", "签发领导": "signer", "领导签发": "signer", "主要签发领导": "signer",
    "领导署名": "signer",
    "联系人": "handler", "经办人": "handler", "承办人": "handler", "办理人": "handler", "联系人姓名": "handler",
    "人姓名": "handler", "承办单位联系人": "handler", "人": "handler", "承办人员": "handler", "经办人员": "handler",
    "联系人员": "handler", "联系人姓名、职务": "handler", "联系人及职务": "handler",
    "承办人签字": "handler", "经办人签字": "handler", "联系人签字": "handler",
    "主管领导签字": "_", "分管领导签字": "_", "负责人签字": "_", "单位负责人": "_",
    "联系单位和联系人及电话": "unit_handler", "联系单位及联系人电话": "unit_handler", "联系单位及联系人及电话": "unit_handler",
    "联系人及电话": "handler_phone", "联系人及联系电话": "handler_phone", "联系人及联系方式": "handler_phone",
    "承办人及联系电话": "handler_phone", "承办人及电话": "handler_phone", "经办人及电话": "handler_phone",
    "经办人及联系电话": "handler_phone", "联系人姓名及电话": "handler_phone", "承办单位联系人姓名及电话": "handler_phone",
    "联系单位及联系人": "unit_handler", "联系单位": "contact_unit",
    "联系电话": "phone", "电话": "phone", "联系方式": "phone", "联系单位及电话": "phone", "办公电话": "phone",
    "抄送": "cc", "抄报": "cc", "送": "cc", "报": "cc",
    "题目": "proposal_title", "事由": "proposal_title", "建议主题": "proposal_title", "案由": "proposal_title",
    "提案题目": "proposal_title", "建议题目": "proposal_title",
    "建议号": "proposal_number", "提案号": "proposal_number", "编号": "proposal_number", "新编号": "proposal_number",
    "建议编号": "proposal_number", "提案编号": "proposal_number", "案号": "proposal_number",
    "代表姓名": "proposers", "提案人": "proposers", "建议人": "proposers", "领衔代表": "proposers",
    "领衔人": "proposers", "提出人": "proposers",
    "届次": "session", "附件": "_", "附件说明": "_",
    "主送": "recipients", "主送机关": "recipients", "主送单位": "recipients",
}
# Labels read without a colon in the middle of a record line ("签发人李杨签发日期2021-07-20…").
_RUN_ON_LABELS = {
    label for label in LABEL_ROLES
    if len(label) >= 3 and label not in {"联系人", "承办人", "经办人", "办理人", "人姓名", "办理情况", "办理结果", "邮政编码", "承办人员"}
} | {"文号", "类别", "编号"}
# Labels read without a colon at the start of a line ("名称汉阴县…", "签发人 李杨").
_LINE_START_LABELS = _RUN_ON_LABELS | {"名称", "文号", "题目", "事由", "联系人", "承办人", "经办人"}
# Short labels that need a colon even at the start of a line.
_COLON_ONLY = {
    "人", "送", "报", "签发", "电话", "来源", "日期", "时间", "作者", "编辑", "阅读", "点击", "分享", "打印", "字号", "字体",
    "分类", "时效",
}

_CONTACT_ROLES = {"phone", "handler", "handler_phone", "unit_handler", "cc", "signer"}
_LABEL_RE = re.compile(
    "(?P<label>" + "|".join(map(re.escape, sorted(LABEL_ROLES, key=len, reverse=True))) + r")\s*(?P<colon>[:：])?\s*"
)
_BULLET_RE = re.compile(r"^[\s•·\-–—●◆■□▪>]+")
_PROSE_RE = re.compile(r"[。；;]|[，,].{20,}")


@dataclass
class Cell:
    role: str
    label: str
    value: str
    colon: bool = False


@dataclass
class Line:
    text: str  # the line as printed (a cell of a "|" table row is a line of its own)
    free: str  # the text before its first label: the whole line when it has none
    cells: list[Cell] = field(default_factory=list)
    printed: str = ""  # the line before a bracketed note was opened: "（联系人：…）"

    @property
    def is_record(self) -> bool:
        """A line that is only labelled cells: metadata or the reply's own labels."""
        return bool(self.cells) and not self.free


def _label_matches(line: str) -> list[re.Match[str]]:
    prose = bool(_PROSE_RE.search(line))
    accepted: list[re.Match[str]] = []
    for m in _LABEL_RE.finditer(line):
        label, colon = m["label"], bool(m["colon"])
        at_start = m.start() == 0
        if accepted and m.start() < accepted[-1].end():
            continue
        if label in _COLON_ONLY and not colon:
            # "联系人刘玉巧,电话2621516": a phone label in a contact note, its number right after it.
            if label == "电话" and accepted and re.match(r"\s*[(（]?\d", line[m.end():]):
                accepted.append(m)
            continue
        if at_start:
            if colon or label in _LINE_START_LABELS or (m.end() == len(line)):
                accepted.append(m)
            continue
        if label.startswith(("答复", "回复")) and re.match(rf"[{CJK}）)》”\"]", line[m.start() - 1]):
            continue  # "…的答复日期:2021-…": the title's last word, then the page's 日期
        after_sign_off = bool(re.search(r"(?:日|。|[)）])\s*[（(]?$", line[: m.start()]))
        if prose and not accepted and not (
            colon and (after_sign_off or LABEL_ROLES[label] in _CONTACT_ROLES) and len(label) >= 2
            and label not in _COLON_ONLY
        ):
            continue  # "电话" or "来源" inside a sentence (but "…联系,联系电话:6722…" is a contact)
        if colon or (label in _RUN_ON_LABELS and (accepted or not prose)):
            accepted.append(m)
    return accepted


# A 附注 naming the unit that handled the reply: "此件由市水利局办理,联系人刘玉巧,电话2621516。"
_HANDLED_BY_NOTE_RE = re.compile(
    rf"^[（(]?(?:此件|本件|该件|此提案|此建议)由(?P<unit>[{CJK}（）()]{{2,30}}?)(?:负责)?(?:主办|承办|办理|答复)[，,。；;\s]*(?P<rest>.*)$"
)


def split_cells(text: str) -> Line:
    """A line cut at its labels: the free text before them and one cell a label."""
    note = _HANDLED_BY_NOTE_RE.match(text)
    if note:
        rest = split_cells(note["rest"]) if note["rest"] else Line(text="", free="")
        unit = Cell(role="undertaker", label="由…办理", value=note["unit"], colon=True)
        return Line(text=text, free="", cells=[unit, *rest.cells])
    matches = _label_matches(text)
    if not matches:
        return Line(text=text, free=text)
    cells = [
        Cell(
            role=LABEL_ROLES[m["label"]], label=m["label"], value=text[m.end(): nxt.start() if nxt else len(text)].strip(),
            colon=bool(m["colon"]),
        )
        for m, nxt in zip(matches, matches[1:] + [None])
    ]
    free = text[: matches[0].start()].strip().rstrip("（(【[").strip()
    for cell in cells:
        number = DOC_NUMBER_RE.search(cell.value)
        if not number or cell.role == "doc_number" or free:
            continue
        start = number.start()
        if start == 0 and cell.role == "signer":
            # "签发人:杨宏亮潼民发〔2024〕275号" (版头: 签发人 and 发文字号 share a line): the 文号's issuer
            # pattern took the name; jieba reads where the name ends.
            tags = pos_tags(cell.value[: number.end()])
            if tags and tags[0][1].startswith("nr") and 2 <= len(tags[0][0]) <= 4:
                start = len(tags[0][0])
        if start > 0:
            cell.value, free = cell.value[:start].strip(), cell.value[start:].strip()
    return Line(text=text, free=free, cells=cells)


# A reply copied from one table cell runs on one line: title, salutation, body and sign-off.
_TITLE_THEN_SALUTATION_RE = re.compile(
    r"^(?P<title>.{6,120}?(?:答复的函|答复函|答复意见|答复|复函|的函|回复))"
    r"(?=(?:尊敬的?)?[^。，,:：；;“”《》]{2,60}(?:代表|委员|代表团|小组)[^。，,:：]{0,6}[:：])"
)
_FOOTER_AFTER_DATE_RE = re.compile(
    rf"(?<=日)(?=上一(?:条|篇)|下一(?:条|篇)|扫一扫|【?关闭|【?打印|分享到|责任编辑|相关(?:推荐|文档|链接))"
)


def _split_run_on(raw: str) -> list[str]:
    if _FOOTER_AFTER_DATE_RE.search(raw):
        head, tail = _FOOTER_AFTER_DATE_RE.split(raw, maxsplit=1)
        return [*_split_run_on(head), tail]
    m = _TITLE_THEN_SALUTATION_RE.match(raw)
    if m and not raw.startswith(("您", "你")):
        return [m["title"], *_split_run_on(raw[m.end():])]
    return [raw]


def _raw_lines(text: str) -> list[tuple[str, str]]:
    """(text to read, text as printed) of each line; a cell of a "|" table row is a line of its own."""
    lines = []
    for raw in (piece for line in text.split("\n") for piece in _split_run_on(line.strip())):
        cells = raw.split("|") if "|" in raw else [raw]
        for printed in cells:
            printed = printed.strip()
            cell = _BULLET_RE.sub("", printed).strip()
            # "(联系人:周敏,联系电话:…)": a bracketed note is read like its content.
            if re.match(r"^[（(].*[)）]$", cell) and re.search(r"[:：]", cell):
                cell = cell[1:-1].strip()
            # "[ 成文日期 ] | 2025-05-13 |": a label printed in square brackets is read as the label.
            m = re.fullmatch(r"[\[［【]\s*(?P<label>[^\]］】]{1,12}?)\s*[\]］】]\s*[:：]?", cell)
            if m and m["label"] in LABEL_ROLES:
                cell = m["label"]
            if cell:
                lines.append((cell, printed))
    return lines


def _attach_values_on_next_line(lines: list[Line]) -> None:
    """索引号 / 741792287-2019-00130: a label alone on its line takes the next line as its value."""
    for i, line in enumerate(lines[:-1]):
        if not line.cells or line.free or line.cells[-1].value or len(line.cells) > 1 or line.cells[-1].colon:
            continue
        if line.cells[-1].role == "page" or re.search(r"(?:答复|复函|的函|回复|答复函)$", lines[i + 1].free):
            continue  # 办理情况 / 马关县教育局关于…的答复函: the next line is the document's, not the label's
        nxt = lines[i + 1]
        if nxt.cells or len(nxt.free) > 40 or is_furniture_line(nxt.free) or nxt.free.endswith((":", "：")):
            continue
        if re.search(r"(?:代表|委员|代表团|小组)\s*(?:[:：]|您们?好|你们?好)", nxt.free):
            continue  # "文号" / "尊敬的寇章国代表:您好！": the salutation follows an empty label
        line.cells[-1].value = nxt.free
        nxt.free, nxt.text, nxt.printed = "", "", ""


# --- salutations and openings ----------------------------------------------------------

ROLE_WORDS = ("代表", "委员")
_HONORIFIC_RE = re.compile(r"^(?:尊敬的?|敬爱的|亲爱的)")
# How a reply's body opens, right after the salutation when its colon is missing.
_BODY_OPENING = r"您|你|感谢|首先|现将|经研究|非常感谢|衷心感谢"
_SALUTATION_BEFORE_BODY_RE = re.compile(
    rf"^(?:尊敬的?)?(?P<names>[^。；;：:“”《》，,]{{2,40}}?(?:代表|委员))[，,]?(?={_BODY_OPENING})"
)
_NOT_A_SALUTATION_RE = re.compile(r"答复|如下|收悉|研究|办理|提出|关于")
_PEOPLE_GROUP_ENDING = r"(?:代表团|代表小组|委员小组|代表组|委员组|联络组)$"
_GROUP_ENDING = r"(?:代表团|代表小组|委员小组|小组|联络组|联络处|界别|支部|局|厅|委|办公室|中心|政府)$"
_GREETING_RE = re.compile(r"(?:您们?好|你们?好)[！!，,。.：:]?$")
SALUTATION_RE = re.compile(
    rf"^(?:尊敬的?|敬爱的)?(?P<names>[^。；;：:“”《》]{{2,80}}?)"
    rf"(?:(?:您们?好|你们?好)[！!，,。]?\s*[：:]?|\s*[：:])(?P<rest>.*)$"
)
# "欧阿玺(等)代表提出的《…》", "余秀华9名代表" (the salutation left out, the names open the body).
OPENING_NAMES_RE = re.compile(
    rf"^(?P<names>[{CJK}、，,（）()*＊]{{2,80}}?(?:代表|委员))(?=提出|在|于|所提|您好|你好|$)"
)


_ACKNOWLEDGEMENT_RE = re.compile(r"收悉|答复如下|研究办理|办理情况如下|现答复|现函复|现回复")
_MAIN_RECIPIENT_RE = re.compile(r"^(?P<recipients>[^。；;！!？?“”《》]{2,80})[：:]$")


def _main_recipients(free: str) -> bool:
    """主送机关 that are not people ("各辖市、区人民政府，…：", "区城管局："): organs, not a label left empty."""
    m = _MAIN_RECIPIENT_RE.match(free)
    if not m or is_furniture_word(m["recipients"]):
        return False
    return bool(re.search(r"[、，,]", m["recipients"]) or re.search(rf"{ORGAN_SUFFIX}等?$", m["recipients"]))


@dataclass
class Layout:
    lines: list[Line]
    salutation: int | None  # the 主送/称呼 line
    salutation_names: str  # its names, as printed
    body_start: int  # the first line of the 主体 after the title (the salutation when there is one)
    end: int  # one past the last line of the document (the site's footer follows)
    sign_off: int | None  # the 发文机关署名 line (or the 成文日期 line when it has no organ line)

    @property
    def header(self) -> list[Line]:
        """版头 and 标题: the lines before the salutation or the opening."""
        return self.lines[: self.body_start]

    @property
    def main(self) -> list[Line]:
        return self.lines[self.body_start: self.end]

    @property
    def opening(self) -> str:
        """The first paragraphs of the body, where the proposal is acknowledged."""
        start = self.body_start
        texts = [line.text for line in self.lines[start: start + 4]]
        if self.salutation is not None:
            texts[0] = self.lines[self.salutation].text[len(self.salutation_names):] if texts else ""
        return "\n".join(texts)

    def cells(self, role: str, lines: list[Line] | None = None) -> list[str]:
        return [cell.value for line in (self.lines if lines is None else lines) for cell in line.cells if cell.role == role]

    def first(self, role: str, lines: list[Line] | None = None) -> str:
        values = [v for v in self.cells(role, lines) if v]
        return values[0] if values else ""


_HEADER_MAX_LINES = 40  # lines of the document's own (not page furniture) before the salutation
_PAGE_MAX_LINES = 150
_PARAGRAPH_MIN_CHARS = 60


def _is_prose(text: str) -> bool:
    return len(text) > _PARAGRAPH_MIN_CHARS or text.endswith("。") or "收悉" in text


# A page's summary of the document above it, run into its date and source line.
_PAGE_SUMMARY_RE = re.compile(r"(?:导读|内容摘要|摘要)\s*[:：]")


def read_layout(text: str, is_addressee_list, name_score=lambda name: 0.5) -> Layout:
    """The lines of `text` with the elements found.

    `is_addressee_list(names)` judges a salutation, `name_score(name)` how much a word looks like a
    personal name (0 to 1); both come from the field reader, which knows names.
    """
    lines = []
    for raw, printed in _raw_lines(text):
        for cell in _split_salutation_out_of_run(raw, is_addressee_list, name_score):
            line = split_cells(cell)
            line.printed = printed if cell == raw else cell
            lines.append(line)
    _attach_values_on_next_line(lines)
    lines = [line for line in lines if line.text]
    lines = _split_salutations_off_labels(lines, is_addressee_list, name_score)
    lines = [piece for line in lines for piece in _split_sign_off_off_body(line)]

    salutation, names = None, ""
    body_start = None
    seen = 0
    for i, line in enumerate(lines[:_PAGE_MAX_LINES]):
        free = line.free
        if not free or is_furniture_line(free):
            continue
        seen += 1
        if seen > _HEADER_MAX_LINES:
            break
        candidate = _salutation_names(free, is_addressee_list)
        if candidate is not None:
            salutation, names, body_start = i, candidate, i
            break
        if _PAGE_SUMMARY_RE.search(free) and not line.cells:
            continue  # "…来源:农业农村部阅读量:12204导读:孟丽红委员提出的…收悉。": the page's summary, not the body
        if body_start is not None:
            if _ACKNOWLEDGEMENT_RE.search(free):
                break  # the opening of the body: a salutation would stand before it
            continue
        if _main_recipients(free) and not line.cells:
            salutation, body_start = i, i  # 主送机关 that are not people: 各辖市、区人民政府，…：
            break
        m = OPENING_NAMES_RE.match(free)
        if m and is_addressee_list(m["names"]):
            names, body_start = m["names"], i
            break
        if _is_prose(free) and not line.cells:
            # The first paragraph; a record page may still print its salutation further on.
            body_start = i
            if _ACKNOWLEDGEMENT_RE.search(free):
                break
    if body_start is None:
        body_start = next((i for i, line in enumerate(lines) if _is_prose(line.free)), min(len(lines), 8))

    end = len(lines)
    for i in range(body_start + 1, len(lines)):
        if starts_site_footer(lines[i].text):
            end = i
            break
    return Layout(
        lines=lines, salutation=salutation, salutation_names=names, body_start=body_start, end=end,
        sign_off=_find_sign_off(lines, body_start, end),
    )


_DATE_ROLES = {"written", "produced", "published", "page", "_"}
_SIGN_OFF_AT_END_RE = re.compile(
    rf"^(?P<body>.{{10,}}?[。！!；;])(?P<organ>[{CJK}（）()]{{2,30}}?{{suffix}})?\s*(?P<date>{DATE_RE.pattern})\s*$".replace(
        "{suffix}", "(?:局|厅|委|委员会|办公室|办公厅|部|院|政府|中心|署|会|处|所|公司|站|馆|办|街道|镇|乡|队|社)"
    )
)


def _split_sign_off_off_body(line: Line) -> list[Line]:
    """"…感谢您的支持。某县交通运输局2021年5月20日联系人:…": a body run together with its sign-off."""
    last = line.cells[-1] if line.cells else None
    if last is not None and last.role not in _DATE_ROLES:
        # "联系人:胡晓炜2023年5月5日": the sign-off date run into the last label's value.
        date = re.search(rf"(?:{DATE_RE.pattern})\s*$", last.value)
        if date and date.start() > 0:
            last.value = last.value[: date.start()].strip()
            return [line, Line(text=date.group(0), free=date.group(0), printed=date.group(0))]
    m = _SIGN_OFF_AT_END_RE.match(line.free)
    if not m:
        return [line]
    pieces = [Line(text=m["body"], free=m["body"], printed=m["body"])]
    if m["organ"]:
        pieces.append(Line(text=m["organ"], free=m["organ"], printed=m["organ"]))
    pieces.append(Line(text=m["date"], free=m["date"], cells=line.cells, printed=m["date"]))
    return pieces


def _names_before_role(head: str, is_addressee_list, name_score) -> str | None:
    """The names that end `head`, just before a role word: "打印石昌艳" → 石昌艳, "的函郑志荣、白成林" → 郑志荣、白成林.

    The last names are whole items of a list; the first one is cut from what precedes it where
    jieba's words and the name's own look agree best.
    """
    noise = re.search(r"(?:[（(]等[）)]|等(?:[\d一二两三四五六七八九十]+(?:位|名|人))?)$", head)
    if noise:  # "陈伯乐等", "余秀华等9名": read the name before the 等 and keep the 等 with it
        found = _names_before_role(head[: noise.start()], is_addressee_list, name_score)
        return found + noise.group(0) if found else None
    masked = re.search(rf"[{CJK}]?[*＊]{{1,4}}$", head)
    if masked and not re.search(r"[、，,]", head):
        # "许**委员", "**委员": the name withheld by the publisher (with its surname if printed)
        text = masked.group(0)
        return text if name_score(text) > 0 else text.lstrip("".join(set(text) - set("*＊")))
    # Only the list that ends the head: what stands before a mark or a space is the page's.
    head = re.split(r"[:：。；;!！?？\]】>›»\s•]", head)[-1]
    parts = re.split(r"([、，,])", head)
    first, rest = parts[0], "".join(parts[1:])
    dotted = re.search(rf"(?P<given>[{CJK}]{{1,4}})[·・](?P<family>[{CJK}]{{1,8}})$", first)
    if dotted:
        # "买买江·阿不都热西提": a name of the minorities, its parts joined by a middle dot, is read whole;
        # its first part starts where jieba's last word before it ends.
        given, start = dotted["given"], 0
        boundary = first[: dotted.end("given")][-8:]
        position = 0
        for word, _ in pos_tags(boundary):
            if len(boundary) - position <= len(given):
                start = len(given) - (len(boundary) - position)
                break
            position += len(word)
        name = given[start:] + first[dotted.start("given") + len(given):]
        if len(name) >= 4 and (not rest or is_addressee_list(name + rest + "代表")):
            return name + rest
    boundaries, position, words = set(), 0, {}
    for word, _ in pos_tags(first[-10:]):
        position += len(word)
        boundaries.add(len(first[-10:]) - position)  # characters left after this word, from the end
        words[len(first[-10:]) - position] = word
    best, names = 0.0, None
    for length in (3, 2, 4):
        if len(first) < length:
            continue
        name = first[-length:]
        score = name_score(name) + (0.3 if (length in boundaries or length == len(first)) else 0.0)
        # Most names have three characters: a surname before a two-character name joins it, unless it ends
        # a word of the text before ("答复内容陈刚": 容 ends 内容).
        if length == 3 and starts_with_surname(name) and not (
                2 in boundaries and 3 not in boundaries and len(words.get(2, "")) >= 2
                and is_dictionary_word(words[2])):
            score += 0.35
        if score > best and (not rest or is_addressee_list(name + rest + "代表")):
            best, names = score, name + rest
    return names if names and best >= 0.5 else None


_RUN_MIN_CHARS = 150
# "…代表:", "…委员您好!", "…代表（第三组）：": a role word closing a salutation, inside a run of text.
# "…荣文旅委函〔202366罗丹代表您提出的《…》收悉": the salutation's colon missing, the body's opening right after it.
_ROLE_BEFORE_BODY_RE = re.compile(r"(?:代表|委员)(?=(?:您们?|你们?)(?:提出|在|所提|于)|《关于|“关于)")
_ROLE_AND_COLON_RE = re.compile(r"(?:代表|委员)(?=(?:[（(][^）)]{0,12}[)）])?\s*(?:(?:您们?|你们?)好)?[！!，,]?\s*[：:])")


def _split_salutation_out_of_run(raw: str, is_addressee_list, name_score) -> list[str]:
    """A page copied as one run of text (from a table cell, or with its line breaks lost): the salutation
    and the sign-off start lines of their own, so that what comes before the salutation is read as 版头,
    what follows as 主体, and the 发文机关署名 and 成文日期 where the standard prints them."""
    if len(raw) < _RUN_MIN_CHARS:
        return _split_sign_off_out_of_run(raw)
    split = _split_at_role(raw, _ROLE_AND_COLON_RE, is_addressee_list, name_score)
    if split:
        return split
    group = _RUN_GROUP_SALUTATION_RE.search(raw, 0, 800)
    if group:
        # The title's words are never part of the name ("…第55号提案的答复雨露乡委员小组:").
        names = re.split(r"答复函?|复函|的函|意见|办理单|回复|提案|建议|关于", group["names"])[-1]
        cut = group.end("names") - len(names)
        if len(names) >= 2 and is_addressee_list(names):
            return [piece for piece in (raw[:cut].strip(), *_split_sign_off_out_of_run(raw[cut:].strip())) if piece]
    return _split_at_role(raw, _ROLE_BEFORE_BODY_RE, is_addressee_list, name_score) or _split_sign_off_out_of_run(raw)


def _split_at_role(raw: str, role_re: re.Pattern[str], is_addressee_list, name_score) -> list[str] | None:
    for m in role_re.finditer(raw, 0, 800):
        head = raw[: m.start()]
        if len(head) < 8 or re.search(r"收悉|答复如下|研究办理", head[-40:]):
            continue
        names = _names_before_role(head, is_addressee_list, name_score)
        if not names or not is_addressee_list(names + raw[m.start(): m.start() + 2]):
            continue
        honorific = re.search(r"尊敬的?$", head[: -len(names)])
        cut = m.start() - len(names) - (len(honorific.group(0)) if honorific else 0)
        return [piece for piece in (raw[:cut].strip(), *_split_sign_off_out_of_run(raw[cut:].strip())) if piece]
    return None


# A group or an organ addressed in a run ("…的复函桂花镇代表团:你们在…", "…协办意见的函区城管局:现将…"): it
# starts right after the title's last word, a date or a mark.
_RUN_GROUP_SALUTATION_RE = re.compile(
    r"(?:答复函?|复函|的函|意见|办理单|回复|号|[\d:：>】)）\]\s])(?:尊敬的?)?(?![号的之])"
    rf"(?P<names>[{CJK}、，,]{{2,30}}?(?:代表团|代表小组|委员小组|小组|联络组|联络处|界别|支部|委员会|区委|市委|县委|州委|省委|"
    r"局|厅|委|办公室|办|中心|政府))\s*(?:您们?好|你们?好)?[！!，,]?\s*[:：]"
)


def _split_sign_off_out_of_run(run: str) -> list[str]:
    """"…特此函复。城口县发展和改革委员会2022711联系人:…": the last organ-and-date of a run, on its own lines."""
    if len(run) < _RUN_MIN_CHARS // 2:
        return [run]
    last = None
    for last in (_RUN_SIGN_OFF_RE if len(run) >= _RUN_MIN_CHARS else _LINE_SIGN_OFF_RE).finditer(run):
        pass
    if last is None or last.start() < len(run) // 3:
        organ_only = _RUN_ORGAN_AT_END_RE.search(run)  # "…感谢您的关心！南华县交通运输局": a sign-off without its date
        if organ_only:
            pieces = [run[: organ_only.start()], organ_only["organ"], run[organ_only.end():]]
            return [piece.strip() for piece in pieces if piece.strip()]
        return [run]
    pieces = [run[: last.start()], last["organ"], last["date"], run[last.end():]]
    return [piece.strip() for piece in pieces if piece.strip()]


def _split_salutations_off_labels(lines: list[Line], is_addressee_list, name_score) -> list[Line]:
    """A salutation run into the line before it: "来源:政府办公室崔长龙代表" (no colon, joined by the
    line repair), "字号:打印石昌艳委员:您好…", "菜单黄仕金代表:你提出的…"."""
    out: list[Line] = []
    for line in lines[:_PAGE_MAX_LINES]:
        last = line.cells[-1] if line.cells else None
        # A salutation joined to a metadata value ("发布时间:2023-12-29 14:43:43尊敬的王一君代表:您好"),
        # never to a contact's ("联系人:王刚代表").
        in_cell = last is not None and last.role not in _CONTACT_ROLES
        text = last.value if in_cell else line.free if not line.cells else ""
        m = re.search(rf"(?:代表|委员)(?=[:：]|$|{_BODY_OPENING})", text[:100]) if text else None
        if not m or m.start() < 2 or (not in_cell and SALUTATION_RE.match(text) and is_addressee_list(
                _GREETING_RE.sub("", SALUTATION_RE.match(text)["names"]))):
            out.append(line)
            continue
        head, tail = text[: m.start()], text[m.start():]
        names = _names_before_role(head, is_addressee_list, name_score)
        if not names or len(names) > len(head) or not is_addressee_list(names + tail[:2]):
            out.append(line)
            continue
        salutation = names + tail
        if in_cell:
            last.value = head[: -len(names)]
            out.append(line)
        elif len(names) < len(head):
            prefix = head[: -len(names)]
            out.append(Line(text=prefix, free=prefix, printed=prefix))
        out.append(Line(text=salutation, free=salutation, printed=salutation))
    return out + lines[_PAGE_MAX_LINES:]


def _salutation_names(free: str, is_addressee_list) -> str | None:
    """The names of a salutation line ("尊敬的朱杰代表:", "于广海委员您好:", "田凤琴、吴运华委员",
    "王刚代表您提出的…" with the body run on)."""
    run_on = _SALUTATION_BEFORE_BODY_RE.match(free)
    if run_on and not _NOT_A_SALUTATION_RE.search(run_on["names"]) and is_addressee_list(run_on["names"]):
        return _HONORIFIC_RE.sub("", run_on["names"])
    m = SALUTATION_RE.match(free)
    if m:
        names = _GREETING_RE.sub("", m["names"]).strip()
        rest = m["rest"].strip()
        if _NOT_A_SALUTATION_RE.search(names):
            return None
        # A salutation run together with the body ("杨茂林委员:您在…") needs a role word, or a group's or an
        # organ's name before an opening ("桂花镇代表团:你们在…", "区城管局:现将…").
        if is_addressee_list(names) and (
            not rest or names.endswith(ROLE_WORDS)
            or (re.search(_GROUP_ENDING, names) and re.match(rf"(?:{_BODY_OPENING}|贵)", rest))
        ):
            return _HONORIFIC_RE.sub("", names)
        return None
    bare = _GREETING_RE.sub("", _HONORIFIC_RE.sub("", free).rstrip("！!，,。.：: ")).strip().rstrip("！!，,。.：: ")
    if bare.endswith(ROLE_WORDS) and len(bare) <= 60 and not _NOT_A_SALUTATION_RE.search(bare) \
            and is_addressee_list(bare):
        return bare
    # "甸沙代委员组": a group of deputies or members greeted on its own line without a colon.
    if re.search(_PEOPLE_GROUP_ENDING, bare) and len(bare) <= 20 and not _NOT_A_SALUTATION_RE.search(bare) \
            and is_addressee_list(bare):
        return bare
    return None


# --- the sign-off ----------------------------------------------------------------------

ORGAN_SUFFIX = (
    r"(?:局|厅|委|委员会|办公室|办公厅|部|院|政府|中心|署|会|处|所|公司|站|馆|办|党组|支队|大队|法院|检察院|"
    r"街道|镇|乡|队|社|集团|管委会|银行|分行|学校|大学|小组|指挥部|联合会|协会|厂|场|电视台)"
)
ORGAN_LINE_RE = re.compile(rf"^(?P<organ>[{CJK}（）()、]{{2,40}}?{ORGAN_SUFFIX}(?:[（(][{CJK}]{{2,20}}[）)])?)$")
# What may follow a sign-off run into its text: the end, a note, the 附注's labels, the 版记, the page's footer.
_AFTER_SIGN_OFF = (
    r"(?=\s*(?:$|[（(【]|联系|承办|经办|抄送|抄报|主办|协办|扫一扫|上一[条篇]|下一[条篇]|版权|附件|签发|领导|分管|主管|"
    r"单位|此件|公开|关闭|打印|责任编辑|来源|邮政编码|\d{3,}))"
)
_RUN_ORGAN_AT_END_RE = re.compile(rf"(?<=[。！!])(?P<organ>[{CJK}]{{2,30}}?{ORGAN_SUFFIX}){_AFTER_SIGN_OFF}")
# An organ and a date run into the text around them, after a sentence's end or a value's digits.
_RUN_SIGN_OFF_RE = re.compile(
    rf"(?<=[。！!；;）)”\d])(?P<organ>[{CJK}]{{2,30}}?{ORGAN_SUFFIX})\s*"
    rf"(?P<date>{DATE_RE.pattern}|(?:19|20)\d{{5,6}}(?!\d))"
)
# In a short line (a paragraph, not a whole page) only what a sign-off is followed by makes it one.
_LINE_SIGN_OFF_RE = re.compile(_RUN_SIGN_OFF_RE.pattern + _AFTER_SIGN_OFF)
_SIGN_OFF_TAIL = 14


def is_date_line(text: str) -> bool:
    text = re.sub(r"[（(][^）)]{0,12}[）)]$", "", text.strip())  # "2021年5月20日（此件公开发布）"
    m = DATE_RE.search(text)
    return bool(m and m.start() == 0 and not text[m.end():].strip(" 。.")) or parse_bare_date(text) is not None


def _find_sign_off(lines: list[Line], body_start: int, end: int) -> int | None:
    """The 成文日期: the last date line of the document (its notes and 版记 follow it); failing a date,
    the last organ line near the end (the 发文机关署名 alone)."""
    start = max(body_start + 1, end - _SIGN_OFF_TAIL)
    for i in range(end - 1, body_start, -1):
        text = lines[i].free
        if text and (is_date_line(text) or _organ_and_date(text)):
            return i
    for i in range(end - 1, start - 1, -1):
        text = lines[i].free
        if text and not lines[i].cells and ORGAN_LINE_RE.match(text) and not is_furniture_line(text):
            return i
    return None


def _organ_and_date(text: str) -> bool:
    m = DATE_RE.search(text)
    return bool(m and m.end() == len(text.rstrip(" 。.")) and ORGAN_LINE_RE.match(text[: m.start()].strip()))


def doc_number_in(text: str) -> re.Match[str] | None:
    """A 文号 that opens the text, followed by nothing but a class mark or 公开 words."""
    m = DOC_NUMBER_RE.match(text)
    if not m:
        return None
    rest = text[m.end():]
    if re.fullmatch(r"[\s(（【\[]*(?:[A-DＡ-Ｄ]\s*类?)?[)）】\]]*\s*(?:类)?\s*(?:同意公开|主动公开|依申请公开|不予公开|公开)?\s*", rest):
        return m
    return None
