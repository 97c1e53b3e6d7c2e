"""GET /api/stats/: the statistics page's numbers as JSON, from the same selector (published replies for the public,
all for staff)."""
from rest_framework.response import Response
from rest_framework.views import APIView

from replies.selectors import ArchiveStatistics, FacetValue, LevelCounts, archive_statistics


def _values(values: list[FacetValue]) -> list[dict]:
    return [{"value": value.value, "label": value.label, "count": value.count} for value in values]


def _levels(rows: list[LevelCounts]) -> list[dict]:
    return [{"value": row.value, "label": row.label, "counts": row.counts, "total": row.total} for row in rows]


def statistics_data(statistics: ArchiveStatistics) -> dict:
    return {
        "total": statistics.total,
        "includes_drafts": statistics.includes_drafts,
        "kinds": [{"value": value, "label": label} for value, label in statistics.kinds],
        "by_year_and_kind": [
            {"year": row.year, "counts": row.counts, "total": row.total} for row in statistics.by_year_and_kind
        ],
        "by_session": _values(statistics.by_session),
        "by_topic": _values(statistics.by_topic),
        "by_signer": _values(statistics.by_signer),
        "by_organ": _values(statistics.by_organ),
        "by_month": [{"month": month.month, "label": month.label, "count": month.count} for month in statistics.by_month],
        # Replies with no known year are in by_year_and_kind as year null; these are their numbers.
        "undated": statistics.undated.total if statistics.undated else 0,
        # 办理类别 and 满意度 per 发布机构 and per year, counting the replies that print one ("value" is "" for the
        # replies that name no organ or no year).
        "handling_categories": list(statistics.handling_categories),
        "satisfaction_levels": list(statistics.satisfaction_levels),
        "handling_by_organ": _levels(statistics.handling_by_organ),
        "handling_by_year": _levels(statistics.handling_by_year),
        "satisfaction_by_organ": _levels(statistics.satisfaction_by_organ),
        "satisfaction_by_year": _levels(statistics.satisfaction_by_year),
    }


class StatisticsAPI(APIView):
    def get(self, request):
        return Response(statistics_data(archive_statistics(user=request.user)))
