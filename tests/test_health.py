"""/healthz, and what the site answers while PostgreSQL cannot be reached."""
import pytest
from django.db import connection


def test_healthz_reports_database_and_index_to_staff(client, seeds, django_user_model):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "ok"
    assert health["database"] == {"ok": True, "replies": 5, "published": 5, "pending_index_updates": 0}
    assert health["index"] == {"ok": True, "backend": "whoosh", "documents": 5, "schema_current": True,
                               "in_step": True}


def test_healthz_tells_the_public_only_what_it_may_know(client, seeds, django_capture_on_commit_callbacks):
    from replies.services import reply_unpublish

    with django_capture_on_commit_callbacks(execute=True):
        reply_unpublish(reply=seeds["002"])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "published": 4},  # the draft is neither counted nor hinted at
        "index": {"ok": True, "schema_current": True, "in_step": True},
    }


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_while_the_database_is_down_and_recover_by_themselves(client, search_index):
    assert client.get("/replies/").status_code == 200
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        for path in ("/", "/replies/", "/replies/1/", "/cited/"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert "数据库暂时无法连接" in response.content.decode()
            assert response["Retry-After"]
        api = client.get("/api/replies/")
        assert api.status_code == 503 and "数据库" in api.json()["detail"]
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["database"] == {"ok": False, "error": "数据库暂时无法连接"}, "no address leaks"
        assert health.json()["index"]["ok"] is True
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get("/replies/").status_code == 200, "the next request reconnects"
    assert client.get("/healthz").json()["status"] == "ok"


def test_healthz_is_degraded_when_the_index_lost_documents(client, seeds, search_index):
    search_index.clear()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded" and response.json()["index"]["in_step"] is False
