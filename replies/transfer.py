"""The whole archive out to a folder and back: metadata as JSON Lines, originals byte for byte.

Layout of an export folder:
    manifest.json           format, counts, the SHA-256 of every original
    users.json              the user names the records refer to (no passwords)
    records.jsonl           every row, in Django's serialization format with primary keys kept,
                            so permalinks (/replies/<id>/) survive a restore
    originals/ab/abcdef…    each original file, named by its SHA-256 as in storage
"""
import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from replies.models import Addressee, AuditEvent, CitedDocument, Reply, SourceFile, Topic
from search.indexing import index_enqueue

FORMAT = "replies-archive/1"
# Parents before children, so that a restore can load them in this order.
EXPORTED_MODELS = (Topic, Reply, Addressee, SourceFile, CitedDocument, AuditEvent)
# A restore loads these and nothing else: an export never holds users, groups or permissions, so a records file
# that does was not written by export_archive, and loading it could make anyone a superuser.
IMPORTABLE_LABELS = frozenset(model._meta.label_lower for model in EXPORTED_MODELS)


class TransferError(Exception):
    pass


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps them exactly."""

    def default(self, value):
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        return super().default(value)


@dataclass(frozen=True)
class TransferCounts:
    records: int
    originals: int


def archive_export(directory: Path) -> TransferCounts:
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise TransferError(f"目标文件夹不是空的：{directory}")
    records = 0
    with (directory / "records.jsonl").open("w", encoding="utf-8") as out:
        for model in EXPORTED_MODELS:
            rows = model.objects.order_by("pk")
            for line in serializers.serialize("jsonl", rows, use_natural_foreign_keys=True,
                                                         cls=ExactJSONEncoder).splitlines():
                out.write(line + "\n")
                records += 1
    originals = {}
    for source in SourceFile.objects.order_by("pk"):
        with default_storage.open(source.file.name, "rb") as stored:
            content = stored.read()
        if hashlib.sha256(content).hexdigest() != source.sha256:
            raise TransferError(f"原始文件已损坏：{source.file.name}（{source.filename}）")
        target = directory / source.file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        originals[source.file.name] = source.sha256
    users = sorted(set(SourceFile.objects.exclude(uploaded_by=None).values_list("uploaded_by__username", flat=True))
                   | set(AuditEvent.objects.exclude(user=None).values_list("user__username", flat=True)))
    (directory / "users.json").write_text(json.dumps(users, ensure_ascii=False, indent=1), encoding="utf-8")
    manifest = {"format": FORMAT, "exported_at": timezone.now().isoformat(), "records": records,
                "originals": originals}
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return TransferCounts(records=records, originals=len(originals))


def archive_import(directory: Path) -> TransferCounts:
    """Restore an export into an empty archive: all or nothing."""
    manifest = _read_manifest(directory)
    if Reply.objects.exists() or SourceFile.objects.exists():
        raise TransferError("数据库中已有答复；只能导入到空的档案中")
    contents = _read_originals(directory, manifest["originals"])
    written = []
    try:
        with transaction.atomic():
            _ensure_users(json.loads((directory / "users.json").read_text(encoding="utf-8")))
            records = _load_records(directory / "records.jsonl")
            for name, content in contents.items():
                if not default_storage.exists(name):
                    written.append(default_storage.save(name, ContentFile(content)))
            _reset_sequences()
            index_enqueue(reply_ids=list(Reply.objects.values_list("pk", flat=True)))
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return TransferCounts(records=records, originals=len(contents))


def _read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TransferError(f"无法读取 {directory / 'manifest.json'}：{error}") from None
    if manifest.get("format") != FORMAT:
        raise TransferError(f"不认识的导出格式：{manifest.get('format')!r}，应为 {FORMAT}")
    return manifest


def _read_originals(directory: Path, originals: dict[str, str]) -> dict[str, bytes]:
    contents = {}
    for name, sha256 in originals.items():
        path = directory / name
        if not path.resolve().is_relative_to(directory.resolve()):
            raise TransferError(f"清单中的路径不安全：{name}")
        try:
            content = path.read_bytes()
        except OSError:
            raise TransferError(f"缺少原始文件：{name}") from None
        if hashlib.sha256(content).hexdigest() != sha256:
            raise TransferError(f"原始文件与清单不符（SHA-256 不同）：{name}")
        contents[name] = content
    return contents


def _ensure_users(usernames: list[str]) -> None:
    """Records name their users; a user missing here is created inactive, with no usable password and no
    privileges (not staff, no groups, no permissions), whatever the export says."""
    User = get_user_model()
    if not isinstance(usernames, list) or not all(isinstance(name, str) and name for name in usernames):
        raise TransferError("users.json 应当只是用户名的列表")
    for username in usernames:
        if not User.objects.filter(username=username).exists():
            user = User(username=username, is_active=False)
            user.set_unusable_password()
            user.save()


def _load_records(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            _refuse_foreign_record(path, number, line)
            for record in serializers.deserialize("jsonl", line, handle_forward_references=False):
                record.save()
                count += 1
    return count


def _refuse_foreign_record(path: Path, number: int, line: str) -> None:
    """Checked on the raw line, before deserializing resolves anything the record names."""
    try:
        record = json.loads(line)
        label = str(record["model"]).lower()
    except (ValueError, KeyError, TypeError):
        raise TransferError(f"{path.name} 第 {number} 行不是一条记录") from None
    if label not in IMPORTABLE_LABELS:
        fields = record.get("fields") if isinstance(record.get("fields"), dict) else {}
        privileges = [name for name in ("is_superuser", "is_staff", "groups", "user_permissions") if fields.get(name)]
        detail = f"，且带有权限（{'、'.join(privileges)}）" if privileges else ""
        raise TransferError(
            f"{path.name} 第 {number} 行是 {label} 记录（pk={record.get('pk')!r}{detail}）：导出文件只应含答复档案"
            f"自己的记录（{'、'.join(sorted(IMPORTABLE_LABELS))}），拒绝导入"
        )


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), EXPORTED_MODELS)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
