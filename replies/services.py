"""Every write to the archive goes through these functions."""
import datetime
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from replies.db_locks import advisory_lock
from replies.ingest.archive import ArchiveLimits, ArchiveRefused, expand_archive, is_zip_batch, iter_archive
from replies.ingest.citations import find_citations
from replies.ingest.commitments import find_commitments
from replies.ingest.errors import IngestRefused
from replies.ingest.extract import doc_number_key, parse_doc_number
from replies.ingest.sessions import proposal_group_key
from replies.ingest.pipeline import DRAFT_FLAGS, PreparedDocument, check_preflight, content_sha256, prepare_document
from replies.ingest.topics import topic_vocabulary
from replies.models import (
    Addressee,
    AuditEvent,
    CitedDocument,
    Commitment,
    PersonMerge,
    Reply,
    SourceFile,
    Topic,
    UploadBatch,
    original_upload_path,
)
from search.indexing import index_drain_deferred, index_enqueue

logger = logging.getLogger(__name__)



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


# How pages name each outcome (the upload page and its batch pages).
INGEST_STATUS_LABELS = {IngestOutcome.CREATED: "已创建", IngestOutcome.NEW_VERSION: "新版本",
                        IngestOutcome.DUPLICATE: "重复", IngestOutcome.REFUSED: "被拒绝"}


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


@dataclass(frozen=True)
class UploadResult:
    outcomes: list[IngestOutcome]  # one per file taken at once, in the order uploaded
    batches: list[UploadBatch]  # the .zip archives kept to be ingested in pieces (upload_batch_advance)

    @property
    def failed(self) -> int:
        return sum(outcome.failed for outcome in self.outcomes)


def reply_upload_files(*, uploads, uploaded_by=None, publish: bool = False) -> UploadResult:
    """The files of one upload (objects with .name and .read(), such as Django's UploadedFile), each with its own
    outcome: an empty, unreadable or duplicate file never stops the others. A .zip becomes an UploadBatch, ingested
    in pieces across requests however many files it holds."""
    outcomes, batches = [], []
    with index_drain_deferred():  # the index written once for the whole upload, not once a file
        for upload in uploads:
            content = upload.read()
            if is_zip_batch(content):
                started = upload_batch_start(content=content, filename=upload.name, uploaded_by=uploaded_by,
                                             publish=publish)
                (batches if isinstance(started, UploadBatch) else outcomes).append(started)
            else:
                outcomes.append(reply_ingest_file(content=content, filename=upload.name, uploaded_by=uploaded_by,
                                                  publish=publish))
    return UploadResult(outcomes=outcomes, batches=batches)


def upload_batch_start(*, content: bytes, filename: str, uploaded_by=None, publish: bool = False,
                       ) -> UploadBatch | IngestOutcome:
    """Keep a .zip upload to be ingested in pieces (upload_batch_advance); or its refusal, when the archive as a
    whole cannot be opened."""
    try:
        check_preflight(content, max_bytes=settings.MAX_UPLOAD_BYTES)
        members = expand_archive(content, _archive_limits())
    except (IngestRefused, ArchiveRefused) as refusal:
        return _refused(filename, refusal.reason, uploaded_by)
    if not members:
        return _refused(filename, "压缩包中没有文件", uploaded_by)
    batch = UploadBatch(token=secrets.token_hex(16), filename=filename[:255], publish=publish,
                        uploaded_by=uploaded_by, total=len(members))
    batch.archive.save("", ContentFile(content), save=False)
    try:
        batch.save()
    except BaseException:
        default_storage.delete(batch.archive.name)
        raise
    return batch


def upload_batch_advance(*, batch: UploadBatch, seconds: float) -> UploadBatch:
    """Ingest the batch's next members for about `seconds`, each committed on its own, and record their outcomes.

    Two requests never work on one batch at once (an advisory lock per batch: the second just reports progress).
    A member whose outcome was not recorded because the process died is taken again and comes out `duplicate`."""
    with _batch_lock(batch.pk) as acquired:
        batch = UploadBatch.objects.get(pk=batch.pk)
        if not acquired or batch.finished:
            return batch
        with batch.archive.open("rb") as stored:
            content = stored.read()
        started, deadline = batch.position, time.monotonic() + seconds
        with index_drain_deferred():  # the index written once for this request's members, not once a member
            _advance(batch, content, started=started, deadline=deadline)
        if batch.position >= batch.total:
            batch.finished_at = timezone.now()
            batch.save(update_fields=["finished_at"])
            # The staged copy only; every member's original is stored on its own.
            default_storage.delete(batch.archive.name)
    return batch


