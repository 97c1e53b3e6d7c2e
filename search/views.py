from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from replies.ingest.extract import SATISFACTION_LEVELS
from replies.selectors import filter_label
from search.forms import search_params_from_query
from search.selectors import (
    FILTER_FIELDS,
    SCOPE_CHOICES,
    SORT_CHOICES,
    labelled_facets,
    reply_search,
)

RESULTS_PER_PAGE = 10


@require_safe
def search(request):
    params = search_params_from_query(request.GET)
    results = reply_search(params=params, include_drafts=request.user.is_staff, page_size=RESULTS_PER_PAGE)
    page = Paginator(results, RESULTS_PER_PAGE, orphans=3).get_page(request.GET.get("page"))
    context = {
        "params": params,
        "page": page,
        "results": results,
        "facets": labelled_facets(results.facets),
        "truncated": results.parsed.truncated,
        "suggestion": results.suggestion,
        "sort": results.sort,
        "sort_choices": SORT_CHOICES,
        "scope_choices": SCOPE_CHOICES,
        "satisfaction_levels": SATISFACTION_LEVELS,
        "active_filters": _active_filters(params),
    }
    return render(request, "search/search.html", context)


def _active_filters(params) -> list[tuple[str, str, str]]:
    """(parameter, value, label) of each filter in force, for the chips that take one away."""
    chips = [(name, value, filter_label(name, value)) for name in FILTER_FIELDS if (value := getattr(params, name))]
    if params.date_from:
        chips.append(("date_from", params.date_from, f"成文日期自 {params.date_from}"))
    if params.date_to:
        chips.append(("date_to", params.date_to, f"成文日期至 {params.date_to}"))
    if params.scope and params.scope in SCOPE_CHOICES:
        chips.append(("scope", params.scope, f"只检索{SCOPE_CHOICES[params.scope]}"))
    return chips
