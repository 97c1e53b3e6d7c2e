"""The explicit list of parsers, and the choice of one for a file by its content.

Each parser scores a file from its bytes (magic numbers, structure); the name's suffix only
adds a point, to break a tie. The text parser is last and weakest: it takes what nothing else
recognises, when the name says text.
"""
from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.base import Parser
from replies.ingest.parsers.html import HtmlParser
from replies.ingest.parsers.image import ImageParser
from replies.ingest.parsers.legacy_office import LegacyOfficeParser
from replies.ingest.parsers.magic import describe_unsupported, suffix_of
from replies.ingest.parsers.pdf import PdfParser
from replies.ingest.parsers.text import TextParser
from replies.ingest.parsers.tools import ExternalTools
from replies.ingest.parsers.word import DocxParser

SUPPORTED_TYPES = (
    "文本（.txt）、网页（.html/.htm）、PDF（含扫描件）、Word（.docx/.doc）、WPS 文字（.wps）、RTF、"
    "图片（.png/.jpg/.tif）"
)


def registered_parsers(tools: ExternalTools) -> tuple[Parser, ...]:
    return (
        PdfParser(tools),
        DocxParser(),
        LegacyOfficeParser(tools),
        ImageParser(tools),
        HtmlParser(),
        TextParser(),
    )


def parser_for(content: bytes, filename: str, *, tools: ExternalTools | None = None) -> Parser:
    parsers = registered_parsers(tools or ExternalTools())
    scored = [(parser.score(content, filename), index, parser) for index, parser in enumerate(parsers)]
    best_score, _, best = max(scored, key=lambda item: (item[0], -item[1]))
    if best_score <= 0:
        suffix = suffix_of(filename) or "无扩展名"
        raise IngestRefused(
            f"不支持的文件类型（{suffix}）：{describe_unsupported(content)}。目前支持{SUPPORTED_TYPES}",
            code="unsupported_type",
        )
    return best