def _advance(batch: UploadBatch, content: bytes, *, started: int, deadline: float) -> None:
    """The batch's members from `started` on, until the deadline (at least one), each outcome recorded."""
    for member in iter_archive(content, _archive_limits(), start=started):
        if batch.position > started and time.monotonic() >= deadline:
            break  # at least one member a request, then until the time is up
        shown_name = f"{batch.filename}/{member.name}"
        if member.refusal:
            outcome = _refused(shown_name, member.refusal, batch.uploaded_by)
        else:
            outcome = reply_ingest_file(content=member.content, filename=shown_name,
                                        uploaded_by=batch.uploaded_by, publish=batch.publish)
        batch.outcomes.append({"filename": outcome.filename, "status": outcome.status,
                               "reply_id": outcome.reply.pk if outcome.reply else None, "reason": outcome.reason})
        batch.save(update_fields=["outcomes"])


BATCH_LOCK_NAMESPACE = 7_411_204  # advisory-lock keys (namespace, batch id) for upload batches


def _batch_lock(batch_id: int):
    """This batch's lock, held by this database session; yields whether it was taken."""
    return advisory_lock(BATCH_LOCK_NAMESPACE, batch_id)


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


def reply_ingest_file(*, content: bytes, filename: str, uploaded_by=None, publish: bool = True,
                      prepared: PreparedDocument | None = None) -> IngestOutcome:
    """Take one file into the archive: refuse it with a reason, or store it and its reply atomically.

    `prepared`: these bytes already through prepare_document (a batch prepares files in other processes,
    the pipeline being pure); it is used only when the bytes are not a duplicate."""
    outcome = _ingest_file(content=content, filename=filename, uploaded_by=uploaded_by, publish=publish,
                           prepared=prepared)
    if outcome.status in (IngestOutcome.REFUSED, IngestOutcome.DUPLICATE):
        _record_upload(outcome, uploaded_by)  # stored outcomes are recorded in their own transaction
    return outcome


def _ingest_file(*, content: bytes, filename: str, uploaded_by, publish: bool,
                 prepared: PreparedDocument | None = None) -> IngestOutcome:
    try:
        check_preflight(content, max_bytes=settings.MAX_UPLOAD_BYTES)
        sha256 = content_sha256(content)
        duplicate = _duplicate_of(sha256)
        if duplicate is not None:
            return duplicate.with_filename(filename)
        if prepared is None or prepared.sha256 != sha256:
            prepared = prepare_document(content, filename, max_bytes=settings.MAX_UPLOAD_BYTES)
    except IngestRefused as refusal:
        return IngestOutcome(filename, IngestOutcome.REFUSED, reason=refusal.reason)

    stored_name, created_file = _store_original(content, prepared.sha256)
    committed = []
    try:
        with transaction.atomic():
            # Registered first, so it runs before anything else done after commit (the index update).
            transaction.on_commit(lambda: committed.append(True))
            outcome = _save_prepared(prepared, filename=filename, stored_name=stored_name,
                                     uploaded_by=uploaded_by, publish=publish)
    except IntegrityError:
        if committed:
            raise
        if created_file:
            default_storage.delete(stored_name)
        duplicate = _duplicate_of(prepared.sha256)
        if duplicate is not None:
            return duplicate.with_filename(filename)
        raise
    except BaseException:
        # A file is removed only when its row's transaction rolled back: once committed, whatever fails
        # after commit (the index update, a worker's timeout) must not take the original with it.
        if created_file and not committed:
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
        existing = Reply.objects.main_versions().select_for_update().filter(doc_number_key=key).first()
    # A file whose text could not be read, or still reads as garbage, waits as a draft until someone has looked at it.
    publish = publish and not DRAFT_FLAGS.intersection(prepared.quality_flags)
    if existing is None:
        reply = Reply(status=Reply.Status.PUBLISHED if publish else Reply.Status.DRAFT)
        if publish:
            reply.published_at = timezone.now()
    else:
        # A new version never replaces what the public reads until it is published.
        reply = Reply(status=Reply.Status.DRAFT, version_of=existing)
    _apply_fields(reply, prepared)
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
    _sync_derived(reply)
    index_enqueue(reply_ids=[reply.pk])
    if existing is None:
        outcome = IngestOutcome(filename, IngestOutcome.CREATED, reply=reply)
    else:
        outcome = IngestOutcome(filename, IngestOutcome.NEW_VERSION, reply=reply,
                                reason=f"{existing} 的新版本，存为草稿：发布后才取代现行版本")
    _record_upload(outcome, uploaded_by)
    if existing is not None and publish:
        outcome = IngestOutcome(filename, IngestOutcome.NEW_VERSION, reply=_publish_version(reply, user=uploaded_by),
                                reason="新版本已发布；此前的版本及其原始文件已保留")
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


