"""The project's URLconf: the admin, health check, robots.txt and sitemaps, then the
reader site (``articles.urls``: the ``providers:`` and ``articles:`` namespaces)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.sitemaps import SITEMAPS, news_sitemap, sitemap_index
from articles.views import robots_txt

from . import views

admin.site.site_header = "Newsroom desk"
admin.site.site_title = "Newsroom desk"
admin.site.index_title = "Desk"

urlpatterns = [
    # Before the admin's own, which answers any staff user (see views.view_on_site).
    path(
        f"{settings.ADMIN_URL}r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.view_on_site),
        name="admin_view_on_site",
    ),
    # Before the admin's own: the same page, one attempt at a time per username.
    path(f"{settings.ADMIN_URL}login/", views.desk_login, name="desk_login"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    # Before the generic section route, so the index's link to the "news" section lands
    # on the Google News format.
    path("sitemap-news.xml", news_sitemap, name="sitemap_news"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("", include("articles.urls.publishers")),
    path("", include("articles.urls.articles")),
]

# Uploaded media is served by the site itself unless MEDIA_URL points at other storage.
if not urlsplit(settings.MEDIA_URL).netloc:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.insert(0, path(f"{media_prefix}<path:path>", views.media, name="media"))
