"""Word documents (.docx) through python-docx: body paragraphs and table rows in document order.

Headers, footers, footnotes and text boxes are left out; page furniture is not part of a reply.
"""
import zipfile
from io import BytesIO

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.base import ParsedDocument, Parser
from replies.ingest.parsers.magic import DOCX_MAIN_PART, is_zip, suffix_of, zip_names

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CELL_SEPARATOR = "\t"
CORE_PROPERTIES = ("title", "subject", "author", "keywords", "created", "modified")


def is_docx(content: bytes) -> bool:
    """A readable zip holding a Word main document part."""
    names = zip_names(content) if is_zip(content) else None
    return names is not None and DOCX_MAIN_PART in names


def looks_like_damaged_docx(content: bytes, filename: str) -> bool:
    """A zip whose directory cannot be read, but that names Word parts or is called .docx."""
    return (
        is_zip(content)
        and zip_names(content) is None
        and (DOCX_MAIN_PART.encode() in content or suffix_of(filename) == ".docx")
    )


def docx_text(content: bytes) -> tuple[str, dict[str, str]]:
    """The document's text, one paragraph or table row a line, and its core properties."""
    try:
        document = docx.Document(BytesIO(content))
        lines = [line for block in document.iter_inner_content() for line in _block_lines(block)]
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, XMLSyntaxError, ValueError, OSError):
        raise IngestRefused("Word 文档已损坏或不完整，无法读取", code="corrupt") from None
    return "\n".join(line for line in lines if line), _core_properties(document)


def _block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text.strip()]
    return _table_lines(block)


def _table_lines(table: Table) -> list[str]:
    """One line a row, cells joined by a tab; a merged cell is written once, where it starts."""
    seen = set()
    lines = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            # python-docx repeats a merged cell for every grid column and row it covers; holding
            # the XML element (not its id) keeps lxml handing out the same proxy for it.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append(_cell_text(cell))
        lines.append(CELL_SEPARATOR.join(cells).strip())
    return lines


def _cell_text(cell) -> str:
    parts = [line for block in cell.iter_inner_content() for line in _block_lines(block)]
    return " ".join(part for part in parts if part)


def _core_properties(document: Document) -> dict[str, str]:
    properties = document.core_properties
    values = {name: getattr(properties, name) for name in CORE_PROPERTIES}
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
        for name, value in values.items()
        if value
    }


class DocxParser(Parser):
    name = "docx"
    content_type = CONTENT_TYPE

    def score(self, content: bytes, filename: str) -> int:
        if is_docx(content):
            return 101 if suffix_of(filename) == ".docx" else 100
        # Claimed only to be refused with a reason that says the document is damaged.
        return 90 if looks_like_damaged_docx(content, filename) else 0

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        text, metadata = docx_text(content)
        return ParsedDocument(text=text, content_type=self.content_type, metadata=metadata)
