"""The review workbench in real headless Chromium: an admin goes from the admin's home page to the upload page,
drops files on it, opens the new draft in the inbox beside its original, corrects fields in place (the addressees
among them) and publishes it; the next draft opens, the audit log names the fields and links to the reply, and the
public reads the corrected reply.

Uses the archive, browser and page fixtures of test_pages_in_browser.py (the seeds and a draft, committed for the
live server). Screenshots of the inbox, a draft under review and the upload page at 1280 and 375 px go to
test-artifacts/, and axe-core checks each of those pages and a .zip batch's progress page.
"""
import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from tests.archive_data import draft_document
from tests.browser.test_pages_in_browser import (  # noqa: F401 (fixtures)
    BLOCKING_IMPACTS,
    PHONE_WIDTH,
    archive,
    axe_violations,
    browser,
    page,
)
from tests.browser.test_search_in_browser import ARTIFACTS

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"
NEW_DOC_NUMBER = "常工信复〔2021〕第61号"
CORRECTED_SIGNER = "李更正"
CORRECTED_ADDRESSEES = "王更正代表、赵补充"


def new_document() -> bytes:
    return draft_document().decode().replace("常工信复〔2021〕第98号", NEW_DOC_NUMBER).encode()


@pytest.fixture
def archive_admin(archive):
    from django.contrib.auth.models import Group, Permission, User

    from replies.roles import ADMIN_GROUP, ROLE_PERMISSIONS

    # The migration creates the group, but a transactional test before this one may have flushed it.
    group, created = Group.objects.get_or_create(name=ADMIN_GROUP)
    if created:
        group.permissions.set(Permission.objects.filter(
            content_type__app_label="replies",
            codename__in=[f"{action}_{model}" for model, actions in ROLE_PERMISSIONS[ADMIN_GROUP].items()
                          for action in actions]))
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def sign_in(page, live_server, user, next_path: str):
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def test_upload_correct_and_publish_a_draft(page, live_server, archive, archive_admin):
    from replies.models import AuditEvent, Reply

    # The admin's home page counts the drafts waiting and leads to the one upload page.
    sign_in(page, live_server, archive_admin, "/admin/")
    shortcuts = page.locator("#review-shortcuts")
    expect(shortcuts).to_contain_text("1 份草稿待审核")
    shortcuts.get_by_role("link", name="上传文件").click()
    page.wait_for_url("**/review/upload/")
    expect(page.locator(".upload-rules")).to_contain_text("PDF")
    expect(page.locator(".upload-rules")).to_contain_text("MB")
    # Drop two files on the drop zone (the script puts them into the file field): an empty one and a reply.
    page.evaluate("""content => {
        const files = new DataTransfer();
        files.items.add(new File([], "empty.txt", {type: "text/plain"}));
        files.items.add(new File([content], "new-reply.txt", {type: "text/plain"}));
        document.querySelector(".drop-zone").dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
    }""", new_document().decode())
    expect(page.locator(".chosen-files li")).to_have_count(2)
    expect(page.locator(".chosen-files")).to_contain_text("空文件")
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("status").filter(has_text="处理 2 个文件")).to_contain_text("失败 1 个")
    expect(page.locator("tr.outcome-refused")).to_contain_text("文件为空")
    expect(page.locator("tr.outcome-created")).to_contain_text("new-reply.txt")
    draft = Reply.objects.get(doc_number=NEW_DOC_NUMBER)
    assert draft.status == Reply.Status.DRAFT

    # The inbox: the new draft first, the committed archive's draft after it.
    page.goto(f"{live_server.url}/review/")
    items = page.locator(".inbox-item h2 a")
    expect(items).to_have_count(2)
    assert items.first.get_attribute("href") == f"/review/{draft.pk}/"
    screenshots(page, "review-inbox")

    items.first.click()
    page.wait_for_url(f"**/review/{draft.pk}/")
    signer_row = page.locator(".field-row:has(#id_signer)")
    expect(signer_row.locator("label")).to_contain_text("签发人")
    source_link = signer_row.locator("a.source-link")
    expect(source_link).to_contain_text("原文第")
    line = page.locator(source_link.get_attribute("href"))
    expect(line).to_have_class("source-field")
    expect(line).to_contain_text(draft.signer)
    screenshots(page, "review-draft")

    # Correct two fields in place, the addressees among them, and publish: the next draft opens.
    addressees = page.get_by_label("答复对象")
    expect(addressees).to_have_value("、".join(str(person) for person in draft.addressees.all()))
    page.get_by_label("签发人").fill(CORRECTED_SIGNER)
    addressees.fill(CORRECTED_ADDRESSEES)
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_url(f"**/review/{archive.draft.pk}/")  # 下一份: the next draft opens
    expect(page.locator(".messages")).to_contain_text("已发布")
    expect(page.get_by_role("heading", level=1)).to_contain_text(archive.draft.title[:10])

    draft.refresh_from_db()
    assert draft.status == Reply.Status.PUBLISHED and draft.signer == CORRECTED_SIGNER
    assert draft.corrected_fields == ["addressees", "signer"]
    assert [(person.name, person.role) for person in draft.addressees.all()] == [("王更正", "delegate"), ("赵补充", "")]
    edited = AuditEvent.objects.get(reply=draft, action=AuditEvent.Action.EDITED)
    assert edited.user_id == archive_admin.pk

    # The audit log names the fields changed and links to the reply.
    page.goto(f"{live_server.url}/admin/replies/auditevent/")
    row = page.locator("#result_list tbody tr").filter(has_text="修改了：签发人、答复对象")
    expect(row).to_have_count(1)
    row.get_by_role("link", name=str(draft)).click()
    page.wait_for_url(f"**/review/{draft.pk}/")
    expect(page.get_by_label("签发人")).to_have_value(CORRECTED_SIGNER)

    # The public reads the corrected reply.
    public = page.context.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}{draft.get_absolute_url()}")
    expect(public.locator(".doc-info")).to_contain_text(CORRECTED_SIGNER)
    expect(public.locator(".doc-info")).to_contain_text("王更正代表、赵补充")
    public.context.close()


