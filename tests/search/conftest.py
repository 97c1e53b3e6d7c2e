"""Module-scoped archives for the relevance and suggestion tests: real rows, the real index on disk."""
import time
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.conftest import SEED_FILES


@dataclass
class Archive:
    """Reply id ↔ stable document key (a seed's three-digit prefix, a corpus document's id)."""

    keys: dict[int, str]
    seed_seconds: float
    corpus_seconds: float

    def key(self, reply_id: int) -> str:
        return self.keys[reply_id]

    def reply_id(self, key: str) -> int:
        return next(reply_id for reply_id, value in self.keys.items() if value == key)


@contextmanager
def _archive(django_db_blocker, media_root, *, with_corpus: bool):
    """The five seeds ingested through the real service; with_corpus, also the 300 documents of
    fixtures/relevance/corpus_sample.json as Reply rows written in bulk and indexed by one batch
    update (ingesting each through the service takes about half a second). Removed afterwards."""
    from django.apps import apps
    from django.test import override_settings

    from replies.models import Reply, SourceFile
    from replies.services import reply_ingest_file
    from search.backends import search_backend
    from search.indexing import index_update_replies, index_writer_lock
    from tests.search.relevance import load_sample, reply_for_corpus_document

    documents = load_sample() if with_corpus else []
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        backend = search_backend()
        backend.clear()
        try:
            started = time.perf_counter()
            keys = {}
            for path in SEED_FILES:
                outcome = reply_ingest_file(content=path.read_bytes(), filename=path.name, publish=True)
                assert outcome.status == "created", (path.name, outcome.reason)
                keys[outcome.reply.pk] = path.name[:3]
            seeded = time.perf_counter()
            if documents:
                corpus_replies = Reply.objects.bulk_create([reply_for_corpus_document(doc) for doc in documents])
                keys.update({reply.pk: reply.index_number for reply in corpus_replies})
                with index_writer_lock(wait=True):
                    index_update_replies(reply_ids=[reply.pk for reply in corpus_replies])
            assert backend.doc_count() == len(keys) == len(SEED_FILES) + len(documents)
            yield Archive(keys=keys, seed_seconds=seeded - started, corpus_seconds=time.perf_counter() - seeded)
        finally:
            backend.clear()
            SourceFile.objects.all().delete()
            Reply.objects.all().delete()
            for model in [*apps.get_app_config("replies").get_models(), *apps.get_app_config("search").get_models()]:
                model.objects.all().delete()


@pytest.fixture(scope="module")
def relevance_archive(search_engine, django_db_setup, django_db_blocker, tmp_path_factory):
    with _archive(django_db_blocker, tmp_path_factory.mktemp("media"), with_corpus=True) as archive:
        yield archive


@pytest.fixture(scope="module")
def seed_archive(search_engine, django_db_setup, django_db_blocker, tmp_path_factory):
    with _archive(django_db_blocker, tmp_path_factory.mktemp("media"), with_corpus=False) as archive:
        yield archive
