"""Repair the artifacts that PDF and web-page text extraction leave in Chinese documents.

Pure text functions, no Django. The main entry point is :func:`repair_pdf_artifacts`.

What PDF extraction does to a government letter, and what is undone here:

* a paragraph that runs over a page break comes out as two lines with a blank line (and
  sometimes a page number or a running header) in between: "未来一个时" / "" / "间，…";
* characters are separated by spaces where the PDF positioned them separately:
  "第 35 号", "杨 军", "财政资金 1.36 亿", "抄 送：";
* page numbers ("- 3 -", "第 3 页 共 5 页") and running headers become lines of their own;
* some extractors hard-wrap every visual line, so a paragraph becomes several lines of
  nearly equal width, with new paragraphs marked only by their indentation.

Web-page text indents paragraphs with runs of spaces and no-break spaces; that is stripped.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from replies.ingest.chinese import CJK, SPACE, WIDE, WIDE_PUNCT, is_heading  # noqa: F401  (CJK, WIDE_PUNCT re-exported)

# --- character classes -----------------------------------------------------------------

# (CJK, WIDE_PUNCT, WIDE and SPACE live in replies.ingest.chinese and are imported above.)

# --- patterns --------------------------------------------------------------------------

_SPACE_RUN_RE = re.compile(f"[{SPACE}]+")
_INDENT_RE = re.compile(f"^[{SPACE}]+")
# A space run next to a wide character, with a word character or wide character on the
# other side. Space between two Latin words or two numbers is left alone.
_SPACE_NEXT_TO_WIDE_RE = re.compile(
    f"(?<=[{WIDE}])[{SPACE}]+(?=[\\w{WIDE}])|(?<=[\\w{WIDE}])[{SPACE}]+(?=[{WIDE}])"
)

# "联系电话 : 0512…": an ASCII colon after a CJK label, with spaces around it.
_LABEL_COLON_RE = re.compile(f"(?<=[{WIDE}])[{SPACE}]*:[{SPACE}]*")

_PAGE_NUMBER_RE = re.compile(
    r"""^(?:
        [-—–－~·•_\s]*\d{1,3}[-—–－~·•_\s]*          # 3, - 3 -, — 3 —
      | 第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?   # 第3页, 第 3 页 共 5 页
      | 共\s*\d{1,3}\s*页\s*第\s*\d{1,3}\s*页
      | \d{1,3}\s*/\s*\d{1,3}                        # 3/5
      | (?i:page)\s*\d{1,3}(?:\s*(?i:of)\s*\d{1,3})?
    )$""",
    re.VERBOSE,
)

# Punctuation that can end a sentence or a self-contained line.
_SENTENCE_END = "。！？!?；;：:…"
# Closing quotes and brackets end a sentence only when they follow sentence punctuation.
_CLOSERS = "”’」』）)》】〕\"'"
# A fragment that starts with one of these continues the previous line.
_CONTINUATION_START = "，,。．、；;：:）)」』》】”’%…—"
_MID_CLAUSE_END = "，,、"
# Units and particles that follow a number: a line ending with a digit and the next line
# starting with one of these is a number cut from its unit ("工业设计中心 8" / "家").
_NUMBER_UNITS = "年月日号家个项条件元万亿次名人户所座台套批期%倍度天岁"

_LABEL_RE = re.compile(
    r"^(?:签发人|签发|经办人|承办人|联系人|联系电话|电话|联系方式|抄送|抄报|主送|附件|"
    r"信息名称|索引号|主题分类|体裁分类|组配分类|文件编号|产生日期|成文日期|发布机构|发布日期|"
    r"废止日期|内容概述|公开方式|公开属性|答复类别|办理结果|来源|作者)[:：]"
)
_SALUTATION_RE = re.compile(r"^(?:尊敬的)?[^，。；,;：:]{1,40}[：:]$")
_DOC_NUMBER_LINE_RE = re.compile(
    r"^[\w\u3400-\u9fff]{0,15}[〔\[(（【［]\d{4}[〕\])）】］]第?\d{1,5}号$"
)
_DATE_LINE_RE = re.compile(
    r"^(?:\d{4}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$"
)
_TITLE_END_RE = re.compile(r"(?:答复|复函|的函|文件|答复意见)$")
_ORGAN_LINE_RE = re.compile(
    r"^[\u3400-\u9fff（）()]{2,30}(?:局|厅|委|委员会|办公室|办公厅|部|院|政府|中心|署|会|处|所|公司|站|馆|办)$"
)
_CLOSING_FORMULA_RE = re.compile(r"^(?:特此|此复|专此|以上答复|感谢)")

# A fragment at least this wide (a CJK character counts 2) is taken to be cut by a page
# break when it ends without punctuation; a heading or title that short is left alone.
_LONG_FRAGMENT_WIDTH = 40
_SHORT_TAIL_WIDTH = 12

# Hard-wrap detection: how many lines of (nearly) the same width make a document hard-wrapped.
_WRAP_MIN_LINES = 5
_WRAP_MIN_SHARE = 0.4
_WRAP_TOLERANCE = 4
_WRAP_MAX_WIDER_SHARE = 0.05
_RUNNING_HEADER_MIN_REPEATS = 3
_SIGN_OFF_TAIL_LINES = 8
_LETTERHEAD_LINES = 3


# --- small predicates ------------------------------------------------------------------

def display_width(s: str) -> int:
    """Width in columns: a CJK (wide or full-width) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def ends_sentence(line: str) -> bool:
    line = line.rstrip()
    if not line:
        return True
    if line[-1] in _SENTENCE_END:
        return True
    if line[-1] in _CLOSERS:
        inner = line.rstrip(_CLOSERS)
        return bool(inner) and inner[-1] in _SENTENCE_END
    # An ASCII full stop, unless it is part of a number or list marker ("1.").
    return line[-1] == "." and len(line) > 1 and not line[-2].isdigit()


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER_RE.match(line.strip()))


