import csv
import io
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

from openpyxl import load_workbook

from replies.models import Reply
from replies.services import reply_unpublish
from search.indexing import index_update_replies, index_writer_lock

PROPOSALS = Path(__file__).parent / "data" / "proposals"


def test_reply_list_shape_and_page_size_limit(client, seeds):
    data = client.get("/api/replies/", {"page_size": 2}).json()
    assert data["count"] == 5 and len(data["results"]) == 2
    assert data["next"] and data["previous"] is None
    assert len(client.get("/api/replies/", {"page_size": 500}).json()["results"]) == 5


def test_reply_detail_fields_of_seed_000(client, seeds):
    data = client.get(f"/api/replies/{seeds['000'].pk}/").json()
    assert data["doc_number"] == "常工信复〔2021〕第22号"
    assert data["kind"] == "npc_suggestion"
    assert data["session"] == "常州市十六届人大五次会议"
    assert data["proposal_number"] == "099"
    assert data["addressees"] == [{"name": "朱红", "role": "delegate",
                                   "url": "http://testserver/people/%E5%B8%B8%E5%B7%9E%E5%B8%82/npc/%E6%9C%B1%E7%BA%A2/"}]
    assert data["signer"] == "张志强" and data["handler"] == "余亮明" and data["phone"] == "85681275"
    assert data["cc"] == ["市政府办公室", "市人大代表工委"]
    assert data["issuing_organ"] == "常州市工业和信息化局"
    assert data["year"] == 2021
    assert data["proposal_title"].startswith("关于加快传统制造业高质量发展")
    assert len(data["source_sha256"]) == 64 and data["source_filename"].startswith("000_")
    assert data["url"].endswith(f"/replies/{seeds['000'].pk}/")
    assert "body" in data


def test_reply_detail_of_other_seeds(client, seeds):
    assert client.get(f"/api/replies/{seeds['002'].pk}/").json()["signer"] == "杨军"
    other = client.get(f"/api/replies/{seeds['004'].pk}/").json()
    assert other["kind"] == "other" and other["date"] == "2022-09-23"


def test_search_api_doc_number_first_and_highlights(client, seeds):
    data = client.get("/api/search/", {"q": "常工信复〔2021〕第35号"}).json()
    assert data["results"][0]["id"] == seeds["002"].pk
    graphene = client.get("/api/search/", {"q": "石墨烯"}).json()
    assert graphene["count"] >= 2
    assert all(any("<mark>石墨烯</mark>" in h for h in hit["highlights"]) for hit in graphene["results"])
    assert {"kind", "year", "signer", "session", "topic", "organ"} <= set(graphene["facets"])


def test_search_api_filters(client, seeds):
    data = client.get("/api/search/", {"q": "产业", "kind": "cppcc_proposal", "page_size": 1}).json()
    assert data["count"] == 2 and len(data["results"]) == 1 and data["next"]
    assert client.get("/api/search/", {"q": "产业", "signer": "杨军"}).json()["count"] == 1


def test_api_hides_drafts_and_is_read_only(client, seeds):
    reply_unpublish(reply=seeds["002"])
    hidden = client.get(f"/api/replies/{seeds['002'].pk}/")
    assert hidden.status_code == 404 and hidden.json() == {"detail": "没有这份答复，或它尚未发布。"}
    assert client.get("/api/replies/").json()["count"] == 4
    assert client.post("/api/replies/", {}, content_type="application/json").status_code in (403, 405)
    assert client.delete(f"/api/replies/{seeds['000'].pk}/").status_code in (403, 405)


def test_api_bad_page_is_a_clear_404(client, seeds):
    response = client.get("/api/replies/", {"page": 99})
    assert response.status_code == 404 and "detail" in response.json()


def test_api_and_exports_carry_delegate_pages_categories_and_commitments(client, seeds, ingest, settings,
                                                                         django_user_model):
    settings.RATELIMIT_ENABLE = False
    lead = ingest(PROPOSALS / "lead_unit.txt").reply
    Reply.objects.filter(pk=lead.pk).update(satisfaction="满意")
    with index_writer_lock(wait=True):
        index_update_replies(reply_ids=[lead.pk])
    detail = client.get(f"/api/replies/{lead.pk}/").json()
    assert (detail["handling_category"], detail["handling_role"], detail["satisfaction"]) == ("A", "主办", "满意")
    pages = {person["name"]: unquote(urlparse(person["url"]).path) for person in detail["addressees"]}
    assert pages == {"朱红": "/people/常州市/npc/朱红/", "王强": "/people/常州市/npc/王强/"}
    person = client.get(f"/api{pages['王强']}").json()
    assert person["categories"] == {"A": 1}
    # 王强 co-signed proposal 99, which seed 000 answers too (addressed to 朱红 alone): both replies are listed.
    assert {reply["id"] for proposal in person["proposals"] for reply in proposal["replies"]} == {
        lead.pk, seeds["000"].pk}
    assert unquote(detail["proposal_url"]).endswith("/proposals/常州市16-5/npc/99/")

    # Commitments: not for the public by default (null: not shown, not "none"); with PUBLIC_COMMITMENTS, and staff.
    promise = "认定省级以上企业技术中心30家"
    assert client.get(f"/api/replies/{seeds['002'].pk}/").json()["commitments"] is None
    settings.PUBLIC_COMMITMENTS = True
    commitments = client.get(f"/api/replies/{seeds['002'].pk}/").json()["commitments"]
    found = next(item for item in commitments if promise in item["sentence"])
    assert found["deadline"] == "2021-12-31" and found["status"] == "open" and found["overdue"] is True
    body = seeds["002"].body
    assert body[found["start"]:found["end"]] == found["sentence"]
    settings.PUBLIC_COMMITMENTS = False
    client.force_login(django_user_model.objects.create_user("staff", password="a-long-test-password", is_staff=True))
    assert promise in json.dumps(client.get(f"/api/replies/{seeds['002'].pk}/").json()["commitments"], ensure_ascii=False)
    client.logout()

    # The search exports: categories, role and 满意度 as columns; the JSON export has the delegates' pages.
    rows = list(csv.reader(io.StringIO(client.get("/search/export.csv", {"handling": "A"}).content.decode("utf-8-sig"))))
    header, *records = rows
    assert {"办理类别", "承办角色", "满意度"} <= set(header) and len(records) == 1
    record = dict(zip(header, records[0]))
    assert (record["办理类别"], record["承办角色"], record["满意度"], record["编号"]) == ("A", "主办", "满意", str(lead.pk))
    sheet = load_workbook(io.BytesIO(client.get("/search/export.xlsx", {"satisfaction": "满意"}).content)).active
    header, *records = list(sheet.values)
    assert [dict(zip(header, row))["满意度"] for row in records] == ["满意"]
    exported = client.get("/search/export.json", {"handling": "A"}).json()["results"]
    assert [unquote(person["url"]).endswith("/people/常州市/npc/朱红/") for person in exported[0]["addressees"]][0]
    # The commitments' own export (承诺跟踪) holds the promise with its deadline.
    client.force_login(django_user_model.objects.get(username="staff"))
    workbook = load_workbook(io.BytesIO(client.get("/commitments/export.xlsx").content))
    assert any(promise in (row[3] or "") for row in workbook.active.values)