def _sync_derived(reply: Reply) -> None:
    """What is re-derived on every save: the proposal the reply answers, the documents it cites and the
    commitments it makes."""
    group = proposal_group_key(session=reply.session, kind=reply.kind, number=reply.proposal_number,
                               organ=reply.issuing_organ)
    if reply.proposal_group != (group_text := str(group) if group else ""):
        reply.proposal_group = group_text
        Reply.objects.filter(pk=reply.pk).update(proposal_group=group_text)
    _sync_citations(reply)
    _sync_commitments(reply)


def _sync_commitments(reply: Reply) -> None:
    """The body's commitments, found again; staff's status and note stay with each sentence that is unchanged."""
    kept = {commitment.sentence: commitment for commitment in reply.commitments.all()}
    found = find_commitments(reply.body, reply_date=reply.date, reply_year=reply.year)
    rows = []
    for commitment in found:
        earlier = kept.get(commitment.sentence)
        rows.append(Commitment(
            reply=reply, sentence=commitment.sentence, start=commitment.start, end=commitment.end,
            deadline=commitment.deadline,
            status=earlier.status if earlier else Commitment.Status.OPEN,
            note=earlier.note if earlier else "",
            updated_by_id=earlier.updated_by_id if earlier else None,
            updated_at=earlier.updated_at if earlier else None,
        ))
    reply.commitments.all().delete()
    Commitment.objects.bulk_create(rows)


@transaction.atomic
def commitment_mark(*, commitment: Commitment, status: str, note: str = "", user=None) -> Commitment:
    """Staff record whether a commitment was kept (done) or is still open, with a note; the audit log keeps it."""
    if status not in Commitment.Status.values:
        raise ValueError(f"unknown commitment status: {status!r}")
    commitment = Commitment.objects.select_for_update().select_related("reply").get(pk=commitment.pk)
    commitment.status, commitment.note = status, note.strip()
    commitment.updated_by = user if user is not None and user.is_authenticated else None
    commitment.updated_at = timezone.now()
    commitment.save(update_fields=["status", "note", "updated_by", "updated_at"])
    label = Commitment.Status(status).label
    _record(AuditEvent.Action.COMMITMENT_MARKED, reply=commitment.reply, user=user,
            detail=f"{label}：{commitment.sentence[:80]}" + (f"（{commitment.note}）" if commitment.note else ""))
    return commitment


@transaction.atomic
def person_merge(*, name: str, body: str, congress: str, into_congress: str, user=None) -> PersonMerge:
    """Record an admin's decision that `name` in `congress` is the same person as `name` in `into_congress`."""
    if congress == into_congress or not (name and congress and into_congress):
        raise ValueError("a merge needs a name and two different places")
    merge, created = PersonMerge.objects.get_or_create(
        name=name, body=body, congress=congress, into_congress=into_congress, defaults={"decided_by": user})
    if created:
        _record(AuditEvent.Action.PEOPLE_MERGED, reply=None, user=user,
                detail=f"{name}：{congress}的{dict(PersonMerge._meta.get_field('body').choices)[body]}并入{into_congress}")
    return merge


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
    reply.handling_category = fields.handling_category
    reply.handling_role = fields.handling_role
    reply.satisfaction = fields.satisfaction
    reply.field_confidence = dict(getattr(fields, "field_confidence", {}))
    reply.genre = fields.genre
    reply.date = fields.date
    reply.year = fields.year
    reply.body = fields.body or prepared.text
    reply.quality_flags = list(prepared.quality_flags)
    reply.repair_notes = list(prepared.repair_notes)


