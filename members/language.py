"""The language of a user's mail changes only when they choose it (issue 22).

Two ways to choose: the language field on "Mina uppgifter" (members.views.my_data), and
the offer on a page in English, Finnish or Arabic to someone whose mail comes in another
language ("Do you want e-mail from us in English?"), answered with one click
(members.views.mail_language). Opening a page in a language changes nothing by itself: a
shared link or a look at the Arabic pages is no choice of the language of one's mail.

Swedish pages make no offer: they have no prefix, and links in mail, shared links and the
admin lead there without anyone choosing Swedish.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path

# The languages whose offer the user answered "No, thanks" to, in this session.
DECLINED_SESSION_KEY = "mail_language_declined"


@dataclass(frozen=True)
class MailLanguageOffer:
    """The page's language, offered for the mail; `next` is the page to come back to."""

    language: str
    next: str


def mail_language_offer(request: HttpRequest) -> MailLanguageOffer | None:
    """The offer for this page, or None.

    Only on a page under a language prefix (/en/, /fi/, /ar/), to a logged-in user whose
    mail comes in another language and who has not declined this language in the session.
    No query: the user (with its language) and the session are loaded for the page anyway.
    """
    language = get_language_from_path(request.path_info)
    if not language or language == settings.LANGUAGE_CODE:
        return None
    user = request.user
    if not user.is_authenticated or user.language == language:
        return None
    if language in request.session.get(DECLINED_SESSION_KEY, ()):
        return None
    return MailLanguageOffer(language=language, next=request.get_full_path())


def offer_decline(request: HttpRequest, language: str) -> None:
    """ "No, thanks": no more offers of `language` in this session."""
    declined = list(request.session.get(DECLINED_SESSION_KEY, ()))
    if language not in declined:
        request.session[DECLINED_SESSION_KEY] = [*declined, language]


def back_to(request: HttpRequest, fallback: str) -> str:
    """The page the answer came from (the form's `next`), when it is one of this site's; else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
