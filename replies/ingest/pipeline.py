"""From the bytes of one file to a prepared reply: an ordered chain of small, pure steps.

preflight (empty, size) → parse (chosen by content) → repair (mojibake, PDF artifacts,
control characters) → extract fields → look for damage left → assign topics. Any step may
refuse the file with IngestRefused.
Storing and indexing happen in replies.services, after this chain has succeeded.

A scan without OCR, or a .doc/.wps without LibreOffice, is not refused: it goes through with
empty text and the flag "needs_ocr" or "needs_conversion", so that it is stored for staff.
Text that still looks damaged after the repairs goes through with the flag
"mojibake_unrepaired" and the damaged stretches in its repair notes (see check_damage_left).
"""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from replies.ingest.cleanup import repair_pdf_artifacts
from replies.ingest.errors import IngestRefused
from replies.ingest.extract import ReplyFields, extract_fields
from replies.ingest.mojibake import MojibakeRepair, find_damage, repair_mojibake
from replies.ingest.parsers.registry import parser_for
from replies.ingest.parsers.tools import ExternalTools
from replies.ingest.topics import assign_topics

MIN_TEXT_CHARACTERS = 20
# Flags of a file whose text could not be read here, but that is kept for staff to deal with.
UNREAD_FLAGS = ("needs_ocr", "needs_conversion")
# Flag of a text that still looks damaged after repair: it waits as a draft for staff.
MOJIBAKE_UNREPAIRED_FLAG = "mojibake_unrepaired"
# Flag of a text shorter than a whole reply (fewer than SHORT_TEXT_CHARACTERS, such as a title and "已收悉")
# that still holds words: kept as a draft for staff.
SHORT_TEXT_FLAG = "short_text"
SHORT_TEXT_CHARACTERS = 30
MIN_READABLE_CHARACTERS = 2
_READABLE_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")
# Flags that keep a reply a draft whatever the upload asked: its text could not be read, still reads as
# garbage after repair, or is too short to be a whole reply.
DRAFT_FLAGS = frozenset({*UNREAD_FLAGS, MOJIBAKE_UNREPAIRED_FLAG, SHORT_TEXT_FLAG})
# C0 and C1 control characters other than line feed and tab (the parsers and the layout repair
# have turned CR, form feed and the Unicode line separators into line feeds before this).
_CONTROL_CHARACTERS_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters of context either side of a low-confidence character in its repair note.
NOTE_CONTEXT = 10
# Characters of an uncertain repair's line that locate it when the whole line cannot be found.
UNSURE_PREFIX = 12
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
        flags += check_enough_text(text, from_ocr="ocr" in parsed.flags)
    fields = extract_fields(text)
    if unread and not fields.title:
        fields.title, _ = strip_control_characters(PurePath(filename).stem)
    unsure = [line for note in notes if note["kind"] == "mojibake" for line in note["unsure"]]
    damage_flags, damage_notes = check_damage_left(text, fields, unsure)
    flags += damage_flags
    notes += damage_notes
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


def check_enough_text(text: str, *, from_ocr: bool) -> list[str]:
    """Flags for a text shorter than a whole reply. A real reply of one line, or a title and "已收悉", is kept
    for staff to look at (flag short_text); only a text with nothing readable in it is refused."""
    characters = len("".join(text.split()))
    if from_ocr and characters < MIN_TEXT_CHARACTERS:
        raise IngestRefused("OCR 未能识别出足够的文字：图片可能不含文字，或不够清晰", code="no_text")
    if len(_READABLE_RE.findall(text)) < MIN_READABLE_CHARACTERS:
        raise IngestRefused("文件中没有可读的正文", code="no_text")
    return [SHORT_TEXT_FLAG] if characters < SHORT_TEXT_CHARACTERS else []


def repair_layout(text: str) -> str:
    """The PDF-artifact repair, with the tabs between table cells kept."""
    hidden = _CELL_SEPARATOR_RE.sub(_CELL_PLACEHOLDER, text)
    return repair_pdf_artifacts(hidden).replace(_CELL_PLACEHOLDER, "\t")