def is_structural(line: str) -> bool:
    """A line that stands on its own: heading, label, salutation, doc number, date, title…"""
    compact = _SPACE_RUN_RE.sub("", line)
    return (
        is_heading(compact)
        or bool(_LABEL_RE.match(compact))
        or bool(_SALUTATION_RE.match(compact))
        or bool(_DOC_NUMBER_LINE_RE.match(compact))
        or bool(_DATE_LINE_RE.match(compact))
        or (len(compact) <= 60 and bool(_TITLE_END_RE.search(compact)))
        or bool(_ORGAN_LINE_RE.match(compact))
        or bool(_CLOSING_FORMULA_RE.match(compact))
        or is_page_number(compact)
    )


# --- the steps -------------------------------------------------------------------------

def normalise_text(text: str) -> str:
    """Normalise line endings and strip trailing whitespace; characters are kept as printed."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\f", "\n\n")
    return "\n".join(line.rstrip(SPACE) for line in text.split("\n"))


# "抄送:县人大代联委 县政府督查室": in the 版记's copy-to line a space separates two recipients.
_CC_LINE_RE = re.compile(f"^(?P<label>[{SPACE}]*抄[{SPACE}]*(?:送|报)[{SPACE}]*[:：])(?P<value>.*)$")


def remove_spurious_spaces(line: str) -> str:
    """Drop spaces next to CJK characters ("第 35 号" → "第35号"); keep "New York".

    In a 抄送/抄报 line a space between two recipients is kept (one space): it separates them."""
    m = _CC_LINE_RE.match(line)
    if m and re.search(f"[{WIDE}]{{2}}[{SPACE}]+[{WIDE}]{{2}}", m["value"]):
        label = _SPACE_NEXT_TO_WIDE_RE.sub("", _LABEL_COLON_RE.sub(":", m["label"]))
        return label + _SPACE_RUN_RE.sub(" ", m["value"].strip())
    return _SPACE_NEXT_TO_WIDE_RE.sub("", _LABEL_COLON_RE.sub(":", line))


# "县人大十八届二次会议" / "16": on a record page the proposal's number stands bare under the session.
_SESSION_LINE_RE = re.compile(r"(?:会议|届[一二三四五六七八九十\d]+次)$")


def _drop_page_numbers(lines: list[str]) -> list[str]:
    kept = []
    for i, line in enumerate(lines):
        previous = next((p.strip() for p in reversed(lines[:i]) if p.strip()), "")
        if line.strip() and is_page_number(line) and not (line.strip().isdigit() and _SESSION_LINE_RE.search(previous)):
            kept.append("")
        else:
            kept.append(line)
    return kept


def _drop_running_headers(lines: list[str]) -> list[str]:
    """Drop a short line repeated on every page.

    An occurrence among the first lines is kept (the letterhead is often repeated as the
    running header), and so is a last occurrence among the last lines that is an organ
    line (the sign-off).
    """
    keys = [_SPACE_RUN_RE.sub("", line) for line in lines]
    counts = Counter(k for k in keys if k)
    repeated = {
        k for k, n in counts.items()
        if n >= _RUNNING_HEADER_MIN_REPEATS and display_width(k) <= 80 and not ends_sentence(k)
    }
    if not repeated:
        return lines
    non_empty = [i for i, k in enumerate(keys) if k]
    head = set(non_empty[:_LETTERHEAD_LINES])
    tail = set(non_empty[-_SIGN_OFF_TAIL_LINES:])
    last = {key: i for i, key in enumerate(keys)}
    return [
        line if key not in repeated or i in head or (i == last[key] and i in tail and _ORGAN_LINE_RE.match(key))
        else ""
        for i, (line, key) in enumerate(zip(lines, keys))
    ]


def _wrap_width(lines: list[str]) -> int | None:
    """The common full-line width if the text is hard-wrapped, else None."""
    widths = [display_width(line) for line in lines if display_width(line) >= 30]
    if len(widths) < _WRAP_MIN_LINES:
        return None
    counts = Counter(widths)
    best_width, best_count = 0, 0
    for w in counts:
        n = sum(c for v, c in counts.items() if w - _WRAP_TOLERANCE <= v <= w)
        if n > best_count or (n == best_count and w > best_width):
            best_width, best_count = w, n
    # Hard-wrapped text has no line much wider than its margin; one-paragraph-per-line text
    # can still have several headings of equal width.
    wider = sum(1 for w in widths if w > best_width + _WRAP_TOLERANCE)
    if (
        best_count >= _WRAP_MIN_LINES
        and best_count >= _WRAP_MIN_SHARE * len(widths)
        and wider <= _WRAP_MAX_WIDER_SHARE * len(widths)
    ):
        return best_width
    return None


def _joiner(left: str, right: str) -> str:
    return " " if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha() else ""


def _is_page_break_cut(prev: str, nxt: str) -> bool:
    """Whether `nxt`, separated from `prev` by blank lines, continues prev's sentence."""
    if ends_sentence(prev) or is_structural(prev):
        return False
    if nxt[0] in _CONTINUATION_START:
        return True
    if is_structural(nxt):
        return False
    if prev[-1].isdigit() and nxt[0] in _NUMBER_UNITS:
        return True
    return (
        prev[-1] in _MID_CLAUSE_END
        or display_width(prev) >= _LONG_FRAGMENT_WIDTH
        or (display_width(nxt) <= _SHORT_TAIL_WIDTH and ends_sentence(nxt))
    )


