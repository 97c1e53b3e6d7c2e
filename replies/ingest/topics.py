"""Automatic topic assignment from the controlled vocabulary in replies/data/topics.json.

Two signals: keyword rules (in the title, or often enough in the body) and jieba's TF-IDF
keywords of the body, which catch a topic a short reply is about but names only once or twice.
"""
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from replies.ingest.segmentation import jieba_tokenizer

VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "data" / "topics.json"
# A topic is assigned when its keywords occur this often; once in the title is enough.
MIN_KEYWORD_HITS = 3
# A topic keyword among the body's most characteristic words is enough.
TOP_KEYWORDS = 8
# Beyond a handful, topics stop telling replies apart; the strongest are kept.
MAX_TOPICS = 5
TITLE_WEIGHT = 20
CHARACTERISTIC_WEIGHT = 10


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
    """Slugs of the topics the text is most about (at most MAX_TOPICS), in vocabulary order."""
    characteristic = set(body_keywords(body))
    scored = []
    for order, topic in enumerate(vocabulary or topic_vocabulary()):
        in_title = any(keyword in title for keyword in topic.keywords)
        hits = sum(body.count(keyword) for keyword in topic.keywords)
        is_characteristic = bool(hits and characteristic.intersection(topic.keywords))
        if in_title or hits >= MIN_KEYWORD_HITS or is_characteristic:
            score = hits + TITLE_WEIGHT * in_title + CHARACTERISTIC_WEIGHT * is_characteristic
            scored.append((score, order, topic.slug))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:MAX_TOPICS]
    return [slug for _, _, slug in sorted(best, key=lambda item: item[1])]


def body_keywords(body: str, limit: int = TOP_KEYWORDS) -> list[str]:
    """jieba's TF-IDF keywords of the body, most characteristic first."""
    import jieba.analyse  # 1.3 s to import: kept off every process's start-up, only ingests need it

    jieba_tokenizer()  # the archive's dictionary, domain words included
    return jieba.analyse.extract_tags(body, topK=limit)
