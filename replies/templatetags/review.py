from django import template

from replies.review import review_inbox_count

register = template.Library()


@register.simple_tag
def drafts_waiting() -> int:
    """How many drafts wait in the review inbox (for the admin's home page)."""
    return review_inbox_count()
