from django.urls import path

from config.ratelimits import limit_api
from replies.api import stats, views
from replies.urls import TextConverter  # noqa: F401  (registers the "text" path converter)

app_name = "api"

urlpatterns = [
    path("replies/", limit_api(views.ReplyListAPI.as_view()), name="reply_list"),
    path("replies/<int:pk>/", limit_api(views.ReplyDetailAPI.as_view()), name="reply_detail"),
    path("proposals/", limit_api(views.ProposalListAPI.as_view()), name="proposal_list"),
    path("proposals/<text:session>/<slug:kind>/<text:number>/", limit_api(views.ProposalDetailAPI.as_view()),
         name="proposal_detail"),
    path("people/<text:congress>/<slug:kind>/<text:name>/", limit_api(views.PersonDetailAPI.as_view()),
         name="person_detail"),
    path("search/", limit_api(views.SearchAPI.as_view()), name="search"),
    path("stats/", limit_api(stats.StatisticsAPI.as_view()), name="stats"),
]
