import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import uri_to_iri
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_http_methods, require_safe

from replies.charts import CHART_MAX_ROWS, archive_statistics_charts
from replies.exports import (
    EXPORT_CAP,
    XLSX_CONTENT_TYPE,
    archive_jsonl_lines,
    replies_csv,
    replies_xlsx,
    commitments_xlsx,
    search_results_json,
)
from replies.health import archive_health
from replies.models import CitedDocument, Commitment, Reply, SourceFile, Topic, UploadBatch
from replies.outline import outline_text
from replies.reading import download_filename, numbered_matches, page_description
from replies.review import (
    UPLOAD_FORMATS,
    REVIEW_FIELDS,
    ReviewForm,
    review_damage,
    review_get,
    review_inbox,
    review_low_confidence,
    review_low_confidence_labels,
    review_next,
    review_original_text,
    review_sources,
)
from replies.selectors import (
    BROWSE_FILTERS,
    COMMITMENT_STATUS_FILTERS,
    archive_overview,
    archive_statistics,
    browse_facet,
    cited_document_get,
    cited_document_list,
    cited_document_replies,
    commitment_list,
    commitment_organs,
    filter_label,
    person_get,
    person_links,
    proposal_get,
    proposal_url,
    reply_by_doc_number,
    reply_by_doc_number_parts,
    reply_citations,
    reply_commitments,
    reply_get,
    reply_in_order,
    reply_list,
    reply_proposal_key,
    reply_public_list,
    reply_versions,
)
from replies.services import (
    INGEST_STATUS_LABELS,
    UploadResult,
    commitment_mark,
    reply_publish,
    reply_save,
    reply_unpublish,
    reply_upload_files,
    upload_batch_advance,
)
from search.forms import FilterForm, search_params_from_query
from search.query import parse_query
from search.selectors import reply_related, reply_search_ids

logger = logging.getLogger(__name__)
REPLIES_PER_PAGE = 20


@require_safe
def home(request):
    return render(request, "replies/home.html", {"overview": archive_overview(user=request.user)})


@require_safe
def reply_browse(request, topic_slug: str | None = None):
    form = FilterForm(request.GET)
    if form.filter_errors():
        raise BadRequest("筛选条件无效。")
    filters = {name: form.cleaned_data.get(name, "") for name in BROWSE_FILTERS}
    topic = None
    if topic_slug is not None:
        topic = get_object_or_404(Topic, slug=topic_slug)
        filters["topic"] = topic.slug
    page = Paginator(reply_list(user=request.user, filters=filters), REPLIES_PER_PAGE, orphans=3).get_page(
        request.GET.get("page")
    )
    active_filters = [(name, value, filter_label(name, value)) for name, value in filters.items() if value]
    context = {
        "page": page,
        "topic": topic,
        "active_filters": active_filters,
        "facets": {name: browse_facet(user=request.user, name=name, limit=30, filters=filters) for name in BROWSE_FILTERS},
        "feed": _browse_feed(filters, active_filters),
        # The browse filters are search filters of the same names: the search exports download this list.
        "export_query": urlencode([(name, value) for name, value in filters.items() if value]),
    }
    return render(request, "replies/reply_list.html", context)


def _browse_feed(filters: dict[str, str], active_filters: list[tuple[str, str, str]]) -> dict[str, str]:
    """The Atom feed a browse page announces: its topic's, else its signer's, else the latest replies."""
    labels = {name: label for name, _, label in active_filters}
    if filters.get("topic"):
        return {"title": f"答复档案 · 主题：{labels['topic']}",
                "url": reverse("replies:topic_feed", args=[filters["topic"]])}
    if filters.get("signer"):
        title = f"答复档案 · 签发人：{filters['signer']}"
        try:
            return {"title": title, "url": reverse("replies:signer_feed", args=[filters["signer"]])}
        except NoReverseMatch:  # a signer with a slash has no feed address; the search feed lists the same replies
            return {"title": title,
                    "url": reverse("replies:search_feed") + "?" + urlencode({"signer": filters["signer"]})}
    return {"title": "答复档案 · 最新答复", "url": reverse("replies:latest_feed")}


