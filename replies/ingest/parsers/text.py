"""Plain-text files in any common encoding: UTF-8 (with or without BOM), GB18030/GBK, UTF-16."""
import codecs
from pathlib import PurePath

from charset_normalizer import from_bytes

from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.base import ParsedDocument, Parser

TEXT_SUFFIXES = (".txt", ".text", "")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, carriage return and form feed mark binary data.
CONTROL_CHARACTERS = {chr(code) for code in range(32)} - set("\t\n\r\f")
MAX_CONTROL_RATIO = 0.01


def decode_text(content: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or refuse bytes that are not text in a known encoding."""
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return _decode_with(content, encoding)
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(content, cp_isolation=["gb18030", "utf_16", "big5", "utf_8"]).best()
    if best is None or best.encoding is None:
        raise IngestRefused("无法识别文本编码，文件可能不是文本或已损坏", code="undecodable")
    return _decode_with(content, best.encoding)


def _decode_with(content: bytes, encoding: str) -> tuple[str, str]:
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise IngestRefused(f"无法按 {encoding} 解码", code="undecodable") from None
    return text, codecs.lookup(encoding).name


def looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for char in text if char in CONTROL_CHARACTERS)
    return controls / len(text) > MAX_CONTROL_RATIO


class TextParser(Parser):
    name = "text"
    content_type = "text/plain"

    def score(self, content: bytes, filename: str) -> int:
        if b"\x00" in content[:4096] and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return 0
        suffix = PurePath(filename.lower()).suffix
        return 10 if suffix in TEXT_SUFFIXES else 0

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        text, encoding = decode_text(content)
        if looks_binary(text):
            raise IngestRefused("文件含有大量控制字符，不是可读的文本", code="binary")
        return ParsedDocument(text=text.replace("\r\n", "\n").replace("\r", "\n"), content_type=self.content_type, encoding=encoding)
