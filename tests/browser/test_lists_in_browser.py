"""Lists as staff meet them in real headless Chromium: one date ordering on the page, the API, the feed and the
Excel export (undated replies and replies dated by year only included), the Excel file reopened with openpyxl, and
facet counts checked against the database under combined filters.

Uses the archive, browser and page fixtures of test_pages_in_browser.py. Seeds 000, 002 and 003 carry a year only
(2021), 001 is dated 2020-12-28 and 004 2022-09-23; each test adds one published reply with no date at all.
"""
import datetime
import io
import re
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db.models import Count
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import archive, browser, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

UNDATED_TEXT = "关于某事的说明\n" + "这是一份没有注明日期的文件，说明有关情况。" * 10


@pytest.fixture
def listed(archive):
    """The archive plus one published reply without any date, through the real ingest service."""
    from replies.services import reply_ingest_file

    archive.undated = reply_ingest_file(content=UNDATED_TEXT.encode(), filename="undated.txt", publish=True).reply
    assert archive.undated.date is None and archive.undated.year is None
    return archive


def published():
    from replies.models import Reply

    return Reply.objects.filter(status=Reply.Status.PUBLISHED, superseded_at__isnull=True)


def expected_order(sort: str) -> list[int]:
    """Worked out here, not by the archive's ordering: a year alone is 1 January of that year, no date at all is
    older than every date; ties by id."""
    def key(reply):
        when = reply.date or (datetime.date(reply.year, 1, 1) if reply.year else datetime.date.min)
        return when, reply.pk

    ordered = sorted(published(), key=key)
    return [reply.pk for reply in (ordered if sort == "oldest" else reversed(ordered))]


def card_ids(page) -> list[int]:
    hrefs = page.locator("article.reply-card h3 a").evaluate_all("links => links.map(link => link.pathname)")
    return [int(re.fullmatch(r"/replies/(\d+)/", href).group(1)) for href in hrefs]


def feed_ids(page, url: str) -> list[int]:
    response = page.request.get(url, headers={"Accept": "application/atom+xml"})
    assert response.ok, url
    entries = response.text().split("<entry>")[1:]
    return [int(re.search(r"/replies/(\d+)/", entry).group(1)) for entry in entries]


def download_xlsx(page, link):
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    # Playwright keeps the download under a name without its suffix: openpyxl reads it from a file object.
    return load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True).active


def test_undated_and_year_only_replies_sort_alike_on_page_api_feed_and_export(page, live_server, listed):
    newest, oldest = expected_order("newest"), expected_order("oldest")
    seeds = listed.seeds
    assert newest[0] == seeds["004"].pk and newest[-1] == listed.undated.pk, "undated last under 最新"
    assert oldest[0] == listed.undated.pk, "undated first under 最早"
    # 2021 alone sorts as 2021, above a reply of 28 December 2020.
    assert newest.index(seeds["000"].pk) < newest.index(seeds["001"].pk)

    page.goto(f"{live_server.url}/replies/")
    assert card_ids(page) == newest, "the browse page"
    # The browse list's Excel: the same rows in the same order.
    browse_sheet = download_xlsx(page, page.locator(".list-tools").get_by_role("link", name="Excel"))
    assert [int(row[0]) for row in browse_sheet.iter_rows(min_row=2, values_only=True)] == newest

    page.goto(f"{live_server.url}/search/")
    expect(page.locator(".sort strong")).to_have_text("最新")
    for sort, expected, label in (("newest", newest, "最新"), ("oldest", oldest, "最早")):
        if sort == "oldest":
            page.locator(".sort").get_by_role("link", name="最早").click()
            page.wait_for_url("**sort=oldest**")
        expect(page.locator(".sort strong")).to_have_text(label)
        assert card_ids(page) == expected, f"the search page, {label}"
        api = page.request.get(f"{live_server.url}/api/search/?sort={sort}").json()
        assert [hit["id"] for hit in api["results"]] == expected, f"/api/search/, {label}"
        assert feed_ids(page, f"{live_server.url}/search/feed/?sort={sort}") == expected, f"the search feed, {label}"

        sheet = download_xlsx(page, page.locator(".list-tools").get_by_role("link", name="Excel"))
        rows = list(sheet.iter_rows(values_only=True))
        headers = rows[0]
        assert [int(row[0]) for row in rows[1:]] == expected, f"the Excel export, {label}"
        for header in ("索引号", "主题分类", "办理类别", "建议/提案号"):
            assert header in headers, header
        by_id = {int(row[0]): dict(zip(headers, row)) for row in rows[1:]}
        proposal = by_id[seeds["001"].pk]["建议/提案号"]
        assert proposal == "0287" and isinstance(proposal, str), "0287 stays text, not the number 287"
        assert by_id[seeds["001"].pk]["索引号"] == seeds["001"].index_number != ""
    assert [reply["id"] for reply in page.request.get(f"{live_server.url}/api/replies/").json()["results"]] == newest
    assert feed_ids(page, f"{live_server.url}/replies/feed/") == newest


