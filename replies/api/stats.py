"""GET /api/stats/: the statistics page's numbers as JSON, from the same selector (published replies for the public,
all for staff)."""
from rest_framework.response import Response
from rest_framework.views import APIView

from replies.selectors import ArchiveStatistics, FacetValue, archive_statistics


def _values(values: list[FacetValue]) -> list[dict]:
    return [{"value": value.value, "label": value.label, "count": value.count} for value in values]


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
    }


class StatisticsAPI(APIView):
    def get(self, request):
        return Response(statistics_data(archive_statistics(user=request.user)))
