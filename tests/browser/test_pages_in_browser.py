"""The pages people use, in real headless Chromium: a reader's journey, the statistics, accessibility and phones.

As in test_search_in_browser.py, each test gets the seeds (and a draft) committed for the live server, which
pytest-django empties again after the test (live_server implies transactional_db); so there are few tests,
each walking through several pages. One browser is launched for the module and every test opens its own
context. axe-core (node_modules/, pinned in package.json, installed by `make setup`) checks
each page type; its findings are printed and written to test-artifacts/axe-results.json, and screenshots of
each page type at desktop and phone width go to test-artifacts/.
"""
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.archive_data import committed_archive
from tests.browser.test_search_in_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE_WIDTH = 375
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def archive(transactional_db, tmp_path, django_db_blocker):
    """The seeds and a draft, committed, so that the live server's thread sees them (emptied after the test)."""
    with committed_archive(django_db_blocker, tmp_path / "media") as data:
        from replies.models import CitedDocument

        reply = data.seeds["000"]
        data.urls = {
            "home": "/",
            "browse": "/replies/",
            "search": "/search/?q=石墨烯",
            # The advanced search panel open, with its syntax help.
            "advanced-search": "/search/?q=产业&scope=title&date_from=2020-01-01&date_to=2022-12-31"
                               "&organ=常州市工业和信息化局&handling=A",
            "detail": reply.get_absolute_url(),
            "detail-from-search": reply.get_absolute_url() + "?q=石墨烯#m1",
            "stats": "/stats/",
            "topic": reply.topics.first().get_absolute_url(),
            "cited-list": "/cited/",
            "cited": CitedDocument.objects.filter(replies__status="published").first().get_absolute_url(),
            "feeds-help": "/feeds/",
            "not-found": "/replies/常工信复〔1999〕第1号/",
        }
        yield data