def _is_wrapped_line(line: str, nxt: str, nxt_indented: bool, wrap_width: int) -> bool:
    """In hard-wrapped text: `line` runs to the margin and `nxt` carries on its paragraph."""
    return (
        display_width(line) >= wrap_width - _WRAP_TOLERANCE
        and not nxt_indented
        and not is_structural(line)
        and not is_heading(nxt)
        and not _LABEL_RE.match(nxt)
    )


def _join_lines(lines: list[str], indented: list[bool]) -> list[str]:
    wrap_width = _wrap_width(lines)
    out: list[str] = []
    last = -1  # index in `out` of the last non-empty line
    for line, is_indented in zip(lines, indented):
        if not line:
            out.append("")
            continue
        if last >= 0:
            prev = out[last]
            adjacent = last == len(out) - 1
            if wrap_width and _is_wrapped_line(prev, line, is_indented, wrap_width):
                join = True
            elif adjacent:
                join = False
            else:
                join = _is_page_break_cut(prev, line)
            if join:
                out[last] = prev + _joiner(prev, line) + line
                del out[last + 1:]
                continue
        out.append(line)
        last = len(out) - 1
    return out


def _collapse_blank_runs(lines: list[str]) -> str:
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def repair_pdf_artifacts(text: str) -> str:
    """Clean text extracted from a PDF or a web page; see the module docstring."""
    lines = normalise_text(text).split("\n")
    lines = _drop_page_numbers(lines)
    lines = _drop_running_headers(lines)
    indented = [bool(_INDENT_RE.match(line)) for line in lines]
    lines = [remove_spurious_spaces(_INDENT_RE.sub("", line)) for line in lines]
    lines = _join_lines(lines, indented)
    lines = [remove_spurious_spaces(line) for line in lines]
    return _collapse_blank_runs(lines)
