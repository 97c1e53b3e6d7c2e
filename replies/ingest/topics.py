"""Automatic topic assignment from the controlled vocabulary in replies/data/topics.json."""
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "data" / "topics.json"
# A topic is assigned when its keywords occur this often; once in the title is enough.
MIN_KEYWORD_HITS = 3


@dataclass(frozen=True)
class TopicDefinition:
    slug: str
    name: str
    keywords: tuple[str, ...]


@cache
def topic_vocabulary(path: Path = VOCABULARY_FILE) -> tuple[TopicDefinition, ...]:
    entries = json.loads(path.read_text(encoding="utf-8"))
    return tuple(TopicDefinition(entry["slug"], entry["name"], tuple(entry["keywords"])) for entry in entries)


def assign_topics(*, title: str, body: str, vocabulary: tuple[TopicDefinition, ...] | None = None) -> list[str]:
    """Slugs of the topics the text is about, in vocabulary order."""
    chosen = []
    for topic in vocabulary or topic_vocabulary():
        in_title = any(keyword in title for keyword in topic.keywords)
        hits = sum(body.count(keyword) for keyword in topic.keywords)
        if in_title or hits >= MIN_KEYWORD_HITS:
            chosen.append(topic.slug)
    return chosen
