"""Pseudo-relevance feedback: the key words of a search's first hits, by Bo1 divergence from randomness
(Amati & van Rijsbergen), for the supplement's last tier (search.selectors.ReplySearchResults)."""
import math
from collections import Counter

from search.analysis import segment


def feedback_terms(texts: list[str], *, backend, number: int, max_document_share: float) -> list[tuple[str, float]]:
    """The `number` words that most set these texts apart from the whole index, strongest first, weights
    normalised to 1. Bo1 weighs a word by how much more often the texts hold it than its share of the index
    (its document frequency over the document count) predicts. Left out: words of one character, and words in
    more than `max_document_share` of the documents (答复, 您好), which say nothing of a topic."""
    documents = backend.doc_count()
    if not documents:
        return []
    in_texts = Counter(word.lower() for text in texts for word, _, _ in segment(text)
                       if len(word) > 1 and not word.isspace())
    scored = []
    for word, frequency in in_texts.items():
        held_by = backend.doc_frequency("text", word)
        if not held_by or held_by > max_document_share * documents:
            continue
        expected = held_by / documents
        scored.append((frequency * math.log2((1 + expected) / expected) + math.log2(1 + expected), word))
    scored.sort(key=lambda item: (-item[0], item[1]))
    strongest = scored[0][0] if scored else 1.0
    return [(word, score / strongest) for score, word in scored[:number]]
