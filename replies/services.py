"""Every write to the archive goes through these functions."""
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from replies.ingest.archive import ArchiveLimits, ArchiveRefused, expand_archive, is_zip_batch
from replies.ingest.citations import find_citations
from replies.ingest.errors import IngestRefused
from replies.ingest.extract import doc_number_key, parse_doc_number
from replies.ingest.pipeline import PreparedDocument, check_preflight, content_sha256, prepare_document
from replies.ingest.topics import topic_vocabulary
from replies.models import Addressee, AuditEvent, CitedDocument, Reply, SourceFile, Topic, original_upload_path
from search.indexing import index_enqueue

logger = logging.getLogger(__name__)
UNREAD_FLAGS = frozenset({"needs_ocr", "needs_conversion"})


@dataclass(frozen=True)
class IngestOutcome:
    CREATED = "created"
    NEW_VERSION = "new_version"
    DUPLICATE = "duplicate"
    REFUSED = "refused"

    filename: str
    status: str
    reply: Reply | None = None
    reason: str = ""

    @property
    def failed(self) -> bool:
        return self.status == self.REFUSED


    @property
    def audit_action(self) -> str:
        return {
            self.CREATED: AuditEvent.Action.UPLOAD_CREATED,
            self.NEW_VERSION: AuditEvent.Action.UPLOAD_NEW_VERSION,
            self.DUPLICATE: AuditEvent.Action.UPLOAD_DUPLICATE,
            self.REFUSED: AuditEvent.Action.UPLOAD_REFUSED,
        }[self.status]


def reply_ingest_upload(*, content: bytes, filename: str, uploaded_by=None, publish: bool = True) -> list[IngestOutcome]:
    """Take one upload into the archive: a single file, or a .zip of files each taken on its own."""
    if not is_zip_batch(content):
        return [reply_ingest_file(content=content, filename=filename, uploaded_by=uploaded_by, publish=publish)]
    try:
        check_preflight(content, max_bytes=settings.MAX_UPLOAD_BYTES)
        members = expand_archive(content, _archive_limits())
    except (IngestRefused, ArchiveRefused) as refusal:
        return [_refused(filename, refusal.reason, uploaded_by)]
    if not members:
        return [_refused(filename, "压缩包中没有文件", uploaded_by)]
    outcomes = []
    for member in members:
        shown_name = f"{filename}/{member.name}"
        if member.refusal:
            outcomes.append(_refused(shown_name, member.refusal, uploaded_by))
        else:
            outcomes.append(reply_ingest_file(content=member.content, filename=shown_name,
                                              uploaded_by=uploaded_by, publish=publish))
    return outcomes


def _archive_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_member_bytes=settings.MAX_UPLOAD_BYTES,
        max_members=settings.MAX_ARCHIVE_MEMBERS,
        max_expanded_bytes=settings.MAX_ARCHIVE_EXPANDED_BYTES,
        max_compression_ratio=settings.MAX_ARCHIVE_COMPRESSION_RATIO,
    )


def _refused(filename: str, reason: str, uploaded_by) -> IngestOutcome:
    outcome = IngestOutcome(filename, IngestOutcome.REFUSED, reason=reason)
    _record_upload(outcome, uploaded_by)
    return outcome


def reply_ingest_file(*, content: bytes, filename: str, uploaded_by=None, publish: bool = True) -> IngestOutcome:
    """Take one file into the archive: refuse it with a reason, or store it and its reply atomically."""
    outcome = _ingest_file(content=content, filename=filename, uploaded_by=uploaded_by, publish=publish)
    if outcome.status in (IngestOutcome.REFUSED, IngestOutcome.DUPLICATE):
        _record_upload(outcome, uploaded_by)  # stored outcomes are recorded in their own transaction
    return outcome


def _ingest_file(*, content: bytes, filename: str, uploaded_by, publish: bool) -> IngestOutcome:
    try:
        check_preflight(content, max_bytes=settings.MAX_UPLOAD_BYTES)
        sha256 = content_sha256(content)
        duplicate = _duplicate_of(sha256)
        if duplicate is not None:
            return duplicate.with_filename(filename)
        prepared = prepare_document(content, filename, max_bytes=settings.MAX_UPLOAD_BYTES)
    except IngestRefused as refusal:
        return IngestOutcome(filename, IngestOutcome.REFUSED, reason=refusal.reason)

    stored_name, created_file = _store_original(content, prepared.sha256)
    try:
        with transaction.atomic():
            outcome = _save_prepared(prepared, filename=filename, stored_name=stored_name,
                                     uploaded_by=uploaded_by, publish=publish)
    except IntegrityError:
        if created_file:
            default_storage.delete(stored_name)
        duplicate = _duplicate_of(prepared.sha256)
        if duplicate is not None:
            return duplicate.with_filename(filename)
        raise
    except BaseException:
        if created_file:
            default_storage.delete(stored_name)
        raise
    return outcome


