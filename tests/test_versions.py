"""A new version of a reply waits as a draft of its own; originals are never lost; admins can withdraw one."""
import hashlib
import io

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse

import search.indexing
from replies.models import AuditEvent, Reply, SourceFile
from replies.services import reply_delete, reply_publish, source_withdraw
from search.selectors import SearchParams, reply_search
from tests.conftest import seed_path

NEW_WORD = "琥珀新规"
OLD_ONLY = "窗口期"  # a word of seed 000 that the new version drops


def new_version_of_seed_000() -> bytes:
    text = seed_path("000").read_text(encoding="utf-8")
    assert OLD_ONLY in text
    return text.replace(OLD_ONLY, NEW_WORD).encode()


def public_hits(q: str) -> set[int]:
    results = reply_search(params=SearchParams(q=q))
    return {hit.reply_id for hit in results[0:50]}


@pytest.fixture
def published(seeds):
    return seeds["000"]


@pytest.fixture
def staff(db):
    return User.objects.create_user("staff", password="x", is_staff=True)


def test_a_draft_new_version_leaves_the_published_reply_as_it_was(client, published, ingest, settings):
    settings.RATELIMIT_ENABLE = False
    body_before = published.body
    outcome = ingest(content=new_version_of_seed_000(), filename="v2.txt", publish=False)
    assert outcome.status == "new_version"
    version = outcome.reply
    assert version.pk != published.pk and version.version_of_id == published.pk
    assert version.status == Reply.Status.DRAFT and NEW_WORD in version.body
    published.refresh_from_db()
    assert published.is_published and published.body == body_before
    # Every public surface still shows the published text only.
    assert public_hits(NEW_WORD) == set() and published.pk in public_hits(OLD_ONLY)
    page = client.get(published.get_absolute_url()).content.decode()
    assert OLD_ONLY in page and NEW_WORD not in page
    assert client.get(version.get_absolute_url()).status_code == 404
    assert NEW_WORD not in client.get(reverse("replies:latest_feed")).content.decode()
    assert NEW_WORD not in b"".join(client.get(reverse("replies:archive_jsonl")).streaming_content).decode()
    downloads = [source.pk for source in published.source_files.all()]
    assert len(downloads) == 1 and "第2版" not in page
    # Both originals are kept.
    assert SourceFile.objects.filter(reply__in=[published, version]).count() == 2
    # The doc number's permalink still leads to the published reply.
    assert client.get(f"/replies/{published.doc_number}/").url == published.get_absolute_url()


def test_publishing_the_version_replaces_the_text_at_the_same_address_and_keeps_the_earlier_one(
    client, published, ingest, staff, django_capture_on_commit_callbacks
):
    version = ingest(content=new_version_of_seed_000(), filename="v2.txt", publish=False).reply
    with django_capture_on_commit_callbacks(execute=True):
        current = reply_publish(reply=version, user=staff)
    assert current.pk == published.pk
    published.refresh_from_db()
    version.refresh_from_db()
    assert published.is_published and NEW_WORD in published.body
    assert version.is_superseded and not version.is_published and OLD_ONLY in version.body
    assert published.pk in public_hits(NEW_WORD) and public_hits(OLD_ONLY) & {published.pk, version.pk} == set()
    assert published.current_source.filename == "v2.txt"
    assert version.source_files.count() == 1
    assert client.get(version.get_absolute_url()).status_code == 404
    client.force_login(staff)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "早先版本" in page
    assert "早先版本" in client.get(published.get_absolute_url()).content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VERSION_PUBLISHED, reply=published).exists()


def test_a_version_uploaded_for_publication_goes_live_and_the_earlier_one_is_kept(published, ingest):
    outcome = ingest(content=new_version_of_seed_000(), filename="v2.txt", publish=True)
    assert outcome.status == "new_version" and outcome.reply.pk == published.pk
    published.refresh_from_db()
    assert NEW_WORD in published.body
    earlier = published.versions.get()
    assert earlier.is_superseded and OLD_ONLY in earlier.body