def _replace_addressees(reply: Reply, addressees) -> None:
    reply.addressees.all().delete()
    getattr(reply, "_prefetched_objects_cache", {}).pop("addressees", None)
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


# The fields the extractor fills (and an admin may correct); addressees, topics and the body's repairs aside.
EXTRACTED_FIELDS = (
    "title", "kind", "doc_number", "doc_issuer", "doc_year", "doc_serial", "doc_number_key", "session",
    "proposal_number", "proposal_title", "issuing_organ", "signer", "handler", "phone", "cc", "index_number",
    "subject_category", "handling_category", "handling_role", "satisfaction", "genre", "date", "year", "body",
)
# What a version carries: swapped between a reply and its new version when the version is published.
VERSION_FIELDS = (*EXTRACTED_FIELDS, "quality_flags", "repair_notes", "corrected_fields", "field_confidence")


def _publish_version(version: Reply, *, user=None) -> Reply:
    """Publish a reply's new version: the reply (same id, same address) takes the version's contents and
    originals, and the version's row keeps the earlier contents and originals, marked superseded."""
    reply = Reply.objects.select_for_update().get(pk=version.version_of_id)
    version = Reply.objects.select_for_update().get(pk=version.pk)
    for name in VERSION_FIELDS:
        earlier, newer = getattr(reply, name), getattr(version, name)
        setattr(reply, name, newer)
        setattr(version, name, earlier)
    reply.status, reply.published_at = Reply.Status.PUBLISHED, timezone.now()
    version.status, version.superseded_at = Reply.Status.DRAFT, timezone.now()
    reply_addressees, version_addressees = list(reply.addressees.all()), list(version.addressees.all())
    reply_topics, version_topics = list(reply.topics.all()), list(version.topics.all())
    reply_commitments = list(reply.commitments.values_list("pk", flat=True))
    version_commitments = list(version.commitments.values_list("pk", flat=True))
    reply_sources = list(reply.source_files.values_list("pk", flat=True))
    version_sources = list(version.source_files.values_list("pk", flat=True))
    # The doc number may not be held by two main rows at once, so the version gives it up first.
    version.save()
    reply.save()
    Addressee.objects.filter(pk__in=[a.pk for a in reply_addressees]).update(reply=version)
    Addressee.objects.filter(pk__in=[a.pk for a in version_addressees]).update(reply=reply)
    reply.topics.set(version_topics)
    version.topics.set(reply_topics)
    SourceFile.objects.filter(pk__in=reply_sources).update(reply=version)
    SourceFile.objects.filter(pk__in=version_sources).update(reply=reply)
    # Staff's marks stay with the text they were made on; re-derivation keeps them where a sentence is unchanged.
    Commitment.objects.filter(pk__in=reply_commitments).update(reply=version)
    Commitment.objects.filter(pk__in=version_commitments).update(reply=reply)
    _sync_derived(reply)
    _sync_derived(version)
    _record(AuditEvent.Action.VERSION_PUBLISHED, reply=reply, user=user,
            detail=f"新版本取代了此前的版本（保留为第 {version.pk} 号记录）")
    index_enqueue(reply_ids=[reply.pk, version.pk])
    return reply


