"""The contract every parser keeps: bytes in, text and metadata out; no ORM, no settings."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParsedDocument:
    text: str
    content_type: str
    encoding: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


class Parser:
    name: str = ""
    content_type: str = ""

    def score(self, content: bytes, filename: str) -> int:
        """How well this parser fits the file: 0 means not at all; the highest score wins."""
        raise NotImplementedError

    def parse(self, content: bytes, filename: str) -> ParsedDocument:
        raise NotImplementedError