@require_safe
def reply_detail(request, pk: int):
    try:
        reply = reply_get(user=request.user, pk=pk)
    except Reply.DoesNotExist:
        raise Http404("没有这份答复，或它尚未发布。") from None
    query = request.GET.get("q", "")
    highlight_terms = parse_query(query).highlight_terms()
    text = outline_text(reply.body)
    marked, match_count = numbered_matches([paragraph.text for paragraph in text.paragraphs], highlight_terms)
    permalink = request.build_absolute_uri(_reply_permalink(reply))
    context = {
        "reply": reply,
        "paragraphs": list(zip(text.paragraphs, marked)),
        "outline": text.outline,
        "permalink": permalink,
        "permalink_text": uri_to_iri(permalink),
        "short_link": request.build_absolute_uri(reverse("replies:reply_short_link", args=[reply.pk])),
        "description": page_description(reply),
        "highlight_terms": highlight_terms,
        "match_count": match_count,
        "query": query,
        "related": reply_related(reply=reply, include_drafts=request.user.is_staff),
        "citations": reply_citations(user=request.user, reply=reply),
        "show_internal": request.user.is_staff,
        "versions": reply_versions(user=request.user, reply=reply),
        "proposal_url": proposal_url(key) if (key := reply_proposal_key(reply)) else "",
        "commitments": reply_commitments(user=request.user, reply=reply),
    }
    return render(request, "replies/reply_detail.html", context)


@require_safe
def proposal_detail(request, session: str, kind: str, number: str):
    """/proposals/常州市16-5/npc/99/: every reply to one proposal, the lead unit's first."""
    try:
        proposal = proposal_get(user=request.user, session=session, body=kind, number=number)
    except Reply.DoesNotExist:
        raise Http404("没有这件建议或提案的答复，或答复尚未发布。") from None
    context = {"proposal": proposal, "people": person_links(proposal.addressees, proposal.key),
               "show_internal": request.user.is_staff}
    return render(request, "replies/proposal_detail.html", context)


@require_safe
def person_detail(request, congress: str, kind: str, name: str):
    """/people/常州市/npc/朱红/: a delegate's or member's proposals in one congress, and the replies."""
    try:
        person = person_get(user=request.user, congress=congress, body=kind, name=name)
    except Reply.DoesNotExist:
        raise Http404("没有这位代表或委员的已发布答复。") from None
    return render(request, "replies/person_detail.html", {"person": person})


@require_safe
def reply_short_link(request, pk: int):
    """/r/12/: the short address to paste into a message."""
    try:
        reply = reply_get(user=request.user, pk=pk)
    except Reply.DoesNotExist:
        raise Http404("没有这份答复，或它尚未发布。") from None
    return redirect(reply)


def _reply_permalink(reply: Reply) -> str:
    """The reply's address by its doc number, the name people cite it by; by id when it has none."""
    if reply.doc_number_key:
        try:
            return reverse("replies:reply_by_doc_number", args=[reply.doc_number])
        except NoReverseMatch:  # a doc number with a slash in it
            pass
    return reply.get_absolute_url()


@require_safe
def reply_by_doc_number_redirect(request, doc_number: str):
    """/replies/常工信复〔2021〕第22号/ (any bracket style) → the reply's page."""
    try:
        reply = reply_by_doc_number(user=request.user, doc_number=doc_number)
    except Reply.DoesNotExist:
        raise Http404(f"没有文号为“{doc_number}”的答复，或它尚未发布。") from None
    return redirect(reply)


@require_safe
def reply_by_doc_number_parts_redirect(request, year: int, issuer: str, serial: str):
    """/replies/2021/常工信复/22/ → the reply's page."""
    try:
        reply = reply_by_doc_number_parts(user=request.user, issuer=issuer, year=year, serial=serial)
    except Reply.DoesNotExist:
        raise Http404(f"没有文号为“{issuer}〔{year}〕{serial}号”的答复，或它尚未发布。") from None
    return redirect(reply)


@require_safe
def statistics(request):
    archive = archive_statistics(user=request.user)
    context = {
        "statistics": archive,
        "charts": archive_statistics_charts(archive),
        "chart_max_rows": CHART_MAX_ROWS,
    }
    return render(request, "replies/statistics.html", context)


def _export_search(request):
    """The replies of the search in the query string, in its order, at most EXPORT_CAP, and how many it found."""
    params = search_params_from_query(request.GET)
    ids, total = reply_search_ids(params=params, include_drafts=request.user.is_staff, limit=EXPORT_CAP)
    return params, reply_in_order(user=request.user, ids=ids), total


def _attachment(response: HttpResponse, filename: str, *, total: int, count: int) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Total-Count"] = str(total)
    response["X-Export-Count"] = str(count)
    return response


@require_safe
def search_export_csv(request):
    _, replies, total = _export_search(request)
    response = HttpResponse(replies_csv(replies, absolute_url=request.build_absolute_uri),
                            content_type="text/csv; charset=utf-8")
    return _attachment(response, _export_filename("csv"), total=total, count=len(replies))


@require_safe
def search_export_xlsx(request):
    _, replies, total = _export_search(request)
    response = HttpResponse(replies_xlsx(replies, absolute_url=request.build_absolute_uri),
                            content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, _export_filename("xlsx"), total=total, count=len(replies))


