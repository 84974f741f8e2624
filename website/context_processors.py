"""Values every page needs: the links to this page in the other languages, and the offer to
get mail in this page's language (members.language)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, ResolverMatch, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info, override

from members.language import mail_language_offer


def _translator(url: str, match: ResolverMatch | None = None) -> Callable[[str], str]:
    """Django's translate_url(url, code) for each code, with the path resolved once, not
    once per language (four resolves on every page); `match`: the path's, when the caller
    has it."""
    parsed = urlsplit(url)
    if match is None:
        try:
            match = resolve(unquote(parsed.path))
        except Resolver404:
            return lambda code: url
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name

    def translate(code: str) -> str:
        with override(code):
            try:
                path = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                return url
        return urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, parsed.fragment))

    return translate


def _in_language(path: str, code: str, current: str, translate: Callable[[str], str]) -> str:
    """The same page in language `code`; paths are the same in every language, only the prefix differs."""
    translated = translate(code)
    if translated != path or code == current:
        return translated
    # translate_url cannot resolve an unknown path (a 404 page); swap the prefix by hand.
    default = settings.LANGUAGE_CODE
    if current != default and path.startswith(f"/{current}/"):
        path = path[len(current) + 1 :]
    return path if code == default else f"/{code}{path}"


def _alternates(request: HttpRequest) -> list[dict]:
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    path = request.get_full_path()
    # The handler resolved this path already (the view's); not a 404 page's, which has none.
    # Only without a script prefix: then the path is what was resolved.
    match = request.resolver_match if request.path == request.path_info else None
    translate = _translator(path, match)
    return [
        {
            "code": code,
            # Each language named in itself ("Suomi", "العربية"), as settings.LANGUAGES has them.
            "name": name,
            "url": (url := _in_language(path, code, current, translate)),
            # The head's hreflang alternates are absolute, as search engines require.
            "absolute_url": settings.SITE_URL + url,
            "current": current == code,
            "default": code == settings.LANGUAGE_CODE,
            "bidi": get_language_info(code)["bidi"],
        }
        for code, name in settings.LANGUAGES
    ]


def site(request: HttpRequest) -> dict:
    return {
        # Built when a template shows them (the site's base.html): the admin's pages render
        # with the same context processors and never do (0.4 ms of the admin's lists).
        "language_alternates": SimpleLazyObject(lambda: _alternates(request)),
        "site_url": settings.SITE_URL,
        "contact_email": settings.CONTACT_EMAIL,
        # Called only by a template that shows it (base.html; not the 503 page, which must
        # not read the session).
        "mail_language_offer": partial(mail_language_offer, request),
    }