# --- facet counts ---------------------------------------------------------------------------------------------

# The query parameter of each facet → how the database filters and groups by it.
FACET_COLUMNS = {"kind": "kind", "year": "year", "session": "session", "signer": "signer", "organ": "issuing_organ",
                 "topic": "topics__slug"}


def database_counts(filters: dict[str, str], name: str) -> Counter:
    """Published replies per value of one facet under these filters, counted by the database."""
    replies = published()
    for other, value in filters.items():
        replies = replies.filter(**{FACET_COLUMNS[other]: value})
    column = FACET_COLUMNS[name]
    rows = replies.exclude(**{f"{column}__isnull": True}).values(column).annotate(n=Count("id", distinct=True))
    return Counter({str(row[column]): row["n"] for row in rows.order_by() if row[column] not in ("", None)})


def shown_facets(page) -> tuple[dict[str, str], dict[str, Counter]]:
    """The page's active filters and, per facet parameter, the count shown beside each value offered as a link."""
    current = {name: value for name, value in parse_qsl(urlsplit(page.url).query) if name in FACET_COLUMNS}
    links = page.locator("aside section.facet li").evaluate_all("""items => items.map(item => {
        const link = item.querySelector('a'); const count = item.querySelector('.count');
        return {href: link ? link.href : null, count: count ? Number(count.textContent) : null}; })""")
    facets: dict[str, Counter] = {}
    for link in links:
        assert link["href"] and link["count"] is not None, link
        target = {name: value for name, value in parse_qsl(urlsplit(link["href"]).query) if name in FACET_COLUMNS}
        if added := target.items() - current.items():  # sets one filter (adds it, or changes its value)
            [(name, value)] = added
        else:  # the active value, whose link takes its filter off again
            [(name, value)] = current.items() - target.items()
        assert link["count"] > 0, f"{name}={value} is offered with 0 results"
        facets.setdefault(name, Counter())[value] = link["count"]
    return current, facets


def facet(page, heading: str):
    return page.locator("aside section.facet").filter(has=page.get_by_role("heading", name=heading, exact=True))


def result_count(page) -> int:
    return int(re.search(r"共(?:找到)? ?(\d+) 份", page.locator(".result-count").inner_text()).group(1))


def test_facet_counts_equal_database_counts_under_combined_filters(page, live_server, listed):
    # Browse: each facet counted under the other active filters, so each count is what its link lists.
    page.goto(f"{live_server.url}/replies/")
    page.locator("aside").get_by_role("link", name="政协提案").click()
    page.wait_for_url("**kind=cppcc_proposal**")
    facet(page, "年份").get_by_role("link", name="2021").click()
    page.wait_for_url("**year=2021**")
    current, facets = shown_facets(page)
    assert current == {"kind": "cppcc_proposal", "year": "2021"}
    assert result_count(page) == published().filter(kind="cppcc_proposal", year=2021).count() == 1
    for name, shown in facets.items():
        others = {other: value for other, value in current.items() if other != name}
        assert shown == database_counts(others, name), name
    assert set(facets) >= {"kind", "year", "signer", "session"}
    assert facets["kind"]["npc_suggestion"] == 2 and "other" not in facets["kind"], \
        "其他文件 has no reply of 2021: not offered"
    # A count is what its link lists.
    facet(page, "类别").get_by_role("link", name="人大代表建议").click()
    page.wait_for_url("**kind=npc_suggestion**")
    assert result_count(page) == facets["kind"]["npc_suggestion"] == len(card_ids(page))

    # Search: the counts of the replies found, under every active filter.
    page.goto(f"{live_server.url}/search/?q=产业&organ=常州市工业和信息化局")
    facet(page, "年份").get_by_role("link", name="2021").click()
    page.wait_for_url("**year=2021**")
    current, facets = shown_facets(page)
    assert current == {"organ": "常州市工业和信息化局", "year": "2021"}
    found = result_count(page)
    expected_total = published().filter(issuing_organ="常州市工业和信息化局", year=2021).count()
    assert found == expected_total == 3, "every 2021 reply of the organ mentions 产业"
    for name, shown in facets.items():
        assert shown == database_counts(current, name), name
        assert sum(shown.values()) <= found or name == "topic", name
    kind = next(value for value in facets["kind"] if value != current.get("kind"))
    facet(page, "类别").locator(f'a[href*="kind={kind}"]').click()
    page.wait_for_url(f"**kind={kind}**")
    assert result_count(page) == facets["kind"][kind] == len(card_ids(page))
