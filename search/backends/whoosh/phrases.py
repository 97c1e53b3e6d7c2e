"""A Whoosh phrase query for words at consecutive positions, matched with set arithmetic.

Whoosh's Phrase builds a Span object for every position of every word in every candidate
document and walks them with bisection; on the sub-word field, where a common bigram occurs
dozens of times a document, that was most of a search's time. This matcher intersects the
words' position sets (each shifted by its place in the phrase) instead. It matches exactly the
documents Whoosh's Phrase (slop 1, ordered) matches, and scores them the same way: by the
intersection of its words' term matchers.
"""
from whoosh import matching
from whoosh.query import Phrase, Term
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree


class ConsecutivePhrase(Phrase):
    def matcher(self, searcher, context=None):
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if field is None:
            return matching.NullMatcher()
        reader = searcher.reader()
        matchers = []
        for word in self.words:
            term = field.to_bytes(word)
            if (self.fieldname, term) not in reader:
                return matching.NullMatcher()
            matchers.append(Term(self.fieldname, word).matcher(searcher, context))
        matcher = ConsecutivePositionsMatcher(matchers)
        if self.boost != 1.0:
            matcher = matching.WrappingMatcher(matcher, boost=self.boost)
        return matcher


class ConsecutivePositionsMatcher(SpanWrappingMatcher):
    def __init__(self, matchers):
        self.matchers = matchers
        super().__init__(make_binary_tree(matching.IntersectionMatcher, matchers))

    def copy(self):
        return self.__class__([matcher.copy() for matcher in self.matchers])

    def replace(self, minquality=0):
        return self if self.is_active() else matching.NullMatcher()

    def _get_spans(self):
        starts = set(self.matchers[0].value_as("positions"))
        for offset, matcher in enumerate(self.matchers[1:], 1):
            starts.intersection_update(position - offset for position in matcher.value_as("positions"))
            if not starts:
                return []
        last = len(self.matchers) - 1
        return [Span(start, start + last) for start in sorted(starts)]