@transaction.atomic
def reply_publish(*, reply: Reply, user=None) -> Reply:
    """Publish a reply; for a new version of a reply, publish it in that reply's place."""
    if reply.is_pending_version:
        return _publish_version(reply, user=user)
    if reply.is_superseded:
        raise ValueError("an earlier version cannot be published again; upload it as a new version")
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
def reply_save(*, reply: Reply, user=None, addressees: list[tuple[str, str]] | None = None) -> Reply:
    """Save staff corrections of a reply's fields and bring the index in step after commit.

    `addressees`, when given, are the reply's (name, role) pairs as corrected, in order; None leaves them alone."""
    parsed = parse_doc_number(reply.doc_number) if reply.doc_number else None
    if parsed is not None:
        reply.doc_number = parsed.text
        reply.doc_issuer, reply.doc_year, reply.doc_serial = parsed.issuer, parsed.year, parsed.serial
        reply.doc_number_key = doc_number_key(parsed.issuer, parsed.year, parsed.serial)
    else:
        reply.doc_number_key = ""
    reply.body = _normalised_line_ends(reply.body)
    before = Reply.objects.filter(pk=reply.pk).values(*EXTRACTED_FIELDS, "status").first()
    previous_status = before["status"] if before else None
    corrected = [name for name in EXTRACTED_FIELDS if before is not None and before[name] != getattr(reply, name)]
    if reply.version_of_id is not None and reply.status == Reply.Status.PUBLISHED:
        # A version is published only in its reply's place (after its corrections are saved as a draft).
        reply.status = Reply.Status.DRAFT
        reply_save(reply=reply, user=user, addressees=addressees)
        return reply_publish(reply=reply, user=user) if reply.is_pending_version else reply
    if addressees is not None and before is not None and [
            (person.name, person.role) for person in reply.addressees.order_by("position")] != list(addressees):
        _replace_addressees(reply, [Addressee(name=name, role=role) for name, role in addressees])
        corrected.append("addressees")
    reply.corrected_fields = sorted(set(reply.corrected_fields) | set(corrected))
    if reply.status == Reply.Status.PUBLISHED and (reply.published_at is None or previous_status != reply.status):
        reply.published_at = timezone.now()
    reply.save()
    _sync_derived(reply)
    labels = "、".join(_field_label(name) for name in corrected)
    _record(AuditEvent.Action.EDITED, reply=reply, user=user, detail=f"修改了：{labels}" if corrected else "")
    if previous_status is not None and previous_status != reply.status:
        action = AuditEvent.Action.PUBLISHED if reply.is_published else AuditEvent.Action.UNPUBLISHED
        _record(action, reply=reply, user=user)
    index_enqueue(reply_ids=[reply.pk])
    return reply


def _field_label(name: str) -> str:
    """How the audit log names a field: 签发人, 答复对象 …"""
    if name == "addressees":
        return str(Addressee._meta.verbose_name)
    return str(Reply._meta.get_field(name).verbose_name)


def _normalised_line_ends(text: str) -> str:
    """A browser's textarea sends CRLF: the same body is not a change."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: object
    after: object


def reply_extracted_changes(*, reply: Reply, prepared: PreparedDocument) -> list[FieldChange]:
    """What the current extractor would change in the reply's fields, leaving alone those an admin corrected."""
    fresh = Reply()
    _apply_fields(fresh, prepared)
    return [
        FieldChange(name, getattr(reply, name), getattr(fresh, name))
        for name in EXTRACTED_FIELDS
        if name not in reply.corrected_fields and getattr(reply, name) != getattr(fresh, name)
    ]


@transaction.atomic
def reply_reextract(*, reply: Reply, changes: list[FieldChange]) -> Reply:
    """Apply re-extracted fields (see reply_extracted_changes) and bring the index in step."""
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    for change in changes:
        if change.name not in reply.corrected_fields:
            setattr(reply, change.name, change.after)
    reply.save()
    _sync_derived(reply)
    names = "、".join(_field_label(change.name) for change in changes)
    _record(AuditEvent.Action.EDITED, reply=reply, detail=f"重新抽取：{names}")
    index_enqueue(reply_ids=[reply.pk])
    return reply


@transaction.atomic
def reply_delete(*, reply: Reply, user=None) -> None:
    """Delete a reply; its original files stay on disk and in the table, unlinked."""
    reply_ids = [reply.pk, *reply.versions.values_list("pk", flat=True)]
    _record(AuditEvent.Action.DELETED, reply=reply, user=user)
    SourceFile.objects.filter(reply__in=reply_ids).update(reply=None, trashed_at=timezone.now())
    reply.delete()
    index_enqueue(reply_ids=reply_ids)


@transaction.atomic
def source_withdraw(*, source: SourceFile, user=None, reason: str) -> SourceFile:
    """Take one original out of its reply into the trash (an unredacted first version, say); the log says
    who did it and why. The reply and its other originals stay."""
    if not reason.strip():
        raise ValueError("a withdrawal needs a reason")
    source = SourceFile.objects.select_for_update().get(pk=source.pk)
    if source.reply_id is None:
        return source
    reply = Reply.objects.get(pk=source.reply_id)
    source.reply, source.trashed_at = None, timezone.now()
    source.save(update_fields=["reply", "trashed_at"])
    _record(AuditEvent.Action.SOURCE_WITHDRAWN, reply=reply, user=user, filename=source.filename, detail=reason.strip())
    return source


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
