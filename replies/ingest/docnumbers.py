"""Document numbers (发文字号, 文号) and proposal numbers: parsing and the keys that compare them.

Pure functions, no Django. A 文号 is printed in many ways (常工信复〔2021〕第22号,
常工信复[2021]22号, 平交复函【2017】19号 …); parsing normalises the brackets to 〔〕 and the
keys make differently printed numbers compare equal. search/ builds its index keys from here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from replies.ingest.chinese import CJK


@dataclass(frozen=True)
class DocNumber:
    text: str  # as printed, brackets normalised to 〔〕 and spaces removed
    issuer: str  # "常工信复", "国办函"; "" when a query gives only 〔2021〕47号
    year: int
    serial: str  # digits as printed: "22", "082"

    @property
    def key(self) -> str:
        return doc_number_key(self.issuer, self.year, self.serial)


OPEN_BRACKETS = "〔[(（【［〈﹝「｛{"
CLOSE_BRACKETS = "〕])）】］〉﹞」｝}"

DOC_NUMBER_RE = re.compile(
    rf"(?P<issuer>[{CJK}A-Za-z]{{0,10}}?)\s*"
    rf"[{re.escape(OPEN_BRACKETS)}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{re.escape(CLOSE_BRACKETS)}]\s*"
    r"(?P<di>第)?\s*(?P<serial>\d{1,5})\s*号"
)
# Words that run into an issuer when a doc number is quoted in a sentence ("印发了常办电〔…").
_ISSUER_NOISE_WORDS = r"(?:根据|依据|按照|印发了?|下发了?|出台了?|转发了?|发布了?|制定了?|文号|见|即|和|与|及|或|的|是|为)"
_ISSUER_NOISE_RE = re.compile(rf"^.*?{_ISSUER_NOISE_WORDS}(?=.{{2,}})")
_ISSUER_ONLY_NOISE_RE = re.compile(rf"{_ISSUER_NOISE_WORDS}$")


def doc_number_from_match(m: re.Match[str]) -> DocNumber:
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
    return doc_number_from_match(m) if m else None


def find_doc_numbers(text: str) -> list[DocNumber]:
    """Every document number in `text`, in order (issuer "" when none is printed)."""
    return [number for _, number in doc_number_mentions(text)]


def doc_number_mentions(text: str) -> list[tuple[re.Match[str], DocNumber]]:
    return [(m, doc_number_from_match(m)) for m in DOC_NUMBER_RE.finditer(text)]


def doc_number_key(issuer: str, year: int, serial: str) -> str:
    """Canonical key: 常工信复〔2021〕第22号 and 常工信复[2021]22号 give "常工信复|2021|22"."""
    return f"{issuer}|{year}|{serial.lstrip('0') or '0'}"


def proposal_key(number: str) -> str:
    """"0287", "287" and "第0287号" all become "287"."""
    digits = "".join(character for character in number if character.isdigit())
    return digits.lstrip("0") or ("0" if digits else "")


def doc_year_serial_key(year: int, serial: str) -> str:
    """A doc number without its issuer, for queries such as 〔2021〕47号."""
    return f"{year}|{proposal_key(serial)}"
