"""The project's URLs plus MEDIA_URL served by Django, for browser tests of uploaded media.

The live test server runs with DEBUG off, where natverk/urls.py serves no media (in
production the reverse proxy does); Django's static view serves it here with the
content type from the file's extension, as in development.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from natverk import urls as project_urls


def media(request, path: str):
    # MEDIA_ROOT read per request: each test sets its own.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", media),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