def test_deleting_a_reply_trashes_the_originals_of_all_its_versions(published, ingest):
    ingest(content=new_version_of_seed_000(), filename="v2.txt", publish=False)
    reply_delete(reply=published)
    assert not Reply.objects.filter(doc_number=published.doc_number).exists()
    assert SourceFile.objects.filter(reply=None, trashed_at__isnull=False).count() == 2


def test_a_superuser_can_delete_a_reply_in_the_admin(client, published):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    url = reverse("admin:replies_reply_delete", args=[published.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "无法删除" not in confirm.content.decode()
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Reply.objects.filter(pk=published.pk).exists()
    assert SourceFile.objects.get(reply=None).trashed_at is not None


def test_an_admin_withdraws_one_original_with_a_reason(client, published, ingest):
    admin = User.objects.create_superuser("root", password="x")
    ingest(content=new_version_of_seed_000(), filename="v2.txt", publish=True)
    earlier = published.versions.get()
    unredacted = earlier.source_files.get()
    client.force_login(admin)
    changelist = reverse("admin:replies_sourcefile_changelist")
    refused = client.post(changelist, {"action": "withdraw_selected", "_selected_action": [unredacted.pk], "reason": ""})
    assert refused.status_code == 302
    unredacted.refresh_from_db()
    assert unredacted.reply_id == earlier.pk
    client.post(changelist, {"action": "withdraw_selected", "_selected_action": [unredacted.pk],
                             "reason": "含未脱敏的个人信息"})
    unredacted.refresh_from_db()
    assert unredacted.reply_id is None and unredacted.trashed_at is not None
    assert default_storage.exists(unredacted.file.name), "withdrawn to the trash, not deleted"
    event = AuditEvent.objects.get(action=AuditEvent.Action.SOURCE_WITHDRAWN)
    assert event.user == admin and event.detail == "含未脱敏的个人信息" and event.reply_id == earlier.pk
    published.refresh_from_db()
    assert published.is_published and published.source_files.count() == 1
    with pytest.raises(ValueError):
        source_withdraw(source=published.source_files.get(), user=admin, reason=" ")


@pytest.mark.django_db(transaction=True)  # real commits: the after-commit work runs as in production
def test_an_index_update_failing_after_commit_never_deletes_the_committed_original(client, search_index, monkeypatch):
    def worker_timeout():
        raise SystemExit(1)  # what gunicorn raises in a worker past WEB_TIMEOUT

    monkeypatch.setattr(search.indexing, "index_drain", worker_timeout)
    from replies.services import reply_ingest_file

    with pytest.raises(SystemExit):
        reply_ingest_file(content=seed_path("002").read_bytes(), filename="002.txt", publish=True)
    source = SourceFile.objects.get()
    assert default_storage.exists(source.file.name)
    assert default_storage.size(source.file.name) == source.size
    response = client.get(reverse("replies:source_download", args=[source.reply_id, source.pk]))
    assert response.status_code == 200


def test_a_failed_transaction_removes_the_file_it_stored(db, search_index, monkeypatch):
    import replies.services

    def broken_citations(reply):
        raise RuntimeError("database went away")

    monkeypatch.setattr(replies.services, "_sync_citations", broken_citations)
    content = seed_path("002").read_bytes()
    with pytest.raises(RuntimeError):
        replies.services.reply_ingest_file(content=content, filename="002.txt")
    assert not SourceFile.objects.exists() and not Reply.objects.exists()
    sha256 = hashlib.sha256(content).hexdigest()
    assert not default_storage.exists(f"originals/{sha256[:2]}/{sha256}")


def test_a_missing_original_is_a_clear_404_and_check_originals_names_it(client, published, caplog):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    source = published.source_files.get()
    out = io.StringIO()
    call_command("check_originals", "--hash", stdout=out)
    assert "0 problem(s)" in out.getvalue()
    default_storage.delete(source.file.name)
    response = client.get(reverse("replies:source_download", args=[published.pk, source.pk]))
    assert response.status_code == 404
    assert f"source {source.pk} is missing" in caplog.text
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_originals", stdout=out)
    assert f"missing: source {source.pk}" in out.getvalue()
