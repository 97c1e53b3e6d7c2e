"""The review inbox (/review/): drafts beside their originals, corrections and publishing through the services,
uploads file by file; and the reading page, statistics and feed additions of issue 16."""
import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from replies.models import AuditEvent, Reply, UploadBatch
from replies.reading import download_filename, short_title
from replies.roles import ADMIN_GROUP, STAFF_GROUP
from replies.services import reply_publish
from tests.conftest import seed_path

CHANGED_SIGNER = "王更正"


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


@pytest.fixture
def drafts(ingest):
    """Seeds 000 and 002 uploaded as drafts, 000 first (002 is the newest)."""
    return {prefix: ingest(seed_path(prefix), publish=False).reply for prefix in ("000", "002")}


def form_data(reply: Reply, **changes) -> dict:
    """What the review form posts back unchanged, with some fields changed."""
    from replies.review import REVIEW_FIELDS, ListField, ReviewForm

    form = ReviewForm(instance=reply)
    data = {}
    for name in REVIEW_FIELDS:
        value = form[name].value()
        data[name] = form.fields[name].prepare_value(value) if isinstance(form.fields[name], ListField) \
            else ("" if value is None else value)
    if data.get("date"):
        data["date"] = reply.date.isoformat()
    data.update(changes)
    return data


