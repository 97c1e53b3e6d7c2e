"""Hostile and odd requests, generated reproducibly from a seed (shared by tests and scripts)."""
import random
import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

CJK_WORDS = ["产业链", "智能制造", "税", "常工信复", "代表", "委员", "签发人", "杨军", "〔2021〕", "第0287号", "產業鏈"]
OPERATORS = ["OR", "AND", "NOT", "-", "+", '"', "(", ")", "*", "?", "~", "^", ":", "签发人:", "signer:", "文号:", "年份:"]
BRACKETS = "〔〕[]()（）【】《》{}<>"
CONTROL = "".join(chr(code) for code in range(32)) + "\x7f\u200b\u202e\ufeff"
PAGES = ["", "0", "-1", "1", "2", "999999", "abc", "1.5", "1e9", "%00", "9" * 40]
SORTS = ["", "relevance", "newest", "oldest", "bogus", "'; DROP TABLE replies_reply; --"]
FILTER_NAMES = ["kind", "year", "signer", "session", "topic", "organ"]


def random_cjk(rng: random.Random, length: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(length))


def _any_character(rng: random.Random) -> str:
    code = rng.randint(1, 0x10FFFF)
    return "?" if 0xD800 <= code <= 0xDFFF else chr(code)  # lone surrogates cannot travel in a URL


RAW_QUERY_STRINGS = ["q=%FF%FE", "q=%ED%A0%80", "q=%", "q=%E4%BA", "q[]=1&q[]=2", "page=%00", "q=" + "%22" * 500]


def fuzzed_query(rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return random_cjk(rng, rng.randint(1, 12))
    if kind == 1:
        return " ".join(rng.choice(CJK_WORDS + OPERATORS) for _ in range(rng.randint(1, 8)))
    if kind == 2:
        return "".join(rng.choice(BRACKETS + CONTROL) for _ in range(rng.randint(1, 20)))
    if kind == 3:
        return random_cjk(rng, rng.randint(200, 3000))
    if kind == 4:
        return "".join(_any_character(rng) for _ in range(rng.randint(1, 30)))
    if kind == 5:
        return rng.choice(OPERATORS) * rng.randint(1, 50)
    if kind == 6:
        return f'"{rng.choice(CJK_WORDS)} {random_cjk(rng, 2)}'  # an unbalanced quote
    return rng.choice(["", " ", "　", "*", "OR", "-", '""', "签发人:", "\\", "%", "_"])


def fuzzed_params(rng: random.Random) -> dict[str, str]:
    params = {"q": fuzzed_query(rng)}
    if rng.random() < 0.5:
        params["page"] = rng.choice(PAGES)
    if rng.random() < 0.3:
        params["sort"] = rng.choice(SORTS)
    if rng.random() < 0.4:
        params[rng.choice(FILTER_NAMES)] = rng.choice([fuzzed_query(rng)[:50], "2021", "npc_suggestion", "杨军", ""])
    return params


# --- every URL of the project ---------------------------------------------------------------------------------

# Values for any path part or query parameter: control characters, slashes, spaces, dots, quotes, markup,
# SQL, numbers a converter accepts but a column cannot hold, other scripts' digits, very long text.
HOSTILE_VALUES = [
    "\x00", "a\x00b", "\x01", "\x1b[31m", "\x7f", "\x85", "\t", "\n", "\r\n", "\u202e", "\u200b", "\ufeff",
    "/", "a/b", "//", "..", "../..", "..\\..\\x", "\\", " ", "a b", "　", "%", "%00", "%2F", "?", "#", "&", "=", "+",
    "'", '"', "<script>alert(1)</script>", "' OR '1'='1", "{}", "[]", "null", "None", "true",
    "0", "-1", "00", "1.5", "1e9", "NaN", "9" * 20, "9" * 40, "²", "١٢", "Ⅻ", "٣", "𝟗", "ﬁ", "😀",
    "常工信复〔2021〕第22号", "〔2021〕22号", "杨军", "产业链", "x" * 300, "税" * 3000,
]
# Bytes no decoder accepts, sent as they are in the path or the query string.
RAW_HOSTILE = ["%FF", "%ED%A0%80", "%C0%AF", "%E4%BA", "%25", "%2e%2e", "%u0000"]


def hostile_value(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(HOSTILE_VALUES)
    return fuzzed_query(rng)[:300]


@dataclass(frozen=True)
class Route:
    """One URL pattern: its pieces, literal text and the names of the parts filled per request."""

    pattern: str  # as Django names it in ResolverMatch.route
    pieces: tuple[tuple[str, bool], ...]  # (text, is_a_part): a part's text is its name

    def __str__(self) -> str:
        return "/" + "".join(f"<{text}>" if is_part else text for text, is_part in self.pieces)

    @property
    def parts(self) -> list[str]:
        return [text for text, is_part in self.pieces if is_part]

    def path(self, values: dict[str, str], raw: frozenset[str] = frozenset()) -> str:
        """The path with each part filled, percent-encoded unless its name is in raw."""
        return "/" + "".join(
            (values[text] if text in raw else quote(values[text], safe="")) if is_part else text
            for text, is_part in self.pieces
        )


_ROUTE_PART = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _route_pieces(pattern) -> list[tuple[str, bool]]:
    """The pieces of one level of a URL pattern: a path() route, or a re_path() regex with named groups."""
    from django.urls.resolvers import RoutePattern

    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        pieces, position = [], 0
        for match in _ROUTE_PART.finditer(text):
            pieces += [(text[position:match.start()], False), (match.group(1), True)]
            position = match.end()
        return pieces + [(text[position:], False)]
    # A regex: anchors dropped, each named group a part (the admin's app list and its catch-all).
    text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    pieces, position = [], 0
    while (start := text.find("(?P<", position)) >= 0:
        name_end = text.index(">", start)
        depth, end = 0, start
        for end in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        pieces += [(text[position:start].replace("\\", ""), False), (text[start + 4:name_end], True)]
        position = end + 1
    return pieces + [(text[position:].replace("\\", ""), False)]


def project_routes(resolver=None, prefix: tuple = (), pattern: str = "") -> list[Route]:
    """Every URL pattern the project serves, walked through the includes (django.urls.get_resolver())."""
    from django.urls import URLResolver, get_resolver

    routes = []
    for entry in (resolver or get_resolver()).url_patterns:
        pieces = prefix + tuple(piece for piece in _route_pieces(entry.pattern) if piece != ("", False))
        if isinstance(entry, URLResolver):
            routes += project_routes(entry, pieces, pattern + str(entry.pattern))
        else:
            routes.append(Route(pattern + str(entry.pattern), pieces))
    return routes


@contextmanager
def query_keys_read():
    """Records every key the code reads from a query string or form body (QueryDict) while inside.

    Yields a set that the caller empties between requests, to learn which parameters each view reads.
    """
    import pytest
    from django.http import QueryDict

    keys: set[str] = set()

    def recording(original):
        def read(self, key, *args, **kwargs):
            keys.add(key)
            return original(self, key, *args, **kwargs)
        return read

    with pytest.MonkeyPatch.context() as patch:
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            patch.setattr(QueryDict, method, recording(getattr(QueryDict, method)))
        yield keys
