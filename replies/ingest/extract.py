"""Structured fields from the cleaned text of a reply (答复) to a suggestion or proposal.

Pure functions, no Django. :func:`extract_fields` takes text that has already been through
:func:`replies.ingest.cleanup.repair_pdf_artifacts` and returns :class:`ReplyFields`.

The text is first read as a layout (:mod:`replies.ingest.layout`, after GB/T 9704: 版头,
标题, 主送, 正文, 署名, 成文日期, 附注, 版记, with the web page's furniture and metadata
table around them). Each field is then read from candidates found in the element where the
standard prints it, and scored by several cues: the element, a label, the value's pattern,
its position and, for names, jieba's part of speech. Every field gets a confidence in
[0, 1] (``ReplyFields.field_confidence``): 1.0 for a value read from its own element in the
standard form, lower for a value taken from a weaker cue, and for an empty field how sure
we are that the document really has none.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from replies.ingest.chinese import CJK, CJK_IDEOGRAPHS, DATE_RE, has_name_shape, parse_bare_date, parse_date, starts_with_surname
from replies.ingest.docnumbers import (  # noqa: F401  (re-exported: the established import path)
    DOC_NUMBER_RE,
    DocNumber,
    doc_number_from_match,
    doc_number_key,
    doc_number_mentions,
    find_doc_numbers,
    parse_doc_number,
)
from replies.ingest.furniture import (
    breadcrumb_tail,
    is_breadcrumb,
    is_furniture_line,
    holds_furniture,
    is_furniture_word,
    is_menu_text,
    strip_leading_furniture,
)
from replies.ingest.layout import (
    ORGAN_LINE_RE,
    ORGAN_SUFFIX,
    Layout,
    doc_number_in,
    is_date_line,
    read_layout,
    split_cells,
)
from replies.ingest.segmentation import pos_tags

# --- result types ----------------------------------------------------------------------

KIND_NPC = "npc_suggestion"
KIND_CPPCC = "cppcc_proposal"
KIND_OTHER = "other"

ROLE_DELEGATE = "delegate"
ROLE_MEMBER = "member"

# Below this a field is shown to an admin as "to check".
LOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Addressee:
    name: str
    role: str  # "delegate" (代表), "member" (委员), or "" unknown


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
    handling_category: str = ""  # A, B or C (办理类别/办复类别), where the reply prints it
    handling_role: str = ""  # 主办, 会办 or 协办: the replying unit's part in handling the proposal, where printed
    satisfaction: str = ""  # 满意, 基本满意 or 不满意: the delegate's or member's verdict, where the page prints it
    # field name → confidence in [0, 1] for the fields above except body, year and the
    # metadata-table ones (index_number, subject_category, genre).
    field_confidence: dict[str, float] = field(default_factory=dict)

    def low_confidence_fields(self, threshold: float = LOW_CONFIDENCE) -> list[str]:
        return [name for name, confidence in self.field_confidence.items() if confidence < threshold]


# --- names -----------------------------------------------------------------------------

_ROLES = {"代表": ROLE_DELEGATE, "委员": ROLE_MEMBER}
_LIST_SEP_RE = re.compile(r"[、，,；;/]\s*")
# "周桂英等代表", "周桂英等5位代表", "余秀华9名代表", "欧阿玺(等)代表", "王小明同志", "（第三组）".
_NAME_NOISE_RE = re.compile(
    r"[（(]等[）)]|等?(?:[\d一二两三四五六七八九十]+(?:位|名|人))|等$|(?:同志|先生|女士|老师)$|[（(].*?[）)]"
)
_GROUP_RE = re.compile(
    r"(?:代表团|代表小组|委员小组|小组|委员组|代表组|联络组|联络处|工作组|界别|界|委员会|工委|支部|总支|党组|"
    r"主席团|商会|民革|民盟|民建|民进|农工党|致公党|九三学社|台盟|工商联|妇联|总工会|共青团|团委|科协|侨联|青联|"
    r"(?:市|县|区|省|州)委|党派)(?:中央|市委|省委|区委|县委|州委)?$"
)
_ORGAN_NAME_RE = re.compile(rf"^[{CJK}]{{2,30}}{ORGAN_SUFFIX}$")
_MASKED_NAME_RE = re.compile(rf"^[{CJK_IDEOGRAPHS}][{CJK_IDEOGRAPHS}*＊×xX某]{{1,3}}$")


def name_confidence(name: str) -> float:
    """How much `name` looks like a person's name: shape, surname and jieba's `nr` tag; 0 = not a name."""
    if not name or is_furniture_word(name):
        return 0.0
    if _MASKED_NAME_RE.match(name) and not has_name_shape(name):
        return 0.7 if starts_with_surname(name) else 0.0  # 许** (masked by the publisher)
    long_name = bool(re.fullmatch(rf"[{CJK_IDEOGRAPHS}]{{5,6}}", name))
    if not has_name_shape(name) and not long_name:
        return 0.0
    tags = pos_tags(name)
    tagged_name = bool(tags) and tags[0][1].startswith("nr") and len(tags[0][0]) >= 2
    if long_name and not (starts_with_surname(name) or tagged_name):
        return 0.0  # five or six characters: a minority name has a surname or reads as one
    score = 0.3 if long_name else 0.5
    if starts_with_surname(name):
        score += 0.25
    if tagged_name:
        score += 0.25
    elif len(tags) == 1 and tags[0][1][:1] in "nvad" and not starts_with_surname(name):
        score -= 0.3  # a common word (内容, 分享, 浏览次数), not a name
    if len(name) == 4 and not starts_with_surname(name):
        score -= 0.15
    return max(0.0, min(1.0, score))


def parse_addressees(names: str) -> list[Addressee] | None:
    """The addressees of a salutation, or None when it does not look like one.

    Each item is a person followed (perhaps after others) by 代表 or 委员, or a group
    (代表团, 委员小组, 民盟市委, a department): then its role is "".
    """
    names = re.sub(r"\s+", "", names)
    names = re.sub(r"^(?:尊敬的?|敬爱的)", "", names)
    if not names or is_furniture_word(names) or re.match(r"^(?:各位|诸位|你们|您们|全体)", names):
        return None
    result: list[Addressee] = []
    pending: list[str] = []
    for part in _LIST_SEP_RE.split(names):
        part = _NAME_NOISE_RE.sub("", part).strip()
        if not part:
            continue
        role = ""
        if part.endswith(("代表", "委员")) and not _GROUP_RE.search(part):
            role, part = _ROLES[part[-2:]], _NAME_NOISE_RE.sub("", part[:-2]).strip()
            part = re.sub(r"(?:人大|政协)$", "", part)  # "王刚人大代表"
        if not part and role and pending:
            result.extend(Addressee(n, role) for n in pending)
            pending = []
            continue
        if not part:
            continue
        if role:
            if not name_confidence(part) and not re.fullmatch(r"[*＊×]{1,4}", part):
                return None
            result.extend(Addressee(n, role) for n in pending + [part])
            pending = []
        elif _GROUP_RE.search(part) or _ORGAN_NAME_RE.match(part):
            if pending:
                return None
            result.append(Addressee(part, ""))
        elif name_confidence(part) > 0:
            pending.append(part)  # its role word may follow the next names ("王福英、王玉琴委员")
        else:
            return None
    if pending:
        # Names without a role word are a salutation only if jieba or the surname list agrees.
        if not all(name_confidence(n) >= 0.75 for n in pending):
            return None
        result.extend(Addressee(n, "") for n in pending)
    return result or None


_OPENING_PROPOSERS_RE = re.compile(
    rf"(?:^|[，,。；;\n])(?P<names>[{CJK}、*＊]{{2,40}}?(?:[（(]等[）)]|等(?:[\d一二两三四五六七八九十]+(?:位|名))?)?(?:代表|委员))"
    r"(?=提出|所提|在|于|:|：)"
)


def _is_addressee_list(names: str) -> bool:
    return parse_addressees(names) is not None


_PERSON_RE = re.compile(rf"[{CJK_IDEOGRAPHS}·*＊]+")


def read_person(value: str) -> tuple[str, float]:
    """The name at the start of a labelled value ("李  兵", "骆永仙,138…", "张湘平13575075258")."""
    compact = re.sub(r"\s+", "", value)
    m = _PERSON_RE.match(compact)
    if not m:
        return "", 0.0
    name = m.group(0)
    if len(name) > 4:
        # "杨宏亮潼民发〔2024〕275号": the name run into what follows it; jieba reads where it ends.
        tags = pos_tags(name)
        if tags and tags[0][1].startswith("nr") and 2 <= len(tags[0][0]) <= 4:
            name = tags[0][0]
    confidence = name_confidence(name)
    if not confidence and len(name) > 4:
        # "云南省农业厅畜牧处王瑞欣", "县林业和草原局黑绍刚": a name after its unit.
        unit = re.match(rf"^.*(?:{ORGAN_SUFFIX}|处|科|室|股|司|组)(?P<name>[{CJK_IDEOGRAPHS}]{{2,4}})$", name)
        if unit:
            name = unit["name"]
            confidence = name_confidence(name) * 0.9
    return (name, confidence) if confidence > 0 else ("", 0.0)


# --- titles ----------------------------------------------------------------------------

_TITLE_END_RE = re.compile(
    r"(?:答复|复函|的函|回复|答复函|答复意见|会办意见|办理意见|办理情况|答复摘要|办理单|提案答复|建议答复|意见书|复文|"
    r"办理情况报告|办理报告|办理结果(?:公开)?|答复书|意见函|回函|函复|办复函?|办复意见|处理意见|协办意见|答复单|复信)"
    r"(?:[（(][^）)]{1,12}[）)]|【[^】]{4,30}号】)?$"
)
_TITLE_END_IN_TEXT_RE = re.compile(
    r"(?:答复的函|答复函|答复意见|答复摘要|协办意见的函|会办意见的函|办理意见的函|会办意见|协办意见|答复|复函|的函|回复|办理单)"
)
_TITLE_TOPIC_RE = re.compile(r"会议|第\s*[A-Za-z]?\d+(?:\.\d+)?\s*号|建议|提案|议案")
_TITLE_START_RE = re.compile(rf"^(?:[{CJK}（）()]{{2,30}}?{ORGAN_SUFFIX})?(?:关于|对|就)")
_TRAILING_MARK_RE = re.compile(r"\s*(?:[（(【\[]\s*[A-DＡ-Ｄ]\s*类?\s*[)）】\]]|[A-DＡ-Ｄ]类)\s*$")
_LEADING_DATE_RE = re.compile(r"^(?:(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*)")
_LETTERHEAD_RE = re.compile(r"^(?P<organ>.{3,40}?)文件$")
_CLASS_LINE_RE = re.compile(r"^[（(【\[]?[A-DＡ-Ｄ]\s*类?[)）】\]]?(?:同意公开|公开)?$|^(?:同意公开|主动公开|公开)$")


@dataclass
class _TitleCandidate:
    text: str
    score: float
    line: int
    organ_above: bool = False  # the organ line printed above it was joined to it


def _clean_title_text(text: str) -> tuple[str, float]:
    """A header text without the furniture around a title, and a penalty for what had to be cut."""
    penalty = 0.0
    if is_breadcrumb(text):
        text, penalty = breadcrumb_tail(text), 1.0
        # "县十六届人大一次会议对县…的答复": the last breadcrumb run into the title.
        m = re.match(r"^(?P<prefix>.+?)(?=关于|对)", text)
        if m and not ORGAN_LINE_RE.match(m["prefix"]):
            text = text[m.end():]
    stripped = strip_leading_furniture(text)
    if stripped != text:
        text, penalty = stripped, penalty + 0.25
    # "【人大建议】关于…", "关于…的答复_某县人民政府门户网站": a tag or the site's name around the title.
    text = re.sub(r"^【[^】]{1,8}】", "", text)
    text = re.sub(r"^[（(【\[][A-DＡ-Ｄ]\s*类?[)）】\]]\s*", "", text)  # "（A类）关于…"
    text = re.sub(r"\s*[_|｜]\s*[^_|｜]{2,30}(?:网站|门户网|政府网|人民政府|网)$", "", text)
    stripped = _LEADING_DATE_RE.sub("", text)
    if stripped != text:
        text, penalty = stripped, penalty + 0.5
    m = DOC_NUMBER_RE.search(text)
    if m and not re.match(r"\s*[】\]]", text[m.end():]) and m.start() > 0:
        # "…的答复华教体函〔2017〕35号B类": the 文号 printed after the title on its line.
        text = text[: m.start()]
    elif m and m.start() == 0:
        # "宁交函〔2021〕141号关于…的答复": the 文号 printed before the title on its line.
        text = re.sub(r"^[\s(（【\[]*[A-DＡ-Ｄ]?\s*类?[)）】\]]*\s*(?:同意公开|主动公开|公开)?", "", text[m.end():])
        if not text:
            return "", 0.0
    # "…的答复石楼县政府www.sxshilou.gov.cn2025-02-06 12:23": the page's stamp run into the title.
    stamp = re.search(r"(?:www\.|https?://|(?:19|20)\d{2}-\d{1,2}-\d{1,2})", text)
    if stamp and stamp.start() >= 6:
        text, penalty = text[: stamp.start()], penalty + 0.25
        end = None
        for end in _TITLE_END_IN_TEXT_RE.finditer(text):
            pass
        if end:
            text = text[: end.end()]
    text = _TRAILING_MARK_RE.sub("", text).strip()
    if text.startswith("《") and text.endswith("》"):
        text = text[1:-1]  # 《关于…的答复》
    # "关于…的答复——某县交通运输局": the organ appended to a page heading.
    text = re.sub(r"(?<=答复|复函|的函|回复)\s*(?:——|--|—|－)[^—－-]{2,30}$", "", text)
    return text, penalty


def _title_score(text: str) -> float:
    if len(text) < 6 or is_furniture_line(text) or _LETTERHEAD_RE.match(text) or _CLASS_LINE_RE.match(text):
        return 0.0
    if is_menu_text(text):
        return 0.0
    if DATE_RE.fullmatch(text) or re.search(r"[。！？]$", text):
        return 0.0
    score = 0.0
    if _TITLE_END_RE.search(text):
        score += 3
    if _TITLE_TOPIC_RE.search(text):
        score += 2
    if _TITLE_START_RE.match(text):
        score += 1
    # Text in front of the title's 关于/对 that is page furniture, not an organ: a run of page text.
    start = re.search(r"关于|对(?=[^于])", text)
    if start and start.start() > 0 and holds_furniture(text[: start.start()]):
        score -= 1.5
    # A title that names its session and number in full is preferred to a copy that lost them.
    if _SESSION_CORE_RE.search(text):
        score += 1
    if re.search(r"第\s*[A-Za-z]?\d+(?:\.\d+)?\s*号", text):
        score += 0.5
    return score


_RUN_TITLE_START_RE = re.compile(r"关于|对(?=[^于])")
# The organ printed above a title, run into it in a one-line page: it starts right after the element
# before it ends (a 文号's 号, a class mark, a date's digits, a bracket), never after a label's colon.
_ORGAN_BEFORE_RUN_TITLE_RE = re.compile(rf"(?<=[号\dA-D）)】])(?P<organ>[{CJK}]{{2,30}}?{ORGAN_SUFFIX})$")


def _titles_inside_run(text: str, penalty: float, line: int, signing_organ: str, minimum: float) -> list[_TitleCandidate]:
    """A title inside a run of page text ("…建议提案办理结果文件广州市林业和园林局关于…的答复发布时间…"):
    from a 关于/对 (or the signing organ just before it) to a title ending, at most 100 characters on."""
    found = []
    for end in _TITLE_END_IN_TEXT_RE.finditer(text):
        for start in _RUN_TITLE_START_RE.finditer(text, max(0, end.end() - 100), end.start()):
            begin = start.start()
            if signing_organ and text[:begin].endswith(signing_organ):
                begin -= len(signing_organ)
            else:
                organ = _ORGAN_BEFORE_RUN_TITLE_RE.search(text[:begin])
                if organ and not holds_furniture(organ["organ"]) and _same_organ(organ["organ"], signing_organ):
                    begin = organ.start("organ")
            if begin == 0 and end.end() == len(text):
                continue  # the whole text: already a candidate
            cut = text[begin: end.end()]
            score = _title_score(cut)
            if score >= minimum:
                found.append(_TitleCandidate(text=cut, score=score - penalty - 0.75, line=line))
            break  # the first start before this ending is the title's
    return found


def _is_page_residue(rest: str, title: str) -> bool:
    """What a page runs into a title: furniture, a label, or the title printed again."""
    rest = rest.strip(" •·|")
    return bool(
        is_furniture_word(rest) or is_menu_text(rest) or split_cells(rest).cells and not split_cells(rest).free
        or rest[:6] == title[:6] or re.match(r"^(?:名称|标题|信息名称|•|本站|本网)", rest)
    )


def _last_of_two_titles(text: str) -> str:
    for m in re.finditer(r"(?:答复|复函|的函)(?=(?:关于|对)[^。]{6,}(?:答复|复函|的函)$)", text):
        return text[m.end():]
    return text


def _same_organ(organ: str, signing_organ: str) -> bool:
    """Whether an organ line may be the signing organ (True when the sign-off names none)."""
    if not signing_organ:
        return True
    return organ in signing_organ or signing_organ in organ or organ[-4:] == signing_organ[-4:]


def _title_candidates(layout: Layout, minimum: float = 3) -> list[_TitleCandidate]:
    """Header texts shaped like a reply's title; an organ line above one is joined to it unless the
    sign-off names another organ (then it is the site's name, not the letter's)."""
    header = layout.header
    signing_organ = _sign_off_organ(layout)
    cleaned = [_clean_title_text(line.free) if line.free else ("", 0.0) for line in header]
    # Two titles run together ("关于“…”的建议答复关于县人大…的答复"): the last one is the document's.
    cleaned = [(_last_of_two_titles(text), penalty) for text, penalty in cleaned]
    candidates = []
    for i, (text, penalty) in enumerate(cleaned):
        if not text:
            continue
        score = _title_score(text)
        joined = text
        # A title over two or three lines: fragments before a line that ends like a title.
        j = i
        while (
            not _TITLE_END_RE.search(joined) and j + 1 < len(cleaned) and j - i < 2
            and (_TITLE_START_RE.match(text) or _TITLE_TOPIC_RE.search(text))
        ):
            nxt = cleaned[j + 1][0]
            if not nxt or header[j + 1].cells or len(joined) + len(nxt) > 120 or is_furniture_line(nxt):
                break
            if is_menu_text(text):
                break
            if not (_TITLE_END_RE.search(nxt) or len(nxt) < 25):
                break
            joined += nxt
            j += 1
            if _TITLE_END_RE.search(joined):
                score = max(score, _title_score(joined) + 0.5)
                text = joined
        if score < minimum:
            continue
        # The organ line printed above the title belongs to it (潼关县民政局 / 关于…的答复).
        organ_above = False
        if i > 0 and re.match(r"^(?:关于|对|就)", text):
            above = cleaned[i - 1][0]
            if above and not header[i - 1].cells and ORGAN_LINE_RE.match(above) and not _LETTERHEAD_RE.match(above) \
                    and not is_furniture_line(above) and _same_organ(above, signing_organ):
                text, organ_above = above + text, True
        candidates.append(_TitleCandidate(text=text, score=score - penalty, line=i, organ_above=organ_above))
    for i, (text, penalty) in enumerate(cleaned):
        # A title run together with what followed it on the page ("…的函名称…", "…的函•本站"):
        # also try it cut after a title ending inside the line.
        if not text or _TITLE_END_RE.search(text):
            continue
        for end in list(_TITLE_END_IN_TEXT_RE.finditer(text))[:1]:
            cut, rest = text[: end.end()], text[end.end():]
            if not _is_page_residue(rest, cut):
                continue
            score = _title_score(cut)
            if score >= minimum:
                candidates.append(_TitleCandidate(text=cut, score=score - penalty - 0.5, line=i))
    for i, (text, penalty) in enumerate(cleaned):
        if len(text) > 40:
            candidates.extend(_titles_inside_run(text, penalty, i, signing_organ, minimum))
    for i, line in enumerate(header):
        # A title run into the value of the label before it ("发布机构:白银市人民政府关于对…的答复").
        for cell in line.cells:
            if cell.role != "title" and len(cell.value) > 10:
                candidates.extend(_titles_inside_run(cell.value, 0.25, i, signing_organ, minimum))
    for i, line in enumerate(header):
        for value in (cell.value for cell in line.cells if cell.role == "title" and cell.value):
            text, penalty = _clean_title_text(value)
            score = _title_score(text) if text else 0
            if score >= minimum:
                candidates.append(_TitleCandidate(text=text, score=score - penalty - 0.25, line=i))
    return candidates


def _without_run_in_prefix(candidate: _TitleCandidate, organs: list[str]) -> _TitleCandidate:
    """"人大代表建议办理重庆市北碚区城市管理局关于…的复函": page words run into a title in front of its organ.
    The title starts at an organ the document names elsewhere (sign-off, labels), else at its 关于/对
    when what precedes it holds page furniture."""
    text = candidate.text
    start = _RUN_TITLE_START_RE.search(text)
    if not start or start.start() == 0:
        return candidate
    prefix = text[: start.start()]
    for organ in sorted(filter(None, organs), key=len, reverse=True):
        at = prefix.rfind(organ)
        # Whatever stands before the signing organ's full name is the page's, unless it is the start of a
        # longer name ("衢州市" + "衢江区水利局").
        if at > 0 and len(organ) >= 4 and not re.search(r"[省市县区州镇乡旗盟]$", prefix[:at]):
            return _TitleCandidate(text=text[at:], score=candidate.score + 0.25, line=candidate.line)
    if holds_furniture(prefix) or is_breadcrumb(prefix) or re.search(r"星期.|\d{1,2}:\d{2}", prefix):
        return _TitleCandidate(text=text[start.start():], score=candidate.score + 0.25, line=candidate.line)
    return candidate


def _read_title(layout: Layout) -> tuple[str, float]:
    candidates = [_without_run_in_prefix(c, [_sign_off_organ(layout)]) for c in _title_candidates(layout)]
    if candidates:
        # Of equally good copies (the page's heading and the document's own), the document's:
        # it comes later, and a page heading that repeats it carries no organ line above.
        best = max(candidates, key=lambda c: (c.score, not c.organ_above, c.line))
        # Two copies of one heading, one of which lost a character (第7号 / 7号): the fuller copy.
        fuller = [c for c in candidates if c.score >= best.score - 0.5 and 0 < len(c.text) - len(best.text) <= 2
                  and _is_subsequence(best.text, c.text)]
        if fuller:
            best = fuller[0]
        confidence = 0.95 if best.score >= 5 else 0.8 if best.score >= 4 else 0.6
        return best.text, confidence
    labelled = layout.first("title", layout.header)
    if labelled:
        return labelled, 0.6
    weaker = _title_candidates(layout, minimum=2)
    if weaker:
        best = max(weaker, key=lambda c: (c.score, c.line))
        return best.text, 0.5
    title = _fallback_title(layout)
    return title, 0.4 if title else 0.5


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def _fallback_title(layout: Layout) -> str:
    """A document that is not shaped like a reply: its heading lines after the letterhead and 文号."""
    if layout.salutation is None:
        i = _first_title_index(layout)
        return layout.lines[i].free if i is not None else ""
    header = layout.header
    start = 0
    for i, line in enumerate(header):
        if line.cells or doc_number_in(line.free) or _LETTERHEAD_RE.match(line.free):
            start = i + 1
    lines = [line.free for line in header[start:] if not _is_header_noise(line) and not is_menu_text(line.free)]
    lines = [text for text in lines if len(text) >= 6 or _TITLE_TOPIC_RE.search(text)]
    if len(lines) > 1 and ORGAN_LINE_RE.match(lines[0]):
        lines = lines[1:]
    if len(lines) == 1 and ORGAN_LINE_RE.match(lines[0]):
        return ""  # a name alone above the salutation is the site's or the letterhead's, not a title
    return "".join(lines[-3:])


def _is_header_noise(line) -> bool:
    text = line.free
    return (
        not text or bool(line.cells) or is_furniture_line(text) or is_date_line(text) or bool(_CLASS_LINE_RE.match(text))
        or bool(doc_number_in(text)) or bool(_LETTERHEAD_RE.match(text)) or bool(_HEADER_META_RE.match(line.printed))
    )


_HEADER_META_RE = re.compile(r"^(?:[-–—·•]|来源|作者|发布时间|浏览|字号|【)")


def _first_title_index(layout: Layout) -> int | None:
    """For a document without a salutation: its first line that is not letterhead or metadata."""
    for i, line in enumerate(layout.lines[:8]):
        if line.free and not _is_header_noise(line) and not line.free.endswith("。") and len(line.free) <= 80:
            return i
    return None


# --- session, numbers ------------------------------------------------------------------

_N = "一二三四五六七八九十"
_SESSION_CORE_RE = re.compile(
    rf"第?[{_N}]+届(?:全国|[{CJK}]{{1,8}}?)?(?:人大|人民代表大会|政协|委员会)?(?:常委会)?"
    rf"第?[{_N}]+次(?:全体)?会议"
)
# Where the organ/place part in front of the session starts: after one of these words.
_SESSION_PREFIX_STOP_RE = re.compile(r"(?:关于对|关于|对于|答复|办理|回复|对|在|向|于|的|和|及|上|就|是|将)$")
_SESSION_PREFIX_MAX = 14


def _read_session(text: str) -> str:
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


# A number may carry a letter or a character prefix ("温36"), never a word of the sentence ("会议56号");
# a few are printed in Chinese numerals ("第二十三号").
_NUMBER = (
    r"(?P<n>(?:[A-Za-z]{1,2}|(?![议的第会届次号年月日于在为])[\u4e00-\u9fff](?=\d))?\d{1,6}(?:\.\d{1,3})?"
    r"|(?<=第)[一二三四五六七八九十百零〇]{1,6}(?=号))"
)
_PROPOSAL_NUMBER_RES = (
    re.compile(rf"(?:建议|提案|议案|意见)(?:编?号)?[:：]?\s*第\s*{_NUMBER}\s*号"),
    re.compile(rf"第\s*{_NUMBER}\s*号(?:代表|委员|政协|人大)?(?:建议|提案|议案|意见)"),
    re.compile(rf"(?:建议|提案|议案)(?:编号|号)[:：]?\s*{_NUMBER}(?!\d)"),
    re.compile(rf"会议[^，。,；\n]{{0,12}}?第\s*{_NUMBER}\s*号"),
    re.compile(rf"[》”\"][（(]\s*第?\s*{_NUMBER}\s*号\s*[）)]"),
    re.compile(rf"会议\s*{_NUMBER}\s*(?:号\s*)?(?:建议|提案)"),
    # "56号代表建议" without 第 (not the serial of a 文号: no closing bracket before it).
    re.compile(rf"(?<![\d〕\]）)】﹞第.]){_NUMBER}\s*号(?:代表|委员)?(?:建议|提案|议案)"),
)


def _read_proposal_number(text: str) -> str:
    for pattern in _PROPOSAL_NUMBER_RES:
        m = pattern.search(text)
        if m:
            return m["n"]
    return ""


# --- the proposal's title --------------------------------------------------------------

_ACK = (
    r"(?:[（(][^）)\n]{0,20}[）)])?(?:的?(?:建议|提案|议案))?(?:[,，][^。；\n“”《》\"]{0,16}?)?\s*(?:已经?|均已)?\s*"
    r"(?:收悉|交|转|收到|经研究|现答复|现将|答复如下)"
)
_QUOTED_TITLE_RE = re.compile(rf"[《“\"](?P<t>[^《》\n]{{4,150}}?)[》”\"]{_ACK}")
_PLAIN_TITLE_RE = re.compile(
    rf"(?:提出|所提|提交)的?(?:[《“\"])?(?P<t>关于[^。；《》\n]{{2,150}}?(?:建议|提案|议案|意见))[》”\"]?{_ACK}"
)
_TITLE_QUOTE_RE = re.compile(r"《(?P<t>关于[^《》]{2,150})》")
_PLAIN_TITLE_IN_SENTENCE_RE = re.compile(
    r"(?:提出|所提|提交)的(?P<t>关于[^。；《》“”\n]{2,150}?(?:建议|提案|议案))(?=[，,。；;])"
)
_QUOTED_AFTER_PROPOSED_RE = re.compile(r"(?:提出|所提|提交)的?[^。《》“”\n]{0,20}?[《“](?P<t>[^《》“”\n]{4,150})[》”]")
_UNCLOSED_RE = re.compile(r"[《“](?P<t>关于[^。；《》“”\n]{2,150}?(?:建议|提案|议案))(?:已经?)?收悉")


def _read_proposal_title(layout: Layout, title: str) -> tuple[str, float]:
    opening = layout.opening
    for pattern, confidence in ((_QUOTED_TITLE_RE, 0.9), (_PLAIN_TITLE_RE, 0.8), (_UNCLOSED_RE, 0.7)):
        m = pattern.search(opening)
        if m:
            # "《关于…粮食安全(第25号提案》": a number whose bracket the quote cut is not the title.
            return re.sub(r"[（(]\s*第?\s*[A-Za-z]?\d+\s*号[^)）]*$", "", m["t"]).strip(), confidence
    labelled = layout.first("proposal_title")
    if labelled:
        return labelled.strip("《》“”\""), 0.8
    # A body without a salutation that opens by naming the proposal: "关于“加强农村饮水安全的提案”,是…".
    m = re.match(r"\s*(?:对|就)?关于[“《\"](?P<t>[^“”《》\"\n]{4,150})[”》\"]", opening)
    if m and layout.salutation is None:
        return m["t"].strip(), 0.7
    # A record page: the proposal's 标题 printed in the record below the reply's heading.
    for value in layout.cells("title", layout.lines[: layout.end]):
        if re.search(r"(?:建议|提案|议案)$", value) and not _TITLE_END_RE.search(value):
            return value.strip("《》“”\""), 0.7
    for pattern in (_QUOTED_AFTER_PROPOSED_RE, _PLAIN_TITLE_IN_SENTENCE_RE):
        m = pattern.search(opening)
        if m:
            return m["t"].strip(), 0.6
    m = _TITLE_QUOTE_RE.search(title) or _TITLE_QUOTE_RE.search(opening)
    if m:
        return m["t"], 0.7
    # A heading that names the proposal itself: "关于解决…问题的建议的答复", "人大建议第9165号 关于…的建议".
    m = _PROPOSAL_IN_TITLE_RE.search(title)
    if m and not _SESSION_CORE_RE.search(m["t"]):
        return m["t"], 0.6
    return "", 0.5


_PROPOSAL_IN_TITLE_RE = re.compile(
    r"(?P<t>关于(?:(?!关于)[^《》“”\n])+?(?:建议|提案|议案))(?:的?(?:答复|复函|回复|办理情况|答复函))?$"
)


# --- organ, date -----------------------------------------------------------------------

# "2019年县人社局对…的函": a title may open with the year before its organ.
_TITLE_ORGAN_RE = re.compile(
    rf"^(?:(?:19|20)\d{{2}}年(?:度)?)?(?P<organ>[{CJK}（）()]{{2,30}}?{ORGAN_SUFFIX})(?:关于|对|就|答复|办理|回复)"
)


def _read_issuing_organ(layout: Layout, title: str) -> tuple[str, float]:
    for line in layout.lines[:6]:
        m = _LETTERHEAD_RE.match(line.free)
        if m and not line.cells and ORGAN_LINE_RE.match(m["organ"]):
            return m["organ"], 0.95
    organ = _sign_off_organ(layout)
    if organ:
        return organ, 0.9
    m = _TITLE_ORGAN_RE.match(title)
    if m:
        return m["organ"], 0.8
    for role in ("undertaker", "publisher", "contact_unit", "source"):
        lines = layout.lines[: layout.end] if role == "contact_unit" else layout.header
        values = layout.cells(role, lines)
        if role == "undertaker":
            # The handling unit is also named in a 附注 after the sign-off (此件由…办理); a 主办单位 there is
            # the site's owner in its footer.
            values += [cell.value for line in layout.main for cell in line.cells
                       if cell.role == "undertaker" and cell.label != "主办单位"]
        if role == "contact_unit":
            # "联系单位及电话:郑州市上街区城市管理局 68118611": the unit named before its phone number.
            values += [_PHONE_RE.sub("", cell.value) for line in lines for cell in line.cells
                       if cell.label.startswith("联系单位") and cell.role == "phone"]
        for value in values:
            value = re.sub(r"\s+", "", value)
            value = DATE_RE.sub("", value).strip(" ;；")
            m = ORGAN_LINE_RE.match(value)
            if m and "、" not in value and not is_furniture_word(value):
                return m["organ"], 0.6
    organ = _unlabelled_header_organ(layout)
    if organ:
        return organ, 0.5
    return "", 0.4


def _unlabelled_header_organ(layout: Layout) -> str:
    """"• 中牟县水利局" in a metadata list whose labels the copy lost: an organ alone on a header line
    among bare values (an index number, dates), not the site's name (a government's)."""
    header = layout.header
    for i, line in enumerate(header):
        text = line.free.strip()
        if not text or line.cells or is_furniture_line(text) or re.search(r"(?:人民政府|政府|门户网站?)$", text):
            continue
        m = ORGAN_LINE_RE.match(text)
        if not m:
            continue
        neighbours = [header[j].free for j in (i - 1, i + 1) if 0 <= j < len(header)]
        if any(re.fullmatch(r"[\dA-Za-z/\-]{6,}|(?:19|20)\d{2}[-年/.]\d{1,2}[-月/.]\d{1,2}日?", n.strip()) for n in neighbours):
            return m["organ"]
    return ""


def _sign_off_organ(layout: Layout) -> str:
    """The 发文机关署名: the organ line just above the 成文日期 (or on its line)."""
    if layout.sign_off is None:
        return ""
    lines = layout.lines
    i = layout.sign_off
    text = lines[i].free
    m = DATE_RE.search(text)
    if m and m.start() > 0:
        organ = ORGAN_LINE_RE.match(text[: m.start()].strip())
        if organ:
            return organ["organ"]
    for j in [*range(i, max(layout.body_start, i - 3), -1), i + 1]:
        candidate = lines[j].free if j < layout.end else ""
        if not candidate or lines[j].cells:
            continue
        m = ORGAN_LINE_RE.match(candidate)
        if m and not is_furniture_word(candidate):
            return m["organ"]
    return ""


def _date_without_ri(text: str) -> datetime.date | None:
    """"2020年4月27": a sign-off date that lost its 日."""
    m = re.fullmatch(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})", text.strip())
    try:
        return datetime.date(int(m["y"]), int(m["m"]), int(m["d"])) if m else None
    except ValueError:
        return None


def _read_date(layout: Layout, is_reply: bool) -> tuple[datetime.date | None, float]:
    if layout.sign_off is not None:
        text = layout.lines[layout.sign_off].free
        d = parse_date(text) or parse_bare_date(text) or _date_without_ri(text)
        if d:
            return d, 0.95
    labels = ("written", "produced") if is_reply else ("written", "produced", "published")
    for role in labels:
        value = layout.first(role)
        if role == "produced" and is_reply and re.search(r"\d{1,2}:\d{2}", value):
            continue  # "发文日期 2019年10月10日 16:48:00": the system's timestamp of the page, not the 成文日期
        d = parse_date(value) if value else None
        if d:
            return d, 0.75 if role == "written" else 0.6
    if not is_reply:
        # Articles print their date near the title ("- 2022-09-23").
        for line in layout.lines[:6]:
            if _HEADER_META_RE.match(line.printed) or is_date_line(line.free):
                d = parse_date(line.printed)
                if d:
                    return d, 0.6
    return None, 0.6


# --- labelled footer fields ------------------------------------------------------------

# A mobile number first: the landline pattern would otherwise take its first eight digits.
_PHONE_RE = re.compile(
    r"(?<!\d)1[3-9]\d{9}(?!\d)"
    r"|(?<!\d)(?:[(（]?0\d{2,3}[)）]?\s*[-－—─–]?\s*)?\d{7,8}(?:[-－转]\d{1,5})?(?!\d)"
)


def _phone(value: str) -> str:
    m = _PHONE_RE.search(value)
    return m.group(0) if m else ""


def _read_contacts(layout: Layout) -> tuple[str, float, str, float]:
    """(handler, confidence, phone, confidence) from the 附注 labels of the document."""
    handler, handler_confidence, phone, phone_confidence = "", 0.0, "", 0.0
    after_handler_phone = ""
    seen_handler = False
    for line in layout.lines[: layout.end]:
        for cell in line.cells:
            if cell.role in ("handler", "handler_phone") and not handler:
                name, confidence = read_person(cell.value)
                if name:
                    handler, handler_confidence = name, 0.6 + 0.4 * confidence
                seen_handler = True
                if cell.role == "handler_phone" and _phone(cell.value) and not phone:
                    phone, phone_confidence = _phone(cell.value), 0.9
            elif cell.role == "unit_handler" and not handler:
                for part in reversed(re.split(r"[,，、;；\s]+", cell.value)):
                    name, confidence = read_person(part)
                    if name and confidence >= 0.5:
                        handler, handler_confidence = name, 0.5 + 0.4 * confidence
                        break
                if _phone(cell.value) and not phone:
                    phone, phone_confidence = _phone(cell.value), 0.85
            elif cell.role == "phone":
                number = _phone(cell.value)
                if number and not phone:
                    phone, phone_confidence = number, 0.9
                elif number and seen_handler and not after_handler_phone:
                    after_handler_phone = number
    return handler, handler_confidence, phone, phone_confidence


# "(1份)", "（2）" after a recipient: how many copies it gets, which also ends the item.
_COPY_COUNT_RE = re.compile(r"\s*[(（]\s*\d+\s*份?\s*[)）]\s*|(?<=[^\d\s])各?\d{1,3}份(?=[、，,；;。.\s]|$)")
# Recipients are separated by 、，；, or on a web page by a space (kept by the line repair).
_CC_SEP_RE = re.compile(r"[、，,；;]\s*|\s+")


def _read_cc(layout: Layout) -> list[str]:
    lines = layout.lines
    for i, line in enumerate(lines):
        for cell in line.cells:
            if cell.role != "cc" or not cell.value:
                continue
            value = cell.value
            j = i + 1
            while value and value[-1] in "、，,；;" and j < len(lines):
                value += lines[j].text
                j += 1
            value = _COPY_COUNT_RE.sub("、", value.strip()).rstrip("。.、")
            return [part.strip() for part in _CC_SEP_RE.split(value) if part.strip()]
    return []


# --- kind ------------------------------------------------------------------------------

_NPC_WORDS_RE = re.compile(r"人大|人民代表大会|代表建议|议案")
_CPPCC_WORDS_RE = re.compile(r"政协|政治协商|提案")


_PARTY_CONGRESS_RE = re.compile(r"党代会|党代表大会|党员代表大会|党代表")


def _classify(session: str, title: str, addressees: list[Addressee], catalogue: str, opening: str) -> tuple[str, float]:
    if _PARTY_CONGRESS_RE.search(session + title):
        return KIND_OTHER, 0.7  # a party congress's proposal is neither a 人大 suggestion nor a 政协 proposal
    for text, confidence in ((session, 0.95), (title, 0.9)):
        if _CPPCC_WORDS_RE.search(text):
            return KIND_CPPCC, confidence
        if _NPC_WORDS_RE.search(text):
            return KIND_NPC, confidence
    roles = {a.role for a in addressees} - {""}
    if roles == {ROLE_MEMBER}:
        return KIND_CPPCC, 0.85
    if roles == {ROLE_DELEGATE}:
        return KIND_NPC, 0.85
    if _CPPCC_WORDS_RE.search(catalogue):
        return KIND_CPPCC, 0.75
    if _NPC_WORDS_RE.search(catalogue) or "建议" in catalogue:
        return KIND_NPC, 0.75
    if "提案" in opening:
        return KIND_CPPCC, 0.6
    if "建议" in opening:
        return KIND_NPC, 0.55
    return KIND_OTHER, 0.4


_ISSUER_RUN_IN_RE = re.compile(
    r"^(?:[A-DＡ-Ｄ]|类|答复函?|回复|复函|的函|展开|菜单|同意公开|主动公开|公开|签发人?|文号|发文字号)+"
)


def _trim_issuer(number: DocNumber) -> DocNumber:
    """A 文号 found inside run-together header text took the words before it into its issuer
    ("展开菜单宁交函", "答复华教体函"): keep the issuer's own characters."""
    issuer = _ISSUER_RUN_IN_RE.sub("", number.issuer)
    if issuer == number.issuer:
        return number
    return DocNumber(text=number.text[len(number.issuer) - len(issuer):], issuer=issuer, year=number.year, serial=number.serial)


