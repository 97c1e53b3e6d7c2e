"""Real headless Chromium (Debian's /usr/bin/chromium) against the archive served by live_server."""
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import SEED_FILES

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def published_seeds(transactional_db, search_index):
    from replies.services import reply_ingest_file

    return [reply_ingest_file(content=path.read_bytes(), filename=path.name).reply for path in SEED_FILES]


@pytest.fixture
def page(django_db_setup, live_server, monkeypatch):
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium (make test does so as root)"
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # live server happen in its own thread, so Django's async guard does not apply here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def test_search_from_the_home_page_and_open_a_reply(page, live_server, published_seeds):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("答复档案")
    header_colour = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header_colour == "rgb(164, 22, 26)", "the stylesheet is served"
    page.get_by_label("检索答复").fill("石墨烯")
    page.get_by_role("button", name="检索").click()

    expect(page.get_by_role("status")).to_contain_text("共找到")
    marks = page.locator(".snippet mark")
    expect(marks.first).to_have_text("石墨烯")
    page.screenshot(path=str(ARTIFACTS / "search-desktop.png"), full_page=True)

    page.get_by_role("link", name="人大代表建议").first.click()
    page.wait_for_url("**kind=npc_suggestion**")
    results = page.locator("article.reply-card h3 a")
    expect(results).to_have_count(2)

    results.first.click()
    expect(page.locator(".body mark").first).to_have_text("石墨烯")
    expect(page.locator("table.metadata")).to_contain_text("签发人")
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "detail-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no horizontal scrolling on a phone"