# --- who may do what ------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, drafts):
    for path in ("/review/", f"/review/{drafts['000'].pk}/", "/review/upload/"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path


def test_staff_without_the_change_permission_read_but_cannot_write(client, drafts, staff_member):
    client.force_login(staff_member)
    reply = drafts["000"]
    page = client.get(f"/review/{reply.pk}/").content.decode()
    assert "你只能查看" in page and 'value="publish"' not in page and "disabled" in page
    response = client.post(f"/review/{reply.pk}/", form_data(reply, signer=CHANGED_SIGNER, action="publish"))
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.status == Reply.Status.DRAFT and reply.signer != CHANGED_SIGNER
    assert client.post("/review/upload/", {"files": [SimpleUploadedFile("a.txt", b"x" * 50)]}).status_code == 403


# --- the inbox ------------------------------------------------------------------------------------------------


def test_the_inbox_lists_drafts_newest_first_and_says_which_replace_a_reply(client, ingest, drafts, archive_admin):
    published = ingest(seed_path("003")).reply
    text = seed_path("003").read_text(encoding="utf-8").replace("。", "。\n", 1)
    version = ingest(content=text.encode(), filename="v2.txt", publish=False).reply
    assert version.version_of_id == published.pk
    client.force_login(archive_admin)
    page = client.get("/review/").content.decode()
    links = re.findall(r'<h2><a href="/review/(\d+)/">', page)
    assert links == [str(version.pk), str(drafts["002"].pk), str(drafts["000"].pk)]
    assert "待审核草稿 3 份" in page
    assert f'将取代 <a href="{published.get_absolute_url()}">' in page
    assert f"/review/{published.pk}/" not in page


def test_the_admin_home_links_the_inbox_with_the_drafts_waiting(client, drafts, archive_admin):
    client.force_login(archive_admin)
    page = client.get("/admin/").content.decode()
    assert 'href="/review/"' in page and "<strong>2</strong> 份草稿待审核" in page
    assert 'href="/review/upload/"' in page


def test_the_admin_uploads_through_the_one_upload_page(client, db, archive_admin, staff_member):
    client.force_login(archive_admin)
    changelist = client.get(reverse("admin:replies_reply_changelist")).content.decode()
    assert 'href="/review/upload/"' in changelist
    assert client.get("/admin/replies/reply/upload/")["Location"] == "/review/upload/"  # the former address
    client.force_login(staff_member)
    assert 'href="/review/upload/"' not in client.get(reverse("admin:replies_reply_changelist")).content.decode()


# --- one draft beside its original ----------------------------------------------------------------------------


def test_the_original_is_shown_with_the_lines_each_field_came_from(client, drafts, archive_admin):
    reply = drafts["000"]
    client.force_login(archive_admin)
    page = client.get(f"/review/{reply.pk}/").content.decode()
    for name, label, value in (("signer", "签发人", reply.signer), ("doc_number", "文号", reply.doc_number),
                               ("issuing_organ", "发布机构", reply.issuing_organ)):
        row = page.split(f'for="id_{name}"', 1)[1].split("</div>", 1)[0]
        number = re.search(r'href="#L(\d+)">原文第 (\d+) 行', row).group(1)
        item = re.search(rf'<li id="L{number}" class="source-field">(.*?)</li>', page).group(1)
        assert value in item and label in item, name
    assert page.count('class="source-field"') < page.count("<li id=\"L")  # only the lines fields came from


def test_low_confidence_fields_and_damaged_text_are_marked(client, drafts, archive_admin):
    reply = drafts["000"]
    Reply.objects.filter(pk=reply.pk).update(
        field_confidence={"signer": 0.3, "doc_number": 0.95},
        quality_flags=["mojibake_unrepaired"],
        repair_notes=[{"kind": "mojibake_unrepaired", "stretches": [
            {"field": "body", "start": 3, "end": 9, "text": "鍙戝竷鐨", "damage": "utf8_as_gbk"}]}],
    )
    client.force_login(archive_admin)
    page = client.get(f"/review/{reply.pk}/").content.decode()
    signer_row = page.split('for="id_signer"', 1)[1].split("</div>", 1)[0]
    assert "低置信度 0.30" in signer_row
    doc_row = page.split('for="id_doc_number"', 1)[1].split("</div>", 1)[0]
    assert "低置信度" not in doc_row
    assert "<code>鍙戝竷鐨</code>" in page and "1 处未能修复的乱码" in page
    inbox = client.get("/review/").content.decode()
    assert "低置信度：签发人" in inbox and "有未修复的乱码" in inbox


def test_correct_a_field_and_publish_then_the_next_draft_opens(client, drafts, archive_admin,
                                                               django_capture_on_commit_callbacks):
    reply, newer = drafts["000"], drafts["002"]
    client.force_login(archive_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review/{reply.pk}/", form_data(reply, signer=CHANGED_SIGNER, action="publish"))
    assert response.status_code == 302
    assert response["Location"] == f"/review/{newer.pk}/" or response["Location"] == "/review/"
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED and reply.signer == CHANGED_SIGNER
    assert "signer" in reply.corrected_fields and "body" not in reply.corrected_fields
    edited = AuditEvent.objects.get(reply=reply, action=AuditEvent.Action.EDITED)
    assert edited.detail == "修改了：签发人" and edited.user == archive_admin
    assert AuditEvent.objects.filter(reply=reply, action=AuditEvent.Action.PUBLISHED).count() == 1
    client.logout()
    assert CHANGED_SIGNER in client.get(reply.get_absolute_url()).content.decode()


def test_addressees_are_corrected_in_place_with_their_roles(client, drafts, archive_admin,
                                                            django_capture_on_commit_callbacks):
    reply = drafts["000"]
    client.force_login(archive_admin)
    page = client.get(f"/review/{reply.pk}/").content.decode()
    row = page.split('for="id_addressees"', 1)[1].split("</div>", 1)[0]
    shown = "、".join(str(person) for person in reply.addressees.all())
    assert shown and f'value="{shown}"' in row and "原文第" in row
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review/{reply.pk}/", form_data(reply, addressees="钱更正代表、孙补充", action="save"))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert [(person.name, person.role) for person in reply.addressees.order_by("position")] == [
        ("钱更正", "delegate"), ("孙补充", "")]
    assert reply.corrected_fields == ["addressees"]
    edited = AuditEvent.objects.get(reply=reply, action=AuditEvent.Action.EDITED)
    assert edited.detail == "修改了：答复对象"
    # Posting the same names again is no change.
    response = client.post(f"/review/{reply.pk}/", form_data(reply, action="save"))
    assert AuditEvent.objects.filter(reply=reply, action=AuditEvent.Action.EDITED).count() == 1
    from search.selectors import SearchParams, reply_search

    assert [hit.reply_id for hit in reply_search(params=SearchParams(q="钱更正"), include_drafts=True)[0:5]] == [reply.pk]


def test_handling_category_role_and_satisfaction_are_shown_and_corrected(client, drafts, archive_admin,
                                                                        django_capture_on_commit_callbacks):
    reply = drafts["000"]
    Reply.objects.filter(pk=reply.pk).update(handling_category="B", handling_role="")
    reply.refresh_from_db()
    client.force_login(archive_admin)
    page = client.get(f"/review/{reply.pk}/").content.decode()
    for name, label in (("handling_category", "办理类别"), ("handling_role", "承办角色"), ("satisfaction", "满意度")):
        row = page.split(f'for="id_{name}"', 1)[1].split("</div>", 1)[0]
        assert label in row and f'<select name="{name}"' in row, name
    assert '<option value="B" selected>B 类</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review/{reply.pk}/", form_data(
            reply, handling_category="A", handling_role="会办", satisfaction="基本满意", action="save"))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.handling_category, reply.handling_role, reply.satisfaction) == ("A", "会办", "基本满意")
    assert {"handling_category", "handling_role", "satisfaction"} <= set(reply.corrected_fields)
    edited = AuditEvent.objects.get(reply=reply, action=AuditEvent.Action.EDITED)
    assert edited.detail == "修改了：办理类别、承办角色、满意度" and edited.user == archive_admin
    from search.selectors import SearchParams, reply_search

    found = reply_search(params=SearchParams(satisfaction="基本满意"), include_drafts=True)
    assert [hit.reply_id for hit in found[0:5]] == [reply.pk], "the index follows the correction"
    # Only the values the archive counts: anything else is refused, and nothing is saved.
    response = client.post(f"/review/{reply.pk}/", form_data(reply, satisfaction="很满意", action="save"))
    assert response.status_code == 400
    assert Reply.objects.get(pk=reply.pk).satisfaction == "基本满意"


