from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kb.content.models import KIND_PATHS
from kb.web import health, home, oembed, search_page, sitemaps, views
from kb.web.api import api
from kb.web.feeds import RecentChangesFeed

kind_patterns = []
for kind, segment in KIND_PATHS.items():
    kind_patterns += [
        path(f"{segment}/", views.EntryListView.as_view(kind=kind), name=f"{kind}_list"),
        path(
            f"{segment}/<slug:slug>/",
            views.EntryDetailView.as_view(kind=kind),
            name=f"{kind}_detail",
        ),
    ]

kb_patterns = [
    path("", home.HomeView.as_view(), name="home"),
    *kind_patterns,
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("search/", search_page.SearchView.as_view(), name="search"),
    path("e/<int:pk>/", views.short_link, name="entry_short"),
    path("oembed/", oembed.oembed, name="oembed"),
    path("feed/", RecentChangesFeed(), name="feed"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

# The pages readers see: Russian at their own addresses, English under /en/ (an address per
# language, so that a cached page is right for everyone who asks for that address).
urlpatterns = i18n_patterns(
    path("", include((kb_patterns, "kb"))),
    path("", include("kb.paths.urls")),
    path("", include("kb.misslog.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    path("healthz", health.healthz, name="healthz"),
    path("feedback/", include("kb.feedback.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Django's set_language, for the admin's language (the readers' pages have /en/ instead).
    path("i18n/", include("django.conf.urls.i18n")),
    # Sign-in through the site's own page (Django's auth views).
    path(
        "accounts/login/",
        # Django's login view passes the request's host as `site_name`; the site's own name wins.
        auth_views.LoginView.as_view(extra_context={"site_name": settings.SITE_NAME}),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# The site's own error pages (kb/web/errors.py); Django uses them when DEBUG is off.
handler400 = "kb.web.errors.bad_request"
handler403 = "kb.web.errors.permission_denied"
handler404 = "kb.web.errors.page_not_found"
handler500 = "kb.web.errors.server_error"
