"""Roles: the public reads published replies; staff also read drafts; admins change things. Deleted originals wait in a trash."""
import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from replies.models import AuditEvent, Reply, SourceFile
from replies.roles import ADMIN_GROUP, STAFF_GROUP
from replies.services import IngestOutcome, reply_delete, source_purge_trash, source_restore
from tests.conftest import seed_path


@pytest.fixture
def staff_member(db):
    user = User.objects.create_user("reader", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=STAFF_GROUP))
    return user


@pytest.fixture
def archive_admin(db):
    user = User.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN_GROUP))
    return user


def test_the_migration_creates_both_groups_with_their_permissions(db):
    staff = set(Group.objects.get(name=STAFF_GROUP).permissions.values_list("codename", flat=True))
    admins = set(Group.objects.get(name=ADMIN_GROUP).permissions.values_list("codename", flat=True))
    assert {"view_reply", "view_sourcefile", "view_auditevent"} <= staff
    assert not {codename for codename in staff if not codename.startswith("view_")}
    assert {"add_reply", "change_reply", "delete_reply", "change_sourcefile"} <= admins
    assert "delete_auditevent" not in admins


def test_staff_read_drafts_but_cannot_upload_or_change(client, seeds, staff_member, django_capture_on_commit_callbacks):
    from replies.services import reply_unpublish

    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=seeds["002"])
    client.force_login(staff_member)
    assert client.get(seeds["002"].get_absolute_url()).status_code == 200
    assert client.get(reverse("admin:replies_reply_change", args=[seeds["002"].pk])).status_code == 200
    response = client.post(reverse("admin:replies_reply_change", args=[seeds["002"].pk]), {"title": "改"})
    assert response.status_code == 403
    upload = client.get(reverse("replies:review_upload")).content.decode()
    assert "上传需要“管理员”组的权限" in upload and 'type="file"' not in upload
    assert client.post(reverse("replies:review_upload"), {"files": []}).status_code == 403
    assert Reply.objects.get(pk=seeds["002"].pk).title != "改"


def test_admins_upload(client, db, search_index, archive_admin, django_capture_on_commit_callbacks):
    client.force_login(archive_admin)
    with open(seed_path("000"), "rb") as upload, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("replies:review_upload"), {"files": [upload]})
    assert "已创建" in response.content.decode()
    assert SourceFile.objects.get().uploaded_by == archive_admin


def test_a_deleted_reply_leaves_its_original_in_the_trash_to_restore(seeds, archive_admin,
                                                                     django_capture_on_commit_callbacks):
    reply = seeds["002"]
    source = reply.source_files.get()
    with django_capture_on_commit_callbacks(execute=True):
        reply_delete(reply=reply, user=archive_admin)
    source.refresh_from_db()
    assert source.reply is None and source.trashed_at is not None
    assert default_storage.exists(source.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = source_restore(source=source, user=archive_admin)
    assert outcome.status == IngestOutcome.CREATED
    assert outcome.reply.doc_number == "常工信复〔2021〕第35号" and outcome.reply.status == Reply.Status.DRAFT
    source.refresh_from_db()
    assert source.reply == outcome.reply and source.trashed_at is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETED, user=archive_admin).exists()


def test_purge_removes_only_originals_trashed_longer_than_the_retention(seeds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply_delete(reply=seeds["000"])
        reply_delete(reply=seeds["002"])
    old = SourceFile.objects.get(filename=seed_path("000").name)
    recent = SourceFile.objects.get(filename=seed_path("002").name)
    SourceFile.objects.filter(pk=old.pk).update(trashed_at=timezone.now() - datetime.timedelta(days=31))
    assert source_purge_trash(older_than=datetime.timedelta(days=30)) == 1
    assert not SourceFile.objects.filter(pk=old.pk).exists() and not default_storage.exists(old.file.name)
    assert SourceFile.objects.filter(pk=recent.pk).exists() and default_storage.exists(recent.file.name)
    assert SourceFile.objects.filter(reply__isnull=False).count() == 3, "live originals are never purged"