def test_publishing_without_changes_records_no_edit(client, drafts, archive_admin):
    reply = drafts["002"]
    client.force_login(archive_admin)
    response = client.post(f"/review/{reply.pk}/", form_data(reply, action="publish"))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(reply=reply, action=AuditEvent.Action.EDITED).exists()
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.PUBLISHED


def test_an_invalid_correction_is_shown_and_nothing_is_saved(client, drafts, archive_admin):
    reply = drafts["000"]
    client.force_login(archive_admin)
    response = client.post(f"/review/{reply.pk}/", form_data(reply, date="2021-13-45", action="publish"))
    assert response.status_code == 400 and "需要改正" in response.content.decode()
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.DRAFT


def test_a_new_version_is_published_in_its_replys_place(client, ingest, archive_admin):
    published = ingest(seed_path("003")).reply
    text = seed_path("003").read_text(encoding="utf-8").replace("。", "。新增一句。", 1)
    version = ingest(content=text.encode(), filename="v2.txt", publish=False).reply
    client.force_login(archive_admin)
    response = client.post(f"/review/{version.pk}/", form_data(version, action="publish"))
    assert response.status_code == 302
    published.refresh_from_db()
    version.refresh_from_db()
    assert "新增一句" in published.body and version.is_superseded
    page = client.get(f"/review/{version.pk}/").content.decode()
    assert "早先版本" in page and 'value="publish"' not in page


def test_send_back_takes_a_published_reply_back_to_the_inbox(client, seeds, archive_admin):
    reply = seeds["001"]
    client.force_login(archive_admin)
    page = client.get(f"/review/{reply.pk}/").content.decode()
    assert 'value="unpublish">退回为草稿' in page
    client.post(f"/review/{reply.pk}/", {"action": "unpublish"})
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.DRAFT
    assert f"/review/{reply.pk}/" in client.get("/review/").content.decode()


def test_the_audit_log_links_to_the_reply(client, drafts, archive_admin):
    client.force_login(archive_admin)
    page = client.get(reverse("admin:replies_auditevent_changelist")).content.decode()
    assert f'href="/review/{drafts["000"].pk}/"' in page


