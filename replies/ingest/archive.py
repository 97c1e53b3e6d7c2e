"""A .zip upload opened safely into its files: no bombs, no path tricks, no nested archives.

Member names are only ever shown to people; nothing is written to disk under them. Every member that is not a
folder or a hidden/macOS file gets an outcome, and an unsafe one is refused by name, never skipped quietly.
"""
import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# Office Open XML files are zips too, but each is one document, not a batch.
OFFICE_MARKERS = ("[Content_Types].xml", "word/document.xml", "xl/workbook.xml", "ppt/presentation.xml")
UTF8_NAME_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
RATIO_CHECK_MIN_BYTES = 1024 * 1024
READ_CHUNK = 1024 * 1024
SKIPPED_PREFIXES = ("__MACOSX/",)
# Characters that would make a name shown to people lie about itself: C0/C1 controls (a line feed forges an
# outcome line) and the bidirectional controls (U+202E turns "答复txt.exe" into "答复exe.txt" on screen).
DECEPTIVE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ArchiveLimits:
    max_member_bytes: int
    max_members: int
    max_expanded_bytes: int
    max_compression_ratio: int


@dataclass(frozen=True)
class ArchiveMember:
    """One file of the archive: its bytes, or the reason it was not taken out."""

    name: str
    content: bytes = b""
    refusal: str = ""


class ArchiveRefused(Exception):
    """The archive as a whole cannot be opened or is too dangerous to open."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_zip_batch(content: bytes) -> bool:
    """A zip of files to ingest, as opposed to a .docx or another single zipped document."""
    if not content.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return True  # a damaged zip is refused as an archive, with the reason
    return not any(marker in names for marker in OFFICE_MARKERS)


def expand_archive(content: bytes, limits: ArchiveLimits) -> list[ArchiveMember]:
    return list(iter_archive(content, limits))


def iter_archive(content: bytes, limits: ArchiveLimits, *, start: int = 0) -> Iterator[ArchiveMember]:
    """The archive's members one at a time, from member `start` on (a batch ingested in pieces resumes there
    without decompressing again what earlier pieces took: their declared sizes are charged to the budget).
    The archive as a whole is checked before the first member comes out."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise ArchiveRefused("压缩包已损坏，无法打开") from None
    with archive:
        entries = [entry for entry in archive.infolist() if _is_wanted(entry)]
        if len(entries) > limits.max_members:
            raise ArchiveRefused(f"压缩包含 {len(entries)} 个文件，超过上限 {limits.max_members} 个")
        declared = sum(entry.file_size for entry in entries)
        if declared > limits.max_expanded_bytes:
            raise ArchiveRefused(f"压缩包解压后共 {declared:,} 字节，超过上限 {limits.max_expanded_bytes:,} 字节")
        budget = _Budget(limits.max_expanded_bytes - sum(entry.file_size for entry in entries[:start]))
        for entry in entries[start:]:
            yield _extract(archive, entry, limits, budget)


def member_name(entry: zipfile.ZipInfo) -> str:
    """The name as its author wrote it: zips made on Chinese Windows store GBK without saying so."""
    if entry.flag_bits & UTF8_NAME_FLAG:
        return entry.filename
    raw = entry.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return entry.filename


def shown_name(name: str) -> str:
    """The name as it can be shown safely: each deceptive character written out as <U+XXXX>."""
    return DECEPTIVE_CHARACTERS.sub(lambda match: f"<U+{ord(match.group()):04X}>", name)


def _member_path(name: str) -> PurePosixPath:
    return PurePosixPath(name.replace("\\", "/"))  # zips written on Windows may use backslashes


def _is_wanted(entry: zipfile.ZipInfo) -> bool:
    if entry.is_dir():
        return False
    name = member_name(entry)
    if _is_unsafe_path(name):
        return True  # refused by name, with its reason, even when it looks like a hidden file ("..\\..\\x.txt")
    return not name.startswith(SKIPPED_PREFIXES) and not _member_path(name).name.startswith(".")


class _Budget:
    def __init__(self, total: int) -> None:
        self.remaining = total


def _extract(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: ArchiveLimits, budget: _Budget) -> ArchiveMember:
    raw_name = member_name(entry)
    name = shown_name(raw_name)
    refusal = _unsafe_reason(entry, raw_name) or _size_reason(entry, limits)
    if refusal:
        return ArchiveMember(name, refusal=refusal)
    limit = min(limits.max_member_bytes, budget.remaining)
    try:
        content = _read_at_most(archive, entry, limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as error:
        return ArchiveMember(name, refusal=f"无法解压：{error}")
    if content is None:
        if limit < limits.max_member_bytes:
            return ArchiveMember(name, refusal=f"压缩包解压后超过上限 {limits.max_expanded_bytes:,} 字节，其余文件未解压")
        return ArchiveMember(name, refusal=f"解压后超过单个文件上限 {limits.max_member_bytes:,} 字节")
    budget.remaining -= len(content)
    if is_zip_batch(content):
        return ArchiveMember(name, refusal="压缩包内不能再含压缩包")
    return ArchiveMember(name, content=content)


def _is_unsafe_path(name: str) -> bool:
    path = _member_path(name)
    return path.is_absolute() or ".." in path.parts or bool(path.parts and ":" in path.parts[0])


def _unsafe_reason(entry: zipfile.ZipInfo, name: str) -> str:
    if _is_unsafe_path(name):
        return "路径不安全（绝对路径或含 ..），已拒绝"
    if stat.S_ISLNK(entry.external_attr >> 16):
        return "符号链接，已拒绝"
    if entry.flag_bits & ENCRYPTED_FLAG:
        return "文件已加密，无法读取"
    return ""


def _size_reason(entry: zipfile.ZipInfo, limits: ArchiveLimits) -> str:
    if entry.file_size > limits.max_member_bytes:
        return f"解压后 {entry.file_size:,} 字节，超过单个文件上限 {limits.max_member_bytes:,} 字节"
    if entry.file_size >= RATIO_CHECK_MIN_BYTES:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            return f"压缩比 {ratio:,.0f}:1 异常（上限 {limits.max_compression_ratio}:1），疑似压缩炸弹"
    return ""


def _read_at_most(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's bytes, or None once more than `limit` come out: declared sizes can lie."""
    chunks, total = [], 0
    with archive.open(entry) as stream:
        while chunk := stream.read(READ_CHUNK):
            total += len(chunk)
            if total > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)
