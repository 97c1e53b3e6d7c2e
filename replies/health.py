"""What /healthz reports: can the archive read its database and its search index? Staff also see which search
backend is in use and, for OpenSearch, the cluster's health (search.backends.base.SearchBackend.health).

Anyone may ask, so the public answer holds only what the public may know: the status, and how many replies
are published. Counts that include drafts (all rows, index documents, queued updates) are for staff.
"""
import logging

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection

from replies.models import Reply
from replies.selectors import reply_visible
from search.backends import search_backend
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)
PUBLIC_FIELDS = {"database": ("ok", "error", "published"), "index": ("ok", "error", "schema_current", "in_step")}


def archive_health(*, user) -> dict:
    health = _archive_health()
    if user.is_authenticated and user.is_staff:
        return health
    return {"status": health["status"]} | {
        part: {name: value for name, value in health[part].items() if name in PUBLIC_FIELDS[part]}
        for part in PUBLIC_FIELDS
    }


def _archive_health() -> dict:
    database = _database_health()
    index = _index_health()
    if not (database["ok"] and index["ok"]):
        return {"status": "unavailable", "database": database, "index": index}
    # Counts may differ for a moment while updates wait in the queue; with none queued, they must agree.
    index["in_step"] = database["replies"] == index["documents"] or database["pending_index_updates"] > 0
    return {"status": "ok" if index["in_step"] else "degraded", "database": database, "index": index}


def _database_health() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {
            "ok": True,
            "replies": Reply.objects.count(),
            "published": reply_visible(user=AnonymousUser()).count(),
            "pending_index_updates": PendingIndexUpdate.objects.count(),
        }
    except DatabaseError as error:
        logger.error("health check: database unavailable: %s", error)
        connection.close_if_unusable_or_obsolete()
        return {"ok": False, "error": "数据库暂时无法连接"}


def _index_health() -> dict:
    try:
        backend = search_backend()
        return {"ok": True, **backend.health(), "documents": backend.doc_count(),
                "schema_current": backend.schema_is_current(), "in_step": True}
    except Exception as error:  # any failure to open the index is what this endpoint reports
        logger.error("health check: search index unavailable: %r", error)
        return {"ok": False, "error": "检索索引无法打开"}