def _after_title_word(text: str, m: re.Match[str]) -> DocNumber:
    """The 文号 of `m`, without a title's last word run into its issuer ("…建议答复的函青自然资函〔2020〕294号")
    or a signer's name ("签发人:张永祥太交函〔2023〕60号")."""
    number = _trim_issuer(doc_number_from_match(m))
    start = m.end() - len(number.text)
    ending = re.search(r"(?:答复|复函|的函|回复|意见)$", text[: start] + number.issuer[:1])
    if ending and len(number.issuer) > 2 and ending.end() > start:
        cut = ending.end() - start
        return DocNumber(text=number.text[cut:], issuer=number.issuer[cut:], year=number.year, serial=number.serial)
    name = re.match(r"^(?P<name>[\u4e00-\u9fff]{2,3})", number.issuer)
    if name and start == 0 and len(number.issuer) > 4:
        tags = pos_tags(number.issuer)
        if tags and tags[0][1].startswith("nr") and 2 <= len(tags[0][0]) <= 3:
            cut = len(tags[0][0])
            return DocNumber(text=number.text[cut:], issuer=number.issuer[cut:], year=number.year, serial=number.serial)
    return number


def _read_doc_number(layout: Layout) -> tuple[DocNumber | None, float]:
    for line in layout.header:
        m = doc_number_in(line.free)
        if m:
            return _trim_issuer(doc_number_from_match(m)), 0.95
    printed = layout.first("doc_number", layout.header)
    number = parse_doc_number(printed) if printed else None
    if number:
        return number, 0.85
    for line in layout.header:
        # "常州市工业和信息化局文件 常工信复〔2021〕22号": a short line that holds the 文号.
        m = DOC_NUMBER_RE.search(line.free)
        if m and len(line.free) <= 40 and not re.search(r"[。，,；]", line.free) and \
                not re.search(r"[】\]]", line.free[m.end():m.end() + 1]):
            return _after_title_word(line.free, m), 0.75
    for line in layout.header:
        # A header run together ("…复函签发人:姜涛宁交函〔2021〕141号关于…"), in the free text or in a label's
        # value: a 文号 that is not cited in a sentence or in brackets after a quoted title.
        for text in [line.free, *(cell.value for cell in line.cells if cell.role != "doc_number")]:
            for m in DOC_NUMBER_RE.finditer(text):
                before, after = text[max(0, m.start() - 2): m.start()], text[m.end(): m.end() + 1]
                if re.search(r"[《（(“]", before) or re.match(r"[）)”》,，。]", after):
                    continue
                return _after_title_word(text, m), 0.7
    for line in layout.header:
        # "…的答复【穗林业园林提[2013]63号】": the 文号 in brackets after the title.
        m = re.search(rf"【(?P<n>[{CJK}A-Za-z]{{1,12}}[〔\[(（［]\s*(?:19|20)\d{{2}}\s*[〕\])）］]\s*第?\d{{1,5}}号)】", line.free)
        if m:
            return parse_doc_number(m["n"]), 0.8
    return None, 0.7


