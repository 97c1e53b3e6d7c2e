"""Reading replies from the database, always through what the user may see."""
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone

from replies.ingest.extract import HANDLING_CATEGORIES, SATISFACTION_LEVELS, doc_number_key, parse_doc_number
from replies.ingest.sessions import CPPCC, ProposalKey, congress_of, congress_pattern, normalised_name
from replies.models import SORT_DATE, Addressee, CitedDocument, Commitment, PersonMerge, Reply, SourceFile, Topic

BROWSE_FILTERS = ("kind", "year", "session", "signer", "topic", "handling", "satisfaction")
# Browse filters whose parameter is not the Reply field's name (the search's parameters: search.selectors.FILTER_FIELDS).
BROWSE_FIELDS = {"handling": "handling_category"}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


def reply_visible(*, user) -> QuerySet[Reply]:
    """What lists show the user: published replies, or for staff also drafts and new versions waiting."""
    return Reply.objects.visible_to(user).current()


def reply_list(*, user, filters: dict[str, str] | None = None) -> QuerySet[Reply]:
    replies = reply_visible(user=user).prefetch_related("addressees", "topics")
    for name, value in (filters or {}).items():
        if not value:
            continue
        if name == "topic":
            replies = replies.filter(topics__slug=value)
        elif name == "year":
            replies = replies.filter(year=int(value)) if value.isascii() and value.isdigit() else replies.none()
        elif name in ("kind", "session", "signer", "handling", "satisfaction"):
            replies = replies.filter(**{BROWSE_FIELDS.get(name, name): value})
    return replies.newest_first()


