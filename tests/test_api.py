from replies.services import reply_unpublish


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
    assert data["addressees"] == [{"name": "朱红", "role": "delegate"}]
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