@require_safe
def search_export_json(request):
    params, replies, total = _export_search(request)
    query = {name: value for name, value in vars(params).items() if value}
    response = HttpResponse(search_results_json(replies=replies, query=query, total=total, request=request),
                            content_type="application/json; charset=utf-8")
    return _attachment(response, _export_filename("json"), total=total, count=len(replies))


def _export_filename(extension: str) -> str:
    return f"答复检索结果-{timezone.localdate():%Y%m%d}.{extension}"


@require_safe
def archive_jsonl(request):
    """Every published reply, metadata and body text, one JSON object a line, streamed as it is read."""
    replies = reply_public_list().prefetch_related("source_files").iterator(chunk_size=500)
    response = StreamingHttpResponse(archive_jsonl_lines(replies, request=request),
                                     content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"replies-archive-{timezone.localdate():%Y%m%d}.jsonl")
    return response


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        # Searches and downloads are endless variations of the pages the sitemap lists.
        "Disallow: /search/",
        "Disallow: /exports/",
        "Disallow: /review/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def cited_document_index(request):
    page = Paginator(cited_document_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "replies/cited_document_list.html", {"page": page})


@require_safe
def cited_document_detail(request, pk: int):
    try:
        document = cited_document_get(user=request.user, pk=pk)
    except CitedDocument.DoesNotExist:
        raise Http404("没有答复引用这份文件。") from None
    page = Paginator(cited_document_replies(user=request.user, document=document), REPLIES_PER_PAGE,
                     orphans=3).get_page(request.GET.get("page"))
    return render(request, "replies/cited_document_detail.html", {"document": document, "page": page})


@require_safe
def source_download(request, pk: int, source_pk: int):
    try:
        reply = reply_get(user=request.user, pk=pk)
        source = reply.source_files.get(pk=source_pk)
    except (Reply.DoesNotExist, SourceFile.DoesNotExist):
        raise Http404("没有这个原始文件。") from None
    try:
        stored = source.file.open("rb")
    except FileNotFoundError:
        logger.error("original file %s of source %s is missing from storage", source.file.name, source.pk)
        raise Http404("这个原始文件在存储中缺失，已记录在日志中；管理员可用 check_originals 命令列出缺失的文件。") from None
    return FileResponse(stored, as_attachment=True, filename=download_filename(reply, source),
                        content_type=source.content_type)


