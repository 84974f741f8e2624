"""Refuse the forms that mail an address a visitor typed in, while the cache is down.

allauth keeps its rate limits in the cache. When Redis cannot be reached the resilient
backend (natverk/cache_backend.py) answers like an empty cache, so every limit "passes":
right for logging in with a password and for reading pages (fail open), wrong for the
forms that make the portal send mail to any address typed into them, which would then
send without any limit (fail closed). Those forms answer 503 with a short explanation
until the cache answers again. A middleware keyed on allauth's URL names rather than an
edit of allauth: nothing of allauth's own code changes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from natverk.cache_backend import cache_available

# allauth's views whose POST sends mail to an address from the form: sign-up, password
# reset, a login code, and (on the e-mail page) adding an address or resending its link.
MAIL_SENDING_VIEWS = {"account_signup", "account_reset_password", "account_request_login_code"}
EMAIL_PAGE = "account_email"
EMAIL_PAGE_SENDING_ACTIONS = ("action_add", "action_send")
RETRY_AFTER_SECONDS = 120


def _sends_mail(request: HttpRequest) -> bool:
    if request.method != "POST" or request.resolver_match is None:
        return False
    name = request.resolver_match.url_name
    if name in MAIL_SENDING_VIEWS:
        return True
    return name == EMAIL_PAGE and any(action in request.POST for action in EMAIL_PAGE_SENDING_ACTIONS)


class MailNeedsCacheMiddleware:
    """503 for mail-sending allauth forms while the cache (their rate limits) is unreachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not _sends_mail(request) or cache_available():
            return None
        response = render(request, "503_mail.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