def strip_control_characters(text: str) -> tuple[str, int]:
    """Text without C0/C1 control characters other than line feed and tab, and how many went."""
    stripped, removed = _CONTROL_CHARACTERS_RE.subn("", text)
    return (stripped, removed) if removed else (text, 0)


def repair_text(text: str) -> tuple[str, list[str], list[dict]]:
    """Undo the damage real uploads carry; report what was changed."""
    flags: list[str] = []
    notes: list[dict] = []
    repair = repair_mojibake(text)
    if repair.changed:
        text = repair.text
        flags.append("mojibake_repaired")
        notes.append(mojibake_note(repair))
    cleaned = repair_layout(text)
    if cleaned != text:
        notes.append({"kind": "pdf_artifacts"})
        text = cleaned
    text, removed = strip_control_characters(text)
    if removed:
        notes.append({"kind": "control_characters", "removed": removed})
    return text, flags, notes


def mojibake_note(repair: MojibakeRepair) -> dict:
    """What the mojibake repair did: the kinds, each repaired stretch, the uncertain characters.

    Offsets are those of the repaired text before the layout repair, which may move them;
    the context strings locate each spot in the stored text.
    """
    return {
        "kind": "mojibake",
        "damage": list(repair.kinds),
        "repaired_spans": len(repair.repairs),
        "repairs": [
            {"damage": r.damage, "start": r.start, "end": r.end, "damaged": r.damaged[:200],
             "replacement": r.replacement[:200], "lost_bytes": r.lost_bytes}
            for r in repair.repairs
        ],
        "low_confidence": [
            {"replacement": spot.text, "damage": spot.damage,
             "context": repair.text[max(0, spot.start - NOTE_CONTEXT) : spot.end + NOTE_CONTEXT],
             "confidence": spot.confidence}
            for spot in repair.low_confidence
        ],
        # Repaired stretches with too many uncertain characters to be trusted, line by line.
        "unsure": [line for stretch in repair.uncertain for line in stretch.text.split("\n") if line.strip()],
    }


def check_damage_left(text: str, fields: ReplyFields, unsure: list[str] = ()) -> tuple[list[str], list[dict]]:
    """Flag text that still looks damaged, with the damaged stretches of what is published.

    Damaged is what find_damage finds, and the lines of repairs the mojibake repair was unsure
    of (``unsure``). Each stretch is {"field", "start", "end", "text", "damage"}: character
    offsets into the reply's title or body as stored (the body is the text when no body was
    extracted), or into the whole text for damage outside both.
    """
    stretches = []
    located = set()
    published = (("title", fields.title), ("body", fields.body or text))
    for field_name, value in published:
        for stretch in find_damage(value):
            stretches.append(_stretch_note(field_name, stretch.start, stretch.end, value, stretch.damage))
            located.add(stretch.text)
    for stretch in find_damage(text):
        if stretch.text not in located:
            stretches.append(_stretch_note("text", stretch.start, stretch.end, text, stretch.damage))
    for line in unsure:
        # The layout repair may have joined or trimmed the line: its opening locates it then.
        for needle in (line, line.strip()[:UNSURE_PREFIX]):
            found = next(((name, value, value.find(needle)) for name, value in (*published, ("text", text))
                          if value.find(needle) >= 0), None)
            if found:
                name, value, start = found
                stretches.append(_stretch_note(name, start, start + len(needle), value, "uncertain_repair"))
                break
    if not stretches:
        return [], []
    return [MOJIBAKE_UNREPAIRED_FLAG], [{"kind": MOJIBAKE_UNREPAIRED_FLAG, "stretches": stretches}]


def _stretch_note(field_name: str, start: int, end: int, value: str, damage: str) -> dict:
    return {"field": field_name, "start": start, "end": end, "text": value[start:end], "damage": damage}
