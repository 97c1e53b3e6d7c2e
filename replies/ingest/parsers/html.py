"""Web pages saved from government sites, through Beautiful Soup and lxml.

The text comes out in the shape of a web copy saved as text (seed 001): the page's metadata
block as `标签：值` lines first (信息名称, 索引号 …, the labels the field extractor reads), then
the title and the main text, one paragraph a line. Scripts, styles, navigation, footers and
other page furniture are left out.
"""
import codecs
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector
from bs4.element import PreformattedString

from replies.ingest.parsers.base import ParsedDocument, Parser
from replies.ingest.parsers.magic import suffix_of
from replies.ingest.parsers.text import decode_text

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
SNIFF_BYTES = 2048
# The start of a page: an optional BOM, XML declaration and comments, then one of these tags.
HTML_START_RE = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
# Pages that declare GB2312 or GBK routinely use characters outside it; GB18030 is a superset.
GB_FAMILY = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "csgb2312"}

# Label as printed → the label written into the text (the one replies.ingest.extract reads).
LABELS = {
    "信息名称": "信息名称", "标题": "信息名称", "文件名称": "信息名称",
    "索引号": "索引号",
    "主题分类": "主题分类",
    "体裁分类": "体裁分类",
    "组配分类": "组配分类",
    "文件编号": "文件编号", "发文字号": "文件编号", "文号": "文件编号",
    "产生日期": "产生日期", "生成日期": "产生日期",
    "成文日期": "成文日期",
    "发布机构": "发布机构", "发文机关": "发布机构", "发布单位": "发布机构",
    "发布日期": "发布日期", "公开日期": "发布日期", "发布时间": "发布日期",
    "废止日期": "废止日期",
    "内容概述": "内容概述",
    "关键词": "关键词", "主题词": "关键词",
    "来源": "来源", "作者": "作者",
    "浏览次数": "", "点击数": "", "访问量": "", "字号": "",  # only end the value before them
}
TEXT_LABELS = (
    "信息名称", "索引号", "主题分类", "体裁分类", "组配分类", "文件编号", "产生日期", "成文日期",
    "发布机构", "发布日期", "废止日期", "内容概述",
)
# <meta name=…> of the national government-site standard, used when the block lacks the label.
META_NAMES = {"articletitle": "信息名称", "pubdate": "发布日期", "contentsource": "发布机构", "keywords": "关键词"}

_SPACE = "[\\s\u00a0\u3000]*"  # "索 引 号", "标\u3000\u3000题"
_ANY_LABEL = "|".join(_SPACE.join(map(re.escape, label)) for label in sorted(LABELS, key=len, reverse=True))
_LABEL_RE = re.compile(f"(?P<label>{_ANY_LABEL}){_SPACE}[:：]")
_BARE_LABEL_RE = re.compile(f"^{_SPACE}(?:{_ANY_LABEL}){_SPACE}[:：]?{_SPACE}$")
_WHITESPACE_RE = re.compile(r"[ \t\r\n\f]+")

DROPPED_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "button", "input", "textarea", "nav", "footer", "aside", "head", "link", "meta",
)
# Class or id words of page furniture (split on - and _): navigation, headers, footers, tools.
FURNITURE_WORDS = {
    "nav", "navbar", "menu", "header", "head", "footer", "foot", "bottom", "banner", "breadcrumb",
    "crumb", "crumbs", "position", "location", "sidebar", "side", "share", "print", "toolbar",
    "tools", "login", "search", "copyright", "links", "friendlink", "related", "comment", "pager",
    "pagination", "topbar", "qrcode", "ewm", "fontsize", "dh", "daohang",
}
# Furniture never holds most of the page; an element that does is the content, whatever its class.
MAX_FURNITURE_SHARE = 0.3
# Descend into the child that holds this share of an element's text, down to the main text.
DOMINANT_SHARE = 0.8
TITLE_WORDS = {"title", "bt", "tit", "biaoti"}
# Shorter headings are section names or a site's logo text, not an article's title.
MIN_TITLE_CHARS = 6
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6", "li",
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "address", "figure",
    "figcaption", "hr", "tr", "td", "th", "table", "tbody", "thead", "tfoot", "caption", "form", "body",
}
LINE_TAGS = ("tr", "li", "dl", "p", "div", "td", "th", "dt", "dd", "span")
# A metadata line is short; a longer element that opens with a label is the article itself.
MAX_METADATA_LINE_CHARS = 400
CONTAINER_TAGS = ("tr", "li", "dl", "p", "div", "table", "ul", "ol")
DATA_CELL_MAX_CHARS = 100
CELL_SEPARATOR = "\t"