@dataclass(frozen=True)
class _Duplicate:
    reply: Reply

    def with_filename(self, filename: str) -> IngestOutcome:
        reason = f"与已有文件内容相同：{self.reply}"
        return IngestOutcome(filename, IngestOutcome.DUPLICATE, reply=self.reply, reason=reason)


def _duplicate_of(sha256: str) -> _Duplicate | None:
    """The reply these bytes already belong to; the original of a deleted reply may come back."""
    existing = SourceFile.objects.filter(sha256=sha256, reply__isnull=False).select_related("reply").first()
    return None if existing is None else _Duplicate(existing.reply)


def _store_original(content: bytes, sha256: str) -> tuple[str, bool]:
    """Write the original bytes before the row commits; the name is derived from the hash."""
    name = original_upload_path(SourceFile(sha256=sha256), "")
    if default_storage.exists(name) and default_storage.size(name) == len(content):
        return name, False
    return default_storage.save(name, ContentFile(content)), True


def _save_prepared(prepared: PreparedDocument, *, filename: str, stored_name: str, uploaded_by, publish: bool) -> IngestOutcome:
    fields = prepared.fields
    existing = None
    if fields.doc_number is not None:
        key = doc_number_key(fields.doc_number.issuer, fields.doc_number.year, fields.doc_number.serial)
        existing = Reply.objects.select_for_update().filter(doc_number_key=key).first()
    # A file whose text could not be read waits as a draft until someone has looked at it.
    publish = publish and not UNREAD_FLAGS.intersection(prepared.quality_flags)
    reply = existing or Reply(status=Reply.Status.PUBLISHED if publish else Reply.Status.DRAFT)
    _apply_fields(reply, prepared)
    if reply.status == Reply.Status.PUBLISHED and reply.published_at is None:
        reply.published_at = timezone.now()
    reply.save()
    _replace_addressees(reply, fields.addressees)
    reply.topics.set(_topics_for(prepared.topic_slugs))
    SourceFile.objects.update_or_create(
        sha256=prepared.sha256,
        defaults={
            "reply": reply,
            "file": stored_name,
            "filename": filename[:255],
            "size": prepared.size,
            "content_type": prepared.content_type,
            "text_encoding": prepared.text_encoding,
            "uploaded_by": uploaded_by,
            "trashed_at": None,
        },
    )
    _sync_citations(reply)
    index_enqueue(reply_ids=[reply.pk])
    status = IngestOutcome.NEW_VERSION if existing else IngestOutcome.CREATED
    outcome = IngestOutcome(filename, status, reply=reply)
    _record_upload(outcome, uploaded_by)
    return outcome


def _record_upload(outcome: IngestOutcome, user) -> None:
    _record(outcome.audit_action, reply=outcome.reply, user=user, filename=outcome.filename, detail=outcome.reason)


def _record(action: str, *, reply: Reply | None, user=None, filename: str = "", detail: str = "") -> None:
    AuditEvent.objects.create(
        action=action,
        reply=reply if reply is not None and reply.pk else None,
        reply_label=str(reply)[:500] if reply is not None else "",
        filename=filename[:255],
        detail=detail,
        user=user if user is not None and user.is_authenticated else None,
    )


def _sync_citations(reply: Reply) -> None:
    """Link the reply to every document its body cites, creating the documents first seen here."""
    citations = find_citations(reply.body, own_doc_number_key=reply.doc_number_key,
                               proposal_title=reply.proposal_title)
    CitedDocument.objects.bulk_create(
        [CitedDocument(kind=citation.kind, name=citation.name[:300], key=citation.key[:300]) for citation in citations],
        ignore_conflicts=True,
    )
    reply.citations.set(CitedDocument.objects.filter(key__in=[citation.key[:300] for citation in citations]))


def _apply_fields(reply: Reply, prepared: PreparedDocument) -> None:
    fields = prepared.fields
    doc_number = fields.doc_number
    reply.title = fields.title[:500] or "（无标题）"
    reply.kind = fields.kind
    reply.doc_number = doc_number.text if doc_number else ""
    reply.doc_issuer = doc_number.issuer if doc_number else ""
    reply.doc_year = doc_number.year if doc_number else None
    reply.doc_serial = doc_number.serial if doc_number else ""
    reply.doc_number_key = doc_number_key(doc_number.issuer, doc_number.year, doc_number.serial) if doc_number else ""
    reply.session = fields.session
    reply.proposal_number = fields.proposal_number
    reply.proposal_title = fields.proposal_title[:500]
    reply.issuing_organ = fields.issuing_organ
    reply.signer = fields.signer
    reply.handler = fields.handler
    reply.phone = fields.phone
    reply.cc = list(fields.cc)
    reply.index_number = fields.index_number
    reply.subject_category = fields.subject_category
    reply.genre = fields.genre
    reply.date = fields.date
    reply.year = fields.year
    reply.body = fields.body or prepared.text
    reply.quality_flags = list(prepared.quality_flags)
    reply.repair_notes = list(prepared.repair_notes)


