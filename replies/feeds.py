"""Atom feeds of published replies: the latest, any search, one topic, one signer, one proposal.

Feeds are public and read by feed readers that never sign in, so they hold published replies
only, whoever asks. The search feed takes the search page's query string (q, kind, year,
session, signer, topic, organ, sort) and lists the newest matching replies unless sort says
otherwise.

Every feed is Atom written by ArchiveAtomFeed: summaries are plain text (type="text"), so markup quoted in
a reply's text stays text in a feed reader, and characters XML 1.0 forbids are left out, so that one stray
control character in a reply or a query cannot take a feed down.
"""
import re
from dataclasses import dataclass, replace

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.xmlutils import SimplerXMLGenerator

from django.conf import settings

from replies.models import Commitment, Reply, Topic
from replies.selectors import Proposal, commitment_list, proposal_get, reply_in_order, reply_public_list, signer_has_replies
from search.forms import search_params_from_query
from search.selectors import SearchParams, reply_search_ids

FEED_SIZE = 30
FEED_STYLESHEET = "feeds/atom.xsl"
SUMMARY_CHARS = 200
# Outside XML 1.0's Char production: C0 controls except tab, line feed and carriage return; surrogates;
# U+FFFE and U+FFFF.
XML_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """The value without the characters XML 1.0 cannot carry: strings, and the lists of strings feeds hold."""
    if isinstance(value, str):
        return XML_ILLEGAL_CHARACTERS.sub("", value)
    if isinstance(value, (list, tuple)):
        return [xml_safe(item) for item in value]
    return value


class ArchiveAtomFeed(Atom1Feed):
    """Atom whose every text is XML-safe and whose summaries are plain text, never markup."""

    def write(self, outfile, encoding):
        self.feed = {name: xml_safe(value) for name, value in self.feed.items()}
        self.items = [{name: xml_safe(value) for name, value in item.items()} for item in self.items]
        # Atom1Feed.write, with the stylesheet that shows the feed as a page when a browser opens it.
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.processingInstruction("xml-stylesheet", f'type="text/xsl" href="{static(FEED_STYLESHEET)}"')
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ReplyFeed(Feed):
    """What every feed of replies shares: Atom, Chinese, one entry per reply with a short summary."""

    feed_type = ArchiveAtomFeed
    language = "zh-CN"
    author_name = "答复档案"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Browsers show application/atom+xml as raw text and apply the stylesheet only to XML they render as a
        # document: a browser opening a page (it asks for text/html) gets the same feed as application/xml.
        if "text/html" in request.headers.get("Accept", ""):
            response["Content-Type"] = "application/xml; charset=utf-8"
        patch_vary_headers(response, ["Accept"])
        return response

    def item_title(self, reply: Reply) -> str:
        return f"{reply.doc_number} {reply.title}" if reply.doc_number else reply.title

    def item_description(self, reply: Reply) -> str:
        lines = []
        if reply.addressees.all():
            lines.append("答复对象：" + "、".join(str(person) for person in reply.addressees.all()))
        if reply.proposal_title:
            lines.append(f"{'提案' if reply.kind == Reply.Kind.CPPCC_PROPOSAL else '建议'}：《{reply.proposal_title}》")
        body = " ".join(reply.body.split())
        lines.append(body[:SUMMARY_CHARS] + ("…" if len(body) > SUMMARY_CHARS else ""))
        return "\n".join(lines)

    def item_link(self, reply: Reply) -> str:
        return reply.get_absolute_url()

    def item_pubdate(self, reply: Reply):
        return reply.published_at or reply.created_at

    def item_updateddate(self, reply: Reply):
        return reply.updated_at

    def item_author_name(self, reply: Reply) -> str | None:
        return reply.issuing_organ or reply.signer or None

    def item_categories(self, reply: Reply) -> list[str]:
        return [topic.name for topic in reply.topics.all()]


class LatestRepliesFeed(ReplyFeed):
    title = "答复档案 · 最新答复"
    subtitle = "人大代表建议、政协提案答复档案新收录的答复"

    def link(self) -> str:
        return reverse("replies:reply_list")

    def items(self):
        return reply_public_list()[:FEED_SIZE]


class TopicFeed(ReplyFeed):
    def get_object(self, request, topic_slug: str) -> Topic:
        return get_object_or_404(Topic, slug=topic_slug)

    def title(self, topic: Topic) -> str:
        return f"答复档案 · 主题：{topic.name}"

    def subtitle(self, topic: Topic) -> str:
        return f"主题“{topic.name}”下最新的答复"

    def link(self, topic: Topic) -> str:
        return topic.get_absolute_url()

    def items(self, topic: Topic):
        return reply_public_list(filters={"topic": topic.slug})[:FEED_SIZE]


