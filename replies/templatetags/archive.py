from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def filter_url(context, name: str, value: str = "") -> str:
    """This page's query string with one filter set (or removed when value is empty), page reset."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if value:
        query[name] = value
    else:
        query.pop(name, None)
    return "?" + urlencode(sorted(query.lists()), doseq=True)


@register.filter
def highlight(text: str, terms: list[str]):
    from search.highlight import highlight_text

    return highlight_text(text, terms)
