"""Lines placed on a page, and paragraphs rebuilt from where the lines sit.

PDF text layers and OCR both give visual lines. A line that runs to the right margin and is
followed, right below, by a line that starts at the left margin is one paragraph wrapped by
the layout; anything else (a short line, an indented line, a gap) starts a new paragraph.
The page geometry tells this far more reliably than the text can.
"""
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

# How far from a margin (in character widths) a line may end or start and still touch it.
MARGIN_TOLERANCE_CHARS = 1.5
INDENT_TOLERANCE_CHARS = 0.5
# A paragraph's first line is indented by two characters; a line that starts further in and
# still reaches the right margin is set flush right (an organ, a date), not wrapped.
MAX_PARAGRAPH_INDENT_CHARS = 4
# The most vertical space between two lines of one paragraph, in line heights.
MAX_LINE_GAP = 1.0
MIN_CHARS_FOR_WIDTH = 4


@dataclass(frozen=True)
class PlacedLine:
    """A line of text with its box; y grows downwards (top < bottom)."""

    text: str
    left: float
    right: float
    top: float
    bottom: float
    group: int = 0  # lines of different groups (OCR blocks) are never joined

    @property
    def height(self) -> float:
        return self.bottom - self.top


def paragraphs_text(lines: list[PlacedLine]) -> str:
    """The lines in order, wrapped lines joined into paragraphs, one paragraph per text line."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        return ""
    char_width = _char_width(lines)
    # The column's edges: a wrapped line is one that ran out of room, so it reaches the widest.
    right_margin = max(line.right for line in lines)
    left_margin = min(line.left for line in lines)
    paragraphs = [lines[0].text.strip()]
    for previous, line in pairwise(lines):
        wrapped = (
            line.group == previous.group
            and previous.right >= right_margin - MARGIN_TOLERANCE_CHARS * char_width
            and previous.left <= left_margin + MAX_PARAGRAPH_INDENT_CHARS * char_width
            and line.left <= left_margin + INDENT_TOLERANCE_CHARS * char_width
            and previous.top < line.top
            and line.top - previous.bottom <= MAX_LINE_GAP * previous.height
        )
        text = line.text.strip()
        if wrapped:
            paragraphs[-1] += _joiner(paragraphs[-1], text) + text
        else:
            paragraphs.append(text)
    return "\n".join(paragraphs)


def _char_width(lines: list[PlacedLine]) -> float:
    widths = [
        (line.right - line.left) / len(line.text.strip())
        for line in lines
        if len(line.text.strip()) >= MIN_CHARS_FOR_WIDTH
    ]
    return median(widths) if widths else median(line.height for line in lines)


def _joiner(left: str, right: str) -> str:
    """A space between two Latin words cut by the wrap; nothing between CJK characters."""
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum() else ""
