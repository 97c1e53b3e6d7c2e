"""PDF files: the text layer through pdfminer.six; pages without one (scans) through OCR."""
import re
from dataclasses import dataclass
from io import BytesIO

import pypdfium2
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTImage, LTItem, LTPage, LTTextLine
from pdfminer.pdfdocument import PDFPasswordIncorrect

from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.base import ParsedDocument, Parser
from replies.ingest.parsers.layout import PlacedLine, paragraphs_text
from replies.ingest.parsers.magic import is_pdf, suffix_of
from replies.ingest.parsers.ocr import recognise_pages
from replies.ingest.parsers.tools import ExternalTools

# Readers look for the end-of-file marker in the last 1024 bytes; without it the file was cut off.
EOF_MARKER = b"%%EOF"
EOF_WINDOW = 1024
# A page with fewer characters than this in its text layer, and an image on it, is a scan.
MIN_PAGE_CHARACTERS = 10
POINTS_PER_INCH = 72
# pdfminer writes "(cid:1234)" for a glyph whose font maps it to no character.
UNMAPPED_GLYPH_RE = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class PdfPage:
    text: str  # without unmapped glyphs
    has_image: bool
    unmapped_glyphs: int = 0

    @property
    def needs_ocr(self) -> bool:
        """A scan (an image, next to no text), or a text layer that is mostly unmapped glyphs."""
        characters = len("".join(self.text.split()))
        return (self.has_image and characters < MIN_PAGE_CHARACTERS) or self.unmapped_glyphs > characters


def read_pages(content: bytes) -> list[PdfPage]:
    """The text layer of every page, paragraphs rebuilt from the line positions."""
    if EOF_MARKER not in content[-EOF_WINDOW:]:
        raise IngestRefused("PDF 文件不完整（缺少文件结尾），可能在上传或下载时被截断", code="corrupt")
    try:
        return [_page(layout) for layout in extract_pages(BytesIO(content), laparams=LAParams(all_texts=True))]
    except PDFPasswordIncorrect:
        raise IngestRefused("PDF 文件已加密，需要密码才能打开", code="encrypted") from None
    except Exception:  # noqa: BLE001
        # pdfminer reports damaged files through many exception types (its own, and KeyError,
        # TypeError, zlib.error … from deep inside); every one of them means "cannot be read".
        raise IngestRefused("PDF 文件已损坏，无法读取", code="corrupt") from None


def _page(layout: LTPage) -> PdfPage:
    lines = [
        PlacedLine(text=item.get_text(), left=item.x0, right=item.x1,
                   top=layout.height - item.y1, bottom=layout.height - item.y0)
        for item in _walk(layout) if isinstance(item, LTTextLine)
    ]
    has_image = any(isinstance(item, LTImage) for item in _walk(layout))
    text = paragraphs_text(lines)
    return PdfPage(
        text=UNMAPPED_GLYPH_RE.sub("", text), has_image=has_image,
        unmapped_glyphs=len(UNMAPPED_GLYPH_RE.findall(text)),
    )


def _walk(item: LTItem):
    """Every layout item inside `item`, depth first, in the order pdfminer laid them out."""
    yield item
    if not isinstance(item, LTTextLine) and hasattr(item, "__iter__"):
        for child in item:
            yield from _walk(child)


def render_pages(content: bytes, indexes: list[int], dpi: int):
    """Page images for OCR, rendered one at a time by PDFium (no poppler needed)."""
    document = pypdfium2.PdfDocument(content)
    try:
        for index in indexes:
            yield document[index].render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_pil()
    finally:
        document.close()


class PdfParser(Parser):
    name = "pdf"
    content_type = "application/pdf"

    def __init__(self, tools: ExternalTools) -> None:
        self.tools = tools

    def score(self, content: bytes, filename: str) -> int:
        if not is_pdf(content):
            return 0
        return 101 if suffix_of(filename) == ".pdf" else 100

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        pages = read_pages(content)
        texts = [page.text for page in pages]
        scans = [index for index, page in enumerate(pages) if page.needs_ocr]
        flags: tuple[str, ...] = ()
        if scans:
            recognised = self._recognise(content, scans)
            if recognised is None:
                flags = ("needs_ocr",)
            else:
                for index, text in zip(scans, recognised):
                    texts[index] = text
                flags = ("ocr",)
        return ParsedDocument(text="\n\n".join(texts), content_type=self.content_type, flags=flags)

    def _recognise(self, content: bytes, indexes: list[int]) -> list[str] | None:
        try:
            return recognise_pages(render_pages(content, indexes, self.tools.ocr_dpi), self.tools)
        except pypdfium2.PdfiumError:
            return None
