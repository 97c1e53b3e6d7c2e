"""Bringing the search index in step with the database; the only module that writes it."""

from haystack import connections

from replies.models import Reply

def reply_search_index():
    return connections["default"].get_unified_index().get_index(Reply)

def search_backend():
    return connections["default"].get_backend()

def index_update_replies(*, reply_ids: list[int]) -> None:
    """Write these replies' current rows to the index (deleted ones are removed)."""
    index = reply_search_index()
    replies = list(index.index_queryset().filter(pk__in=reply_ids))
    backend = search_backend()
    backend.update(index, replies)
    missing = set(reply_ids) - {reply.pk for reply in replies}
    if missing:
        index_remove_replies(reply_ids=sorted(missing))

def index_remove_replies(*, reply_ids: list[int]) -> None:
    backend = search_backend()
    backend.remove_many([f"replies.reply.{reply_id}" for reply_id in reply_ids])


def index_reconcile() -> tuple[list[int], list[int]]:
    """Index the replies the index lacks and drop the documents the database lacks; return both lists."""
    indexed = search_backend().indexed_ids()
    stored = set(Reply.objects.values_list("pk", flat=True))
    missing, extra = sorted(stored - indexed), sorted(indexed - stored)
    if missing:
        index_update_replies(reply_ids=missing)
    if extra:
        index_remove_replies(reply_ids=extra)
    return missing, extra
