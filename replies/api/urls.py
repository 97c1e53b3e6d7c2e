from django.urls import path

from config.ratelimits import limit_api
from replies.api import stats, views

app_name = "api"

urlpatterns = [
    path("replies/", limit_api(views.ReplyListAPI.as_view()), name="reply_list"),
    path("replies/<int:pk>/", limit_api(views.ReplyDetailAPI.as_view()), name="reply_detail"),
    path("search/", limit_api(views.SearchAPI.as_view()), name="search"),
    path("stats/", limit_api(stats.StatisticsAPI.as_view()), name="stats"),
]
