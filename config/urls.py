from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "答复档案管理"
admin.site.site_title = "答复档案"
admin.site.index_title = "管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("replies.api.urls")),
    path("", include("search.urls")),
    path("", include("replies.urls")),
]
