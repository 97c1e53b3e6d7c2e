from django.urls import path

from replies.api import views

app_name = "api"

urlpatterns = [
    path("replies/", views.ReplyListAPI.as_view(), name="reply_list"),
    path("replies/<int:pk>/", views.ReplyDetailAPI.as_view(), name="reply_detail"),
    path("search/", views.SearchAPI.as_view(), name="search"),
]
