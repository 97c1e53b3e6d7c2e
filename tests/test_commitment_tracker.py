"""承诺跟踪: the staff page, marking (audit-logged), overdue, the feed and the xlsx export; the public sees
published replies' commitments only, and only with PUBLIC_COMMITMENTS."""
import io

import pytest
from openpyxl import load_workbook

from replies.models import AuditEvent, Commitment, Reply

PUBLIC_PATHS = ("/commitments/", "/commitments/feed/", "/commitments/export.xlsx")


@pytest.fixture
def archive(seeds):
    """The seeds, 003 unpublished: its commitments are a draft's."""
    Reply.objects.filter(pk=seeds["003"].pk).update(status=Reply.Status.DRAFT)
    return seeds


@pytest.fixture
def staff(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_reply"))
    client.force_login(user)
    return user


def test_the_tracker_is_staff_only_by_default(client, archive):
    for path in PUBLIC_PATHS:
        assert client.get(path).status_code == 404, path
    html = client.get(archive["002"].get_absolute_url()).content.decode()
    assert "认定省级以上企业技术中心30家" in html  # the body, of course
    assert "commitment-" not in html, "no commitments section for the public"


def test_staff_list_mark_and_filter(client, archive, staff):
    html = client.get("/commitments/").content.decode()
    assert "认定省级以上企业技术中心30家" in html and "已逾期" in html
    promise = Commitment.objects.get(reply=archive["002"], sentence__contains="认定省级以上企业技术中心30家")
    response = client.post(f"/commitments/{promise.pk}/mark/", {"status": "done", "note": "已认定32家",
                                                                 "next": "/commitments/?status=overdue"})
    assert response.status_code == 302 and response["Location"] == "/commitments/?status=overdue"
    promise.refresh_from_db()
    assert (promise.status, promise.note, promise.updated_by) == ("done", "已认定32家", staff)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.COMMITMENT_MARKED, reply=archive["002"]).exists()
    overdue = client.get("/commitments/", {"status": "overdue"}).content.decode()
    assert "认定省级以上企业技术中心30家" not in overdue
    done = client.get("/commitments/", {"status": "done", "organ": "常州市工业和信息化局"}).content.decode()
    assert "已认定32家" in done
    assert client.post(f"/commitments/{promise.pk}/mark/", {"status": "overdue"}).status_code == 400
    assert client.post(f"/commitments/{promise.pk}/mark/", {"status": "done", "next": "https://evil.example/"}
                       )["Location"] == "/commitments/"


def test_staff_export_holds_drafts_the_feed_never(client, archive, staff):
    workbook = load_workbook(io.BytesIO(client.get("/commitments/export.xlsx").content))
    rows = list(workbook.active.values)
    assert rows[0][:4] == ("发布机构", "文号", "答复标题", "承诺原文")
    assert any("常工信复〔2021〕第47号" == row[1] for row in rows), "staff export includes 003, a draft"
    feed = client.get("/commitments/feed/").content.decode()
    assert "<entry>" in feed and "第47号" not in feed and "产业强链" not in feed


def test_anonymous_cannot_mark(client, archive):
    promise = Commitment.objects.filter(reply=archive["002"]).first()
    response = client.post(f"/commitments/{promise.pk}/mark/", {"status": "done"})
    assert response.status_code in (302, 403) and Commitment.objects.get(pk=promise.pk).status == "open"


def test_public_commitments_show_published_replies_only(client, archive, settings):
    settings.PUBLIC_COMMITMENTS = True
    html = client.get("/commitments/").content.decode()
    assert "认定省级以上企业技术中心30家" in html
    assert "产业强链" not in html and "第47号" not in html, "a draft's commitments never leak"
    assert "<form method=\"post\"" not in html, "read-only"
    rows = list(load_workbook(io.BytesIO(client.get("/commitments/export.xlsx").content)).active.values)
    assert rows[1:] and not any(row[1] == "常工信复〔2021〕第47号" for row in rows)
    detail = client.get(archive["002"].get_absolute_url()).content.decode()
    assert 'id="commitment-' in detail
    assert client.get(archive["003"].get_absolute_url()).status_code == 404
    assert client.get("/commitments/", {"status": "nonsense"}).status_code == 200
