"""The explicit list of parsers, and the choice of one for a file by its content."""
from pathlib import PurePath

from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.base import Parser
from replies.ingest.parsers.text import TextParser

PARSERS: tuple[Parser, ...] = (TextParser(),)


def parser_for(content: bytes, filename: str) -> Parser:
    scored = [(parser.score(content, filename), index, parser) for index, parser in enumerate(PARSERS)]
    best_score, _, best = max(scored, key=lambda item: (item[0], -item[1]))
    if best_score <= 0:
        suffix = PurePath(filename).suffix or "（无扩展名）"
        raise IngestRefused(f"不支持的文件类型（{suffix}），或内容不是文本：目前支持 .txt 文本文件", code="unsupported_type")
    return best
