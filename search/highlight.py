"""Marks what a reader searched for, in snippets built from escaped stored text.

Matching is on the strings the reader typed (and their jieba words), so a whole word is
marked as one (<mark>智能化</mark>), never the overlapping pieces of a search-mode cut; and
no document is re-segmented to highlight it.
"""
import re
from bisect import bisect_left
from collections import Counter
from itertools import islice
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_WIDTH = 110
CONTEXT_BEFORE = 25
# Snippets are chosen among the first matches only: a long report can hold a common word a
# thousand times, and the passages that hold most of the query are rarely all that far in.
SNIPPET_MATCH_LIMIT = 300
WHITESPACE = re.compile(r"\s+")


class Match(NamedTuple):
    start: int
    end: int
    term: str


def term_pattern(terms: list[str]) -> re.Pattern | None:
    usable = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if not usable:
        return None
    return re.compile("|".join(re.escape(term) for term in usable), re.IGNORECASE)


def find_matches(text: str, pattern: re.Pattern | None, *, limit: int | None = None) -> list[Match]:
    if pattern is None:
        return []
    return [Match(found.start(), found.end(), found.group().lower()) for found in islice(pattern.finditer(text), limit)]


def mark_text(text: str, matches: list[Match], start: int = 0, end: int | None = None) -> str:
    """Escaped text[start:end] with every match inside it wrapped in <mark>; matches are in text order."""
    end = len(text) if end is None else end
    pieces, cursor = [], start
    for match in matches[_first_at_or_after(matches, start):]:
        if match.start >= end:
            break
        if match.end > end:
            continue
        pieces.append(escape(text[cursor : match.start]))
        pieces.append(f"<mark>{escape(text[match.start : match.end])}</mark>")
        cursor = match.end
    pieces.append(escape(text[cursor:end]))
    return "".join(pieces)


def highlight_snippets(text: str, terms: list[str], *, limit: int = 3) -> list[SafeString]:
    """Up to `limit` snippets around the passages with the most distinct matched terms."""
    flat = WHITESPACE.sub(" ", text)
    matches = find_matches(flat, term_pattern(terms), limit=SNIPPET_MATCH_LIMIT)
    if not matches:
        return []
    windows = _candidate_windows(flat, matches)
    distinct = _distinct_terms_per_window(windows, matches)
    chosen: list[tuple[int, int]] = []
    for _, window in sorted(zip(distinct, windows), key=lambda item: (-item[0], item[1][0])):
        if all(window[1] <= other[0] or window[0] >= other[1] for other in chosen):
            chosen.append(window)
        if len(chosen) == limit:
            break
    return [_render_window(flat, matches, window) for window in sorted(chosen)]


def highlight_text(text: str, terms: list[str]) -> SafeString:
    """The whole text, escaped, with every match marked (for a detail page)."""
    return mark_safe(mark_text(text, find_matches(text, term_pattern(terms))))


def _first_at_or_after(matches: list[Match], position: int) -> int:
    return bisect_left(matches, position, key=lambda match: match.start)


def _match_across(matches: list[Match], position: int) -> Match | None:
    """The match that the position cuts in two, if any (matches never overlap)."""
    index = _first_at_or_after(matches, position) - 1
    if index >= 0 and matches[index].start < position < matches[index].end:
        return matches[index]
    return None


def _candidate_windows(text: str, matches: list[Match]) -> list[tuple[int, int]]:
    """A window starting a little before each match; one that would cut a match is widened to its end."""
    windows = []
    for match in matches:
        start = max(0, match.start - CONTEXT_BEFORE)
        end = min(len(text), start + SNIPPET_WIDTH)
        cut = _match_across(matches, end)
        windows.append((start, cut.end if cut else end))
    return windows


def _distinct_terms_per_window(windows: list[tuple[int, int]], matches: list[Match]) -> list[int]:
    """How many different terms each window holds whole, in one pass: windows and matches are both
    in text order, so the matches inside a window slide forward with it."""
    inside: Counter[str] = Counter()
    first = last = 0
    distinct = []
    for start, end in windows:
        while last < len(matches) and matches[last].end <= end:
            inside[matches[last].term] += 1
            last += 1
        while first < last and matches[first].start < start:
            term = matches[first].term
            inside[term] -= 1
            if not inside[term]:
                del inside[term]
            first += 1
        distinct.append(len(inside))
    return distinct


def _render_window(text: str, matches: list[Match], window: tuple[int, int]) -> SafeString:
    start, end = window
    cut = _match_across(matches, start)
    if cut:
        start = cut.start
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + mark_text(text, matches, start, end) + suffix)
