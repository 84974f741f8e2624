"""Choosing the digest's networks under "Mina sidor", and leaving it from the link in a letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from digest import services
from digest.access import get_unsubscribe_user
from digest.forms import SubscriptionForm
from digest.models import Subscription
from members.models import User

# RFC 8058: a mail program's one-click unsubscribe posts exactly this form field.
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"


def _post(request: HttpRequest):
    # Not `request.POST or None`: an empty POST (every box unticked) must still be a bound form.
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    current = Subscription.objects.filter(user=request.user).values_list("network_id", flat=True)
    form = SubscriptionForm(_post(request), initial={"networks": list(current)})
    if request.method == "POST" and form.is_valid():
        networks = list(form.cleaned_data["networks"])
        services.subscriptions_set(user=request.user, networks=networks)
        if networks:
            names = get_text_list([n.display_name for n in networks], _("och"))
            messages.success(
                request,
                ngettext(
                    "Sparat. Du får veckobrevet från %(networks)s.",
                    "Sparat. Du får veckobrevet från %(networks)s.",
                    len(networks),
                )
                % {"networks": names},
            )
        else:
            messages.success(request, _("Sparat. Du får inget veckobrev."))
        return redirect("members:my-pages")
    return render(
        request,
        "digest/subscriptions.html",
        {"form": form, "verified": services.has_verified_address(request.user)},
    )


def _subscribed_networks(user: User | None) -> list:
    if user is None:
        return []
    return [s.network for s in Subscription.objects.filter(user=user).select_related("network")]


@csrf_protect
def _unsubscribe_from_page(request: HttpRequest, *, token: str, user: User | None) -> HttpResponse:
    """The button on the page: an ordinary form, with CSRF protection."""
    services.digest_unsubscribe(user=user)
    messages.success(request, _("Klart. Du får inte längre veckobrevet."))
    return redirect("digest:unsubscribe", token=token)


# CSRF is checked in `_unsubscribe_from_page`; only RFC 8058's one-click post goes without it,
# because a mail program has no cookie and no form to read a token from. The signed link is
# what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = get_unsubscribe_user(token)
    except BadSignature:
        return render(request, "digest/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        if request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE:
            services.digest_unsubscribe(user=user)
            return render(request, "digest/unsubscribe.html", {"networks": [], "one_click": True})
        return _unsubscribe_from_page(request, token=token, user=user)
    return render(request, "digest/unsubscribe.html", {"networks": _subscribed_networks(user)})
