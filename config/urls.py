from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from config.ratelimits import limit_login
from replies.sitemaps import SITEMAPS
from replies.views import healthz, robots_txt

handler500 = "config.middleware.handler500"

admin.site.site_header = "答复档案管理"
admin.site.site_title = "答复档案"
admin.site.index_title = "管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/login/", limit_login(admin.site.login), name="login"),
    path("admin/", admin.site.urls),
    path("api/", include("replies.api.urls")),
    path("", include("search.urls")),
    path("", include("replies.urls")),
]