def _extract_body(layout: Layout) -> str:
    lines = layout.lines
    if layout.salutation is not None:
        lines = lines[layout.salutation:]
    else:
        title_index = _first_title_index(layout)
        lines = lines[title_index + 1:] if title_index is not None else lines
        while lines and _is_header_noise(lines[0]):
            lines = lines[1:]
    return "\n\n".join(line.printed for line in lines if line.printed)


# --- handling category and role ----------------------------------------------------------

HANDLING_CATEGORIES = ("A", "B", "C")
HANDLING_ROLES = ("主办", "会办", "协办")
_CATEGORY_RES = (
    # 办复类别：B类 / 办理类别:A / 类 别:B / 类别：A
    re.compile(r"(?:办复|办理|答复|办结)?类\s*别\s*[:：]?\s*(?P<c>[ABC])(?![A-Za-z])"),
    # 平交复函[2017]19号B类 / 湘交建议复〔2017〕98号    A类 / 华建复〔2017〕5号(B类)
    re.compile(r"号\s*[（(]?\s*(?P<c>[ABC])\s*类"),
)
# "…办理情况的答复(B)": a letter in brackets closing the title.
_TITLE_CATEGORY_RE = re.compile(r"[（(](?P<c>[ABC])类?[）)]\s*$")
_ROLE_STATED_RE = re.compile(
    r"(?:现将?|现就|作为|我[局厅委办部院处室中心]*(?:为|是)|本单位(?:为|是))(?P<role>主办|会办|协办)(?:单位)?"
    r"|(?P<role2>主办|会办|协办)(?:单位)?意见"
)
_CO_HANDLERS_RE = re.compile(r"会同[^。；\n]{1,40}?(?:等)?(?:会办|协办)单位")


