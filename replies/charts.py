"""Bar charts as inline SVG, drawn on the server: no JavaScript, no fonts or scripts from elsewhere.

:func:`bar_chart_svg` draws one horizontal bar per row, stacked when a row has several series
(replies of each kind in a year). Labels are escaped here; the result is markup this module
built itself, so it is returned as a SafeString. Every chart on a page stands beside a table
with the same numbers, which is what screen readers and copy-and-paste use.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from replies.selectors import ArchiveStatistics

FONT_SIZE = 14
ROW_HEIGHT = 28
BAR_HEIGHT = 18
BAR_AREA_WIDTH = 320
MAX_LABEL_EMS = 12
GAP = 8
PADDING = 4
LEGEND_HEIGHT = 26
# Darker than 3:1 against white (WCAG non-text contrast), and told apart by the legend's words too.
PALETTE = ("#a4161a", "#0b5cad", "#57606a", "#1a7f37", "#8250df", "#9a6700")


@dataclass(frozen=True)
class ChartRow:
    label: str
    values: tuple[int, ...]  # one per series
    href: str = ""

    @property
    def total(self) -> int:
        return sum(self.values)


def text_width(text: str, *, font_size: int = FONT_SIZE) -> float:
    """Approximate width of text: CJK and other wide characters take 1 em, the rest 0.6 em."""
    return sum(font_size if unicodedata.east_asian_width(c) in "WF" else font_size * 0.6 for c in text)


def fit_label(text: str, *, max_width: float) -> str:
    """The label, cut with "…" when it is wider than max_width."""
    if text_width(text) <= max_width:
        return text
    while text and text_width(text + "…") > max_width:
        text = text[:-1]
    return text + "…"


def bar_chart_svg(rows: list[ChartRow], *, title: str, chart_id: str, series: tuple[str, ...] = ("数量",),
                  empty_text: str = "暂无数据") -> SafeString:
    """A horizontal bar chart; the bars of a row are stacked, one segment per series, in the palette's colours."""
    label_width = min(max((text_width(row.label) for row in rows), default=0), MAX_LABEL_EMS * FONT_SIZE)
    value_width = text_width(str(max((row.total for row in rows), default=0))) + GAP
    legend = len(series) > 1
    top = PADDING + (LEGEND_HEIGHT if legend else 0)
    width = round(PADDING + label_width + GAP + BAR_AREA_WIDTH + GAP + value_width + PADDING)
    height = top + max(len(rows), 1) * ROW_HEIGHT + PADDING
    scale = BAR_AREA_WIDTH / max((row.total for row in rows), default=0) if any(row.total for row in rows) else 0
    bar_x = PADDING + label_width + GAP

    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}"'
         f' width="{width}" height="{height}" role="img" aria-labelledby="{escape(chart_id)}-title"'
         f' font-size="{FONT_SIZE}">'),
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    if legend:
        x = PADDING
        for index, name in enumerate(series):
            colour = PALETTE[index % len(PALETTE)]
            parts.append(f'<rect class="legend-swatch" x="{x}" y="{PADDING + 4}" width="14" height="14" fill="{colour}"/>')
            parts.append(f'<text class="legend" x="{x + 20}" y="{PADDING + 16}">{escape(name)}</text>')
            x += 20 + text_width(name) + 2 * GAP
    if not rows:
        parts.append(f'<text class="empty" x="{PADDING}" y="{top + 19}">{escape(empty_text)}</text>')
    for index, row in enumerate(rows):
        y = top + index * ROW_HEIGHT
        bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        values = ",".join(str(value) for value in row.values)
        parts.append(f'<g class="chart-row" data-label="{escape(row.label)}" data-values="{values}"'
                     f' data-total="{row.total}">')
        parts.append(f"<title>{escape(_row_description(row, series))}</title>")
        parts.append(f'<text class="label" x="{PADDING + label_width}" y="{y + 19}" text-anchor="end">'
                     f"{escape(fit_label(row.label, max_width=label_width))}</text>")
        x = bar_x
        for series_index, value in enumerate(row.values):
            if value <= 0:
                continue
            length = round(value * scale, 2)
            colour = PALETTE[series_index % len(PALETTE)]
            parts.append(f'<rect class="bar" x="{round(x, 2)}" y="{bar_y}" width="{length}" height="{BAR_HEIGHT}"'
                         f' fill="{colour}" data-series="{escape(series[series_index])}" data-value="{value}"/>')
            x += length
        parts.append(f'<text class="value" x="{round(x + GAP, 2)}" y="{y + 19}">{row.total}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text in it went through escape()


def _row_description(row: ChartRow, series: tuple[str, ...]) -> str:
    if len(series) == 1:
        return f"{row.label}：{row.total}"
    details = "，".join(f"{name} {value}" for name, value in zip(series, row.values))
    return f"{row.label}：共 {row.total}（{details}）"


CHART_MAX_ROWS = 20  # the tables beside the charts list every row


def archive_statistics_charts(statistics: ArchiveStatistics) -> dict[str, SafeString]:
    """The statistics page's charts, keyed like replies.selectors.ArchiveStatistics' lists. Replies without a
    year are left off the year chart: counted apart, they would dwarf every year."""
    kind_labels = tuple(label for _, label in statistics.kinds)
    kind_values = [value for value, _ in statistics.kinds]
    year_rows = [
        ChartRow(str(row.year), tuple(row.counts[kind] for kind in kind_values))
        for row in statistics.by_year_and_kind if row.year is not None
    ]
    charts = {
        "by_year_and_kind": bar_chart_svg(year_rows, title="每年答复数量（按类别，不含未注明年份的）",
                                          chart_id="chart-by-year", series=kind_labels),
    }
    for name, title in (("by_session", "各届次答复数量"), ("by_topic", "各主题答复数量"), ("by_signer", "各签发人签发数量")):
        values = getattr(statistics, name)[:CHART_MAX_ROWS]
        rows = [ChartRow(value.label, (value.count,)) for value in values]
        charts[name] = bar_chart_svg(rows, title=title, chart_id=f"chart-{name.replace('_', '-')}")
    charts["by_organ"] = bar_chart_svg(
        [ChartRow(value.label, (value.count,)) for value in statistics.by_organ[:CHART_MAX_ROWS]],
        title="各发布机构答复数量", chart_id="chart-by-organ")
    for name, title, levels in (
        ("handling_by_year", "每年答复的办理类别（注明类别的）", statistics.handling_categories),
        ("satisfaction_by_year", "每年答复的满意度（注明满意度的）", statistics.satisfaction_levels),
    ):
        rows = [ChartRow(row.label, tuple(row.counts[level] for level in levels)) for row in getattr(statistics, name)]
        series = tuple(f"{level} 类" for level in levels) if name == "handling_by_year" else levels
        charts[name] = bar_chart_svg(rows, title=title, chart_id=f"chart-{name.replace('_', '-')}", series=series)
    charts["by_month"] = bar_chart_svg([ChartRow(month.label, (month.count,)) for month in statistics.by_month],
                                       title="各月份成文的答复数量（所有年份合计）", chart_id="chart-by-month")
    return charts
