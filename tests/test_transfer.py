"""export_archive then import_archive into an empty archive gives back the same records and bytes."""
import hashlib
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from replies.models import Addressee, AuditEvent, CitedDocument, Reply, SourceFile, Topic
from replies.services import reply_publish, reply_unpublish
from tests.conftest import SEED_FILES

MODELS = (Topic, Reply, Addressee, SourceFile, CitedDocument, AuditEvent)


def snapshot() -> dict:
    rows = {}
    for model in MODELS:
        rows[model.__name__] = [
            {**model_to_dict(row), **({"created_at": row.created_at} if hasattr(row, "created_at") else {})}
            for row in model.objects.order_by("pk")
        ]
    for row in rows["SourceFile"]:
        row["file"] = str(row["file"])
        row["uploaded_by"] = User.objects.get(pk=row["uploaded_by"]).username if row["uploaded_by"] else None
    for row in rows["AuditEvent"]:
        row["user"] = User.objects.get(pk=row["user"]).username if row["user"] else None
    for row in rows["Reply"]:
        row["topics"] = sorted(topic.pk for topic in row["topics"])
    for row in rows["CitedDocument"]:
        row["replies"] = sorted(reply.pk for reply in row["replies"])
    return rows


def originals() -> dict[str, bytes]:
    result = {}
    for source in SourceFile.objects.all():
        with default_storage.open(source.file.name, "rb") as stored:
            result[source.sha256] = stored.read()
    return result


def empty_the_archive() -> None:
    for model in reversed(MODELS):
        model.objects.all().delete()
    User.objects.all().delete()


def test_round_trip_restores_equal_records_and_identical_originals(seeds, search_index, tmp_path, settings,
                                                                   django_capture_on_commit_callbacks, capsys):
    admin = User.objects.create_superuser("admin", password="a-long-test-password")
    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=seeds["001"], user=admin)
        reply_publish(reply=seeds["001"], user=admin)
    SourceFile.objects.update(uploaded_by=admin)
    before, before_files = snapshot(), originals()
    assert {hashlib.sha256(path.read_bytes()).hexdigest() for path in SEED_FILES} == set(before_files)

    call_command("export_archive", str(tmp_path / "export"))
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["originals"]) == 5
    assert "password" not in (tmp_path / "export" / "users.json").read_text(encoding="utf-8")

    empty_the_archive()
    search_index.clear()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_archive", str(tmp_path / "export"))
    assert "5 original files" in capsys.readouterr().out
    after = snapshot()
    for model in MODELS:
        for restored, original in zip(after[model.__name__], before[model.__name__], strict=True):
            differing = {key for key in original if restored.get(key) != original[key]}
            assert not differing, f"{model.__name__} #{original['id']}: {differing}"
    assert originals() == before_files
    assert search_index.indexed_ids() == {reply.pk for reply in seeds.values()}
    assert not User.objects.get(username="admin").has_usable_password(), "passwords are never exported"
    new_reply_id = Reply.objects.create(title="新", body="新").pk
    assert new_reply_id > max(reply.pk for reply in seeds.values()), "sequences continue after the restore"


def test_import_refuses_a_non_empty_archive_and_a_tampered_export(seeds, tmp_path):
    call_command("export_archive", str(tmp_path / "export"))
    with pytest.raises(CommandError, match="只能导入到空的档案"):
        call_command("import_archive", str(tmp_path / "export"))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("export_archive", str(tmp_path / "export"))

    empty_the_archive()
    first = next((tmp_path / "export" / "originals").rglob("*"))
    while first.is_dir():
        first = next(first.iterdir())
    first.write_bytes(first.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("import_archive", str(tmp_path / "export"))
    assert not Reply.objects.exists()


def test_import_loads_only_the_archives_own_records_never_a_privileged_user(seeds, tmp_path):
    call_command("export_archive", str(tmp_path / "export"))
    empty_the_archive()
    records = tmp_path / "export" / "records.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines()
    superuser = {"model": "auth.user", "pk": 77, "fields": {
        "username": "intruder", "password": "pbkdf2_sha256$1$x$y", "is_superuser": True, "is_staff": True,
        "is_active": True, "groups": [], "user_permissions": [], "date_joined": "2026-01-01T00:00:00+00:00"}}
    records.write_text("\n".join([*lines[:2], json.dumps(superuser), *lines[2:]]) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"第 3 行是 auth\.user 记录（pk=77，且带有权限（is_superuser、is_staff）") as refused:
        call_command("import_archive", str(tmp_path / "export"))
    assert "拒绝导入" in str(refused.value)
    assert not User.objects.exists() and not Reply.objects.exists(), "nothing of the archive is loaded"

    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "export" / "users.json").write_text(json.dumps([{"username": "x", "is_superuser": True}]))
    with pytest.raises(CommandError, match="用户名的列表"):
        call_command("import_archive", str(tmp_path / "export"))
    assert not User.objects.exists()
