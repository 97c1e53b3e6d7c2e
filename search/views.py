from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from replies.selectors import filter_label
from search.forms import search_params_from_query
from search.selectors import (
    FILTER_FIELDS,
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
        "active_filters": [
            (name, getattr(params, name), filter_label(name, getattr(params, name)))
            for name in FILTER_FIELDS if getattr(params, name)
        ],
    }
    return render(request, "search/search.html", context)
