"""Rate limits for the allauth forms that mail an address typed in, while the cache is down.

allauth keeps its rate limits in the cache. When Redis cannot be reached the resilient
backend (core/cache_backend.py) answers like an empty cache, so every limit "passes":
right for logging in with a password and for reading pages (fail open), wrong for the
forms that make the portal send mail to any address typed into them. While the cache does
not answer, this middleware counts the limits allauth applies to those views in the
database instead (core/ratelimits.py) and refuses beyond them with allauth's own 429
page, as allauth's limit would. Only when the database cannot count either does a form
fail closed: 503 with a short explanation and `Retry-After`.

A login code is not handled here: allauth refuses it in its form, with a message under the
address typed in, and members.account_forms.RequestLoginCodeForm counts it there.

A middleware keyed on allauth's URL names rather than an edit of allauth: nothing of
allauth's own code changes.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.core.ratelimit import respond_429
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import ratelimits

EMAIL_PAGE = "account_email"
EMAIL_PAGE_SENDING_ACTIONS = ("action_add", "action_send")
# allauth's views whose POST sends mail to an address from the form: sign-up, a password
# reset, and (on the e-mail page) adding an address or resending its link. For each, the
# action of allauth's rate limit and the form field it counts per ("key" rates), if any.
MAIL_SENDING_VIEWS: dict[str, tuple[str, str | None]] = {
    "account_signup": ("signup", None),
    "account_reset_password": ("reset_password", "email"),
    EMAIL_PAGE: ("manage_email", None),
}
RETRY_AFTER_SECONDS = 120


def _limited_action(request: HttpRequest) -> tuple[str, str | None] | None:
    if request.method != "POST" or request.resolver_match is None:
        return None
    name = request.resolver_match.url_name
    if name == EMAIL_PAGE and not any(action in request.POST for action in EMAIL_PAGE_SENDING_ACTIONS):
        return None  # Making an address primary or removing it mails nobody.
    return MAIL_SENDING_VIEWS.get(name)


class MailNeedsCacheMiddleware:
    """allauth's limits for mail-sending forms, counted in the database while the cache is down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        limited = _limited_action(request)
        if limited is None:
            return None
        action, key_field = limited
        # As allauth keys it: the address as typed, lower case (it counts per address).
        key = request.POST.get(key_field, "").strip().lower() if key_field else None
        verdict = ratelimits.check(request, action, key=key)
        if verdict is ratelimits.Verdict.ALLOWED:
            return None
        if verdict is ratelimits.Verdict.REFUSED:
            return respond_429(request)
        response = render(request, "503_mail.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
