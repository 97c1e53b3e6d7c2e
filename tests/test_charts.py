import re
import xml.etree.ElementTree as ET

from replies.charts import ChartRow, bar_chart_svg, fit_label, text_width

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def test_one_bar_per_row_with_lengths_in_proportion():
    rows = [ChartRow("张志强", (4,)), ChartRow("李四", (2,)), ChartRow("王五", (1,))]
    root = parse(bar_chart_svg(rows, title="各签发人签发数量", chart_id="signers"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "各签发人签发数量"
    assert root.get("aria-labelledby") == "signers-title" and root.find(f"{SVG}title").get("id") == "signers-title"
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    widths = [float(bar.get("width")) for bar in bars]
    assert len(bars) == 3
    assert widths[0] == 2 * widths[1] == 4 * widths[2]
    assert [group.get("data-total") for group in root.findall(f"{SVG}g")] == ["4", "2", "1"]
    assert [text.text for text in root.findall(f".//{SVG}text[@class='value']")] == ["4", "2", "1"]
    # Everything fits inside the viewBox.
    view_width = float(root.get("viewBox").split()[2])
    assert all(float(bar.get("x")) + float(bar.get("width")) < view_width for bar in bars)


def test_stacked_rows_have_one_segment_per_nonzero_series_and_a_legend():
    rows = [ChartRow("2021", (2, 1, 1)), ChartRow("2022", (0, 0, 1))]
    root = parse(bar_chart_svg(rows, title="每年", chart_id="years", series=("建议", "提案", "其他")))
    first, second = root.findall(f"{SVG}g")
    assert [bar.get("data-value") for bar in first.findall(f"{SVG}rect")] == ["2", "1", "1"]
    assert [bar.get("data-series") for bar in second.findall(f"{SVG}rect")] == ["其他"]
    assert first.get("data-values") == "2,1,1" and first.find(f"{SVG}title").text == "2021：共 4（建议 2，提案 1，其他 1）"
    assert [text.text for text in root.findall(f"{SVG}text[@class='legend']")] == ["建议", "提案", "其他"]
    # Segments are laid end to end.
    segments = first.findall(f"{SVG}rect")
    assert float(segments[1].get("x")) == float(segments[0].get("x")) + float(segments[0].get("width"))


def test_labels_are_escaped_and_long_ones_cut():
    label = "<script>alert(1)</script>" + "很长的届次名称" * 5
    svg = bar_chart_svg([ChartRow(label, (3,))], title="a & b", chart_id="x")
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    shown = root.find(f".//{SVG}text[@class='label']").text
    assert shown.endswith("…") and text_width(shown) <= 12 * 14
    assert root.find(f"{SVG}g").get("data-label") == label  # the full label is kept for the reader


def test_empty_chart_says_so():
    root = parse(bar_chart_svg([], title="无", chart_id="none"))
    assert root.find(f"{SVG}text[@class='empty']").text == "暂无数据"
    assert root.findall(f".//{SVG}rect") == []


def test_zero_values_draw_no_bar():
    root = parse(bar_chart_svg([ChartRow("甲", (0,))], title="零", chart_id="zero"))
    assert root.findall(f".//{SVG}rect") == [] and root.find(f".//{SVG}text[@class='value']").text == "0"


def test_text_width_counts_wide_characters_as_one_em():
    assert text_width("答复") == 28 and text_width("ab") == 2 * 14 * 0.6
    assert fit_label("短", max_width=100) == "短"
    assert fit_label("一二三四五六", max_width=56) == "一二三…"


def test_handling_category_and_satisfaction_counted_per_organ_and_year(client, seeds):
    """/stats/ and /api/stats/ (one selector) count 办理类别 and 满意度 per 发布机构 and per year; a count links to
    the replies it counts, a 0 is never a link."""
    from replies.models import Reply

    marks = {"000": ("A", "满意"), "002": ("B", "基本满意"), "003": ("A", "")}
    for prefix, (category, satisfaction) in marks.items():
        Reply.objects.filter(pk=seeds[prefix].pk).update(handling_category=category, satisfaction=satisfaction)
    replies = Reply.objects.published()
    data = client.get("/api/stats/").json()
    assert data["handling_categories"] == ["A", "B", "C"] and data["satisfaction_levels"] == ["满意", "基本满意", "不满意"]
    for field, name, levels in (("handling_category", "handling", data["handling_categories"]),
                                ("satisfaction", "satisfaction", data["satisfaction_levels"])):
        marked = replies.exclude(**{field: ""})
        by_organ = {row["value"]: row["counts"] for row in data[f"{name}_by_organ"]}
        assert by_organ == {organ: {level: marked.filter(issuing_organ=organ, **{field: level}).count() for level in levels}
                            for organ in set(marked.values_list("issuing_organ", flat=True))}, name
        by_year = {row["value"]: row["counts"] for row in data[f"{name}_by_year"]}
        assert by_year == {str(year or ""): {level: marked.filter(year=year, **{field: level}).count() for level in levels}
                           for year in set(marked.values_list("year", flat=True))}, name
        for row in data[f"{name}_by_organ"] + data[f"{name}_by_year"]:
            assert row["total"] == sum(row["counts"].values())
    assert sum(row["total"] for row in data["handling_by_year"]) == 3
    assert sum(row["total"] for row in data["satisfaction_by_organ"]) == 2

    page = client.get("/stats/").content.decode()
    assert "按办理类别" in page and "按满意度" in page
    table = page.split('data-stats="handling_by_organ"', 1)[1].split("</table>", 1)[0]
    organ = seeds["000"].issuing_organ
    count_a = replies.filter(issuing_organ=organ, handling_category="A").count()
    assert re.search(rf'<td data-level="A"><a href="/search/\?organ=[^"]+&amp;handling=A">{count_a}</a></td>', table)
    assert '<td data-level="C">0</td>' in table, "a 0 is not a link"
    year_table = page.split('data-stats="satisfaction_by_year"', 1)[1].split("</table>", 1)[0]
    year = seeds["000"].year
    assert f'href="/replies/?year={year}&amp;satisfaction=%E6%BB%A1%E6%84%8F"' in year_table
    assert 'id="chart-handling-by-year"' in page and 'id="chart-satisfaction-by-year"' in page