def screenshots(page, name: str):
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, f"{name} scrolls sideways"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_review_pages_pass_axe(browser, live_server, archive, archive_admin, capsys):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, archive_admin, "/review/")
    # A .zip batch (a new reply and an empty file) for its progress page, which ingests it when opened.
    from replies.services import upload_batch_start

    members = io.BytesIO()
    with zipfile.ZipFile(members, "w") as archive_file:
        archive_file.writestr("batch/new-reply.txt", new_document())
        archive_file.writestr("batch/empty.txt", b"")
    batch = upload_batch_start(content=members.getvalue(), filename="batch.zip", uploaded_by=archive_admin)
    results, blocking = {}, []
    for name, path in {"review-inbox": "/review/", "review-draft": f"/review/{archive.draft.pk}/",
                       "review-published": f"/review/{archive.seeds['001'].pk}/", "review-upload": "/review/upload/",
                       "review-batch": f"/review/upload/batch/{batch.pk}/",
                       "detail-as-staff": archive.draft.get_absolute_url()}.items():
        assert page.goto(f"{live_server.url}{path}").status == 200, name
        if name == "review-batch":
            expect(page.get_by_role("status")).to_contain_text("2 个文件全部处理完毕，失败 1 个")
        violations = axe_violations(page)
        results[name] = {"url": path, "violations": violations}
        blocking += [f"{name}: {v['id']} ({v['impact']}) {v['nodes'][:3]}" for v in violations
                     if v["impact"] in BLOCKING_IMPACTS]
    context.close()
    (ARTIFACTS / "axe-results-review.json").write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                                       encoding="utf-8")
    with capsys.disabled():
        print("\naxe-core violations on the review pages:")
        for name, result in results.items():
            found = ", ".join(f"{violation['id']} ({violation['impact']})" for violation in result["violations"])
            print(f"  {name:18} {found or 'none'}")
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)
