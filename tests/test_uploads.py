"""Batch uploads (.zip), the upload and publication log, and cited documents across replies."""
import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse

from replies.models import AuditEvent, CitedDocument, Reply, SourceFile, UploadBatch
from replies.services import IngestOutcome, reply_ingest_upload, reply_publish, reply_save, reply_unpublish
from search.backends import search_backend
from tests.conftest import SEED_FILES, seed_path


def make_zip(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def make_gbk_named_zip(name: str, content: bytes) -> bytes:
    """A zip as Chinese Windows writes it: the name in GBK bytes, without the UTF-8 flag."""
    raw_name = name.encode("gbk")
    placeholder = b"#" * len(raw_name)
    archive = make_zip({placeholder.decode(): content})
    assert archive.count(placeholder) == 2  # the local header and the central directory
    return archive.replace(placeholder, raw_name)


@pytest.fixture
def upload(db, search_index, django_capture_on_commit_callbacks):
    def upload_bytes(content: bytes, filename: str, **options) -> list[IngestOutcome]:
        with django_capture_on_commit_callbacks(execute=True):
            return reply_ingest_upload(content=content, filename=filename, **options)

    return upload_bytes


def test_a_zip_of_seeds_becomes_one_reply_per_file(upload):
    archive = make_zip({f"答复/{path.name}": path.read_bytes() for path in SEED_FILES})
    outcomes = upload(archive, "2021年答复.zip")
    assert [outcome.status for outcome in outcomes] == [IngestOutcome.CREATED] * 5
    assert outcomes[0].filename == f"2021年答复.zip/答复/{SEED_FILES[0].name}"
    assert Reply.objects.count() == 5
    for path in SEED_FILES:
        source = SourceFile.objects.get(sha256=__import__("hashlib").sha256(path.read_bytes()).hexdigest())
        with default_storage.open(source.file.name, "rb") as stored:
            assert stored.read() == path.read_bytes()
    assert search_backend().doc_count() == 5


def test_zip_member_names_written_by_chinese_windows_are_read_as_gbk(upload):
    archive = make_gbk_named_zip("常工信复22号.txt", seed_path("000").read_bytes())
    [outcome] = upload(archive, "batch.zip")
    assert outcome.filename == "batch.zip/常工信复22号.txt"
    assert outcome.status == IngestOutcome.CREATED


def test_unsafe_members_are_refused_by_name_and_the_rest_taken(upload):
    seed = seed_path("002").read_bytes()
    archive = make_zip({
        "../../etc/evil.txt": seed,
        "/absolute.txt": seed,
        "inner.zip": make_zip({"a.txt": seed}),
        "ok/seed.txt": seed,
        "empty.txt": b"",
        "__MACOSX/._seed.txt": b"resource fork",
    })
    outcomes = {outcome.filename: outcome for outcome in upload(archive, "mixed.zip")}
    assert set(outcomes) == {"mixed.zip/../../etc/evil.txt", "mixed.zip//absolute.txt", "mixed.zip/inner.zip",
                             "mixed.zip/ok/seed.txt", "mixed.zip/empty.txt"}
    assert "路径不安全" in outcomes["mixed.zip/../../etc/evil.txt"].reason
    assert "路径不安全" in outcomes["mixed.zip//absolute.txt"].reason
    assert "压缩包" in outcomes["mixed.zip/inner.zip"].reason
    assert outcomes["mixed.zip/empty.txt"].reason == "文件为空"
    assert outcomes["mixed.zip/ok/seed.txt"].status == IngestOutcome.CREATED
    assert Reply.objects.count() == 1 and SourceFile.objects.count() == 1


def test_a_windows_traversal_gets_its_outcome_line_and_a_bidi_name_is_shown_escaped(upload):
    seed = seed_path("002").read_bytes()
    outcomes = {outcome.filename: outcome for outcome in
                upload(make_zip({"..\\..\\x.txt": seed, "答复\u202e号22第.txt": seed}), "w.zip")}
    assert set(outcomes) == {"w.zip/..\\..\\x.txt", "w.zip/答复<U+202E>号22第.txt"}
    refused = outcomes["w.zip/..\\..\\x.txt"]
    assert refused.status == IngestOutcome.REFUSED and "路径不安全" in refused.reason
    stored = SourceFile.objects.get()
    assert stored.filename.endswith("答复<U+202E>号22第.txt") and "\u202e" not in stored.filename


def test_a_zip_bomb_is_refused_without_expanding_it(upload, settings):
    settings.MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    bomb = make_zip({"zeros.txt": b"0" * (40 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    [outcome] = upload(bomb, "bomb.zip")
    assert outcome.status == IngestOutcome.REFUSED
    assert outcome.filename == "bomb.zip/zeros.txt"
    assert "超过单个文件上限" in outcome.reason
    settings.MAX_UPLOAD_BYTES = 100 * 1024 * 1024
    [outcome] = upload(bomb, "bomb.zip")
    assert "压缩比" in outcome.reason and "压缩炸弹" in outcome.reason
    assert not Reply.objects.exists() and not SourceFile.objects.exists()


def test_too_many_members_or_a_damaged_zip_refuse_the_whole_archive(upload, settings):
    settings.MAX_ARCHIVE_MEMBERS = 3
    [outcome] = upload(make_zip({f"{n}.txt": b"x" * 30 for n in range(4)}), "many.zip")
    assert outcome.filename == "many.zip" and "超过上限 3 个" in outcome.reason
    damaged = make_zip({"a.txt": seed_path("000").read_bytes()})[:200]
    [outcome] = upload(damaged, "damaged.zip")
    assert outcome.status == IngestOutcome.REFUSED and "损坏" in outcome.reason
    [outcome] = upload(make_zip({}), "empty.zip")
    assert outcome.status == IngestOutcome.REFUSED and "没有文件" in outcome.reason
    assert not Reply.objects.exists()


def test_every_upload_outcome_is_logged_with_its_user(upload):
    admin = User.objects.create_superuser("admin", password="a-long-test-password")
    upload(seed_path("000").read_bytes(), "a.txt", uploaded_by=admin, publish=False)
    upload(seed_path("000").read_bytes(), "again.txt", uploaded_by=admin)
    upload(b"\x00\x01binary", "junk.bin", uploaded_by=admin)
    events = list(AuditEvent.objects.order_by("id").values_list("action", "filename", "user__username"))
    assert events == [
        (AuditEvent.Action.UPLOAD_CREATED, "a.txt", "admin"),
        (AuditEvent.Action.UPLOAD_DUPLICATE, "again.txt", "admin"),
        (AuditEvent.Action.UPLOAD_REFUSED, "junk.bin", "admin"),
    ]
    refused = AuditEvent.objects.get(action=AuditEvent.Action.UPLOAD_REFUSED)
    assert refused.reply is None and refused.detail


def test_publication_changes_are_logged(upload, django_capture_on_commit_callbacks):
    admin = User.objects.create_superuser("admin", password="a-long-test-password")
    [outcome] = upload(seed_path("002").read_bytes(), "002.txt", publish=False)
    reply = outcome.reply
    with django_capture_on_commit_callbacks(execute=True):
        reply_publish(reply=reply, user=admin)
        reply_publish(reply=reply, user=admin)  # already published: nothing to log
        reply_unpublish(reply=reply, user=admin)
        reply.status = Reply.Status.PUBLISHED
        reply_save(reply=reply, user=admin)
    actions = list(reply.events.order_by("id").values_list("action", flat=True))
    assert actions == [AuditEvent.Action.UPLOAD_CREATED, AuditEvent.Action.PUBLISHED, AuditEvent.Action.UNPUBLISHED,
                       AuditEvent.Action.EDITED, AuditEvent.Action.PUBLISHED]
    assert reply.events.filter(user=admin).count() == 4


def test_a_zip_upload_lists_each_file(client, db, search_index, django_capture_on_commit_callbacks):
    admin = User.objects.create_superuser("admin", password="a-long-test-password")
    client.force_login(admin)
    archive = io.BytesIO(make_zip({"a/000.txt": seed_path("000").read_bytes(), "../x.txt": b"bad"}))
    archive.name = "batch.zip"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("replies:review_upload"), {"files": [archive]}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "batch.zip/a/000.txt" in page and "batch.zip/../x.txt" in page
    assert "2 个文件全部处理完毕，失败 1 个" in page
    log = client.get(reverse("admin:replies_auditevent_changelist")).content.decode()
    assert "batch.zip/../x.txt" in log and "上传：被拒绝" in log


def test_replies_citing_the_same_document_link_to_each_other(client, seeds):
    plan = CitedDocument.objects.get(key="title:常州市工业智造明星城市建设三年行动计划")
    assert set(plan.replies.all()) == {seeds["002"], seeds["003"]}
    detail = client.get(seeds["002"].get_absolute_url()).content.decode()
    cited = detail.split("引用的文件", 1)[1]
    assert plan.get_absolute_url() in cited and "另有 1 份答复引用" in cited
    page = client.get(plan.get_absolute_url()).content.decode()
    assert seeds["002"].get_absolute_url() in page and seeds["003"].get_absolute_url() in page
    assert "共 2 份答复引用了这份文件" in page
    index = client.get(reverse("replies:cited_document_list")).content.decode()
    assert plan.get_absolute_url() in index


def test_a_document_cited_only_by_drafts_is_hidden_from_the_public(client, seeds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=seeds["004"])
    only_004 = CitedDocument.objects.get(key="title:常州智能制造三年行动计划")
    assert client.get(only_004.get_absolute_url()).status_code == 404
    client.force_login(User.objects.create_user("staff", password="a-long-test-password", is_staff=True))
    assert client.get(only_004.get_absolute_url()).status_code == 200


def test_corrected_body_updates_citations(seeds, django_capture_on_commit_callbacks):
    reply = seeds["000"]
    reply.body += "\n另据《常州市新增政策文件》执行。"
    with django_capture_on_commit_callbacks(execute=True):
        reply_save(reply=reply)
    assert reply.citations.filter(name="常州市新增政策文件").exists()


def test_a_large_zip_is_ingested_in_pieces_that_each_commit_with_progress(
    client, db, search_index, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_BATCH_SECONDS = 0  # one member per request
    admin = User.objects.create_superuser("admin", password="a-long-test-password")
    client.force_login(admin)
    text = seed_path("000").read_text(encoding="utf-8")
    members = {f"r{serial}.txt": text.replace("第22号", f"第{serial}号").encode() for serial in range(300, 305)}
    archive = io.BytesIO(make_zip(members))
    archive.name = "big.zip"
    response = client.post(reverse("replies:review_upload"), {"files": [archive]})
    batch = UploadBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("replies:review_upload_batch", args=[batch.pk])
    assert batch.total == 5 and batch.position == 0 and default_storage.exists(batch.archive.name)
    seen = []
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.get(response.url).content.decode()
        batch.refresh_from_db()
        seen.append(batch.position)
        if batch.finished:
            break
        assert f"已处理 {batch.position} / 5" in page and 'http-equiv="refresh"' in page
    assert seen == [1, 2, 3, 4, 5]
    assert "5 个文件全部处理完毕，失败 0 个" in page and 'http-equiv="refresh"' not in page
    assert Reply.objects.count() == 5 and [outcome["status"] for outcome in batch.outcomes] == ["created"] * 5
    assert not default_storage.exists(batch.archive.name), "the staged copy goes once every member is stored"
    again = client.get(response.url)
    assert again.status_code == 200 and Reply.objects.count() == 5


def test_an_empty_file_in_an_upload_is_refused_by_name_and_the_others_taken(
    client, db, search_index, django_capture_on_commit_callbacks
):
    admin = User.objects.create_superuser("admin", password="a-long-test-password")
    client.force_login(admin)
    good = io.BytesIO(seed_path("000").read_bytes())
    good.name = "000.txt"
    empty = io.BytesIO(b"")
    empty.name = "empty.txt"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("replies:review_upload"), {"files": [empty, good]})
    page = response.content.decode()
    assert response.status_code == 200 and "empty.txt" in page and "文件为空" in page
    assert "处理 2 个文件，失败 1 个" in page
    assert Reply.objects.count() == 1