SATISFACTION_LEVELS = ("满意", "基本满意", "不满意")
_SATISFACTION_RES = (
    # A labelled verdict: "反馈意见\n满意", "代表满意度：基本满意", "测评意见:不满意".
    re.compile(r"(?:反馈意见|满意度|满意程度|测评意见|测评结果|评价意见|代表意见|委员意见)\s*[:：]?\s*"
               r"(?P<s>基本满意|不满意|满意)(?![的程度])"),
    # Told in prose: "该代表…对答复表示满意", "委员对办理工作表示基本满意".
    re.compile(r"(?:代表|委员)[^。？?\n]{0,20}?表示(?P<s>基本满意|不满意|满意)"),
)


def read_satisfaction(text: str) -> str:
    """满意, 基本满意 or 不满意 where the page records the proposer's verdict; "" when it does not (a question such
    as "是否满意" or "如不满意，请…" is no verdict)."""
    for pattern in _SATISFACTION_RES:
        m = pattern.search(text)
        if m:
            return m["s"]
    return ""


def read_handling_category(text: str, title: str = "") -> str:
    """A, B or C where the reply prints its 办理类别; "" when it does not."""
    for pattern in _CATEGORY_RES:
        m = pattern.search(text)
        if m:
            return m["c"]
    for line in (title, *text.split("\n")[:6]):
        m = _TITLE_CATEGORY_RE.search(line.strip())
        if m:
            return m["c"]
    return ""


