from django import template

from replies.reading import short_title as _short_title

register = template.Library()


@register.filter
def short_title(title: str) -> str:
    """A title fit for a heading: a first paragraph taken for a title is cut after its first sentence."""
    return _short_title(title)
