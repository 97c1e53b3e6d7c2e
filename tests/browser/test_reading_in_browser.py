"""The reading page, the statistics and the feeds as people meet them in real headless Chromium: on a phone, from
a search, by keyboard, and a feed opened in the browser.

Uses the archive, browser and page fixtures of test_pages_in_browser.py. Screenshots of the reading page and the
statistics page at 1280 and 375 px go to test-artifacts/.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import PHONE_WIDTH, archive, browser, page  # noqa: F401 (fixtures)
from tests.browser.test_search_in_browser import ARTIFACTS

pytestmark = pytest.mark.browser

MIN_TAP_PX = 24


def phone_page(browser, **options):
    context = browser.new_context(locale="zh-CN", viewport={"width": PHONE_WIDTH, "height": 800},
                                  device_scale_factor=2, is_mobile=True, has_touch=True, **options)
    return context.new_page()


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    channels = [value / 255 for value in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(css_colour: str, against: tuple[int, int, int] = (255, 255, 255)) -> float:
    rgb = tuple(int(part) for part in re.findall(r"\d+", css_colour)[:3])
    lighter, darker = sorted((relative_luminance(rgb), relative_luminance(against)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_on_a_phone_the_document_box_comes_before_the_body_and_matches_are_linked(browser, live_server, archive):
    reply = archive.seeds["000"]
    page = phone_page(browser)
    page.goto(f"{live_server.url}{reply.get_absolute_url()}?q=石墨烯")
    box, outline, body = page.locator(".doc-info"), page.get_by_role("navigation", name="目录"), page.locator(".body")
    expect(box).to_contain_text("文件信息")
    for label in ("文号", "届次与编号", "答复对象", "签发人", "成文日期", "发布机构"):
        expect(box.get_by_role("rowheader", name=label, exact=True)).to_be_visible()
    for value in (reply.doc_number, reply.session, f"第{reply.proposal_number}号", reply.signer, reply.issuing_organ):
        expect(box).to_contain_text(value)
    box_area, outline_area, body_area = box.bounding_box(), outline.bounding_box(), body.bounding_box()
    assert box_area["y"] < 800, "the 文件信息 box is on the first screen"
    assert box_area["y"] + box_area["height"] <= outline_area["y"] < body_area["y"], \
        "the 文件信息 box above the outline, the outline above the body"
    assert box_area["x"] >= 0 and box_area["x"] + box_area["width"] <= PHONE_WIDTH, "the box fits the phone"
    page.screenshot(path=str(ARTIFACTS / "reading-page-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    summary = page.locator(".match-summary")
    count = int(summary.locator("strong").inner_text())
    expect(page.locator(".body mark[id]")).to_have_count(count)
    summary.get_by_role("link", name="跳到第一处").click()
    page.wait_for_url("**#m1")
    first_nav = page.locator("#m1 + .match-nav")
    expect(first_nav).to_be_visible()
    expect(first_nav).to_contain_text(f"第 1/{count} 处")
    assert page.locator("#m1").bounding_box()["y"] < 800, "the first match is in view"
    if count > 1:
        first_nav.get_by_role("link", name="下一处").click()
        page.wait_for_url("**#m2")
        expect(page.locator("#m2 + .match-nav")).to_be_visible()
        expect(first_nav).to_be_hidden()
    page.context.close()


def test_the_copy_link_button_copies_the_short_link(browser, live_server, archive):
    reply = archive.seeds["000"]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}{reply.get_absolute_url()}")
    page.screenshot(path=str(ARTIFACTS / "reading-page-desktop.png"), full_page=True)
    assert page.locator('meta[property="og:title"]').get_attribute("content").startswith(reply.doc_number)
    assert page.locator('meta[name="description"]').get_attribute("content")
    button = page.get_by_role("button", name="复制链接")
    expect(button).to_be_visible()  # shown by static/js/copy-link.js
    button.click()
    expect(page.locator(".copy-status")).to_have_text("已复制链接")
    short_link = page.evaluate("navigator.clipboard.readText()")
    assert short_link == f"{live_server.url}/r/{reply.pk}/"
    page.goto(short_link)
    assert page.url == f"{live_server.url}{reply.get_absolute_url()}"
    context.close()


def test_keyboard_focus_is_visible_and_the_skip_link_covers_nothing(page, live_server, archive):
    page.goto(f"{live_server.url}/search/?q=石墨烯")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    skip_box, brand_box = skip.bounding_box(), page.locator(".brand").bounding_box()
    overlaps = not (skip_box["y"] + skip_box["height"] <= brand_box["y"] or brand_box["y"] + brand_box["height"] <= skip_box["y"]
                    or skip_box["x"] + skip_box["width"] <= brand_box["x"] or brand_box["x"] + brand_box["width"] <= skip_box["x"])
    assert not overlaps, (skip_box, brand_box)

    link = page.locator("main a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so that :focus-visible applies
    outline = link.evaluate("element => getComputedStyle(element).outlineColor")
    assert link.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
    assert contrast(outline) >= 3, f"focus ring {outline} against white"

    for selector in (".sort a", ".list-tools a"):
        links = page.locator(selector)
        assert links.count(), selector
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert box["height"] >= MIN_TAP_PX and box["width"] >= MIN_TAP_PX, (selector, index, box)


def test_statistics_on_desktop_and_phone(page, live_server, archive, browser):
    page.goto(f"{live_server.url}/stats/")
    expect(page.get_by_role("heading", name="按发布机构")).to_be_visible()
    expect(page.get_by_role("heading", name="按成文月份")).to_be_visible()
    month_rows = page.locator("table[data-stats=by_month] tbody tr")
    expect(month_rows).to_have_count(12)
    page.screenshot(path=str(ARTIFACTS / "stats-page-desktop.png"), full_page=True)

    phone = phone_page(browser)
    phone.goto(f"{live_server.url}/stats/")
    phone.screenshot(path=str(ARTIFACTS / "stats-page-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    cut = phone.locator(".table-scroll").evaluate_all(
        "boxes => boxes.filter(box => box.scrollWidth > box.clientWidth + 1).map(box => box.querySelector('table').dataset.stats)")
    assert not cut, f"tables whose columns are cut off on a phone: {cut}"
    charts = phone.locator("svg.chart").evaluate_all(
        "charts => charts.filter(chart => chart.getBoundingClientRect().right > window.innerWidth).map(chart => chart.id)")
    assert not charts, f"charts wider than the phone: {charts}"
    phone.context.close()


def test_a_feed_opened_in_the_browser_explains_itself(page, live_server, archive):
    feed_reader = page.request.get(f"{live_server.url}/replies/feed/", headers={"Accept": "application/atom+xml"})
    assert feed_reader.headers["content-type"].startswith("application/atom+xml")
    response = page.goto(f"{live_server.url}/replies/feed/")
    assert response.headers["content-type"].startswith("application/xml")  # so that the browser applies the XSLT
    expect(page.get_by_role("heading", level=1)).to_have_text("答复档案 · 最新答复")
    expect(page.get_by_role("heading", name="这是一个订阅源")).to_be_visible()
    entries = page.locator("ol li a")
    expect(entries).to_have_count(len(archive.seeds))
    entries.first.click()
    page.wait_for_url(re.compile(r"/replies/\d+/$"))