def read_handling_role(text: str, *, organ: str = "") -> str:
    """主办, 会办 or 协办 where the reply says which part its unit takes; "" when it does not."""
    m = _ROLE_STATED_RE.search(text)
    if m:
        return m["role"] or m["role2"]
    if _CO_HANDLERS_RE.search(text):
        return "主办"  # "会同省财政厅等协办单位…": the unit that leads the co-handlers
    organ = re.sub(r"\s+", "", organ)
    if organ:
        for role in HANDLING_ROLES:
            labelled = re.search(rf"{role}单位\s*[:：]\s*(?P<units>[^\n]{{1,60}})", text)
            if labelled and organ in re.sub(r"\s+", "", labelled["units"]):
                return role
    return ""


def _number_under_session(layout: Layout) -> str:
    """A record page prints the session on one line and the bare number on the next ("县人大十八届二次会议" / "16")."""
    header = layout.header
    for line, nxt in zip(header, header[1:]):
        if line.free and _read_session(line.free) == line.free and re.fullmatch(r"[A-Za-z]?\d{1,6}", nxt.free):
            return nxt.free
    return ""


# --- entry point -----------------------------------------------------------------------

def extract_fields(text: str) -> ReplyFields:
    """Fields of a cleaned reply (or of any other document: then kind is "other")."""
    layout = read_layout(text, _is_addressee_list, name_confidence)
    confidence: dict[str, float] = {}

    title, confidence["title"] = _read_title(layout)
    header_text = "\n".join([title] + [line.text for line in layout.header])
    addressees = parse_addressees(layout.salutation_names) or [] if layout.salutation_names else []
    if not addressees and layout.first("recipients", layout.header):
        addressees = parse_addressees(layout.first("recipients", layout.header)) or []
    proposers_only = False
    if not addressees and not layout.salutation_names and layout.first("proposers", layout.lines[: layout.end]):
        # A record page names the proposers in a labelled cell (建议人, 提案人, 领衔代表) and has no salutation.
        addressees, proposers_only = parse_addressees(layout.first("proposers", layout.lines[: layout.end])) or [], True
    if not addressees and layout.salutation is None:
        # No salutation: the opening sentence may name them ("…期间,王刚等代表提出的《…》收悉").
        for m in _OPENING_PROPOSERS_RE.finditer(layout.opening):
            found = parse_addressees(m["names"])
            if found:
                addressees = found
                break
    header_session = _read_session(title) or _read_session(header_text) or layout.first("session")
    session = header_session or _read_session(layout.opening)
    proposal_number = _read_proposal_number(title) or _read_proposal_number(header_text)
    if not proposal_number:
        labelled = layout.first("proposal_number", layout.lines[: layout.end])
        m = re.search(r"[A-Za-z]?\d{1,6}", labelled)
        proposal_number = m.group(0) if m else _number_under_session(layout) or _read_proposal_number(layout.opening)
    catalogue = " ".join(layout.cells("catalogue"))
    kind, confidence["kind"] = _classify(session, title, addressees, catalogue, layout.opening)
    if proposers_only and kind in (KIND_NPC, KIND_CPPCC):
        role = ROLE_DELEGATE if kind == KIND_NPC else ROLE_MEMBER
        addressees = [Addressee(a.name, a.role or role) if _GROUP_RE.search(a.name) is None else a for a in addressees]
    is_reply = bool(
        any(a.role for a in addressees) or proposal_number or header_session
        or (_TITLE_END_RE.search(title) and _TITLE_TOPIC_RE.search(title))
        or (addressees and kind != KIND_OTHER)
    )
    if not is_reply:
        kind, confidence["kind"] = KIND_OTHER, 0.5
    proposal_title, confidence["proposal_title"] = _read_proposal_title(layout, title) if is_reply else ("", 0.5)
    doc_number, confidence["doc_number"] = _read_doc_number(layout)
    date, confidence["date"] = _read_date(layout, is_reply)
    issuing_organ, confidence["issuing_organ"] = _read_issuing_organ(layout, title)
    signer, signer_confidence = read_person(layout.first("signer"))
    confidence["signer"] = 0.6 + 0.4 * signer_confidence if signer else 0.8
    handler, handler_confidence, phone, phone_confidence = _read_contacts(layout)
    confidence["handler"] = handler_confidence if handler else 0.7
    confidence["phone"] = phone_confidence if phone else 0.7
    cc = _read_cc(layout)
    confidence["cc"] = 0.9
    confidence["session"] = (0.95 if _read_session(title) else 0.8) if session else (0.7 if is_reply else 0.9)
    confidence["proposal_number"] = 0.9 if proposal_number else (0.6 if is_reply else 0.9)
    if addressees:
        confidence["addressees"] = 0.95 if layout.salutation is not None else 0.75
    else:
        confidence["addressees"] = 0.5 if is_reply else 0.9
    if layout.sign_off is None and not date:
        # No sign-off found: the text may be cut, so the empty footer fields are unsure.
        for name in ("issuing_organ", "signer", "handler", "phone", "cc"):
            confidence[name] = min(confidence[name], 0.5)
    return ReplyFields(
        title=title,
        kind=kind,
        doc_number=doc_number,
        session=session if is_reply else "",
        proposal_number=proposal_number if is_reply else "",
        addressees=addressees if is_reply else [],
        proposal_title=proposal_title,
        issuing_organ=issuing_organ,
        signer=signer,
        handler=handler,
        phone=phone,
        cc=cc,
        index_number=layout.first("index_number"),
        subject_category=layout.first("subject_category"),
        genre=layout.first("genre"),
        date=date,
        year=date.year if date else (doc_number.year if doc_number else None),
        body=_extract_body(layout),
        handling_category=read_handling_category(text, title) if is_reply else "",
        handling_role=read_handling_role(text, organ=issuing_organ) if is_reply else "",
        satisfaction=read_satisfaction(text) if is_reply else "",
        field_confidence={name: round(value, 2) for name, value in confidence.items()},
    )
