"""Scans and photos (PNG, JPEG, TIFF, every page of a multi-page TIFF) read through OCR."""
from io import BytesIO

from PIL import Image, ImageSequence, UnidentifiedImageError

from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.base import ParsedDocument, Parser
from replies.ingest.parsers.magic import image_format, suffix_of
from replies.ingest.parsers.ocr import recognise_pages
from replies.ingest.parsers.tools import ExternalTools

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "tiff": "image/tiff"}
SUFFIXES = {"png": (".png",), "jpeg": (".jpg", ".jpeg"), "tiff": (".tif", ".tiff")}


def open_pages(content: bytes) -> list[Image.Image]:
    """Every frame of the image, decoded; refuse an image Pillow cannot read to the end."""
    try:
        with Image.open(BytesIO(content)) as image:
            pages = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except Image.DecompressionBombError:
        raise IngestRefused("图片像素过多，无法识别", code="image_too_large") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        # Pillow reports truncated and malformed data as OSError, and some TIFF damage as SyntaxError.
        raise IngestRefused("图片已损坏或不完整，无法读取", code="corrupt") from None
    return pages


class ImageParser(Parser):
    name = "image"

    def __init__(self, tools: ExternalTools) -> None:
        self.tools = tools

    def score(self, content: bytes, filename: str) -> int:
        kind = image_format(content)
        if not kind:
            return 0
        return 101 if suffix_of(filename) in SUFFIXES[kind] else 100

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        content_type = CONTENT_TYPES[image_format(content)]
        pages = open_pages(content)
        texts = recognise_pages(pages, self.tools)
        if texts is None:
            return ParsedDocument(text="", content_type=content_type, flags=("needs_ocr",))
        return ParsedDocument(text="\n\n".join(texts), content_type=content_type, flags=("ocr",))