@require_safe
def healthz(request):
    health = archive_health(user=request.user)
    response = JsonResponse(health, status=200 if health["status"] == "ok" else 503,
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


# --- review: the staff's inbox of drafts, one draft beside its original, uploads -------------------------------

REVIEW_PER_PAGE = 50
CAN_CHANGE = "replies.change_reply"
CAN_UPLOAD = "replies.add_reply"


@staff_member_required
@require_safe
def review_inbox_page(request):
    page = Paginator(review_inbox(), REVIEW_PER_PAGE).get_page(request.GET.get("page"))
    for reply in page:
        reply.low_confidence_labels = review_low_confidence_labels(reply)
    return render(request, "replies/review_inbox.html", {
        "page": page, "can_change": request.user.has_perm(CAN_CHANGE), "can_upload": request.user.has_perm(CAN_UPLOAD),
    })


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_reply(request, pk: int):
    """One reply beside its original: correct its fields, then publish it (or take it back), then the next."""
    try:
        reply = review_get(pk=pk)
    except Reply.DoesNotExist:
        raise Http404("没有这份答复。") from None
    can_change = request.user.has_perm(CAN_CHANGE) and not reply.is_superseded
    form = ReviewForm(request.POST if request.method == "POST" else None, instance=reply)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("没有修改答复的权限。")
        action = request.POST.get("action", "save")
        if action == "unpublish":
            reply_unpublish(reply=reply, user=request.user)
            messages.success(request, "已退回为草稿，不再对公众显示。")
            return redirect("replies:review_reply", reply.pk)
        if form.is_valid():
            changed = [form.fields[name].label for name in form.changed_data]
            if changed:
                addressees = form.cleaned_data["addressees"] if "addressees" in form.changed_data else None
                reply = reply_save(reply=form.save(commit=False), user=request.user, addressees=addressees)
            if action == "publish":
                following = review_next(after=reply)
                published = reply_publish(reply=reply, user=request.user)
                messages.success(request, f"已发布：{published}" + (f"（修改了{'、'.join(changed)}）" if changed else ""))
                return redirect("replies:review_reply", following.pk) if following else redirect("replies:review_inbox")
            messages.success(request, f"已保存，修改了：{'、'.join(changed)}。" if changed else "没有修改。")
            return redirect("replies:review_reply", reply.pk)
    original = review_original_text(reply)
    lines, sources = review_sources(original.text, reply,
                                    [(name, str(form.fields[name].label)) for name in REVIEW_FIELDS if name != "body"])
    low_confidence = review_low_confidence(reply)
    context = {
        "reply": reply,
        "form": form,
        "fields": [(form[name], sources.get(name), low_confidence.get(name)) for name in REVIEW_FIELDS],
        "original": original,
        "lines": lines,
        "low_confidence": low_confidence,
        "damage": review_damage(reply),
        "next": review_next(after=reply),
        "can_change": can_change,
    }
    return render(request, "replies/review_reply.html", context, status=400 if form.errors else 200)


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_upload(request):
    """Files in, each with its own outcome: an empty or unreadable file never stops the others. A .zip is
    ingested in pieces on its progress page."""
    can_upload = request.user.has_perm(CAN_UPLOAD)
    result = UploadResult(outcomes=[], batches=[])
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied("没有上传权限。")
        uploads = request.FILES.getlist("files")
        if not uploads:
            messages.error(request, "没有选择文件。")
        result = reply_upload_files(uploads=uploads, uploaded_by=request.user,
                                    publish=request.POST.get("publish") == "on")
        if len(result.batches) == 1 and not result.outcomes:
            return redirect("replies:review_upload_batch", result.batches[0].pk)
    return render(request, "replies/review_upload.html", {
        "can_upload": can_upload,
        "formats": UPLOAD_FORMATS,
        "max_bytes": settings.MAX_UPLOAD_BYTES,
        "outcomes": result.outcomes,
        "failed": result.failed,
        "batches": result.batches,
        "status_labels": INGEST_STATUS_LABELS,
    })


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_upload_batch(request, pk: int):
    """A .zip's progress: each request ingests members for a while, and the page asks for the next piece."""
    if not request.user.has_perm(CAN_UPLOAD):
        raise PermissionDenied("没有上传权限。")
    batch = get_object_or_404(UploadBatch, pk=pk)
    if not batch.finished:
        batch = upload_batch_advance(batch=batch, seconds=settings.UPLOAD_BATCH_SECONDS)
    return render(request, "replies/review_upload_batch.html", {
        "batch": batch,
        "outcomes": batch.outcomes,
        "failed": batch.refused,
        "status_labels": INGEST_STATUS_LABELS,
    })


@require_safe
def feeds_help(request):
    """What the Atom links are and how to subscribe (feeds themselves are styled by static/feeds/atom.xsl)."""
    return render(request, "replies/feeds_help.html")


# --- 承诺跟踪: what replies promised, and whether it was done ---------------------------------------------------

COMMITMENTS_PER_PAGE = 50


def _commitments_allowed(request) -> bool:
    return request.user.is_staff or settings.PUBLIC_COMMITMENTS


@require_safe
def commitment_tracker(request):
    """Staff: every commitment by organ, deadline and status, to mark done or open. The public: those of
    published replies, read-only, when PUBLIC_COMMITMENTS is on; otherwise there is no such page."""
    if not _commitments_allowed(request):
        raise Http404("没有这个页面。")
    organ, status = request.GET.get("organ", ""), request.GET.get("status", "")
    commitments = commitment_list(user=request.user, organ=organ, status=status)
    page = Paginator(commitments, COMMITMENTS_PER_PAGE, orphans=3).get_page(request.GET.get("page"))
    return render(request, "replies/commitment_list.html", {
        "page": page, "organ": organ, "status": status, "organs": commitment_organs(user=request.user),
        "statuses": COMMITMENT_STATUS_FILTERS, "can_mark": request.user.has_perm(CAN_CHANGE),
        "query": urlencode({name: value for name, value in (("organ", organ), ("status", status)) if value}),
    })


@staff_member_required
@require_http_methods(["POST"])
def commitment_mark_view(request, pk: int):
    if not request.user.has_perm(CAN_CHANGE):
        raise PermissionDenied
    commitment = get_object_or_404(commitment_list(user=request.user), pk=pk)
    status = request.POST.get("status", "")
    if status not in Commitment.Status.values:
        raise BadRequest("状态应为 open 或 done。")
    commitment_mark(commitment=commitment, status=status, note=request.POST.get("note", "")[:2000], user=request.user)
    messages.success(request, f"已标记为“{Commitment.Status(status).label}”。")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/commitments/") and "//" not in back else reverse("replies:commitment_list"))


@require_safe
def commitments_export_xlsx(request):
    if not _commitments_allowed(request):
        raise Http404("没有这个页面。")
    commitments = list(commitment_list(user=request.user, organ=request.GET.get("organ", ""),
                                       status=request.GET.get("status", ""))[:EXPORT_CAP])
    response = HttpResponse(commitments_xlsx(commitments, absolute_url=request.build_absolute_uri),
                            content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, f"承诺跟踪-{timezone.localdate():%Y%m%d}.xlsx", total=len(commitments),
                       count=len(commitments))
