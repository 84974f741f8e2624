"""Values every page needs: the links to this page in the other languages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def _in_language(path: str, code: str, current: str) -> str:
    """The same page in language `code`; paths are the same in every language, only the prefix differs."""
    translated = translate_url(path, code)
    if translated != path or code == current:
        return translated
    # translate_url cannot resolve an unknown path (a 404 page); swap the prefix by hand.
    default = settings.LANGUAGE_CODE
    if current != default and path.startswith(f"/{current}/"):
        path = path[len(current) + 1 :]
    return path if code == default else f"/{code}{path}"


def site(request: HttpRequest) -> dict:
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    path = request.get_full_path()
    alternates = [
        {
            "code": code,
            # Each language named in itself ("Suomi", "العربية"), as settings.LANGUAGES has them.
            "name": name,
            "url": _in_language(path, code, current),
            "current": current == code,
            "default": code == settings.LANGUAGE_CODE,
            "bidi": get_language_info(code)["bidi"],
        }
        for code, name in settings.LANGUAGES
    ]
    return {"language_alternates": alternates, "site_url": settings.SITE_URL, "contact_email": settings.CONTACT_EMAIL}
