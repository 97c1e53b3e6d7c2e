from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from replies.models import CitedDocument, Reply, SourceFile, Topic
from replies.selectors import (
    BROWSE_FILTERS,
    archive_overview,
    browse_facet,
    cited_document_get,
    cited_document_list,
    cited_document_replies,
    filter_label,
    reply_citations,
    reply_get,
    reply_list,
)
from search.query import parse_query
from search.selectors import reply_related

REPLIES_PER_PAGE = 20


@require_safe
def home(request):
    return render(request, "replies/home.html", {"overview": archive_overview(user=request.user)})


@require_safe
def reply_browse(request, topic_slug: str | None = None):
    filters = {name: request.GET.get(name, "").strip() for name in BROWSE_FILTERS}
    topic = None
    if topic_slug is not None:
        topic = get_object_or_404(Topic, slug=topic_slug)
        filters["topic"] = topic.slug
    page = Paginator(reply_list(user=request.user, filters=filters), REPLIES_PER_PAGE, orphans=3).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "topic": topic,
        "active_filters": [(name, value, filter_label(name, value)) for name, value in filters.items() if value],
        "facets": {name: browse_facet(user=request.user, name=name, limit=30) for name in BROWSE_FILTERS},
    }
    return render(request, "replies/reply_list.html", context)


@require_safe
def reply_detail(request, pk: int):
    try:
        reply = reply_get(user=request.user, pk=pk)
    except Reply.DoesNotExist:
        raise Http404("没有这份答复，或它尚未发布。") from None
    highlight_terms = parse_query(request.GET.get("q", "")).highlight_terms()
    context = {
        "reply": reply,
        "paragraphs": [paragraph for paragraph in reply.body.split("\n") if paragraph.strip()],
        "highlight_terms": highlight_terms,
        "query": request.GET.get("q", ""),
        "related": reply_related(reply=reply, include_drafts=request.user.is_staff),
        "citations": reply_citations(user=request.user, reply=reply),
        "show_internal": request.user.is_staff,
    }
    return render(request, "replies/reply_detail.html", context)


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
    return FileResponse(source.file.open("rb"), as_attachment=True, filename=source.filename,
                        content_type=source.content_type)