# --- bytes to a tree -------------------------------------------------------------------

def looks_like_html(content: bytes) -> bool:
    return bool(HTML_START_RE.match(content[:SNIFF_BYTES]))


def decode_html(content: bytes) -> tuple[str, str]:
    """The page's text and encoding: BOM, then the declared charset, then detection."""
    if content.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(content)
    declared = EncodingDetector.find_declared_encoding(content[:SNIFF_BYTES * 2], is_html=True)
    if declared:
        encoding = "gb18030" if declared.lower() in GB_FAMILY else declared
        try:
            return content.decode(encoding), codecs.lookup(encoding).name
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration: detect instead
    return decode_text(content)


# --- text of elements ------------------------------------------------------------------

def _strings(element: Tag):
    """The element's text nodes, without comments, CDATA and the like."""
    for string in element.descendants:
        if isinstance(string, NavigableString) and not isinstance(string, PreformattedString):
            yield string


def _compact(text: str) -> str:
    return "".join(text.split())


def _weight(element: Tag) -> int:
    """How much readable text an element holds: non-space characters outside links."""
    total = 0
    for child in element.children:
        if isinstance(child, Tag):
            total += _weight(child) if child.name != "a" else 0
        elif not isinstance(child, PreformattedString):
            total += len(_compact(child))
    return total


def _words(element: Tag) -> set[str]:
    names = [*element.get("class", []), element.get("id", "")]
    return {word.lower() for name in names for word in re.split(r"[-_\s]+", name) if word}


# --- metadata block --------------------------------------------------------------------

def _label_line(element: Tag) -> str:
    """The element's text, with a colon after every text node that is a label on its own."""
    parts = []
    for string in _strings(element):
        text = _WHITESPACE_RE.sub(" ", str(string)).strip()
        if not text:
            continue
        parts.append(text.rstrip(":：") + "：" if _BARE_LABEL_RE.match(text) else text)
    return " ".join(parts)


def label_pairs(line: str) -> list[tuple[str, str]]:
    """(label, value) pairs of a line that starts with a label: "索引号：… 主题分类：…"."""
    line = line.strip()
    matches = list(_LABEL_RE.finditer(line))
    if not matches or matches[0].start() != 0:
        return []
    pairs = []
    for match, following in zip(matches, [*matches[1:], None]):
        label = LABELS[_compact(match["label"])]
        value = line[match.end(): following.start() if following else len(line)]
        if label:
            pairs.append((label, _WHITESPACE_RE.sub(" ", value).strip()))
    return pairs


def take_metadata(soup: BeautifulSoup) -> dict[str, str]:
    """Read the page's `标签：值` block and remove it, so that it is not read again as body text."""
    metadata: dict[str, str] = {}
    taken: list[Tag] = []
    taken_ids: set[int] = set()
    for element in soup.find_all(LINE_TAGS):
        # Innermost lines only (a row, not the table), and not inside a line already taken.
        if element.find(CONTAINER_TAGS) or any(id(parent) in taken_ids for parent in element.parents):
            continue
        line = _label_line(element)
        if len(_compact(line)) > MAX_METADATA_LINE_CHARS:
            continue
        pairs = label_pairs(line)
        for label, value in pairs:
            if value:
                metadata.setdefault(label, value)
        if pairs:
            taken.append(element)
            taken_ids.add(id(element))
    for element in taken:
        element.decompose()
    for meta in soup.find_all("meta", attrs={"name": True, "content": True}):
        label = META_NAMES.get(meta["name"].lower())
        if label and meta["content"].strip():
            metadata.setdefault(label, _WHITESPACE_RE.sub(" ", meta["content"]).strip())
    return metadata


# --- title and main text ---------------------------------------------------------------

def page_title(soup: BeautifulSoup) -> str:
    """The article's heading: an h1/h2 or title-classed element, best one that the <title> names."""
    window_title = _compact(soup.title.get_text()) if soup.title else ""
    headings = [
        text
        for element in (soup.body or soup).find_all(True)
        if (element.name in ("h1", "h2") or _words(element) & TITLE_WORDS) and not _in_furniture(element)
        for text in [_compact(element.get_text())]
        if len(text) >= MIN_TITLE_CHARS
    ]
    named = [text for text in headings if window_title and (text in window_title or window_title in text)]
    if named or headings:
        return (named or headings)[0]
    # "关于…的答复_常州市工业和信息化局": the article's part is the longer one.
    return max(re.split(r"[_|｜]|--|——", window_title), key=len) if window_title else ""


