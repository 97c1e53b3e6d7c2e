from django.urls import path

from replies import views

app_name = "replies"

urlpatterns = [
    path("", views.home, name="home"),
    path("replies/", views.reply_browse, name="reply_list"),
    path("replies/<int:pk>/", views.reply_detail, name="reply_detail"),
    path("replies/<int:pk>/original/<int:source_pk>/", views.source_download, name="source_download"),
    path("topics/<slug:topic_slug>/", views.reply_browse, name="topic_detail"),
    path("cited/", views.cited_document_index, name="cited_document_list"),
    path("cited/<int:pk>/", views.cited_document_detail, name="cited_document_detail"),
]
