"""Hostile and odd search requests, generated reproducibly from a seed (shared by tests and scripts)."""
import random

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
