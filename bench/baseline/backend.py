"""haystack's stock Whoosh backend, with jieba's ChineseAnalyzer on the content field.

This is what the jieba and haystack documentation suggest: everything stock, the analyzer of the
document field swapped (the same as `CharField(analyzer=ChineseAnalyzer())` would do). The other text
fields keep haystack's StemmingAnalyzer, and highlighting stays haystack's default.
"""
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from jieba.analyse import ChineseAnalyzer
from whoosh.fields import TEXT


class ChineseWhooshSearchBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        stock = schema[content_field_name]
        schema.remove(content_field_name)
        chinese = TEXT(stored=True, analyzer=ChineseAnalyzer(), field_boost=stock.format.field_boost, sortable=True)
        chinese.spelling = True
        schema.add(content_field_name, chinese)
        return content_field_name, schema


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
