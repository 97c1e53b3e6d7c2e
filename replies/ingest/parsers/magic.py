"""What a file is, told from its first bytes; the file name is only ever a tie-breaker."""
import zipfile
from io import BytesIO
from pathlib import PurePath

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
RTF_SIGNATURE = b"{\\rtf"
PDF_SIGNATURE = b"%PDF-"
# Readers accept a PDF header anywhere in the first 1024 bytes (some mailers prepend junk).
PDF_HEADER_WINDOW = 1024
DOCX_MAIN_PART = "word/document.xml"


def suffix_of(filename: str) -> str:
    return PurePath(filename.lower()).suffix


def is_pdf(content: bytes) -> bool:
    return PDF_SIGNATURE in content[:PDF_HEADER_WINDOW]


def image_format(content: bytes) -> str:
    """"png", "jpeg" or "tiff" when the header is well formed, else ""."""
    if content.startswith(PNG_SIGNATURE) and content[12:16] == b"IHDR":
        return "png"
    if content.startswith(JPEG_SIGNATURE) and len(content) > 3 and content[3] >= 0xC0:
        return "jpeg"
    if content.startswith(TIFF_SIGNATURES):
        return "tiff"
    return ""


def is_zip(content: bytes) -> bool:
    return content.startswith(ZIP_SIGNATURES)


def zip_names(content: bytes) -> list[str] | None:
    """The member names of a readable zip, or None when its directory cannot be read."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def is_ole2(content: bytes) -> bool:
    return content.startswith(OLE2_SIGNATURE)


def has_ole2_stream(content: bytes, name: str) -> bool:
    """Whether an OLE2 compound file names a stream; directory entries hold names in UTF-16-LE."""
    return name.encode("utf-16-le") in content


def is_rtf(content: bytes) -> bool:
    return content[:64].lstrip().startswith(RTF_SIGNATURE)


_KNOWN_UNSUPPORTED = (
    (lambda c: c.startswith(b"MZ"), "Windows 可执行程序"),
    (lambda c: c.startswith(b"\x7fELF"), "可执行程序"),
    (is_zip, "压缩包或 Word 以外的 Office 文档（如 .xlsx、.pptx）"),
    (is_ole2, "Word 以外的 Office 97-2003 文档（如 .xls、.ppt）"),
    (lambda c: c.startswith((b"GIF87a", b"GIF89a")), "GIF 图片"),
    (lambda c: c.startswith(b"Rar!"), "RAR 压缩包"),
    (lambda c: c.startswith(b"7z\xbc\xaf\x27\x1c"), "7z 压缩包"),
    (lambda c: c.startswith(b"\x1f\x8b"), "gzip 压缩包"),
)


def describe_unsupported(content: bytes) -> str:
    """A short Chinese description of a file no parser takes, for the refusal message."""
    for matches, description in _KNOWN_UNSUPPORTED:
        if matches(content):
            return description
    return "内容不是文本，也不是可识别的文档格式"
