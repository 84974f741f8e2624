"""Values every page needs: the links to this page in the other language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    alternates = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": current.startswith(code)}
        for code, name in settings.LANGUAGES
    ]
    return {"language_alternates": alternates, "site_url": settings.SITE_URL, "contact_email": settings.CONTACT_EMAIL}
