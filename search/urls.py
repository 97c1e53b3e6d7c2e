from django.urls import path

from config.ratelimits import limit_search
from search import views

app_name = "search"

urlpatterns = [path("search/", limit_search(views.search), name="search")]