def _in_furniture(element: Tag) -> bool:
    return any(_words(tag) & FURNITURE_WORDS or tag.name in DROPPED_TAGS for tag in [element, *element.parents])


def drop_furniture(root: Tag) -> None:
    for element in root.find_all(DROPPED_TAGS):
        element.decompose()
    for element in root.find_all(_is_hidden):
        element.decompose()
    total = _weight(root) or 1
    for element in root.find_all(lambda tag: bool(_words(tag) & FURNITURE_WORDS)):
        if not element.decomposed and _weight(element) <= MAX_FURNITURE_SHARE * total:
            element.decompose()
    for link in root.find_all("a", href=re.compile(r"^\s*javascript:", re.IGNORECASE)):
        link.decompose()  # 【打印本页】【关闭窗口】


def _is_hidden(tag: Tag) -> bool:
    style = _compact(tag.get("style", "")).lower()
    return "display:none" in style or "visibility:hidden" in style or tag.has_attr("hidden")


def main_content(root: Tag) -> Tag:
    """The smallest block that holds nearly all of the page's text (furniture already dropped)."""
    element = root
    while True:
        weight = _weight(element)
        blocks = [child for child in element.find_all(BLOCK_TAGS, recursive=False)]
        dominant = next((child for child in blocks if weight and _weight(child) >= DOMINANT_SHARE * weight), None)
        if dominant is None:
            return element
        element = dominant


# --- rendering -------------------------------------------------------------------------

def render_text(element: Tag) -> str:
    """The element's text with one paragraph a line; table rows as lines of tab-separated cells."""
    parts: list[str] = []
    _render(element, parts)
    lines = (line.strip(" ") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line.strip())


def _render(node, parts: list[str]) -> None:
    if isinstance(node, NavigableString):
        if not isinstance(node, PreformattedString):
            parts.append(_WHITESPACE_RE.sub(" ", str(node)))
        return
    if node.name == "br":
        parts.append("\n")
        return
    if node.name == "table" and _is_data_table(node):
        parts.extend(f"\n{row}\n" for row in _table_rows(node))
        return
    block = node.name in BLOCK_TAGS
    if block:
        parts.append("\n")
    for child in node.children:
        _render(child, parts)
    if block:
        parts.append("\n")


def _rows(table: Tag) -> list[Tag]:
    return [row for row in table.find_all("tr") if row.find_parent("table") is table]


def _is_data_table(table: Tag) -> bool:
    """A table of data rather than one that lays out the page: short cells, none holding a table."""
    cells = [cell for row in _rows(table) for cell in row.find_all(("td", "th"), recursive=False)]
    return bool(cells) and all(
        cell.find("table") is None and len(_compact(cell.get_text())) <= DATA_CELL_MAX_CHARS for cell in cells
    )


def _table_rows(table: Tag) -> list[str]:
    rows = []
    for row in _rows(table):
        cells = [" ".join(render_text(cell).split("\n")) for cell in row.find_all(("td", "th"), recursive=False)]
        line = CELL_SEPARATOR.join(cells).strip()
        if line:
            rows.append(line)
    return rows


# --- the parser ------------------------------------------------------------------------

def page_text(metadata: dict[str, str], title: str, body: str) -> str:
    """Metadata lines first, then the title unless the body already opens with it, then the body."""
    lines = [f"{label}：{metadata[label]}" for label in TEXT_LABELS if label in metadata]
    title = title or metadata.get("信息名称", "")
    opening = _compact("".join(body.split("\n")[:3]))
    if title and title not in opening:
        lines.append(title)
    lines.append(body)
    return "\n".join(line for line in lines if line)


class HtmlParser(Parser):
    name = "html"
    content_type = "text/html"

    def score(self, content: bytes, filename: str) -> int:
        has_suffix = suffix_of(filename) in HTML_SUFFIXES
        if looks_like_html(content):
            return 81 if has_suffix else 80
        # A page that does not open with a tag (a fragment) is still taken when it is named so.
        return 50 if has_suffix and b"\x00" not in content[:SNIFF_BYTES] else 0

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        markup, encoding = decode_html(content)
        soup = BeautifulSoup(markup, "lxml")
        metadata = take_metadata(soup)
        title = page_title(soup)
        root = soup.body or soup
        drop_furniture(root)
        body = render_text(main_content(root))
        return ParsedDocument(
            text=page_text(metadata, title, body), content_type=self.content_type, encoding=encoding,
            metadata=metadata,
        )
