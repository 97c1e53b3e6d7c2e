"""The reply index in OpenSearch: its settings and mappings, made from the fields search/search_indexes.py
declares, and each reply's document as OpenSearch receives it.

The Chinese analysis happens here, in Python (search.analysis), exactly as for Whoosh: the engine receives
each text field as its tokens separated by spaces and splits them with a whitespace tokenizer, so no
analysis plugin is needed and both backends index identical tokens. A sub-word field holds two tokens at
each position (the character, and the bigram it starts); a whitespace tokenizer gives one token a position,
so it becomes two fields of one token a position each: NAME (characters, and runs of letters or digits)
and NAME_pairs (the bigram starting there, else the same as NAME). search/backends/opensearch/queries.py
reads a phrase across both.
"""
import hashlib
import json
import re
from datetime import date, datetime

from search.analysis import CJK_CHARACTERS, segment, subword_pieces

PAIRS_SUFFIX = "_pairs"
CJK_PAIR = re.compile(f"[{CJK_CHARACTERS}]{{2}}")
ANALYZER = "tokens"
# A token is never cut: a whitespace tokenizer splits longer ones, which Whoosh keeps whole.
MAX_TOKEN_LENGTH = 4096
# Deep pages of a search (from + size); OpenSearch's default is 10,000.
MAX_RESULT_WINDOW = 1_000_000
TOKEN_TEXT = {"type": "text", "analyzer": ANALYZER, "similarity": "BM25"}
FIELD_MAPPINGS = {
    "jieba_text": [("", TOKEN_TEXT)],
    "subword": [("", TOKEN_TEXT), (PAIRS_SUFFIX, TOKEN_TEXT)],
    "keyword": [("", {"type": "keyword"})],
    "keyword_list": [("", {"type": "keyword"})],
    "date": [("", {"type": "date", "format": "strict_date_optional_time"})],
    "datetime": [("", {"type": "date", "format": "strict_date_optional_time"})],
    "integer": [("", {"type": "long"})],
}
# "stored" fields (the body, the doc number as printed) are read from the database; of them only the row
# version is kept, in _source, for check_index.
KEPT_STORED_FIELDS = ("row_version",)
SOURCE_FIELDS = ["reply_id", "row_version"]


def index_body(fields: dict, *, replicas: str) -> dict:
    """Settings and mappings of a new reply index; `fields` are the haystack index's fields. _meta.schema is a
    digest of the mappings, by which schema_is_current() tells an index made by older code."""
    properties = {}
    for field in fields.values():
        name, kind = field.index_fieldname, field.field_type
        if kind == "stored":
            if name in KEPT_STORED_FIELDS:
                properties[name] = {"type": "keyword", "index": False, "doc_values": False}
            continue
        if kind not in FIELD_MAPPINGS:
            raise ValueError(f"No OpenSearch mapping for haystack field type {kind!r} ({name}).")
        for suffix, mapping in FIELD_MAPPINGS[kind]:
            properties[name + suffix] = mapping
    if "text" in properties:  # suggestions read the words' vocabulary (OpenSearchBackend.words_by_length)
        properties["text"] = {**properties["text"], "fielddata": True}
    mappings = {"dynamic": "strict", "_source": {"includes": SOURCE_FIELDS}, "properties": properties}
    analysis = {
        "tokenizer": {"whitespace_whole": {"type": "whitespace", "max_token_length": MAX_TOKEN_LENGTH}},
        "analyzer": {ANALYZER: {"type": "custom", "tokenizer": "whitespace_whole"}},
    }
    schema = hashlib.sha256(json.dumps([mappings, analysis], sort_keys=True).encode()).hexdigest()[:16]
    return {
        "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": replicas,
                               "max_result_window": MAX_RESULT_WINDOW}, "analysis": analysis},
        "mappings": {**mappings, "_meta": {"schema": schema}},
    }


def document(prepared: dict, fields: dict) -> dict:
    """A reply's document for OpenSearch from its haystack-prepared values (SearchIndex.full_prepare)."""
    source = {}
    for field in fields.values():
        name, kind = field.index_fieldname, field.field_type
        value = prepared.get(name)
        if value is None or value == [] or value == "":
            continue
        if kind == "stored":
            if name in KEPT_STORED_FIELDS:
                source[name] = value
        elif kind == "jieba_text":
            source[name] = " ".join(word_tokens(value))
        elif kind == "subword":
            characters, pairs = subword_tokens(value)
            source[name], source[name + PAIRS_SUFFIX] = " ".join(characters), " ".join(pairs)
        elif kind in ("date", "datetime"):
            source[name] = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
        elif kind == "keyword_list":
            source[name] = [str(item) for item in value]
        else:
            source[name] = value
    return source


def word_tokens(text: str) -> list[str]:
    """The jieba words Whoosh's JiebaAnalyzer indexes: search.analysis.segment, lowercased."""
    return [word.lower() for word, _, _ in segment(text) if not any(char.isspace() for char in word)]


def subword_tokens(text: str) -> tuple[list[str], list[str]]:
    """The sub-word field's tokens (search.analysis.subword_pieces) as two streams of one token a position:
    the characters (and runs of letters or digits), and at each position the bigram starting there (else
    the same token as the first stream)."""
    characters: list[str] = []
    pairs: list[str] = []
    for piece, position, _, _ in subword_pieces(text):
        if position == len(characters):
            characters.append(piece)
            pairs.append(piece)
        else:  # the bigram at the position of its first character
            pairs[position] = piece
    return characters, pairs


def is_pair(piece: str) -> bool:
    """A bigram of CJK characters, held by the pairs stream only; every other piece is in the characters'."""
    return CJK_PAIR.fullmatch(piece) is not None