def _replace_addressees(reply: Reply, addressees) -> None:
    reply.addressees.all().delete()
    Addressee.objects.bulk_create(
        Addressee(reply=reply, name=person.name, role=person.role, position=position)
        for position, person in enumerate(addressees)
    )


def _topics_for(slugs: list[str]) -> list[Topic]:
    if not slugs:
        return []
    topics = list(Topic.objects.filter(slug__in=slugs))
    if len(topics) < len(slugs):
        topic_sync_vocabulary()
        topics = list(Topic.objects.filter(slug__in=slugs))
    return topics


def topic_sync_vocabulary() -> None:
    """Make sure every topic of the vocabulary file exists; staff-made topics are left alone."""
    Topic.objects.bulk_create(
        [Topic(slug=definition.slug, name=definition.name) for definition in topic_vocabulary()],
        ignore_conflicts=True,
    )


@transaction.atomic
def reply_publish(*, reply: Reply, user=None) -> Reply:
    if reply.status != Reply.Status.PUBLISHED:
        reply.status = Reply.Status.PUBLISHED
        reply.published_at = timezone.now()
        reply.save(update_fields=["status", "published_at", "updated_at"])
        _record(AuditEvent.Action.PUBLISHED, reply=reply, user=user)
        index_enqueue(reply_ids=[reply.pk])
    return reply


@transaction.atomic
def reply_unpublish(*, reply: Reply, user=None) -> Reply:
    if reply.status != Reply.Status.DRAFT:
        reply.status = Reply.Status.DRAFT
        reply.save(update_fields=["status", "updated_at"])
        _record(AuditEvent.Action.UNPUBLISHED, reply=reply, user=user)
        index_enqueue(reply_ids=[reply.pk])
    return reply


@transaction.atomic
def reply_save(*, reply: Reply, user=None) -> Reply:
    """Save staff corrections of a reply's fields and bring the index in step after commit."""
    parsed = parse_doc_number(reply.doc_number) if reply.doc_number else None
    if parsed is not None:
        reply.doc_number = parsed.text
        reply.doc_issuer, reply.doc_year, reply.doc_serial = parsed.issuer, parsed.year, parsed.serial
        reply.doc_number_key = doc_number_key(parsed.issuer, parsed.year, parsed.serial)
    else:
        reply.doc_number_key = ""
    previous_status = Reply.objects.filter(pk=reply.pk).values_list("status", flat=True).first()
    if reply.status == Reply.Status.PUBLISHED and (reply.published_at is None or previous_status != reply.status):
        reply.published_at = timezone.now()
    reply.save()
    _sync_citations(reply)
    _record(AuditEvent.Action.EDITED, reply=reply, user=user)
    if previous_status is not None and previous_status != reply.status:
        action = AuditEvent.Action.PUBLISHED if reply.is_published else AuditEvent.Action.UNPUBLISHED
        _record(action, reply=reply, user=user)
    index_enqueue(reply_ids=[reply.pk])
    return reply


@transaction.atomic
def reply_delete(*, reply: Reply, user=None) -> None:
    """Delete a reply; its original files stay on disk and in the table, unlinked."""
    reply_id = reply.pk
    _record(AuditEvent.Action.DELETED, reply=reply, user=user)
    reply.source_files.update(reply=None, trashed_at=timezone.now())
    reply.delete()
    index_enqueue(reply_ids=[reply_id])


def source_restore(*, source: SourceFile, user=None) -> IngestOutcome:
    """Take a deleted reply's original out of the trash: it is ingested again, as a draft."""
    if source.reply_id is not None:
        return IngestOutcome(source.filename, IngestOutcome.DUPLICATE, reply=source.reply, reason="文件不在回收站中")
    with source.file.open("rb") as stored:
        content = stored.read()
    return reply_ingest_file(content=content, filename=source.filename, uploaded_by=user, publish=False)


def source_purge_trash(*, older_than: datetime.timedelta) -> int:
    """Delete for good the originals that have waited in the trash longer than `older_than`."""
    expired = list(SourceFile.objects.filter(reply=None, trashed_at__lt=timezone.now() - older_than))
    for source in expired:
        with transaction.atomic():
            SourceFile.objects.filter(pk=source.pk, reply=None).delete()
        default_storage.delete(source.file.name)
    return len(expired)
