"""One archive for a whole test module: the five seeds (published) and one draft, ingested once and committed.

Ingesting the seeds takes seconds, so the page tests (tests/test_pages.py, tests/browser/test_pages_in_browser.py)
share one archive per module instead of ingesting it again for every test. It is committed, so the live
server's thread sees it too, and removed again at the end of the module (rows, index, original files).
"""
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.test import override_settings

from tests.conftest import SEED_FILES, seed_path

DRAFT_SIGNER = "李草稿"
DRAFT_DOC_NUMBER = "常工信复〔2021〕第98号"
DRAFT_ADDRESSEE = "王草稿"


def draft_document() -> bytes:
    """Seed 000 with another doc number, proposal number, addressee and signer: a reply nobody published."""
    text = seed_path("000").read_text(encoding="utf-8")
    for old, new in (("常工信复〔2021〕第22号", DRAFT_DOC_NUMBER), ("第099号", "第777号"), ("朱红", DRAFT_ADDRESSEE),
                     ("张志强", DRAFT_SIGNER)):
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


@dataclass
class Archive:
    seeds: dict  # "000" … "004" → published Reply
    draft: object  # the unpublished Reply
    media_root: Path


@contextmanager
def committed_archive(django_db_blocker, media_root: Path):
    from replies.models import AuditEvent, CitedDocument, Reply, SourceFile, Topic
    from replies.services import reply_ingest_file
    from search.backends import search_backend

    media = override_settings(MEDIA_ROOT=media_root)
    media.enable()
    backend = search_backend()
    topics_before: set[int] = set()
    try:
        with django_db_blocker.unblock():
            assert not Reply.objects.exists(), "the test database must start without replies"
            topics_before |= set(Topic.objects.values_list("pk", flat=True))
            backend.clear()
            seeds = {path.name[:3]: reply_ingest_file(content=path.read_bytes(), filename=path.name, publish=True).reply
                     for path in SEED_FILES}
            draft = reply_ingest_file(content=draft_document(), filename="draft.txt", publish=False).reply
        yield Archive(seeds=seeds, draft=draft, media_root=media_root)
    finally:
        with django_db_blocker.unblock():
            AuditEvent.objects.all().delete()
            CitedDocument.objects.all().delete()
            SourceFile.objects.all().delete()
            Reply.objects.all().delete()
            Topic.objects.exclude(pk__in=topics_before).delete()
            backend.clear()
        media.disable()