class SignerFeed(ReplyFeed):
    def get_object(self, request, signer: str) -> str:
        if not signer_has_replies(user=AnonymousUser(), signer=signer):
            raise Http404("没有这位签发人签发的已发布答复。")
        return signer

    def title(self, signer: str) -> str:
        return f"答复档案 · 签发人：{signer}"

    def subtitle(self, signer: str) -> str:
        return f"{signer}签发的最新答复"

    def link(self, signer: str) -> str:
        return reverse("replies:reply_list") + "?" + urlencode({"signer": signer})

    def items(self, signer: str):
        return reply_public_list(filters={"signer": signer})[:FEED_SIZE]


class ProposalFeed(ReplyFeed):
    """The published replies to one proposal: a new unit's answer shows up in a feed reader."""

    def get_object(self, request, session: str, kind: str, number: str) -> Proposal:
        try:
            return proposal_get(user=AnonymousUser(), session=session, body=kind, number=number)
        except Reply.DoesNotExist:
            raise Http404("没有这件建议或提案的已发布答复。") from None

    def title(self, proposal: Proposal) -> str:
        return f"答复档案 · {proposal.session}{proposal.kind_label}第{proposal.key.number}号"

    def subtitle(self, proposal: Proposal) -> str:
        return f"《{proposal.title}》的各份答复" if proposal.title else "这件建议或提案的各份答复"

    def link(self, proposal: Proposal) -> str:
        return proposal.get_absolute_url()

    def items(self, proposal: Proposal) -> list[Reply]:
        return proposal.replies[:FEED_SIZE]


def search_query_string(params: SearchParams) -> str:
    """The search's parameters as a query string, in a stable order, without empty ones."""
    return urlencode([(name, value) for name, value in vars(params).items() if value])


@dataclass(frozen=True)
class FeedSearch:
    params: SearchParams
    query_string: str  # the search's own parameters, in a stable order


class SearchFeed(ReplyFeed):
    def get_object(self, request) -> FeedSearch:
        params = search_params_from_query(request.GET)
        query_string = search_query_string(params)
        if not params.sort:
            params = replace(params, sort="newest")  # a feed reader wants what is new
        return FeedSearch(params, query_string)

    def title(self, search: FeedSearch) -> str:
        return f"答复档案 · 检索：{search.params.q}" if search.params.q else "答复档案 · 检索结果"

    def subtitle(self, search: FeedSearch) -> str:
        return "符合这个检索条件的最新答复"

    def link(self, search: FeedSearch) -> str:
        return reverse("search:search") + (f"?{search.query_string}" if search.query_string else "")

    def feed_url(self, search: FeedSearch) -> str:
        return reverse("replies:search_feed") + (f"?{search.query_string}" if search.query_string else "")

    def items(self, search: FeedSearch) -> list[Reply]:
        ids, _ = reply_search_ids(params=search.params, include_drafts=False, limit=FEED_SIZE)
        return reply_in_order(user=AnonymousUser(), ids=ids)


class CommitmentFeed(Feed):
    """The commitments of published replies, nearest deadline first; only where commitments are public
    (PUBLIC_COMMITMENTS) or for staff, and even then never a draft's: feed readers never sign in."""

    feed_type = ArchiveAtomFeed
    language = "zh-CN"
    author_name = "答复档案"
    title = "答复档案 · 承诺跟踪"
    subtitle = "已发布答复中的承诺及其期限"

    def get_object(self, request):
        if not (settings.PUBLIC_COMMITMENTS or request.user.is_staff):
            raise Http404("没有这个页面。")
        return None

    def link(self) -> str:
        return reverse("replies:commitment_list")

    def items(self):
        # As the public would see them, whoever asks: published replies only.
        public = commitment_list(user=AnonymousUser()) if settings.PUBLIC_COMMITMENTS else (
            Commitment.objects.filter(reply__status=Reply.Status.PUBLISHED, reply__superseded_at__isnull=True,
                                      reply__version_of__isnull=True).select_related("reply"))
        return public.order_by("deadline", "reply_id", "start")[:FEED_SIZE]

    def item_title(self, commitment: Commitment) -> str:
        deadline = f"（期限 {commitment.deadline:%Y-%m-%d}）" if commitment.deadline else ""
        return f"{commitment.reply.issuing_organ or commitment.reply.title}{deadline}"

    def item_description(self, commitment: Commitment) -> str:
        state = "已逾期" if commitment.is_overdue else commitment.get_status_display()
        return f"{commitment.sentence}\n状态：{state}" + (f"\n说明：{commitment.note}" if commitment.note else "")

    def item_link(self, commitment: Commitment) -> str:
        return f"{commitment.reply.get_absolute_url()}#commitment-{commitment.pk}"

    def item_updateddate(self, commitment: Commitment):
        return commitment.updated_at or commitment.reply.updated_at

    def item_pubdate(self, commitment: Commitment):
        return commitment.reply.published_at or commitment.reply.created_at