@pytest.fixture(scope="module")
def browser(django_db_setup):
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium (make test does so as root)"
    ARTIFACTS.mkdir(exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live server happen in
    # its own thread, so Django's async guard does not apply.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def page(browser, live_server, archive):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def test_a_reader_searches_filters_pages_reads_and_downloads(page, live_server, archive, monkeypatch):
    page.goto(live_server.url)
    page.get_by_label("检索答复").fill("石墨烯")
    page.get_by_role("button", name="检索").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("共找到")
    everything = page.locator("article.reply-card").count()

    # Apply a filter, then remove it again.
    page.locator("aside").get_by_role("link", name="人大代表建议").click()
    page.wait_for_url("**kind=npc_suggestion**")
    filtered = page.locator("article.reply-card").count()
    assert 0 < filtered < everything
    page.get_by_role("link", name="取消筛选 人大代表建议").click()
    page.wait_for_url(re.compile(r"^(?!.*kind=).*q=.*$"))
    expect(page.locator("article.reply-card")).to_have_count(everything)

    # Page through the browse list (one reply a page here).
    monkeypatch.setattr("replies.views.REPLIES_PER_PAGE", 1)
    page.goto(f"{live_server.url}/replies/")
    pagination = page.get_by_role("navigation", name="分页")
    expect(pagination).to_contain_text("第 1 / 2 页")
    first_page_titles = page.locator("article.reply-card h3").all_inner_texts()
    pagination.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2**")
    expect(pagination).to_contain_text("第 2 / 2 页")
    assert set(page.locator("article.reply-card h3").all_inner_texts()).isdisjoint(first_page_titles)
    check_keyboard_reaches_the_skip_link_and_focus_is_visible(page)
    check_a_signer_filtered_browse_page_announces_the_signer_feed(page, live_server, archive.seeds["000"])

    # Open a reply, use its outline, follow a related reply.
    page.goto(f"{live_server.url}{archive.urls['detail']}")
    outline = page.get_by_role("navigation", name="目录")
    outline.get_by_role("link").nth(1).click()
    expect(page.locator(".body p:target")).to_have_class("section-start")
    expect(page.locator(".body p:target")).to_contain_text("二、")
    title = page.get_by_role("heading", level=1).inner_text()
    page.locator(".related a").first.click()
    page.wait_for_url(re.compile(r"/replies/\d+/$"))
    expect(page.get_by_role("heading", level=1)).not_to_have_text(title)

    # Download the original and compare it with the seed file.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("下载原始文件")).first.click()
    download = download_info.value
    from replies.models import Reply
    from replies.reading import download_filename

    shown = Reply.objects.get(pk=int(re.search(r"/replies/(\d+)/", page.url).group(1)))
    source = shown.source_files.get()
    assert download.suggested_filename == download_filename(shown, source)  # named after the reply, not the upload
    assert download.suggested_filename.startswith(shown.doc_number or shown.title[:10])
    seed = SEEDS_DIR / source.filename
    assert Path(download.path()).read_bytes() == seed.read_bytes()


def check_keyboard_reaches_the_skip_link_and_focus_is_visible(page):
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const element = document.activeElement, style = getComputedStyle(element);
        return {text: element.textContent, outline: style.outlineStyle, width: style.outlineWidth,
                left: element.getBoundingClientRect().left}; }""")
    assert focused["text"] == "跳到正文" and focused["left"] >= 0
    assert focused["outline"] != "none" and focused["width"] != "0px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_the_statistics_charts_show_the_numbers_of_the_json_endpoint(page, live_server, archive):
    page.goto(f"{live_server.url}/stats/")
    data = page.request.get(f"{live_server.url}/api/stats/").json()
    assert data["total"] == len(archive.seeds)
    kinds = [kind["value"] for kind in data["kinds"]]

    dated = [row for row in data["by_year_and_kind"] if row["year"] is not None]  # undated ones are counted apart
    year_chart = page.locator("#chart-by-year g.chart-row")
    assert year_chart.evaluate_all("rows => rows.map(row => row.dataset.values)") == [
        ",".join(str(row["counts"][kind]) for kind in kinds) for row in dated
    ]
    table_rows = page.locator("table[data-stats=by_year_and_kind] tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.querySelectorAll('td')].map(cell => Number(cell.textContent)))")
    assert table_rows == [[row["counts"][kind] for kind in kinds] + [row["total"]] for row in dated]

    for name in ("by_session", "by_topic", "by_signer"):
        expected = [(item["label"], item["count"]) for item in data[name]]
        assert expected, name
        chart = page.locator(f"#chart-{name.replace('_', '-')} g.chart-row").evaluate_all(
            "rows => rows.map(row => [row.dataset.label, Number(row.dataset.total)])")
        assert [tuple(row) for row in chart] == expected[:20], name
        table = page.locator(f"table[data-stats={name}] tbody tr").evaluate_all(
            "rows => rows.map(row => [row.querySelector('th').textContent.trim(), Number(row.querySelector('td').textContent)])")
        assert [tuple(row) for row in table] == expected, name


def test_every_page_type_passes_axe_and_fits_a_phone(browser, live_server, archive, capsys):
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: `make setup` installs it (npm ci)"
    # axe is injected as an inline script, which the site's Content-Security-Policy would refuse.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    results, blocking, too_wide = {}, [], []
    for name, path in archive.urls.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == (404 if name == "not-found" else 200), name
        if name == "advanced-search":
            expect(page.get_by_role("heading", name="检索语法")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"page-{name}-desktop.png"), full_page=True)
        violations = axe_violations(page)
        results[name] = {"url": path, "violations": violations}
        blocking += [f"{name}: {v['id']} ({v['impact']}) {v['nodes'][:3]}" for v in violations
                     if v["impact"] in BLOCKING_IMPACTS]

        page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
        page.screenshot(path=str(ARTIFACTS / f"page-{name}-phone.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE_WIDTH:
            too_wide.append(f"{name}: {scroll_width}px")
        page.set_viewport_size({"width": 1280, "height": 900})
    context.close()

    (ARTIFACTS / "axe-results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    with capsys.disabled():
        print("\naxe-core violations per page (by impact):")
        for name, result in results.items():
            impacts = {}
            for violation in result["violations"]:
                impacts.setdefault(violation["impact"], []).append(violation["id"])
            summary = "; ".join(f"{impact}: {', '.join(ids)}" for impact, ids in sorted(impacts.items())) or "none"
            print(f"  {name:10} {summary}")
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)
    assert not too_wide, f"wider than a {PHONE_WIDTH}px phone: {too_wide}"


def axe_violations(page) -> list[dict]:
    """axe-core's findings on the page as it is (the context must bypass the CSP: axe is injected inline)."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.map(node => node.target.join(" "))}))""")


def check_a_signer_filtered_browse_page_announces_the_signer_feed(page, live_server, reply):
    page.goto(f"{live_server.url}/replies/?signer={reply.signer}")
    href = page.locator('head link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
    assert href.startswith("/signers/") and href.endswith("/feed/")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    assert f"{live_server.url}{reply.get_absolute_url()}" in response.text()
