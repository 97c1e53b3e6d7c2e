"""Issue 18's pages in real headless Chromium at 1280 and 375 px: a proposal answered by two units (the lead unit's
reply and a co-handler's, grouped on one page), the delegate's page, and the 承诺跟踪 where staff mark a commitment
done with a note and overdue ones are flagged.

Uses the archive, browser and page fixtures of test_pages_in_browser.py (the seeds and a draft, committed for the
live server), plus the two real-style replies of tests/data/proposals. axe-core checks every page (0 serious or
critical findings; all findings in test-artifacts/axe-results-proposals.json); screenshots at both widths go to
test-artifacts/.
"""
import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import (  # noqa: F401 (fixtures)
    BLOCKING_IMPACTS,
    PHONE_WIDTH,
    archive,
    axe_violations,
    browser,
    page,
)
from tests.browser.test_review_in_browser import archive_admin, sign_in  # noqa: F401 (fixture)
from tests.browser.test_search_in_browser import ARTIFACTS

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data" / "proposals"
PROPOSAL_URL = "/proposals/常州市16-5/npc/99/"
PERSON_URL = "/people/常州市/npc/朱红/"
PROMISE = "认定省级以上企业技术中心30家"


@pytest.fixture
def grouped(archive):
    """The lead unit's and a co-handler's replies to one proposal (朱红 and 王强's), published beside the seeds."""
    from replies.services import reply_ingest_file

    return [reply_ingest_file(content=(DATA / name).read_bytes(), filename=name, publish=True).reply
            for name in ("lead_unit.txt", "co_unit.txt")]


def check_at_both_widths(page, name: str, results: dict, blocking: list) -> None:
    """axe-core on the page at 1280 px, then screenshots at 1280 and 375 px; nothing wider than the phone and no
    table whose columns are cut off."""
    violations = axe_violations(page)
    results[name] = {"url": page.url, "violations": violations}
    blocking += [f"{name}: {v['id']} ({v['impact']}) {v['nodes'][:3]}" for v in violations
                 if v["impact"] in BLOCKING_IMPACTS]
    page.screenshot(path=str(ARTIFACTS / f"page-{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.screenshot(path=str(ARTIFACTS / f"page-{name}-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, name
    cut = page.locator(".table-scroll").evaluate_all(
        "boxes => boxes.filter(box => box.scrollWidth > box.clientWidth + 1).map(box => box.className)")
    assert not cut, f"{name}: tables whose columns are cut off on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def write_results(results: dict, blocking: list, capsys, filename: str) -> None:
    path = ARTIFACTS / filename
    earlier = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    path.write_text(json.dumps({**earlier, **results}, ensure_ascii=False, indent=1), encoding="utf-8")
    with capsys.disabled():
        print("\naxe-core violations (issue 18 pages):")
        for name, result in results.items():
            found = ", ".join(f"{violation['id']} ({violation['impact']})" for violation in result["violations"])
            print(f"  {name:18} {found or 'none'}")
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)


def test_a_proposal_groups_two_units_replies_and_leads_to_the_delegate(browser, live_server, archive, grouped,
                                                                        capsys):
    lead, co = grouped
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    results, blocking = {}, []

    # From a reply to its proposal.
    page.goto(f"{live_server.url}{co.get_absolute_url()}")
    page.locator("a.proposal-link").first.click()
    page.wait_for_url("**/proposals/**/npc/99/")
    assert unquote(page.url).endswith(PROPOSAL_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("关于加快传统制造业高质量发展")
    # Seed 000 answers the same proposal too (第099号, 朱红), as the lead unit: lead units first, then co-handlers.
    rows = page.locator("table.proposal-replies tbody tr")
    cells = rows.evaluate_all("rows => rows.map(row => [...row.cells].map(cell => cell.textContent.trim()))")
    found = [(unit, role, category, link) for unit, role, category, _, link in cells]
    assert set(found) == {("常州市工业和信息化局", "主办", "A 类", lead.doc_number),
                          ("常州市科学技术局", "会办", "B 类", co.doc_number),
                          ("常州市工业和信息化局", "主办", "未注明", archive.seeds["000"].doc_number)}
    assert [role for _, role, _, _ in found] == ["主办", "主办", "会办"]
    check_at_both_widths(page, "proposal", results, blocking)

    # The proposal names its delegates; each has a page of their proposals.
    page.get_by_role("link", name="朱红").click()
    page.wait_for_url("**/people/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("朱红代表")
    expect(page.locator(".person-proposals")).to_contain_text("常州市工业和信息化局")
    expect(page.locator(".person-proposals")).to_contain_text("常州市科学技术局")
    expect(page.locator("header .count")).to_contain_text("A 类 1 份，B 类 1 份")
    check_at_both_widths(page, "person", results, blocking)

    # /stats/ counts their 办理类别 per 发布机构 and year, in tables that fit a phone.
    page.goto(f"{live_server.url}/stats/")
    organs = page.locator("table[data-stats=handling_by_organ] tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent.trim()))")
    assert ["常州市工业和信息化局", "1", "0", "0", "1"] in organs and ["常州市科学技术局", "0", "1", "0", "1"] in organs
    check_at_both_widths(page, "stats-categories", results, blocking)

    # The same data in the API.
    person = page.request.get(f"{live_server.url}/api{PERSON_URL}").json()
    assert person["name"] == "朱红"
    proposal = page.request.get(f"{live_server.url}/api{PROPOSAL_URL}").json()
    assert sorted((reply["handling_role"], reply["handling_category"]) for reply in proposal["replies"]) == [
        ("主办", ""), ("主办", "A"), ("会办", "B")]
    context.close()
    write_results(results, blocking, capsys, "axe-results-proposals.json")


def test_staff_mark_a_commitment_done_and_overdue_ones_are_flagged(browser, live_server, archive, archive_admin,
                                                                     capsys):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    results, blocking = {}, []
    sign_in(page, live_server, archive_admin, "/commitments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("承诺跟踪")
    row = page.locator("table.commitments tbody tr", has_text=PROMISE)
    expect(row).to_have_count(1)
    # Seed 002 (2021) promised it for the year's end: long past, and not marked done.
    expect(row).to_have_class("overdue")
    expect(row.locator(".badge-overdue")).to_have_text("已逾期")
    expect(row).to_contain_text("2021年12月31日")
    check_at_both_widths(page, "commitments", results, blocking)

    row.get_by_label("状态").select_option("done")
    row.get_by_label("说明").fill("已认定32家，见2022年工作总结")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已标记为“已完成”")
    row = page.locator("table.commitments tbody tr", has_text=PROMISE)
    expect(row).not_to_have_class("overdue")
    expect(row).to_contain_text("已完成")
    expect(row.locator(".note")).to_have_text("已认定32家，见2022年工作总结")

    # Still overdue ones are what the 已逾期 filter lists; the one just marked is not among them.
    page.locator("#commitment-status").select_option("overdue")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**status=overdue**")
    expect(page.locator("table.commitments tbody tr", has_text=PROMISE)).to_have_count(0)
    overdue = page.locator("table.commitments tbody tr")
    assert overdue.count() == overdue.locator(".badge-overdue").count()

    # The reply's page shows its commitments with their status.
    reply = archive.seeds["002"]
    page.goto(f"{live_server.url}{reply.get_absolute_url()}")
    promise = page.locator(".commitments-of-reply li", has_text=PROMISE)
    expect(promise).to_contain_text("已完成")
    check_at_both_widths(page, "reply-commitments", results, blocking)
    context.close()
    write_results(results, blocking, capsys, "axe-results-proposals.json")
