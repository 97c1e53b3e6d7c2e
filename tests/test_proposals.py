"""Proposal pages: every reply to one proposal together, in the page, the API and the feed; drafts never public."""
from pathlib import Path

import pytest
from django.urls import reverse

from replies.models import Reply

DATA = Path(__file__).parent / "data" / "proposals"
URL = "/proposals/常州市16-5/npc/99/"


@pytest.fixture
def proposal(ingest):
    """Two units' replies to one proposal (the lead unit's and a co-handler's), one to another city's proposal with
    the same 届次 and number, and a draft answering the same proposal."""
    lead = ingest(DATA / "lead_unit.txt").reply
    co = ingest(DATA / "co_unit.txt").reply
    other = ingest(DATA / "other_place.txt").reply
    draft_text = (DATA / "co_unit.txt").read_text().replace("常州市科学技术局", "常州市市场监督管理局").replace(
        "常科复〔2021〕15号", "常市监复〔2021〕3号").replace("会办单位", "协办单位").replace("会办意见", "协办意见")
    draft = ingest(content=draft_text.encode(), filename="draft.txt", publish=False).reply
    return {"lead": lead, "co": co, "other": other, "draft": draft}


def test_two_units_replies_to_one_proposal_are_grouped(client, proposal):
    assert proposal["lead"].proposal_group == proposal["co"].proposal_group == "常州市16-5/npc/99"
    assert proposal["other"].proposal_group == "溧阳市16-5/npc/99"
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "《关于加快传统制造业高质量发展的政策引导和推动构建现代化产业体系的建议》" in html
    assert "朱红" in html and "王强" in html
    assert html.index("常州市工业和信息化局") < html.index("常州市科学技术局"), "the lead unit comes first"
    for role, category in (("主办", "A 类"), ("会办", "B 类")):
        assert f"<td>{role}</td>" in html and category in html
    assert "溧阳市" not in html
    assert "常州市市场监督管理局" not in html, "a draft is not shown to the public"


def test_each_reply_links_to_its_proposal(client, proposal):
    html = client.get(proposal["co"].get_absolute_url()).content.decode()
    assert f'href="{URL}"' in html.replace("%E5%B8%B8%E5%B7%9E%E5%B8%82", "常州市")


def test_staff_see_the_draft_among_the_replies(client, proposal, django_user_model):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    html = client.get(URL).content.decode()
    assert "常州市市场监督管理局" in html and "草稿" in html


def test_feed_and_api_list_published_replies_only(client, proposal):
    feed = client.get(URL + "feed/").content.decode()
    assert feed.count("<entry>") == 2 and "常市监复" not in feed
    listed = client.get("/api/proposals/").json()
    groups = {(row["session"], row["body"], row["number"]): row["replies"] for row in listed["results"]}
    assert groups == {("常州市16-5", "npc", "99"): 2, ("溧阳市16-5", "npc", "99"): 1}
    detail = client.get("/api/proposals/常州市16-5/npc/99/").json()
    assert [reply["handling_role"] for reply in detail["replies"]] == ["主办", "会办"]
    assert detail["addressees"] == ["朱红", "王强"]
    reply = client.get(f"/api/replies/{proposal['co'].pk}/").json()
    assert reply["proposal_url"].endswith(reverse("replies:proposal_detail", args=["常州市16-5", "npc", "99"]))


@pytest.mark.parametrize("path", [
    "/proposals/常州市16-5/npc/98/", "/proposals/常州市16-5/cppcc/99/", "/proposals/nowhere/npc/1/",
    "/proposals/常州市16-5/npc/98/feed/", "/api/proposals/常州市16-5/npc/98/",
])
def test_unknown_proposals_are_404(client, proposal, path):
    assert client.get(path).status_code == 404


def test_a_proposal_answered_only_by_a_draft_is_404_to_the_public(client, proposal):
    Reply.objects.filter(pk__in=[proposal["lead"].pk, proposal["co"].pk]).update(status=Reply.Status.DRAFT)
    for path in (URL, URL + "feed/", "/api/proposals/常州市16-5/npc/99/"):
        assert client.get(path).status_code == 404, path
    assert [row["session"] for row in client.get("/api/proposals/").json()["results"]] == ["溧阳市16-5"]

