"""Optical character recognition of page images with Tesseract, through pytesseract.

OCR is optional: when the Tesseract binary or its language data is missing, callers get
None and store the file flagged "needs_ocr" instead of refusing it.
"""
import threading
from collections.abc import Iterable
from contextlib import contextmanager

import pytesseract
from PIL import Image

from replies.ingest.cleanup import remove_spurious_spaces
from replies.ingest.parsers.layout import PlacedLine, paragraphs_text
from replies.ingest.parsers.tools import ExternalTools

# pytesseract keeps the binary's path in a module global; the lock keeps two threads that were
# given different commands from running each other's.
_command_lock = threading.Lock()


@contextmanager
def _tesseract(command: str):
    with _command_lock:
        previous = pytesseract.pytesseract.tesseract_cmd
        pytesseract.pytesseract.tesseract_cmd = command
        try:
            yield
        finally:
            pytesseract.pytesseract.tesseract_cmd = previous


def ocr_available(tools: ExternalTools) -> bool:
    with _tesseract(tools.tesseract_command):
        try:
            return tools.ocr_language in pytesseract.get_languages()
        except (pytesseract.TesseractNotFoundError, OSError):
            return False


def recognise_pages(images: Iterable[Image.Image], tools: ExternalTools) -> list[str] | None:
    """The text of each image, paragraphs rebuilt; None when Tesseract is missing or fails."""
    if not ocr_available(tools):
        return None
    texts = []
    with _tesseract(tools.tesseract_command):
        for image in images:
            try:
                words = pytesseract.image_to_data(
                    _prepared(image), lang=tools.ocr_language, timeout=tools.ocr_timeout_seconds,
                    output_type=pytesseract.Output.DICT,
                )
            except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError):
                return None  # RuntimeError is pytesseract's timeout
            texts.append(paragraphs_text(placed_lines(words)))
    return texts


def placed_lines(words: dict[str, list]) -> list[PlacedLine]:
    """Tesseract's words grouped into its lines, in reading order, with each line's box."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(words["text"]):
        if word.strip():
            lines.setdefault((words["block_num"][i], words["par_num"][i], words["line_num"][i]), []).append(i)
    return [
        PlacedLine(
            text=strip_cjk_spaces(" ".join(words["text"][i] for i in indices)),
            left=min(words["left"][i] for i in indices),
            right=max(words["left"][i] + words["width"][i] for i in indices),
            top=min(words["top"][i] for i in indices),
            bottom=max(words["top"][i] + words["height"][i] for i in indices),
            group=block,
        )
        for (block, _, _), indices in lines.items()
    ]


def _prepared(image: Image.Image) -> Image.Image:
    """Grey levels on a white ground: transparency would otherwise come out black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, "white")
        image = Image.alpha_composite(ground, rgba)
    return image.convert("L")


def strip_cjk_spaces(text: str) -> str:
    """Tesseract separates CJK characters with spaces ("常 州 市"); keep spaces between Latin words."""
    return "\n".join(remove_spurious_spaces(line).strip() for line in text.split("\n"))
