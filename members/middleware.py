"""Staff must turn on two-factor authentication before they reach the admin."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.roles import staff_needs_mfa


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
