"""From the bytes of one file to a prepared reply: an ordered chain of small, pure steps.

preflight (empty, size) → parse (chosen by content) → repair (mojibake, PDF artifacts)
→ extract fields → assign topics. Any step may refuse the file with IngestRefused.
Storing and indexing happen in replies.services, after this chain has succeeded.

A scan without OCR, or a .doc/.wps without LibreOffice, is not refused: it goes through with
empty text and the flag "needs_ocr" or "needs_conversion", so that it is stored for staff.
"""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from replies.ingest.cleanup import repair_pdf_artifacts
from replies.ingest.errors import IngestRefused
from replies.ingest.extract import ReplyFields, extract_fields
from replies.ingest.mojibake import looks_like_mojibake, repair_mojibake
from replies.ingest.parsers.registry import parser_for
from replies.ingest.parsers.tools import ExternalTools
from replies.ingest.topics import assign_topics

MIN_TEXT_CHARACTERS = 20
# Flags of a file whose text could not be read here, but that is kept for staff to deal with.
UNREAD_FLAGS = ("needs_ocr", "needs_conversion")
# Flag of a text that still looks damaged after repair: it waits as a draft for staff.
MOJIBAKE_UNREPAIRED_FLAG = "mojibake_unrepaired"
# Parsers separate table cells with tabs. The PDF-artifact repair takes any space between two
# CJK characters for a spurious one, so the separators are hidden from it behind a private-use
# character and put back afterwards.
_CELL_SEPARATOR_RE = re.compile(r"(?<=\S)\t+(?=\S)")
_CELL_PLACEHOLDER = "\ue000"


@dataclass
class PreparedDocument:
    sha256: str
    size: int
    content_type: str
    text_encoding: str
    text: str
    fields: ReplyFields
    topic_slugs: list[str] = field(default_factory=list)
    quality_flags: list[str] = field(default_factory=list)
    repair_notes: list[dict] = field(default_factory=list)


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_preflight(content: bytes, *, max_bytes: int) -> None:
    if not content:
        raise IngestRefused("文件为空", code="empty")
    if len(content) > max_bytes:
        raise IngestRefused(
            f"文件过大：{len(content):,} 字节，上限 {max_bytes:,} 字节", code="too_large"
        )


def configured_tools() -> ExternalTools:
    """The external programs named in the Django settings (TESSERACT_COMMAND, LIBREOFFICE_COMMAND).

    Django is imported only here, so that the pure steps above and below run without it.
    """
    from django.conf import settings

    return ExternalTools(
        tesseract_command=settings.TESSERACT_COMMAND, libreoffice_command=settings.LIBREOFFICE_COMMAND
    )


def prepare_document(
    content: bytes, filename: str, *, max_bytes: int, tools: ExternalTools | None = None
) -> PreparedDocument:
    check_preflight(content, max_bytes=max_bytes)
    parsed = parser_for(content, filename, tools=tools or configured_tools()).parse(content, filename)
    text, flags, notes = repair_text(parsed.text)
    unread = any(flag in UNREAD_FLAGS for flag in parsed.flags)
    if not unread:
        check_enough_text(text, from_ocr="ocr" in parsed.flags)
    fields = extract_fields(text)
    if unread and not fields.title:
        fields.title = PurePath(filename).stem
    return PreparedDocument(
        sha256=content_sha256(content),
        size=len(content),
        content_type=parsed.content_type,
        text_encoding=parsed.encoding,
        text=text,
        fields=fields,
        topic_slugs=assign_topics(title=fields.title, body=fields.body),
        quality_flags=[*parsed.flags, *flags],
        repair_notes=notes,
    )


def check_enough_text(text: str, *, from_ocr: bool) -> None:
    if len("".join(text.split())) >= MIN_TEXT_CHARACTERS:
        return
    if from_ocr:
        raise IngestRefused("OCR 未能识别出足够的文字：图片可能不含文字，或不够清晰", code="no_text")
    raise IngestRefused("文件中没有可读的正文", code="no_text")


def repair_layout(text: str) -> str:
    """The PDF-artifact repair, with the tabs between table cells kept."""
    hidden = _CELL_SEPARATOR_RE.sub(_CELL_PLACEHOLDER, text)
    return repair_pdf_artifacts(hidden).replace(_CELL_PLACEHOLDER, "\t")


def repair_text(text: str) -> tuple[str, list[str], list[dict]]:
    """Undo the damage real uploads carry; report what was changed."""
    flags: list[str] = []
    notes: list[dict] = []
    if looks_like_mojibake(text):
        repair = repair_mojibake(text)
        text = repair.text
        flags.append("mojibake_repaired")
        notes.append(
            {
                "kind": "mojibake",
                "repaired_spans": len(repair.spans),
                "low_confidence": [
                    {"replacement": span.replacement, "damaged": span.damaged,
                     "context": repair.text[max(0, span.start - 10) : span.end + 10],
                     "confidence": round(span.confidence, 3)}
                    for span in repair.low_confidence
                ],
            }
        )
        if looks_like_mojibake(text):
            flags.append("mojibake_residual")
    cleaned = repair_layout(text)
    if cleaned != text:
        notes.append({"kind": "pdf_artifacts"})
        text = cleaned
    return text, flags, notes
