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
SNIFF_BYTES = 4096
UTF16_ORDERS = ("utf-16-le", "utf-16-be")
# Printable ASCII, general punctuation, CJK symbols, CJK unified ideographs, full-width forms.
COMMON_RANGES = ((" ", "~"), ("\u2000", "\u206f"), ("\u3000", "\u303f"), ("\u4e00", "\u9fff"), ("\uff00", "\uffef"))
MIN_COMMON_SHARE = 0.9


def decode_text(content: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or refuse bytes that are not text in a known encoding."""
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return _decode_with(content, encoding)
    utf16 = sniff_utf16_without_bom(content)
    if utf16:
        return _decode_with(content, utf16)
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(content, cp_isolation=["gb18030", "utf_16", "big5", "utf_8"]).best()
    if best is None or best.encoding is None:
        raise IngestRefused("无法识别文本编码，文件可能不是文本或已损坏", code="undecodable")
    return _decode_with(content, best.encoding)


def sniff_utf16_without_bom(content: bytes) -> str:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a BOM, else "".

    Only bytes with NULs are candidates: in UTF-16 every ASCII character (line ends, digits)
    has a NUL byte. Read in the right byte order, Chinese text is nearly all CJK, ASCII and
    punctuation; read in the wrong order it scatters over other scripts.
    """
    sample = content[: SNIFF_BYTES // 2 * 2]
    if len(content) % 2 or b"\x00" not in sample:
        return ""
    shares = {encoding: _common_share(sample.decode(encoding, errors="replace")) for encoding in UTF16_ORDERS}
    best = max(shares, key=shares.get)
    return best if shares[best] >= MIN_COMMON_SHARE else ""


def _common_share(text: str) -> float:
    """The share of characters that Chinese text is made of: CJK, ASCII, punctuation, line ends."""
    common = sum(1 for char in text if char in "\t\n\r" or any(low <= char <= high for low, high in COMMON_RANGES))
    return common / len(text) if text else 0.0


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


def _is_utf16(content: bytes) -> bool:
    return content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or bool(sniff_utf16_without_bom(content))


class TextParser(Parser):
    name = "text"
    content_type = "text/plain"

    def score(self, content: bytes, filename: str) -> int:
        if b"\x00" in content[:SNIFF_BYTES] and not _is_utf16(content):
            return 0
        suffix = PurePath(filename.lower()).suffix
        return 10 if suffix in TEXT_SUFFIXES else 0

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        text, encoding = decode_text(content)
        if looks_binary(text):
            raise IngestRefused("文件含有大量控制字符，不是可读的文本", code="binary")
        return ParsedDocument(text=text.replace("\r\n", "\n").replace("\r", "\n"), content_type=self.content_type, encoding=encoding)
