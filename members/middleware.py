"""Staff must turn on two-factor authentication before they reach the admin; a user's language follows the pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls.resolvers import LocalePrefixPattern
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.roles import staff_needs_mfa
from members.services import user_set_language


class StaffMFAMiddleware:
    """Sends a staff user without TOTP from any admin page to the TOTP activation page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        if not staff_needs_mfa(request.user):
            return None
        messages.warning(
            request,
            _(
                "Du har behörighet till administrationen och måste först slå på tvåstegsverifiering. "
                "Skanna QR-koden med en autentiseringsapp och skriv in koden för att fortsätta."
            ),
        )
        return redirect("mfa_activate_totp")


class UserLanguageMiddleware:
    """A logged-in user who opens a page in English, Finnish or Arabic gets mail in that language from now on.

    Only pages under the language prefixes (not /robots.txt or /sitemap.xml, whose language
    is nobody's choice), only reading requests, and a write only when the language differs.
    A Swedish page changes nothing: it has no prefix, so links in mail, shared links and the
    admin lead there without anyone choosing it; back to Swedish is a choice on "Mina uppgifter".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if request.method not in {"GET", "HEAD"} or not _under_language_prefix(request):
            return None
        user = request.user
        language = get_language()
        if user.is_authenticated and language and language != settings.LANGUAGE_CODE and user.language != language:
            user_set_language(user=user, language=language)
        return None


def _under_language_prefix(request: HttpRequest) -> bool:
    """True for a page of i18n_patterns: the last chain of patterns tried is the one that matched."""
    match = request.resolver_match
    if match is None or not match.tried:
        return False
    return any(isinstance(getattr(entry, "pattern", None), LocalePrefixPattern) for entry in match.tried[-1])
