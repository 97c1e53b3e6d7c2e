"""The outline of a reply: its numbered sections (一、 / （一） / 1.) as in-page navigation.

Pure functions, no Django. Replies number their sections on three levels:

    一、加大政策支持力度。…        level 1, Chinese numeral and 、
    （一）强化创新载体。…          level 2, Chinese numeral in full-width or ASCII brackets
    1. 聚焦基础再造。…             level 3, Arabic numeral and . ． or 、

A numbered paragraph becomes an entry only when its number follows on from the previous
entry of the same level (1, then 2, 3 …; a lower level starts again at 1 under each new
parent), so that a sentence which merely begins "三、" or "2." in the middle of the text
does not make the outline jump.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from replies.ingest.chinese import chinese_numeral_value, section_number  # noqa: F401  (chinese_numeral_value re-exported)

_SENTENCE_END_RE = re.compile(r"[。；;：:！!？?]")
MAX_TITLE_CHARS = 40


@dataclass
class OutlineEntry:
    level: int  # 1 一、, 2 （一）, 3 1.
    number: int
    label: str  # as printed: "一、", "（二）", "3."
    title: str  # the heading's words: up to the first sentence end, at most MAX_TITLE_CHARS
    paragraph: int  # index of the paragraph in the list given to reply_outline
    children: list[OutlineEntry] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return paragraph_anchor(self.paragraph)


def paragraph_anchor(index: int) -> str:
    """The id of the paragraph at this (0-based) index on the detail page."""
    return f"p{index + 1}"


def heading_of(paragraph: str) -> tuple[int, int, str, str] | None:
    """(level, number, label, title) when the paragraph starts with a section number, else None."""
    found = section_number(paragraph)
    if found is None:
        return None
    level, number, label, rest = found
    return level, number, label, _title(rest)


def _title(text: str) -> str:
    end = _SENTENCE_END_RE.search(text)
    title = text[: end.start()] if end else text
    title = title.strip()
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "…"


def reply_outline(paragraphs: list[str]) -> list[OutlineEntry]:
    """The numbered sections of the paragraphs as a tree (top-level entries, each with its children)."""
    roots: list[OutlineEntry] = []
    open_entries: dict[int, OutlineEntry] = {}  # the latest entry on each level
    for index, paragraph in enumerate(paragraphs):
        heading = heading_of(paragraph)
        if heading is None:
            continue
        level, number, label, title = heading
        # Opening an entry closes the lower levels, so an open entry on this level is a sibling.
        previous = open_entries.get(level)
        if number != (previous.number + 1 if previous else 1):
            continue
        parent = next((open_entries[up] for up in range(level - 1, 0, -1) if up in open_entries), None)
        entry = OutlineEntry(level=level, number=number, label=label, title=title, paragraph=index)
        (parent.children if parent is not None else roots).append(entry)
        open_entries[level] = entry
        for lower in [key for key in open_entries if key > level]:
            del open_entries[lower]
    return roots


def outline_entries(entries: list[OutlineEntry]):
    """Every entry of the tree, in document order."""
    for entry in entries:
        yield entry
        yield from outline_entries(entry.children)


def outline_size(entries: list[OutlineEntry]) -> int:
    return sum(1 for _ in outline_entries(entries))


@dataclass(frozen=True)
class Paragraph:
    anchor: str  # its id on the page
    text: str
    starts_section: bool  # an outline entry links here


@dataclass(frozen=True)
class OutlinedText:
    paragraphs: list[Paragraph]
    outline: list[OutlineEntry]  # empty unless there are two sections at least


def outline_text(body: str) -> OutlinedText:
    """A reply's body as the detail page shows it: its non-blank lines as paragraphs, and their outline."""
    texts = [line for line in body.split("\n") if line.strip()]
    outline = reply_outline(texts)
    if outline_size(outline) < 2:
        outline = []  # a single section is no outline worth showing
    starts = {entry.paragraph for entry in outline_entries(outline)}
    paragraphs = [Paragraph(paragraph_anchor(index), text, index in starts) for index, text in enumerate(texts)]
    return OutlinedText(paragraphs, outline)
