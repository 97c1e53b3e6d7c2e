"""Reading replies from the database, always through what the user may see."""
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from replies.models import Addressee, CitedDocument, Reply, SourceFile, Topic

BROWSE_FILTERS = ("kind", "year", "session", "signer", "topic")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


def reply_visible(*, user) -> QuerySet[Reply]:
    return Reply.objects.visible_to(user)


def reply_list(*, user, filters: dict[str, str] | None = None) -> QuerySet[Reply]:
    replies = reply_visible(user=user).prefetch_related("addressees", "topics")
    for name, value in (filters or {}).items():
        if not value:
            continue
        if name == "topic":
            replies = replies.filter(topics__slug=value)
        elif name == "year":
            replies = replies.filter(year=int(value)) if value.isdigit() else replies.none()
        elif name in ("kind", "session", "signer"):
            replies = replies.filter(**{name: value})
    return replies.newest_first()


def reply_get(*, user, pk: int) -> Reply:
    return (
        reply_visible(user=user)
        .prefetch_related(
            Prefetch("addressees", queryset=Addressee.objects.order_by("position")),
            "topics",
            Prefetch("source_files", queryset=SourceFile.objects.order_by("pk")),
        )
        .get(pk=pk)
    )


def reply_source_file(*, user, reply_pk: int, source_pk: int) -> SourceFile:
    return SourceFile.objects.select_related("reply").get(pk=source_pk, reply__in=reply_visible(user=user), reply_id=reply_pk)


def archive_overview(*, user) -> dict:
    replies = reply_visible(user=user)
    return {
        "total": replies.count(),
        "by_kind": browse_facet(user=user, name="kind"),
        "by_year": browse_facet(user=user, name="year"),
        "latest": list(replies.newest_first().prefetch_related("addressees")[:8]),
    }


def browse_facet(*, user, name: str, limit: int | None = None) -> list[FacetValue]:
    """The values of one browse dimension with how many visible replies carry each."""
    replies = reply_visible(user=user)
    if name == "topic":
        topics = (
            Topic.objects.filter(replies__in=replies).annotate(n=Count("replies")).order_by("-n", "name")
        )
        values = [FacetValue(topic.slug, topic.name, topic.n) for topic in topics]
    else:
        rows = replies.exclude(**{f"{name}__isnull": True}).exclude(**{name: ""} if name != "year" else {})
        rows = rows.values(name).annotate(n=Count("id"))
        rows = rows.order_by(f"-{name}") if name == "year" else rows.order_by("-n", name)
        labels = dict(Reply.Kind.choices) if name == "kind" else {}
        values = [FacetValue(str(row[name]), labels.get(row[name], str(row[name])), row["n"]) for row in rows]
    return values[:limit] if limit else values


def filter_label(name: str, value: str) -> str:
    if name == "kind":
        return dict(Reply.Kind.choices).get(value, value)
    if name == "topic":
        topic = Topic.objects.filter(slug=value).first()
        return topic.name if topic else value
    return value


@dataclass(frozen=True)
class Citation:
    document: CitedDocument
    other_replies: int  # visible replies besides this one that cite the same document


def reply_citations(*, user, reply: Reply) -> list[Citation]:
    """The documents a reply cites, in name order, each with how many other replies cite it."""
    others = reply_visible(user=user).exclude(pk=reply.pk)
    # Filtering by the reply's own link and counting the other links need two separate joins.
    documents = CitedDocument.objects.filter(pk__in=reply.citations.values("pk")).annotate(
        n=Count("replies", filter=Q(replies__in=others), distinct=True)
    ).order_by("kind", "name")
    return [Citation(document, document.n) for document in documents]


def cited_document_list(*, user) -> QuerySet[CitedDocument]:
    """Documents cited by at least one visible reply, most cited first."""
    visible = reply_visible(user=user)
    return (
        CitedDocument.objects.annotate(n=Count("replies", filter=Q(replies__in=visible), distinct=True))
        .filter(n__gt=0)
        .order_by("-n", "name")
    )


def cited_document_get(*, user, pk: int) -> CitedDocument:
    """A cited document the user may know of: one that a visible reply cites."""
    return cited_document_list(user=user).get(pk=pk)


def cited_document_replies(*, user, document: CitedDocument) -> QuerySet[Reply]:
    return reply_visible(user=user).filter(citations=document).prefetch_related("addressees").newest_first()
