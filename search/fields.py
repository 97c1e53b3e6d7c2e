"""The kinds of field the reply index declares (search/search_indexes.py), as haystack field types; each backend
maps them to its own (search/backends/whoosh/engine.py, search/backends/opensearch/mapping.py)."""
from haystack import fields


class JiebaTextField(fields.CharField):
    """Chinese text analysed into jieba words, with positions for phrase queries."""

    field_type = "jieba_text"


class SubwordField(fields.CharField):
    """The same text as overlapping CJK bigrams, so that any substring can be found."""

    field_type = "subword"


class KeywordField(fields.CharField):
    """One exact value, used for filters, facets and structured matches."""

    field_type = "keyword"


class KeywordListField(fields.MultiValueField):
    field_type = "keyword_list"


class StoredTextField(fields.CharField):
    """Kept for display and highlighting, never searched."""

    field_type = "stored"
