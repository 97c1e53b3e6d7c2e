"""Bringing the search index in step with the database; the only module that writes it.

Changes reach the index through a queue: a service adds the reply to PendingIndexUpdate in
the same transaction as its change, and after commit the writer drains the queue. Only the
process holding a PostgreSQL advisory lock drains, so exactly one process writes the index at
a time; the others return at once and their rows are picked up by the holder, which looks
again after releasing the lock. An update that fails stays queued and is retried.

A batch (the ingest command) defers the drain: inside `index_drain_deferred()` a commit queues its
updates without draining, and the batch drains every so often and once at its end, so that the index
is written once per many replies rather than once per reply. The rows are queued in the same
transaction as the change either way, so a batch that dies leaves them queued, never lost: the next
drain, whoever runs it, applies them.
"""
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from haystack import connections

from replies.db_locks import advisory_lock
from replies.models import Reply
from search.backends import search_backend
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)

INDEX_WRITER_LOCK = 7_411_203  # an arbitrary, fixed advisory-lock key for the index writer
DRAIN_BATCH = 500
REBUILD_BATCH = 500
_drain_deferred: ContextVar[bool] = ContextVar("index_drain_deferred", default=False)


def reply_search_index():
    return connections["default"].get_unified_index().get_index(Reply)


def index_enqueue(*, reply_ids: list[int]) -> None:
    """Queue these replies for the index, and drain the queue once the transaction commits."""
    PendingIndexUpdate.objects.bulk_create(PendingIndexUpdate(reply_id=reply_id) for reply_id in reply_ids)
    if _drain_deferred.get():
        return  # the batch around this drains later (index_drain_deferred)
    # robust: an index failure after commit is logged, and the update stays queued; it never fails the write.
    transaction.on_commit(lambda: index_drain(), robust=True)


def index_drain() -> int:
    """Apply every queued update if no other process is doing so; return how many were applied."""
    applied = 0
    while True:
        with index_writer_lock() as acquired:
            if not acquired:
                return applied
            try:
                applied += _drain_queue()
            except Exception:
                logger.exception("index update failed; it stays queued and will be retried")
                return applied
        if not PendingIndexUpdate.objects.exists():
            return applied


@contextmanager
def index_drain_deferred():
    """Within this block commits queue their index updates without draining; the block drains once at
    its end, also when it ends by an error (what was committed is applied; what was not was never queued).
    Call index_drain() inside it to apply what is queued so far."""
    token = _drain_deferred.set(True)
    try:
        yield
    finally:
        _drain_deferred.reset(token)
        index_drain()


def index_writer_lock(*, wait: bool = False):
    """The one index writer's lock, held by this database session; yields whether it was taken."""
    return advisory_lock(INDEX_WRITER_LOCK, wait=wait)


def _drain_queue() -> int:
    applied = 0
    while batch := list(PendingIndexUpdate.objects.order_by("id")[:DRAIN_BATCH]):
        reply_ids = sorted({row.reply_id for row in batch})
        try:
            index_update_replies(reply_ids=reply_ids)
        except Exception as error:
            PendingIndexUpdate.objects.filter(pk__in=[row.pk for row in batch]).update(
                attempts=F("attempts") + 1, last_error=repr(error)[:2000]
            )
            raise
        PendingIndexUpdate.objects.filter(pk__in=[row.pk for row in batch]).delete()
        applied += len(reply_ids)
    return applied


def index_update_replies(*, reply_ids: list[int]) -> None:
    """Write these replies' current rows to the index now (deleted ones are removed).

    Callers other than the queue's drain must hold the writer lock (rebuilds, repairs, tests).
    """
    index = reply_search_index()
    replies = list(index.index_queryset().filter(pk__in=reply_ids))
    backend = search_backend()
    backend.update(index, replies)
    missing = set(reply_ids) - {reply.pk for reply in replies}
    if missing:
        index_remove_replies(reply_ids=sorted(missing))


def index_remove_replies(*, reply_ids: list[int]) -> None:
    search_backend().remove_many(reply_ids)


@dataclass(frozen=True)
class IndexDrift:
    missing: list[int]  # in the database, not in the index
    stale: list[int]  # indexed from an older version of the row
    extra: list[int]  # in the index, no longer in the database
    queued: int  # updates waiting in the queue

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def describe_drift(drift: IndexDrift) -> str:
    return f"{len(drift.missing)} added, {len(drift.stale)} refreshed, {len(drift.extra)} removed"


def index_drift(*, batch_size: int = REBUILD_BATCH) -> IndexDrift:
    """Compare the index with the database, document by document, on what each would index."""
    indexed = search_backend().indexed_versions()
    index = reply_search_index()
    stored = {
        prepared["reply_id"]: prepared["row_version"]
        for prepared in _prepared_documents(index, batch_size, total=0, progress=None)
    }
    return IndexDrift(
        missing=sorted(stored.keys() - indexed.keys()),
        stale=sorted(pk for pk in stored.keys() & indexed.keys() if stored[pk] != indexed[pk]),
        extra=sorted(indexed.keys() - stored.keys()),
        queued=PendingIndexUpdate.objects.count(),
    )


def index_reconcile() -> IndexDrift:
    """Bring the index in step with the database; return the drift that was found and repaired."""
    with index_writer_lock(wait=True):
        drift = index_drift()
        if drift.missing or drift.stale:
            index_update_replies(reply_ids=drift.missing + drift.stale)
        if drift.extra:
            index_remove_replies(reply_ids=drift.extra)
    index_drain()
    return drift


def index_rebuild(*, batch_size: int = REBUILD_BATCH, progress=None) -> int:
    """Build the whole index from the database into a new generation and swap it in.

    Searches go on against the live generation meanwhile; a rebuild that dies leaves it untouched.
    Changes made during the rebuild wait in the queue, which is drained once the new index is live.
    """
    backend = search_backend()
    index = reply_search_index()
    with index_writer_lock(wait=True):
        total = index.index_queryset().count()
        generation = backend.build_generation(_prepared_documents(index, batch_size, total, progress))
        backend.swap_in(generation)
    index_drain()
    return backend.doc_count()


def _prepared_documents(index, batch_size: int, total: int, progress):
    done, last_pk = 0, 0
    while batch := list(index.index_queryset().filter(pk__gt=last_pk).order_by("pk")[:batch_size]):
        for reply in batch:
            yield index.full_prepare(reply)
        done += len(batch)
        last_pk = batch[-1].pk
        if progress is not None:
            progress(done, total)
