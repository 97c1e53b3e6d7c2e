"""A minimal search view, as the haystack tutorial has it: filter(content=q).highlight(), paginated."""
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from haystack.query import SearchQuerySet

RESULTS_PER_PAGE = 10


def _page(request):
    query = request.GET.get("q", "").strip()
    results = SearchQuerySet().filter(content=query).highlight() if query else SearchQuerySet().none()
    return query, Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))


def search(request):
    query, page = _page(request)
    return render(request, "baseline/search.html", {"query": query, "page": page})


def search_api(request):
    _, page = _page(request)
    return JsonResponse({
        "count": page.paginator.count,
        "results": [
            {"id": int(result.pk), "title": result.title, "highlighted": (result.highlighted or {}).get("text", [])}
            for result in page.object_list
        ],
    }, json_dumps_params={"ensure_ascii": False})
