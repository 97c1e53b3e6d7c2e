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
