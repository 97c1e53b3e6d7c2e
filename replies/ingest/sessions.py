"""Sessions (届次) and the key that groups every reply to one proposal.

Pure functions, no Django. A session is printed many ways: 常州市十六届人大五次会议, 市十六届人大五次会议,
十六届五次会议, 政协子洲县第十届委员会第二次会议, 县政协九届三次会议. What identifies it is the body (a people's
congress or a CPPCC), its term (届) and meeting (次), and the congress it belongs to: the level (省/市/县/区/镇…)
and place (常州市). A session that names only its level ("市…"), or none ("十六届五次会议"), takes the place from the issuing
organ's name ("常州市工业和信息化局"), so that "市十六届人大五次会议第099号" and "十六届五次会议099号建议" answered by two
常州市 bureaus meet. The proposal number is compared on proposal_key ("第0099号" = "99").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from replies.ingest.chinese import CJK_IDEOGRAPHS, cn_number
from replies.ingest.docnumbers import proposal_key

NPC = "npc"
CPPCC = "cppcc"
# Reply.Kind values → the body a session belongs to.
BODY_OF_KIND = {"npc_suggestion": NPC, "cppcc_proposal": CPPCC}
KIND_OF_BODY = {body: kind for kind, body in BODY_OF_KIND.items()}

_NUMERAL = r"[一二三四五六七八九十百〇零]+|\d+"
_TERM_MEETING_RE = re.compile(
    rf"第?(?P<term>{_NUMERAL})届(?P<between>.{{0,12}}?)第?(?P<meeting>{_NUMERAL})次(?:全体)?会议"
)
_LEVELS = "省市县区州旗盟镇乡"
# The shortest name ending in a level, except 州 before 市/县/区 ("常州市", "杭州市…", "常州市市场监督管理局").
_PLACE_RE = re.compile(rf"[{CJK_IDEOGRAPHS}]{{1,10}}?(?:自治区|自治州|自治县|自治旗|州(?![市县区])|[省市县区旗盟镇乡])")
_BODY_WORDS = (("政协", CPPCC), ("政治协商", CPPCC), ("委员会", CPPCC), ("人大", NPC), ("人民代表大会", NPC),
               ("代表大会", NPC))
_PREFIX_NOISE_RE = re.compile(r"^(?:中国人民政治协商会议|政协|人大|第)+|(?:政协|人大|人民代表大会|第)+$")


@dataclass(frozen=True)
class Session:
    body: str  # NPC, CPPCC or "" when the text does not say
    term: int  # 届
    meeting: int  # 次
    level: str  # "市", "县", "全国" … or ""
    place: str  # "常州市", "子洲县" … or "" when only the level is printed

    @property
    def congress(self) -> str:
        """The people's congress or CPPCC the session belongs to: its place, else its level."""
        return self.place or self.level

    @property
    def key(self) -> str:
        """"常州市16-5": the session as a path part, the same however it was printed."""
        return f"{self.congress}{self.term}-{self.meeting}"


def _number(numeral: str) -> int | None:
    try:
        value = cn_number(numeral) if not numeral.isdigit() else int(numeral)
    except (KeyError, ValueError):
        return None
    return value or None


def parse_session(session: str, *, organ: str = "") -> Session | None:
    """The parts of a printed session, the place filled from the issuing organ when only the level is printed."""
    text = re.sub(r"\s+", "", session)
    m = _TERM_MEETING_RE.search(text)
    if not m:
        return None
    term, meeting = _number(m["term"]), _number(m["meeting"])
    if term is None or meeting is None:
        return None
    surrounding = text[: m.start()] + m["between"]
    body = next((body for word, body in _BODY_WORDS if word in surrounding), "")
    level, place = "", ""
    if "全国" in surrounding:
        level = "全国"
    else:
        prefix = _PREFIX_NOISE_RE.sub("", text[: m.start()])
        if prefix:
            level = prefix[-1] if prefix[-1] in _LEVELS else ""
            place = prefix if len(prefix) > 1 and _PLACE_RE.fullmatch(prefix) else ""
    if level and not place:
        place = _organ_place(organ, level)
    elif not level and not place:
        # "十六届五次会议": the congress is the organ's own, the first place its name gives ("常州市…局").
        m = _PLACE_RE.match(re.sub(r"\s+", "", organ))
        if m and len(m.group()) > 1:
            place, level = m.group(), m.group()[-1]
    return Session(body=body, term=term, meeting=meeting, level=level, place=place)


def _organ_place(organ: str, level: str) -> str:
    """"常州市" from "常州市工业和信息化局" for a session of level 市; "" when the organ names no such place."""
    m = re.match(rf"[{CJK_IDEOGRAPHS}]{{1,10}}?{level}", re.sub(r"\s+", "", organ))
    return m.group() if m and len(m.group()) > 1 else ""


@dataclass(frozen=True)
class ProposalKey:
    session: str  # Session.key
    body: str  # NPC or CPPCC
    number: str  # proposal_key of the printed number

    def __str__(self) -> str:
        return f"{self.session}/{self.body}/{self.number}"


def proposal_group_key(*, session: str, kind: str, number: str, organ: str = "") -> ProposalKey | None:
    """What every reply to one proposal shares; None when the reply does not say which proposal it answers."""
    parsed = parse_session(session, organ=organ)
    number = proposal_key(number)
    if parsed is None or not number:
        return None
    body = parsed.body or BODY_OF_KIND.get(kind, "")
    if not body:
        return None
    return ProposalKey(session=parsed.key, body=body, number=number)


# --- people: a delegate's or member's pages are per congress -----------------------------------------------------

_NAME_NOISE_RE = re.compile(r"\s+|(?:代表|委员|同志)$")


def normalised_name(name: str) -> str:
    """A name as pages compare it: NFKC, no spaces, without a trailing 代表/委员."""
    import unicodedata

    return _NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", name))


def congress_of(proposal_group: str) -> tuple[str, str] | None:
    """("常州市", "npc") from "常州市16-5/npc/99": the people's congress or CPPCC a proposal was made in."""
    m = re.fullmatch(r"(?P<congress>.*?)\d+-\d+/(?P<body>npc|cppcc)/[^/]+", proposal_group)
    return (m["congress"], m["body"]) if m else None


def congress_pattern(congress: str, body: str) -> str:
    """A regular expression matching the proposal groups of one congress."""
    return rf"^{re.escape(congress)}\d+-\d+/{body}/"
