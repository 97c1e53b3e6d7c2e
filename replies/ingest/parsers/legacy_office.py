"""Word 97-2003 (.doc), WPS and RTF documents: converted to .docx by LibreOffice, then read as one.

Without LibreOffice, or when the conversion fails, the file is still taken: with empty text
and the flag "needs_conversion", so that staff can convert it by hand.
"""
import os
import signal
import subprocess
import tempfile
from pathlib import Path

from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.base import ParsedDocument, Parser
from replies.ingest.parsers.magic import has_ole2_stream, is_ole2, is_rtf, suffix_of
from replies.ingest.parsers.tools import ExternalTools
from replies.ingest.parsers.word import docx_text

CONTENT_TYPES = {"doc": "application/msword", "wps": "application/vnd.ms-works", "rtf": "application/rtf"}
SUFFIXES = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf"}
WORD_STREAM = "WordDocument"


def legacy_kind(content: bytes, filename: str) -> str:
    """"doc", "wps" or "rtf" for a file LibreOffice can convert, else ""."""
    suffix = suffix_of(filename)
    if is_ole2(content):
        # WPS Office writes Word's binary format; Works and older WPS files hold other streams.
        if has_ole2_stream(content, WORD_STREAM):
            return "wps" if suffix == ".wps" else "doc"
        return "wps" if suffix == ".wps" else ""
    return "rtf" if is_rtf(content) else ""


def convert_to_docx(content: bytes, kind: str, tools: ExternalTools) -> bytes | None:
    """The document converted by LibreOffice, or None when LibreOffice is missing or fails."""
    with tempfile.TemporaryDirectory(prefix="replies-convert-") as work:
        folder = Path(work)
        source = folder / f"source{SUFFIXES[kind]}"
        source.write_bytes(content)
        command = [
            tools.libreoffice_command,
            # A profile of its own: LibreOffice runs that share one block or corrupt each other.
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "docx", "--outdir", str(folder / "out"), str(source),
        ]
        if not _run(command, timeout=tools.conversion_timeout_seconds):
            return None
        converted = folder / "out" / "source.docx"
        return converted.read_bytes() if converted.is_file() else None


def _run(command: list[str], *, timeout: int) -> bool:
    """Run to the end within `timeout`; on timeout kill the whole process group (soffice forks)."""
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    try:
        return process.wait(timeout=timeout) == 0
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False


class LegacyOfficeParser(Parser):
    name = "legacy_office"

    def __init__(self, tools: ExternalTools) -> None:
        self.tools = tools

    def score(self, content: bytes, filename: str) -> int:
        kind = legacy_kind(content, filename)
        if not kind:
            return 0
        return 101 if suffix_of(filename) == SUFFIXES[kind] else 100

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        kind = legacy_kind(content, filename)
        text = self._converted_text(content, kind)
        if text is None:
            return ParsedDocument(text="", content_type=CONTENT_TYPES[kind], flags=("needs_conversion",))
        return ParsedDocument(text=text, content_type=CONTENT_TYPES[kind])

    def _converted_text(self, content: bytes, kind: str) -> str | None:
        converted = convert_to_docx(content, kind, self.tools)
        if converted is None:
            return None
        try:
            # The converted file's properties are LibreOffice's (its own time stamp), not the original's.
            text, _ = docx_text(converted)
        except IngestRefused:
            return None
        return text
