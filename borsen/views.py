"""Samverkansbörsen's pages: the list, a listing, posting, editing, marking solved and answering."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from borsen import services
from borsen.access import (
    actors_for_posting,
    get_listing_for_read,
    get_listing_for_write,
    may_hide,
    why_no_actor_may_post,
)
from borsen.forms import AnswerForm, FilterForm, ListingForm, SolveForm
from borsen.models import Listing
from networks.models import Network

LISTINGS_PER_PAGE = 20


def _post(request: HttpRequest):
    # Not `request.POST or None`: an empty POST must still be a bound form with errors.
    return request.POST if request.method == "POST" else None


@require_safe
def listing_list(request: HttpRequest) -> HttpResponse:
    networks = list(Network.objects.all())
    filters = FilterForm(request.GET, networks=networks)
    chosen = {name: filters.value(name) for name in ("natverk", "typ", "riktning")}
    # Unknown values are dropped, so the form shows what the list really is.
    filters = FilterForm({k: v for k, v in chosen.items() if v}, networks=networks)
    listings = Listing.objects.public().select_related("actor").prefetch_related("networks")
    network = next((n for n in networks if n.slug == chosen["natverk"]), None)
    if network is not None:
        listings = listings.filter(networks=network)
    if chosen["typ"]:
        listings = listings.filter(kind=chosen["typ"])
    if chosen["riktning"]:
        listings = listings.filter(direction=chosen["riktning"])
    page = Paginator(listings.order_by("-created_at", "-pk"), LISTINGS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "borsen/listing_list.html",
        {
            "page": page,
            "filter_form": filters,
            "network": network,
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "is_filtered": any(chosen.values()),
            "may_post": actors_for_posting(request.user).exists(),
        },
    )


@require_safe
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_listing_for_read(request, pk)
    return render(
        request,
        "borsen/listing_detail.html",
        {
            "listing": listing,
            "networks": listing.networks.all(),
            "matches": services.open_matches(listing) if listing.is_open else [],
            "contact_email": services.shown_contact_email(listing),
            "may_hide": may_hide(request.user, listing),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request: HttpRequest) -> HttpResponse:
    actors = actors_for_posting(request.user)
    if not actors.exists():
        return render(request, "borsen/no_actor.html", why_no_actor_may_post(request.user))
    form = ListingForm(_post(request), actors=actors)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(
                listing=form.save(commit=False), networks=form.cleaned_data["networks"], author=request.user
            )
        except ValidationError as error:
            # The daily limit: the form comes back with everything typed, and the reason.
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Inlägget ”%(title)s” är publicerat. Du får e-post om någon söker eller erbjuder något som passar.")
                % {"title": listing.title},
            )
            return redirect(listing)
    # Said before anything is typed, too, so that nobody writes a listing in vain.
    limit_message = ""
    if not form.is_bound and services.listings_posted_today(user=request.user) >= settings.BORSEN_LISTINGS_PER_DAY:
        limit_message = services.posting_limit_message(typed=False)
    return render(request, "borsen/listing_form.html", {"form": form, "listing": None, "limit_message": limit_message})


def _not_changeable(request: HttpRequest, listing: Listing) -> HttpResponse | None:
    if listing.is_hidden:
        messages.warning(request, _("Inlägget är dolt av en samordnare och kan inte ändras."))
        return redirect(listing)
    if listing.is_solved:
        messages.warning(request, _("Inlägget är redan markerat som löst."))
        return redirect(listing)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_listing_for_write(request, pk)
    if (stop := _not_changeable(request, listing)) is not None:
        return stop
    form = ListingForm(_post(request), instance=listing)
    if request.method == "POST" and form.is_valid():
        services.listing_update(listing=form.save(commit=False), networks=form.cleaned_data["networks"])
        messages.success(request, _("Ändringarna i ”%(title)s” är sparade.") % {"title": listing.title})
        return redirect(listing)
    return render(request, "borsen/listing_form.html", {"form": form, "listing": listing})


@login_required
@require_http_methods(["GET", "POST"])
def listing_solve(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of its own that asks for confirmation (and the optional sentence) before marking solved."""
    listing = get_listing_for_write(request, pk)
    if (stop := _not_changeable(request, listing)) is not None:
        return stop
    form = SolveForm(_post(request))
    if request.method == "POST" and form.is_valid():
        services.listing_solve(listing=listing, note=form.cleaned_data["note"])
        messages.success(
            request,
            _("”%(title)s” är markerat som löst. Det visas som löst i 30 dagar och arkiveras sedan.")
            % {"title": listing.title},
        )
        return redirect(listing)
    return render(request, "borsen/listing_solve.html", {"form": form, "listing": listing})


@login_required
@require_http_methods(["GET", "POST"])
def listing_answer(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_listing_for_read(request, pk)
    if not listing.is_open:
        messages.warning(request, _("Inlägget går inte att svara på längre."))
        return redirect(listing)
    subject = _("Svar på ditt inlägg ”%(title)s”") % {"title": listing.title}
    form = AnswerForm(_post(request), initial={"subject": subject})
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_answer(
                sender=request.user,
                listing=listing,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Ditt svar har skickats till %(actor)s. De svarar till din e-postadress.")
                % {"actor": listing.actor.name},
            )
            return redirect(listing)
    return render(request, "borsen/listing_answer.html", {"form": form, "listing": listing})
