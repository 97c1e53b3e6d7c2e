from django.urls import path

from bench.baseline import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("api/search/", views.search_api, name="search_api"),
]
