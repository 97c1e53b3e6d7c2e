"""Escaping of stored text, the Content-Security-Policy, rate limits and the production checks."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_rate_counters(db):
    """Counters live in the database cache; earlier tests' requests must not count here."""
    from django.core.cache import caches

    caches["ratelimit"].clear()


@pytest.fixture
def hostile_reply(ingest):
    text = (
        f"关于{HOSTILE}的答复\n常工信复〔2022〕第9号\n张三代表：\n"
        f"您提出的关于产业链{HOSTILE}的建议收悉。我局高度重视产业链工作，{HOSTILE}现答复如下。\n"
        "一、加强产业链协同。\n签发人：李四\n"
    )
    return ingest(content=text.encode(), filename=f"{HOSTILE}.txt").reply


def test_stored_markup_is_shown_as_text_everywhere(client, hostile_reply):
    pages = {
        "detail": client.get(hostile_reply.get_absolute_url()),
        "detail from a search": client.get(hostile_reply.get_absolute_url() + "?q=产业链"),
        "browse": client.get(reverse("replies:reply_list")),
        "home": client.get(reverse("replies:home")),
        "search": client.get(reverse("search:search"), {"q": "产业链"}),
        "search for the markup": client.get(reverse("search:search"), {"q": "onerror alert"}),
    }
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert "<script>alert" not in page and "<img src=x" not in page, name
    assert "&lt;script&gt;" in pages["detail"].content.decode()
    assert "<mark>产业链</mark>" in pages["search"].content.decode()


def test_every_page_carries_a_content_security_policy(client, db):
    policy = client.get(reverse("replies:home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_search_over_its_rate_gets_a_clear_429(client, db, search_index, settings):
    settings.RATELIMIT_SEARCH = "3/m"
    statuses = [client.get(reverse("search:search"), {"q": "税"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(reverse("search:search"), {"q": "税"})
    assert "请求过于频繁" in response.content.decode() and response["Retry-After"]
    other_client = client.get(reverse("search:search"), {"q": "税"}, REMOTE_ADDR="10.0.0.9")
    assert other_client.status_code == 200, "limits are per client"


def test_api_over_its_rate_gets_json_429(client, db, search_index, settings):
    settings.RATELIMIT_API = "2/m"
    statuses = [client.get("/api/search/", {"q": "税"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/replies/").json() == {"detail": "请求过于频繁，请稍后再试。"}


def test_login_attempts_are_limited(client, db, settings):
    settings.RATELIMIT_LOGIN = "3/m"
    User.objects.create_superuser("admin", password="a-long-test-password")
    statuses = [client.post("/admin/login/", {"username": "admin", "password": "wrong"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/admin/login/").status_code == 200, "the form itself is not limited"


def test_limits_switch_off_for_load_tests(client, db, search_index, settings):
    settings.RATELIMIT_SEARCH = "1/m"
    settings.RATELIMIT_ENABLE = False
    assert {client.get(reverse("search:search"), {"q": "税"}).status_code for _ in range(3)} == {200}


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "p" * 20 + "-production-secret-key-of-fifty-plus-characters",
        "ALLOWED_HOSTS": "replies.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://replies.example.gov.cn",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
