import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from replies.services import reply_unpublish
from tests.conftest import seed_path


@pytest.fixture
def staff(db):
    return User.objects.create_user("staff", password="a-long-test-password", is_staff=True)


def test_home_shows_counts_and_latest(client, seeds):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-CN"' in page
    assert "人大代表建议" in page and "政协提案" in page
    assert seeds["002"].title in page


def test_browse_filters_and_paginates(client, seeds, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get("/replies/", {"kind": "cppcc_proposal"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "共 2 份" in page
    assert seeds["003"].title in page and seeds["002"].title not in page


def test_browse_by_topic_page(client, seeds):
    topic = seeds["000"].topics.first()
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert f"主题：{topic.name}" in response.content.decode()


def test_detail_shows_metadata_and_highlights_search_terms(client, seeds):
    reply = seeds["000"]
    response = client.get(reply.get_absolute_url(), {"q": "石墨烯"})
    page = response.content.decode()
    assert response.status_code == 200
    for value in ["常工信复〔2021〕第22号", "张志强", "余亮明", "85681275", "市人大代表工委", "朱红代表"]:
        assert value in page
    assert '<mark id="m1">石墨烯</mark>' in page


def test_original_download_is_byte_identical(client, seeds):
    reply = seeds["002"]
    source = reply.source_files.get()
    response = client.get(reverse("replies:source_download", args=[reply.pk, source.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == seed_path("002").read_bytes()
    assert "attachment" in response["Content-Disposition"]


def test_search_page_highlights_and_filters(client, seeds):
    response = client.get("/search/", {"q": "石墨烯", "kind": "npc_suggestion"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>石墨烯</mark>" in page
    assert seeds["000"].title in page and seeds["003"].title not in page


@pytest.mark.parametrize("query", ['"', "<script>alert(1)</script>", "税" * 3000, "\x00", "OR -"])
def test_search_page_never_fails_on_odd_input(client, seeds, query):
    response = client.get("/search/", {"q": query, "page": "abc"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_drafts_are_hidden_from_the_public_and_shown_to_staff(client, seeds, staff):
    draft = seeds["002"]
    reply_unpublish(reply=draft)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/replies/").content.decode()
    client.force_login(staff)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_public_cannot_change_anything(client, seeds):
    assert client.post("/search/", {"q": "x"}).status_code == 405
    assert client.post(seeds["000"].get_absolute_url()).status_code == 405
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_not_found_page_is_in_chinese(client, db):
    response = client.get("/replies/999999/")
    assert response.status_code == 404
    assert "找不到" in response.content.decode()


def test_the_upload_page_uses_the_ingest_service(client, db, search_index, django_capture_on_commit_callbacks):
    admin = User.objects.create_superuser("admin", password="a-long-test-password")
    client.force_login(admin)
    with open(seed_path("003"), "rb") as upload, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("replies:review_upload"), {"files": [upload]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "已创建" in page and "常工信复〔2021〕第47号" in page
    from replies.models import Reply

    reply = Reply.objects.get()
    assert reply.status == Reply.Status.DRAFT
    assert reply.source_files.get().uploaded_by == admin


def test_detail_lists_related_published_replies(client, seeds):
    page = client.get(seeds["000"].get_absolute_url()).content.decode()
    assert "相关答复" in page
    related = page.split("相关答复", 1)[1]
    assert seeds["002"].get_absolute_url() in related or seeds["003"].get_absolute_url() in related
    assert seeds["000"].get_absolute_url() not in related
