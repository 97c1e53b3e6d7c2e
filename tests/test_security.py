"""Escaping of stored text, the Content-Security-Policy, rate limits and the production checks."""
import http.client
import os
import socket
import subprocess
import sys
import time
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


def test_behind_a_proxy_the_last_forwarded_hop_counts_and_one_that_is_no_address_is_refused(
        client, db, search_index, settings):
    settings.RATELIMIT_IP_META_KEY = "config.middleware.client_address"  # what BEHIND_PROXY=1 sets
    settings.RATELIMIT_SEARCH = "2/m"

    def search(forwarded_for):
        return client.get(reverse("search:search"), {"q": "税"}, HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    assert search("203.0.113.9, not-an-ip") == 400
    assert search("203.0.113.9, 2001:db8::1 ") == 200
    # What the client wrote before the proxy's own hop is not believed: these are all 198.51.100.7.
    assert [search(f"10.0.0.{n}, 198.51.100.7") for n in range(3)] == [200, 200, 429]


def test_a_sign_in_whose_next_is_refused_lands_on_the_admin(client, db):
    User.objects.create_user("clerk", password="a-long-test-password", is_staff=True)
    response = client.post("/admin/login/?next=https://evil.example/", {
        "username": "clerk", "password": "a-long-test-password", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_gunicorn_does_not_name_itself(tmp_path):
    """The project's gunicorn settings, serving the standard library's demo WSGI app: no Server header."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_WORKERS": "1",
           "ACCESS_LOG": str(tmp_path / "access.log")}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py",
                               "wsgiref.simple_server:demo_app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/")
                response = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        assert response.status == 200 and "Hello world!" in response.read().decode()
        assert response.getheader("Server") is None, response.getheaders()
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


STATIC_PROBE = """
import os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.templatetags.static import static
from django.test import Client
client = Client()
print(static("css/site.css"), client.get(static("css/site.css")).status_code,
      client.get("/static/staticfiles.json").status_code)
"""


def test_collectstatic_keeps_its_manifest_out_of_what_is_served(tmp_path):
    env = {**os.environ, "DEBUG": "0", "VAR_DIR": str(tmp_path), "STATIC_ROOT": str(tmp_path / "staticfiles"),
           "STATIC_MANIFEST": "1", "ALLOWED_HOSTS": "testserver"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env,
                   capture_output=True, text=True, timeout=120, check=True)
    assert not (tmp_path / "staticfiles" / "staticfiles.json").exists()
    assert (tmp_path / "staticfiles-manifest" / "staticfiles.json").exists()
    probe = subprocess.run([sys.executable, "-c", STATIC_PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120, check=True)
    css_url, css_status, manifest_status = probe.stdout.split()
    assert css_url.startswith("/static/css/site.") and css_url != "/static/css/site.css", "hashed names still work"
    assert (css_status, manifest_status) == ("200", "404")
