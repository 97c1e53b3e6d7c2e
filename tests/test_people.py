"""Delegate and member pages: a name's proposals within one congress; merges across places are an admin's
recorded decision; drafts never public."""
from pathlib import Path

import pytest

from replies.models import AuditEvent, Reply
from replies.services import person_merge

DATA = Path(__file__).parent / "data" / "proposals"


@pytest.fixture
def replies(ingest):
    lead = ingest(DATA / "lead_unit.txt").reply  # 朱红、王强 (joint), 常州市
    co = ingest(DATA / "co_unit.txt").reply  # 朱红, 常州市
    # A namesake in another city: the same name, another congress.
    namesake_text = (DATA / "other_place.txt").read_text().replace("李明代表", "朱红代表")
    namesake = ingest(content=namesake_text.encode(), filename="namesake.txt").reply
    return {"lead": lead, "co": co, "namesake": namesake}


def test_a_delegate_page_lists_the_proposals_in_one_congress(client, replies):
    page = client.get("/people/常州市/npc/朱红/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "朱红代表" in html and "市十六届人大五次会议" in html
    assert "常州市工业和信息化局" in html and "常州市科学技术局" in html and "A 类" in html
    assert "溧阳市" not in html, "a namesake elsewhere is another person until an admin decides"
    assert client.get("/people/溧阳市/npc/朱红/").status_code == 200


def test_every_co_signer_gets_the_joint_proposal(client, replies):
    html = client.get("/people/常州市/npc/王强/").content.decode()
    assert "关于加快传统制造业高质量发展的政策引导" in html
    proposal_page = client.get("/proposals/常州市16-5/npc/99/").content.decode()
    assert "/people/%E5%B8%B8%E5%B7%9E%E5%B8%82/npc/%E7%8E%8B%E5%BC%BA/" in proposal_page


def test_a_merge_is_an_admins_recorded_decision(client, replies, django_user_model):
    admin = django_user_model.objects.create_superuser("admin")
    person_merge(name="朱红", body="npc", congress="溧阳市", into_congress="常州市", user=admin)
    html = client.get("/people/常州市/npc/朱红/").content.decode()
    assert "溧阳市工业和信息化局" in html and "经管理员确认为同一人" in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.PEOPLE_MERGED)
    assert event.user == admin and "溧阳市" in event.detail and "常州市" in event.detail
    api = client.get("/api/people/常州市/npc/朱红/").json()
    assert api["merged_from"] == ["溧阳市"] and len(api["proposals"]) == 2


def test_drafts_and_unknown_names_are_404_to_the_public(client, replies, django_user_model):
    Reply.objects.filter(pk=replies["namesake"].pk).update(status=Reply.Status.DRAFT)
    for path in ("/people/溧阳市/npc/朱红/", "/api/people/溧阳市/npc/朱红/", "/people/常州市/npc/无名氏/",
                 "/people/常州市/cppcc/朱红/", "/people/nowhere/npc/x/"):
        assert client.get(path).status_code == 404, path
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    assert client.get("/people/溧阳市/npc/朱红/").status_code == 200
