"""Documents a reply cites: titles in 《》 and doc numbers, other than the reply's own."""
import re
import unicodedata
from dataclasses import dataclass

from replies.ingest.extract import doc_number_mentions

KIND_TITLE = "title"
KIND_DOC_NUMBER = "doc_number"
_TITLE_RE = re.compile(r"《(?P<title>[^《》\n]{2,120})》")
_SPACE_RE = re.compile(r"\s+")
# A proposal quoted back to its author is not a document the reply relies on.
_PROPOSAL_TITLE_RE = re.compile(r"(?:建议|提案|议案)$")
# "《…三年行动计划（2020—2022年）》" and "《…三年行动计划》" are one document.
_PERIOD_SUFFIX_RE = re.compile(r"[（(]\d{4}\s*[-—–－~～至]+\s*\d{4}\s*年?[）)]$")
# Short back-references ("上述《行动计划》") name no document of their own.
GENERIC_TITLES = frozenset({"行动计划", "实施方案", "方案", "通知", "意见", "办法", "细则", "规划", "决定", "条例", "政策"})


@dataclass(frozen=True)
class Citation:
    kind: str
    name: str
    key: str


def title_key(title: str) -> str:
    return "title:" + _PERIOD_SUFFIX_RE.sub("", normalise_title(title))


def normalise_title(title: str) -> str:
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", title)).strip("“”\"'")


def find_citations(body: str, *, own_doc_number_key: str = "", proposal_title: str = "") -> list[Citation]:
    """Each cited document once, in order of first mention."""
    own_title = normalise_title(proposal_title) if proposal_title else ""
    mentions: list[tuple[int, Citation]] = []
    for match in _TITLE_RE.finditer(body):
        name = normalise_title(match["title"])
        if name not in GENERIC_TITLES and name != own_title and not _PROPOSAL_TITLE_RE.search(name):
            mentions.append((match.start(), Citation(KIND_TITLE, name, title_key(name))))
    for match, number in doc_number_mentions(body):
        if number.issuer and number.key != own_doc_number_key:
            mentions.append((match.start(), Citation(KIND_DOC_NUMBER, number.text, "doc:" + number.key)))
    citations: dict[str, Citation] = {}
    for _, citation in sorted(mentions, key=lambda mention: mention[0]):
        citations.setdefault(citation.key, citation)
    return list(citations.values())