def reply_get(*, user, pk: int) -> Reply:
    return (
        Reply.objects.visible_to(user)  # earlier versions too: staff reach them from the reply's page
        .prefetch_related(
            Prefetch("addressees", queryset=Addressee.objects.order_by("position")),
            "topics",
            Prefetch("source_files", queryset=SourceFile.objects.order_by("pk")),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ReplyVersions:
    of: Reply | None  # the reply this row is a version of
    others: list[Reply]  # the reply's own versions: waiting for review, or kept from before


def reply_versions(*, user, reply: Reply) -> ReplyVersions:
    """A reply's other versions, for staff only (the public sees only the published one)."""
    if not (user.is_authenticated and user.is_staff):
        return ReplyVersions(of=None, others=[])
    if reply.version_of_id is not None:
        return ReplyVersions(of=Reply.objects.filter(pk=reply.version_of_id).first(), others=[])
    return ReplyVersions(of=None, others=list(reply.versions.order_by("-created_at")))


def source_is_stored(*, sha256: str) -> bool:
    """Whether these bytes are already the original of a reply (an ingest of them is a duplicate)."""
    return SourceFile.objects.filter(sha256=sha256, reply__isnull=False).exists()


def reply_source_file(*, user, reply_pk: int, source_pk: int) -> SourceFile:
    return SourceFile.objects.select_related("reply").get(
        pk=source_pk, reply__in=Reply.objects.visible_to(user), reply_id=reply_pk
    )


def archive_overview(*, user) -> dict:
    replies = reply_visible(user=user)
    return {
        "total": replies.count(),
        "by_kind": browse_facet(user=user, name="kind"),
        "by_year": browse_facet(user=user, name="year"),
        # 最新收录: what was published last, not what was written last.
        "latest": list(replies.filter(published_at__isnull=False).order_by("-published_at", "-id")
                       .prefetch_related("addressees")[:8]),
    }


def browse_facet(*, user, name: str, limit: int | None = None, filters: dict[str, str] | None = None) -> list[FacetValue]:
    """The values of one browse dimension with how many visible replies carry each, counted under the other
    active filters (so that each count is what its link will list); values that would list nothing are left out."""
    others = {other: value for other, value in (filters or {}).items() if other != name}
    replies = reply_list(user=user, filters=others).order_by()
    if name == "topic":
        topics = (
            Topic.objects.annotate(n=Count("replies", filter=Q(replies__in=replies.values("pk")), distinct=True))
            .filter(n__gt=0)
            .order_by("-n", "name")
        )
        values = [FacetValue(topic.slug, topic.name, topic.n) for topic in topics]
    else:
        field = BROWSE_FIELDS.get(name, name)
        rows = replies.exclude(**{f"{field}__isnull": True}).exclude(**{field: ""} if field != "year" else {})
        rows = rows.values(field).annotate(n=Count("id", distinct=True)).filter(n__gt=0)
        if field == "year":
            rows = rows.order_by("-year")
        elif name in ("handling", "satisfaction"):  # A, B, C and 满意, 基本满意, 不满意 in their own order
            rows = sorted(rows, key=lambda row: facet_order(name, row[field]))
        else:
            rows = rows.order_by("-n", field)
        values = [FacetValue(str(row[field]), facet_label(name, str(row[field])), row["n"]) for row in rows]
    return values[:limit] if limit else values


def facet_order(name: str, value: str) -> tuple[int, str]:
    """Where a value stands in its facet when the values have an order of their own (办理类别, 满意度)."""
    order = SATISFACTION_LEVELS if name == "satisfaction" else HANDLING_CATEGORIES if name == "handling" else ()
    return (order.index(value) if value in order else len(order), value)


def facet_label(name: str, value: str) -> str:
    """A facet value as a list of values shows it (the chip of an active filter says which dimension it is)."""
    if name == "kind":
        return dict(Reply.Kind.choices).get(value, value)
    if name == "handling":
        return f"{value} 类"
    return value


def filter_label(name: str, value: str) -> str:
    if name == "kind":
        return dict(Reply.Kind.choices).get(value, value)
    if name == "topic":
        topic = Topic.objects.filter(slug=value).first()
        return topic.name if topic else value
    if name == "handling":
        return f"办理类别 {value} 类"
    if name == "satisfaction":
        return f"满意度：{value}"
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


# --- published replies for whoever asks: feeds, the sitemap, the archive download ----------------------------


def reply_public_list(*, filters: dict[str, str] | None = None) -> QuerySet[Reply]:
    """Published replies only, newest first, whoever asks: feeds, sitemaps and downloads are public and cached."""
    return reply_list(user=AnonymousUser(), filters=filters)


def topic_public_list() -> QuerySet[Topic]:
    """Topics with at least one published reply, by slug."""
    return Topic.objects.filter(replies__in=reply_public_list().prefetch_related(None)).distinct().order_by("slug")


def reply_in_order(*, user, ids: list[int]) -> list[Reply]:
    """The visible replies with these ids, in the order given (search results' order); others are left out."""
    replies = reply_visible(user=user).filter(pk__in=ids).prefetch_related("addressees", "topics", "source_files")
    by_id = {reply.pk: reply for reply in replies}
    return [by_id[pk] for pk in ids if pk in by_id]


def signer_has_replies(*, user, signer: str) -> bool:
    return bool(signer) and reply_visible(user=user).filter(signer=signer).exists()


# --- permalinks by doc number ---------------------------------------------------------------------------------


def reply_by_doc_number(*, user, doc_number: str) -> Reply:
    """The visible reply with this doc number, printed in any bracket style (常工信复〔2021〕第22号, 常工信复[2021]22号).

    A number printed without its issuer (〔2021〕22号) finds the reply only when it is the one such number.
    Raises Reply.DoesNotExist.
    """
    parsed = parse_doc_number(doc_number)
    if parsed is None:
        raise Reply.DoesNotExist(doc_number)
    if parsed.issuer:
        return reply_by_doc_number_parts(user=user, issuer=parsed.issuer, year=parsed.year, serial=parsed.serial)
    serial_key = doc_number_key("", parsed.year, parsed.serial)
    candidates = [
        reply for reply in reply_visible(user=user).main_versions().filter(doc_year=parsed.year).exclude(doc_number_key="")
        if doc_number_key("", reply.doc_year, reply.doc_serial) == serial_key
    ]
    if len(candidates) != 1:
        raise Reply.DoesNotExist(doc_number)
    return candidates[0]


def reply_by_doc_number_parts(*, user, issuer: str, year: int, serial: str) -> Reply:
    """The visible reply whose doc number is issuer〔year〕serial号. Raises Reply.DoesNotExist."""
    serial = serial.strip().removeprefix("第").removesuffix("号")
    if not issuer.strip() or not serial.isdigit():
        raise Reply.DoesNotExist(f"{issuer}|{year}|{serial}")
    return reply_visible(user=user).main_versions().get(doc_number_key=doc_number_key(issuer.strip(), year, serial))


# --- statistics -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearKindCounts:
    year: int | None  # None: replies with no known year
    counts: dict[str, int]  # every kind → its number of replies that year

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MonthCount:
    month: int  # 1 … 12
    count: int

    @property
    def label(self) -> str:
        return f"{self.month}月"


@dataclass(frozen=True)
class LevelCounts:
    """One organ's or one year's replies per 办理类别 (A, B, C) or per 满意度: those that print one."""

    value: str  # the organ or the year as a filter gives it; "" when the replies name none
    label: str
    counts: dict[str, int]  # every level → its number of replies, in the levels' order

    @property
    def total(self) -> int:
        return sum(self.counts.values())


UNKNOWN_ORGAN = "未注明发布机构"
UNKNOWN_YEAR = "未注明年份"


@dataclass(frozen=True)
class ArchiveStatistics:
    total: int
    includes_drafts: bool
    kinds: list[tuple[str, str]]  # (value, label) of every kind, in the order of Reply.Kind
    by_year_and_kind: list[YearKindCounts]  # oldest year first, the unknown year last
    by_session: list[FacetValue]  # most replies first; replies without a session are not counted here
    by_topic: list[FacetValue]
    by_signer: list[FacetValue]
    by_organ: list[FacetValue]  # per 发布机构, most first; replies without one are not counted here
    by_month: list[MonthCount]  # per month of the 成文日期, every year together, January first
    # 办理类别 and 满意度 per 发布机构 (most first) and per year (oldest first, the unknown year last); only the
    # replies that print one are counted, and an organ or year none of whose replies does is left out.
    handling_categories: tuple[str, ...] = HANDLING_CATEGORIES
    satisfaction_levels: tuple[str, ...] = SATISFACTION_LEVELS
    handling_by_organ: list[LevelCounts] = ()
    handling_by_year: list[LevelCounts] = ()
    satisfaction_by_organ: list[LevelCounts] = ()
    satisfaction_by_year: list[LevelCounts] = ()

    @property
    def undated(self) -> YearKindCounts | None:
        """The replies with no known year, counted apart from the year axis."""
        return next((row for row in self.by_year_and_kind if row.year is None), None)

    @property
    def dated_by_month(self) -> int:
        """How many replies carry a full 成文日期 (those counted per month)."""
        return sum(month.count for month in self.by_month)


def archive_statistics(*, user) -> ArchiveStatistics:
    """How many replies the user may see, per year and kind, per session, topic, signer and 发布机构, and per month
    of writing (replies dated by year only or not at all are left out of the months)."""
    replies = reply_visible(user=user)
    kinds = list(Reply.Kind.choices)
    per_year: dict[int | None, dict[str, int]] = {}
    for row in replies.order_by().values("year", "kind").annotate(n=Count("id")):
        per_year.setdefault(row["year"], dict.fromkeys(Reply.Kind.values, 0))[row["kind"]] = row["n"]
    years = sorted(per_year, key=lambda year: (year is None, year or 0))
    per_month = dict(replies.filter(date__isnull=False).order_by().annotate(month=ExtractMonth("date"))
                     .values_list("month").annotate(n=Count("id")))
    return ArchiveStatistics(
        total=replies.count(),
        includes_drafts=bool(user.is_authenticated and user.is_staff),
        kinds=kinds,
        by_year_and_kind=[YearKindCounts(year, per_year[year]) for year in years],
        by_session=browse_facet(user=user, name="session"),
        by_topic=browse_facet(user=user, name="topic"),
        by_signer=browse_facet(user=user, name="signer"),
        by_organ=[FacetValue(row["issuing_organ"], row["issuing_organ"], row["n"]) for row in
                  replies.exclude(issuing_organ="").order_by().values("issuing_organ").annotate(n=Count("id"))
                  .order_by("-n", "issuing_organ")],
        by_month=[MonthCount(month, per_month.get(month, 0)) for month in range(1, 13)],
        handling_by_organ=_level_counts(replies, group="issuing_organ", field="handling_category", levels=HANDLING_CATEGORIES),
        handling_by_year=_level_counts(replies, group="year", field="handling_category", levels=HANDLING_CATEGORIES),
        satisfaction_by_organ=_level_counts(replies, group="issuing_organ", field="satisfaction", levels=SATISFACTION_LEVELS),
        satisfaction_by_year=_level_counts(replies, group="year", field="satisfaction", levels=SATISFACTION_LEVELS),
    )


def _level_counts(replies: QuerySet[Reply], *, group: str, field: str, levels: tuple[str, ...]) -> list[LevelCounts]:
    """The replies per `group` (issuing_organ or year) and per level of `field` (办理类别 or 满意度), in one query."""
    per_group: dict = {}
    rows = replies.filter(**{f"{field}__in": levels}).order_by().values(group, field).annotate(n=Count("id"))
    for row in rows:
        per_group.setdefault(row[group], dict.fromkeys(levels, 0))[row[field]] = row["n"]
    if group == "year":
        keys = sorted(per_group, key=lambda year: (year is None, year or 0))
        unknown = UNKNOWN_YEAR
    else:
        keys = sorted(per_group, key=lambda organ: (organ == "", -sum(per_group[organ].values()), organ))
        unknown = UNKNOWN_ORGAN
    return [LevelCounts("" if key in (None, "") else str(key), unknown if key in (None, "") else str(key), per_group[key])
            for key in keys]


# --- proposals: every reply to one proposal together ---------------------------------------------------------

ROLE_ORDER = {"主办": 0, "会办": 1, "协办": 2}


@dataclass(frozen=True)
class Proposal:
    key: ProposalKey
    session: str  # as the replies print it (the longest printing)
    title: str  # the proposal's title, as the replies print it
    addressees: list[str]  # every delegate or member the replies answer, in the order first met
    replies: list[Reply]  # lead unit first, then co-handlers, then by date

    @property
    def kind_label(self) -> str:
        return "政协提案" if self.key.body == CPPCC else "人大代表建议"

    def get_absolute_url(self) -> str:
        return proposal_url(self.key)


def proposal_url(key: ProposalKey) -> str:
    return reverse("replies:proposal_detail", args=[key.session, key.body, key.number])


def reply_proposal_key(reply: Reply) -> ProposalKey | None:
    if not reply.proposal_group:
        return None
    session, body, number = reply.proposal_group.split("/")
    return ProposalKey(session=session, body=body, number=number)


def proposal_get(*, user, session: str, body: str, number: str) -> Proposal:
    """Every visible reply to one proposal; Reply.DoesNotExist when the user may see none."""
    key = ProposalKey(session=session, body=body, number=number)
    replies = list(
        reply_visible(user=user).main_versions().filter(proposal_group=str(key))
        .prefetch_related(Prefetch("addressees", queryset=Addressee.objects.order_by("position")), "topics")
        .newest_first()
    )
    if not replies:
        raise Reply.DoesNotExist(str(key))
    replies.sort(key=lambda reply: ROLE_ORDER.get(reply.handling_role, len(ROLE_ORDER)))
    names = list(dict.fromkeys(person.name for reply in replies for person in reply.addressees.all()))
    return Proposal(
        key=key,
        session=max((reply.session for reply in replies), key=len),
        title=next((reply.proposal_title for reply in replies if reply.proposal_title), ""),
        addressees=names,
        replies=replies,
    )


def proposal_list(*, user) -> QuerySet:
    """One row per proposal with visible replies: its key, how many replies, the latest reply's date."""
    return (
        reply_visible(user=user).main_versions().exclude(proposal_group="")
        .values("proposal_group")
        .annotate(replies=Count("id"), latest=Max(SORT_DATE), proposal_title=Max("proposal_title"))
        .order_by("-latest", "proposal_group")
    )



# --- people: what a delegate or member asked, and what was answered -------------------------------------------

@dataclass(frozen=True)
class PersonProposal:
    proposal: Proposal
    session_key: str


@dataclass(frozen=True)
class Person:
    name: str
    congress: str  # "常州市"
    body: str  # "npc" or "cppcc"
    merged_from: list[str]  # other places an admin decided are the same person
    proposals: list[Proposal]  # newest session first
    topics: list[str]  # most frequent first
    categories: dict[str, int]  # 办理类别 → how many replies

    @property
    def role_label(self) -> str:
        return "委员" if self.body == CPPCC else "代表"

    def get_absolute_url(self) -> str:
        return person_url(self.congress, self.body, self.name)


def person_url(congress: str, body: str, name: str) -> str:
    return reverse("replies:person_detail", args=[congress, body, name])


def person_links(names: list[str], key: ProposalKey) -> list[tuple[str, str]]:
    """Each name with the address of its page in the proposal's congress."""
    congress, body = congress_of(str(key)) or ("", key.body)
    return [(name, person_url(congress, body, normalised_name(name)) if congress else "") for name in names]


def person_get(*, user, congress: str, body: str, name: str) -> Person:
    """Every visible reply to a proposal `name` made or co-signed in this congress (and in the congresses an admin
    merged into it); Reply.DoesNotExist when there is none."""
    merged = list(PersonMerge.objects.filter(name=name, body=body, into_congress=congress)
                  .values_list("congress", flat=True))
    in_congress = Q()
    for place in (congress, *merged):
        in_congress |= Q(proposal_group__regex=congress_pattern(place, body))
    replies = (reply_visible(user=user).main_versions().filter(in_congress)
               .filter(addressees__name__in=_printed_names(name)).distinct())
    groups = list(dict.fromkeys(replies.newest_first().values_list("proposal_group", flat=True)))
    proposals = []
    for group in groups:
        session, group_body, number = group.split("/")
        try:
            proposal = proposal_get(user=user, session=session, body=group_body, number=number)
        except Reply.DoesNotExist:
            continue
        if name in {normalised_name(person) for person in proposal.addressees}:
            proposals.append(proposal)
    if not proposals:
        raise Reply.DoesNotExist(name)
    topic_counts: dict[str, int] = {}
    categories: dict[str, int] = {}
    for proposal in proposals:
        for reply in proposal.replies:
            for topic in reply.topics.all():
                topic_counts[topic.name] = topic_counts.get(topic.name, 0) + 1
            if reply.handling_category:
                categories[reply.handling_category] = categories.get(reply.handling_category, 0) + 1
    return Person(
        name=name, congress=congress, body=body, merged_from=merged, proposals=proposals,
        topics=sorted(topic_counts, key=lambda topic: (-topic_counts[topic], topic)),
        categories=dict(sorted(categories.items())),
    )


def _printed_names(name: str) -> list[str]:
    """The ways a normalised name is stored on addressees (names are stored as the extractor cleaned them)."""
    return [name, f"{name}代表", f"{name}委员"]



# --- commitments (承诺跟踪) ----------------------------------------------------------------------------------------

COMMITMENT_STATUS_FILTERS = {"open": "未完成", "done": "已完成", "overdue": "已逾期"}


def commitments_visible(*, user) -> QuerySet[Commitment]:
    """Staff see every commitment of the current replies; anyone else those of published replies, and only when
    the PUBLIC_COMMITMENTS setting allows it."""
    if not (user.is_authenticated and user.is_staff) and not settings.PUBLIC_COMMITMENTS:
        return Commitment.objects.none()
    return Commitment.objects.filter(reply__in=reply_visible(user=user).main_versions())


def commitment_list(*, user, organ: str = "", status: str = "") -> QuerySet[Commitment]:
    """By organ, then deadline (undated last), then place in the reply; status open, done or overdue."""
    commitments = commitments_visible(user=user).select_related("reply", "updated_by")
    if organ:
        commitments = commitments.filter(reply__issuing_organ=organ)
    if status == "overdue":
        commitments = commitments.filter(status=Commitment.Status.OPEN, deadline__lt=timezone.localdate())
    elif status in Commitment.Status.values:
        commitments = commitments.filter(status=status)
    elif status:
        commitments = commitments.none()
    return commitments.order_by("reply__issuing_organ", F("deadline").asc(nulls_last=True), "reply_id",
                                "start")


def commitment_organs(*, user) -> list[str]:
    """The organs whose replies make commitments the user may see."""
    return list(commitments_visible(user=user).exclude(reply__issuing_organ="")
                .values_list("reply__issuing_organ", flat=True).distinct().order_by("reply__issuing_organ"))


def reply_commitments(*, user, reply: Reply) -> list[Commitment]:
    """A reply's commitments for its page: staff always; the public for a published reply when allowed."""
    if not (user.is_authenticated and user.is_staff) and not (settings.PUBLIC_COMMITMENTS and reply.is_published):
        return []
    return list(reply.commitments.order_by("start"))
