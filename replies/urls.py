from django.urls import path, register_converter
from django.urls.converters import StringConverter

from config.ratelimits import limit_api, limit_search
from replies import feeds, views

app_name = "replies"


class TextConverter(StringConverter):
    """A path part as printed text: no slash and no control character, which no doc number or signer holds
    (and PostgreSQL cannot even compare NUL), so such an address is a plain 404."""

    regex = r"[^/\x00-\x1f\x7f-\x9f]+"


register_converter(TextConverter, "text")

urlpatterns = [
    path("", views.home, name="home"),
    path("replies/", views.reply_browse, name="reply_list"),
    path("replies/feed/", feeds.LatestRepliesFeed(), name="latest_feed"),
    # Integers first: /replies/12/ is the reply with id 12, never a doc number.
    path("replies/<int:pk>/", views.reply_detail, name="reply_detail"),
    path("replies/<int:pk>/original/<int:source_pk>/", views.source_download, name="source_download"),
    # Permalinks by doc number: /replies/2021/常工信复/22/ and /replies/常工信复〔2021〕第22号/ (any brackets).
    path("replies/<int:year>/<text:issuer>/<text:serial>/", views.reply_by_doc_number_parts_redirect,
         name="reply_by_doc_number_parts"),
    path("replies/<text:doc_number>/", views.reply_by_doc_number_redirect, name="reply_by_doc_number"),
    # Every reply to one proposal: /proposals/常州市16-5/npc/99/ (session key, npc or cppcc, number without zeros).
    path("proposals/<text:session>/<slug:kind>/<text:number>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<text:session>/<slug:kind>/<text:number>/feed/", feeds.ProposalFeed(), name="proposal_feed"),
    # A delegate's or member's page within one congress: /people/常州市/npc/朱红/.
    path("people/<text:congress>/<slug:kind>/<text:name>/", views.person_detail, name="person_detail"),
    # 承诺跟踪: staff's tracker (the public's read-only list when PUBLIC_COMMITMENTS is on).
    path("commitments/", views.commitment_tracker, name="commitment_list"),
    path("commitments/feed/", feeds.CommitmentFeed(), name="commitment_feed"),
    path("commitments/export.xlsx", views.commitments_export_xlsx, name="commitments_export_xlsx"),
    path("commitments/<int:pk>/mark/", views.commitment_mark_view, name="commitment_mark"),
    path("topics/<slug:topic_slug>/", views.reply_browse, name="topic_detail"),
    path("topics/<slug:topic_slug>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("signers/<text:signer>/feed/", feeds.SignerFeed(), name="signer_feed"),
    path("cited/", views.cited_document_index, name="cited_document_list"),
    path("cited/<int:pk>/", views.cited_document_detail, name="cited_document_detail"),
    path("stats/", views.statistics, name="stats"),
    # Beside the search page (/search/, search.urls): its results as a feed and as downloads.
    path("search/feed/", limit_search(feeds.SearchFeed()), name="search_feed"),
    path("search/export.csv", limit_search(views.search_export_csv), name="search_export_csv"),
    path("search/export.json", limit_search(views.search_export_json), name="search_export_json"),
    path("search/export.xlsx", limit_search(views.search_export_xlsx), name="search_export_xlsx"),
    path("exports/archive.jsonl", limit_api(views.archive_jsonl), name="archive_jsonl"),
    path("r/<int:pk>/", views.reply_short_link, name="reply_short_link"),
    path("feeds/", views.feeds_help, name="feeds_help"),
    # Staff only: the review inbox, one draft beside its original, uploads.
    path("review/", views.review_inbox_page, name="review_inbox"),
    path("review/<int:pk>/", views.review_reply, name="review_reply"),
    path("review/upload/", views.review_upload, name="review_upload"),
    path("review/upload/batch/<int:pk>/", views.review_upload_batch, name="review_upload_batch"),
]
