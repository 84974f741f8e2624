"""Root URLs. Pages are Swedish without a prefix and English under /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from core import views
from website.sitemaps import SITEMAPS

admin.site.site_header = "Stadsdelsnätverken i Gävle"
admin.site.site_title = "Stadsdelsnätverken – administration"
# The side menu repeats the index and takes a quarter of a 1280 px screen from the lists;
# the breadcrumbs and the index (with its to-do list) lead everywhere.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("website.urls")),
    path("", include("meetings.urls")),
    path("", include("grants.urls")),
    path("", include("borsen.urls")),
    path("", include("dialog.urls")),
    path("", include("sok.urls")),
    path("", include("digest.urls")),
    path("", include("voices.urls")),
    prefix_default_language=False,
)

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