# --- uploads --------------------------------------------------------------------------------------------------


def test_the_upload_page_states_formats_and_limit_before_any_upload(client, db, archive_admin, settings):
    settings.MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    client.force_login(archive_admin)
    page = client.get("/review/upload/").content.decode().replace("\xa0", " ")
    assert "PDF" in page and ".zip" in page and "2.0 MB" in page
    assert '<input id="upload-files" type="file" name="files" multiple' in page


def test_each_file_gets_its_own_outcome_and_an_empty_one_stops_nothing(client, db, search_index, archive_admin,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(archive_admin)
    files = [
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("broken.pdf", b"%PDF-1.4\n this is not a PDF at all"),
        SimpleUploadedFile("000.txt", seed_path("000").read_bytes()),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/review/upload/", {"files": files})
    page = response.content.decode()
    assert response.status_code == 200
    assert "处理 3 个文件，失败 2 个" in page
    rows = re.findall(r'<tr class="outcome-(\w+)">\s*<td>([^<]+)</td>', page)
    assert [(name, status) for status, name in rows] == [
        ("empty.txt", "refused"), ("broken.pdf", "refused"), ("000.txt", "created")]
    assert "文件为空" in page
    created = Reply.objects.get()
    assert created.status == Reply.Status.DRAFT and f'href="/review/{created.pk}/"' in page


def test_a_zip_goes_to_its_progress_page(client, db, search_index, archive_admin, settings):
    settings.UPLOAD_BATCH_SECONDS = 60
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/000.txt", seed_path("000").read_bytes())
        archive.writestr("a/empty.txt", b"")
    client.force_login(archive_admin)
    response = client.post("/review/upload/", {"files": [SimpleUploadedFile("batch.zip", buffer.getvalue())]})
    batch = UploadBatch.objects.get()
    assert response["Location"] == f"/review/upload/batch/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "失败 1 个" in page and "文件为空" in page
    assert Reply.objects.count() == 1


# --- the reading page -----------------------------------------------------------------------------------------


def test_the_reading_page_puts_the_document_box_before_the_body(client, seeds):
    reply = seeds["000"]
    page = client.get(reply.get_absolute_url()).content.decode()
    box = page.index('<h2 id="doc-info-heading">文件信息</h2>')
    assert box < page.index('<nav class="outline"') < page.index('<div class="body">')
    info = page[box:page.index("</section>", box)]
    dated = f"{reply.date.year}年{reply.date.month}月" if reply.date else f"{reply.year}年"
    for label, value in (("文号", reply.doc_number), ("签发人", reply.signer), ("答复对象", "朱红代表"),
                         ("成文日期", dated), ("届次与编号", "第099号")):
        assert label in info and value in info, label


def test_matches_are_counted_and_linked_without_javascript(client, seeds):
    reply = seeds["000"]
    page = client.get(reply.get_absolute_url(), {"q": "石墨烯"}).content.decode()
    marks = re.findall(r'<mark id="m(\d+)">石墨烯</mark>', page)
    assert marks and marks == [str(n) for n in range(1, len(marks) + 1)]
    assert f"本文中有 <strong>{len(marks)}</strong> 处" in page and 'href="#m1">跳到第一处' in page
    if len(marks) > 1:
        assert '<a href="#m2">下一处</a>' in page and f'<a href="#m{len(marks) - 1}">上一处</a>' in page


def test_link_previews_short_link_and_copy_button(client, seeds):
    reply = seeds["000"]
    page = client.get(reply.get_absolute_url()).content.decode()
    assert '<meta name="description" content="常工信复〔2021〕第22号，答复朱红代表' in page
    assert '<meta property="og:title"' in page and '<meta property="og:url"' in page
    assert f'data-copy="http://testserver/r/{reply.pk}/"' in page and "js/copy-link.js" in page
    assert "<script>" not in page  # the CSP allows scripts from files only
    assert client.get(f"/r/{reply.pk}/")["Location"] == reply.get_absolute_url()
    assert client.get("/r/999999/").status_code == 404


def test_downloads_are_named_after_the_reply(client, seeds):
    reply = seeds["000"]
    source = reply.source_files.get()
    response = client.get(f"/replies/{reply.pk}/original/{source.pk}/")
    assert "常工信复〔2021〕第22号.txt" in unquote(response["Content-Disposition"])
    assert source.filename not in client.get(reply.get_absolute_url()).content.decode()


def test_a_first_paragraph_taken_for_a_title_is_cut_for_display():
    paragraph = "尊敬的领导：我是本市居民，" + "小区门口的道路年久失修，雨天积水严重" * 5 + "。希望尽快修缮。"
    shown = short_title(paragraph)
    assert len(shown) <= 60 and shown.endswith("…") and shown.startswith("尊敬的领导")
    assert short_title("关于加快传统制造业高质量发展的答复") == "关于加快传统制造业高质量发展的答复"


def test_download_names_carry_no_path_characters(seeds):
    reply = seeds["000"]
    reply.doc_number = "常工信复/2021:22号"
    assert download_filename(reply, reply.source_files.get()) == "常工信复_2021_22号.txt"


# --- statistics and feeds --------------------------------------------------------------------------------------


def test_statistics_count_undated_replies_apart_and_by_organ_and_month(client, seeds, ingest):
    undated = ingest(content=("关于某事的说明\n" + "这是一份没有日期的文件。" * 10).encode(), filename="undated.txt").reply
    assert undated.year is None
    page = client.get("/stats/").content.decode()
    assert 'data-undated-total="1"' in page
    year_table = page.split('data-stats="by_year_and_kind"', 1)[1].split("</table>", 1)[0]
    assert "未注明年份" not in year_table and 'data-year=""' not in year_table
    year_chart = page.split('id="chart-by-year"', 1)[1].split("</svg>", 1)[0]
    assert "未注明年份" not in year_chart.split("</title>", 1)[1]  # the title says it leaves them out
    organ = seeds["000"].issuing_organ
    organ_count = Reply.objects.filter(issuing_organ=organ).count()
    assert organ and f'data-label="{organ}" data-values="{organ_count}"' in page
    month = next(reply.date for reply in seeds.values() if reply.date).month
    month_count = Reply.objects.filter(date__month=month).count()
    assert f'<tr data-value="{month}"><th scope="row">{month}月</th><td data-count>{month_count}</td>' in page
    # The API gives the same figures, from the same selector.
    data = client.get("/api/stats/").json()
    assert data["undated"] == 1
    assert {"value": organ, "label": organ, "count": organ_count} in data["by_organ"]
    assert [item["month"] for item in data["by_month"]] == list(range(1, 13))
    assert data["by_month"][month - 1] == {"month": month, "label": f"{month}月", "count": month_count}


def test_feeds_are_styled_for_browsers_and_explained(client, seeds):
    response = client.get("/replies/feed/")
    assert re.search(rb'<\?xml-stylesheet type="text/xsl" href="/static/feeds/atom[^"]*\.xsl"\?>', response.content)
    assert "订阅地址" not in response.content.decode()  # the explanation is in the stylesheet, not the feed
    assert response["Content-Type"].startswith("application/atom+xml") and "Accept" in response["Vary"]
    # A browser opening the feed gets it as XML it renders, so that it applies the stylesheet.
    opened = client.get("/replies/feed/", HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert opened["Content-Type"].startswith("application/xml") and opened.content == response.content
    page = client.get("/feeds/").content.decode()
    assert "阅读器" in page and 'href="/replies/feed/"' in page


def test_robots_keep_crawlers_out_of_the_review_pages(client, db):
    assert "Disallow: /review/" in client.get("/robots.txt").content.decode()


def test_publishing_from_the_service_empties_the_inbox(client, drafts, archive_admin):
    for reply in drafts.values():
        reply_publish(reply=reply)
    client.force_login(archive_admin)
    assert "没有待审核的草稿" in client.get("/review/").content.decode()
