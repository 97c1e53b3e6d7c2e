"""The Excel export: every cell text (0287 stays 0287), the same rows in the same order as the page."""
import io

from django.urls import reverse
from openpyxl import load_workbook

from search.selectors import SearchParams, reply_search


def test_the_xlsx_export_keeps_numbers_as_printed_and_the_pages_order(client, seeds, settings):
    settings.RATELIMIT_ENABLE = False
    response = client.get(reverse("replies:search_export_xlsx"), {"q": "产业", "sort": "newest"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    for column in ("文号", "建议/提案号", "索引号", "主题分类", "办理类别", "成文日期", "链接"):
        assert column in header, column
    number = header.index("建议/提案号")
    by_id = {int(row[0]): row for row in rows[1:]}
    assert by_id[seeds["001"].pk][number] == "0287"
    cell = next(cell for cell in sheet.iter_rows(min_row=2) if int(cell[0].value) == seeds["001"].pk)[number]
    assert cell.data_type == "s" and cell.number_format == "@"
    page = reply_search(params=SearchParams(q="产业", sort="newest"))
    assert [int(row[0]) for row in rows[1:]] == [hit.reply_id for hit in page[0:page.count()]]
    assert response["X-Total-Count"] == str(page.count())
