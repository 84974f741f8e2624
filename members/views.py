"""The actor directory, actor pages, messages to actors and "Mina sidor"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import private_no_store
from members import contact, gdpr, guest, services
from members.access import (
    WRONG_ADDRESS_MESSAGE,
    get_actor_for_user,
    get_actor_for_user_rw,
    get_invitation,
    get_public_actor,
    invitation_is_for,
    user_addresses,
)
from members.forms import (
    CONSENT_TEXT,
    ActorForm,
    DeleteAccountForm,
    GuestCodeForm,
    GuestMessageForm,
    InvitationForm,
    JoinForm,
    LanguageForm,
    MessageForm,
)
from members.language import back_to, offer_decline
from members.models import Actor, Invitation, Membership, Representation
from members.overview import Todo, actor_memberships, my_pages_context
from members.search import folded_match
from networks.models import Network

ACTORS_PER_PAGE = 20


def _post(request: HttpRequest):
    # Not `request.POST or None`: an empty POST must still be a bound form with errors.
    return request.POST if request.method == "POST" else None


def _post_data(request: HttpRequest) -> tuple:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _active_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.active().select_related("network").order_by("network__sort_order"),
        to_attr="active_memberships",
    )


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    actors = Actor.objects.public().prefetch_related(_active_memberships())
    q = request.GET.get("q", "").strip()[:100]
    network_slug = request.GET.get("natverk", "")
    kind = request.GET.get("typ", "")
    if q:
        # Read as the site search reads it: "kafe" finds "Kafé", "lax hjalp" finds "Läxhjälp".
        actors = actors.filter(folded_match(q))
    networks = list(Network.objects.all())
    if network_slug in {n.slug for n in networks}:
        actors = actors.filter(
            memberships__network__slug=network_slug, memberships__status=Membership.Status.ACTIVE
        ).distinct()
    else:
        network_slug = ""
    if kind in Actor.Kind.values:
        actors = actors.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(actors, ACTORS_PER_PAGE).get_page(request.GET.get("sida"))
    query = urlencode({k: v for k, v in (("q", q), ("natverk", network_slug), ("typ", kind)) if v})
    return render(
        request,
        "members/directory.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "networks": networks,
            "kinds": Actor.Kind.choices,
            "selected_network": network_slug,
            "selected_kind": kind,
            "is_filtered": bool(q or network_slug or kind),
        },
    )


@require_GET
def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_public_actor(request, slug)
    memberships = Membership.objects.active().filter(actor=actor).select_related("network")
    context = {"actor": actor, "memberships": memberships}
    # Only a logged-in writer sees where a message goes; the anonymous page stays one for all.
    if request.user.is_authenticated:
        context["relays_to_contact"] = contact.contact_address_proven(actor)
    return render(request, "members/actor_detail.html", context)


@require_http_methods(["GET", "POST"])
def actor_message(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _guest_message(request, slug)
    actor = get_public_actor(request, slug)
    form = MessageForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.actor_message_send(
                sender=request.user, actor=actor, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ditt meddelande har skickats till %(actor)s.") % {"actor": actor.name})
            return redirect(actor)
    return render(
        request,
        "members/actor_message.html",
        {"actor": actor, "form": form, "relays_to_contact": contact.contact_address_proven(actor)},
    )


@private_no_store
def _guest_message(request: HttpRequest, slug: str) -> HttpResponse:
    """Without an account: name, address and message; a code is mailed before anything is relayed (members.guest)."""
    actor = get_public_actor(request, slug)
    waiting = guest.pending(request, actor)
    form = GuestMessageForm(_post(request), initial=waiting.form_data if waiting else None)
    if request.method == "POST" and form.is_valid():
        try:
            guest.code_send(request=request, actor=actor, message=guest.Pending(actor=actor.pk, **form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("members:actor-message-code", slug=actor.slug)
    return render(
        request,
        "members/actor_message.html",
        {"actor": actor, "form": form, "guest": True, "relays_to_contact": contact.contact_address_proven(actor)},
    )


@private_no_store
@require_http_methods(["GET", "POST"])
def actor_message_code(request: HttpRequest, slug: str) -> HttpResponse:
    """Type the mailed code to send the waiting message, or ask for a new code; everything typed is kept."""
    actor = get_public_actor(request, slug)
    waiting = None if request.user.is_authenticated else guest.pending(request, actor)
    if waiting is None:
        return redirect("members:actor-message", slug=actor.slug)
    form = GuestCodeForm(_post(request))
    if request.method == "POST" and form.is_valid():
        if "resend" in request.POST:
            try:
                guest.code_send(request=request, actor=actor, message=waiting)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.info(request, _("Vi har skickat en ny kod till %(email)s.") % {"email": waiting.email})
                return redirect("members:actor-message-code", slug=actor.slug)
        elif not form.cleaned_data["code"]:
            form.add_error("code", _("Skriv koden från e-postbrevet."))
        else:
            try:
                guest.code_confirm(request=request, actor=actor, message=waiting, code=form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error("code", error)
            else:
                messages.success(request, _("Ditt meddelande har skickats till %(actor)s.") % {"actor": actor.name})
                return redirect(actor)
    return render(
        request,
        "members/actor_message_code.html",
        {"actor": actor, "form": form, "message": waiting, "minutes": guest.CODE_MINUTES},
    )


def _contact_outcome_message(request: HttpRequest, actor: Actor) -> None:
    """Say what became of a new contact address (members.contact)."""
    outcome = getattr(actor, "contact_outcome", contact.Outcome.UNCHANGED)
    email = actor.contact_email
    if outcome == contact.Outcome.SENT:
        messages.info(
            request,
            _(
                "Vi har skickat en länk till %(email)s. Öppna den för att bekräfta adressen. "
                "Tills dess går meddelanden till aktörens företrädare."
            )
            % {"email": email},
        )
    elif outcome == contact.Outcome.PROVEN:
        messages.info(
            request,
            _("%(email)s är bekräftad, eftersom den är en företrädares bekräftade e-postadress.") % {"email": email},
        )
    elif outcome == contact.Outcome.LIMITED:
        messages.warning(
            request,
            _(
                "Vi kunde inte skicka någon länk till %(email)s just nu, eftersom många länkar har skickats "
                "på kort tid. Tryck på ”Skicka länken igen” senare, där du ändrar aktörens uppgifter. "
                "Tills adressen är bekräftad går meddelanden till aktörens företrädare."
            )
            % {"email": email},
        )


@login_required
@require_GET
def my_pages(request: HttpRequest) -> HttpResponse:
    """A to-do list first (what the person must do, with its deadline and a button), then their
    coming meetings, actors, applications, listings and digest."""
    # What templates/members/my_pages.html shows of each: whole actors and networks (long
    # texts, four languages) cost more to read than the rest of the page (make bench).
    representations = list(
        Representation.objects.filter(user=request.user)
        .select_related("actor")
        .order_by("actor__name", "pk")
        .only("role", "actor__name", "actor__slug", "actor__kind", "actor__is_public")
    )
    # The user's actors and their networks, read once here and handed to every section as
    # ids: a subquery per section cost about 1 ms of CPU each to build and compile (make bench).
    actor_ids = [rep.actor_id for rep in representations]
    memberships = actor_memberships(actor_ids)
    for rep in representations:
        rep.actor.all_memberships = memberships.get(rep.actor_id, [])
    network_ids = sorted(
        {m.network_id for ms in memberships.values() for m in ms if m.status == Membership.Status.ACTIVE}
    )
    # Every verified address counts: an invitation binds to the address it was sent to.
    invitations = (
        Invitation.objects.open()
        .filter(email__in=user_addresses(request.user))
        .select_related("actor")
        .order_by("expires_at", "pk")
        .only("token", "role", "expires_at", "actor__name")
    )
    todo = [
        Todo(
            _("Du är inbjuden att företräda %(actor)s som %(role)s.")
            % {"actor": invitation.actor.name, "role": invitation.role_in_words},
            _("Visa inbjudan"),
            reverse("members:invitation-accept", kwargs={"token": invitation.token}),
            timezone.localdate(invitation.expires_at),
        )
        for invitation in invitations
    ]
    context = {"representations": representations}
    context.update(my_pages_context(user=request.user, actor_ids=actor_ids, network_ids=network_ids, todo=todo))
    return render(request, "members/my_pages.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def actor_create(request: HttpRequest) -> HttpResponse:
    form = ActorForm(*_post_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actor = services.actor_create(
                user=request.user,
                actor=form.save(commit=False),
                consent=form.cleaned_data["contact_consent"],
                consent_text=str(CONSENT_TEXT),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form.forget_pending_logo()
            messages.success(
                request,
                _("%(actor)s är skapad. Nu kan du ansöka om medlemskap i ett nätverk.") % {"actor": actor.name},
            )
            _contact_outcome_message(request, actor)
            return redirect("members:actor-join", slug=actor.slug)
    return render(request, "members/actor_form.html", {"form": form, "actor": None})


@login_required
@require_http_methods(["GET", "POST"])
def actor_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_actor_for_user(request, slug)
    form = ActorForm(*_post_data(request), instance=actor, user=request.user)
    if request.method == "POST" and form.is_valid():
        had_consent = actor.has_contact_consent
        services.actor_update(
            actor=form.save(commit=False),
            consent=form.cleaned_data["contact_consent"],
            consent_text=str(CONSENT_TEXT),
            by=request.user,
        )
        form.forget_pending_logo()
        if had_consent and not actor.has_contact_consent:
            messages.success(request, _("Samtycket är återkallat. E-post och telefon visas inte längre publikt."))
        else:
            messages.success(request, _("Uppgifterna om %(actor)s är sparade.") % {"actor": actor.name})
        _contact_outcome_message(request, actor)
        return redirect("members:my-pages")
    invitations = actor.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())
    # The stored address, not the one typed into a refused form.
    stored = Actor.objects.get(pk=actor.pk)
    return render(
        request,
        "members/actor_form.html",
        {
            "form": form,
            "actor": actor,
            "invitations": invitations,
            "representatives": actor.representations.select_related("user"),
            "contact": {
                "email": stored.contact_email,
                "proven": contact.contact_address_proven(stored),
                "last_link": stored.contact_links.filter(email=stored.contact_email.lower()).first()
                if stored.contact_email
                else None,
            },
        },
    )


@login_required
@require_POST
def actor_contact_resend(request: HttpRequest, slug: str) -> HttpResponse:
    """The "send the link again" button on the actor's page under Mina sidor (rate-limited)."""
    actor = get_actor_for_user(request, slug)
    try:
        outcome = contact.link_resend(actor=actor, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if outcome == contact.Outcome.UNCHANGED:
            messages.info(request, _("Adressen är redan bekräftad."))
        else:
            actor.contact_outcome = outcome
            _contact_outcome_message(request, actor)
    return redirect(reverse("members:actor-edit", kwargs={"slug": actor.slug}) + "#contact-heading")


@private_no_store
@require_http_methods(["GET", "POST"])
def contact_verify(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The link mailed to a contact address: a button confirms it (no login needed).

    A GET changes nothing: mail filters open links to scan them, and that proves nothing.
    """
    actor = Actor.objects.filter(slug=slug).first()
    if actor is None:
        raise Http404(_("Aktören finns inte."))
    # Checked first, also for a proven address: a forged link never gets a friendly answer.
    problem = contact.link_problem(actor, token)
    done = problem is None and actor.contact_email_is_verified
    if request.method == "POST" and problem is None and not done:
        try:
            contact.contact_verify(actor=actor, token=token)
        except ValidationError as error:
            problem = error
        else:
            messages.success(request, _("Tack! Adressen är bekräftad. Meddelanden till aktören kommer nu hit."))
            return redirect(request.path)
    status = 200
    if problem is not None:
        status = 410 if problem.code == "expired" else 400
    return render(
        request,
        "members/contact_verify.html",
        {"actor": actor, "problem": problem.messages[0] if problem else None, "done": done},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def actor_join(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_actor_for_user_rw(request, slug)
    form = JoinForm(_post(request), actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                actor=actor, networks=form.cleaned_data["networks"], message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form.add_error("networks", error)
        else:
            messages.success(request, _("Ansökan är skickad. Samordnaren beslutar och du får besked via e-post."))
            return redirect("members:my-pages")
    memberships = actor.memberships.select_related("network")
    return render(request, "members/actor_join.html", {"form": form, "actor": actor, "memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def actor_invite(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_actor_for_user_rw(request, slug)
    form = InvitationForm(_post(request), actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                actor=actor, email=form.cleaned_data["email"], role=form.cleaned_data["role"], invited_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("En inbjudan har skickats till %(email)s. Den gäller i 14 dagar.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("members:actor-edit", slug=actor.slug)
    return render(
        request,
        "members/actor_invite.html",
        {"form": form, "actor": actor, "days": settings.MEMBERS_INVITATION_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_invitation(token)
    if not invitation_is_for(invitation, request.user):
        # Nothing happens: the link works only for the address it was sent to.
        return render(
            request,
            "members/invitation_accept.html",
            {"invitation": invitation, "problem": WRONG_ADDRESS_MESSAGE},
            status=403,
        )
    problem = None
    if invitation.is_used:
        problem = _("Inbjudan har redan använts. Be aktörens företrädare om en ny.")
    elif invitation.is_expired:
        problem = _("Inbjudan har gått ut. Be aktörens företrädare om en ny.")
    if request.method == "POST" and problem is None:
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            messages.success(request, _("Nu företräder du %(actor)s.") % {"actor": invitation.actor.name})
            return redirect("members:my-pages")
    return render(
        request,
        "members/invitation_accept.html",
        {"invitation": invitation, "problem": problem},
        status=410 if problem else 200,
    )


# A person's data (with an actor's bank details, grants.access) stays out of the browser's cache.
@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """The same data as the download, in words: what each key means is listed for the JSON file.

    A POST changes the language of the site's mail (one of the two ways to choose it,
    members.language); the page then opens in that language.
    """
    language_form = LanguageForm(_post(request), initial={"language": request.user.language})
    if request.method == "POST" and language_form.is_valid():
        language = language_form.cleaned_data["language"]
        services.user_set_language(user=request.user, language=language)
        with translation.override(language):
            messages.success(request, _("Sparat. Från och med nu får du e-post från oss på det här språket."))
            return redirect(reverse("members:my-data"))
    data = services.user_export(user=request.user)
    labels = {**services.USER_EXPORT_LABELS, **gdpr.EXPORT_LABELS}
    sections = gdpr.export_for_reading(data, labels)
    return render(
        request,
        "members/my_data.html",
        {
            "exported_at": data["exported_at"],
            # The time of the export is said in the page's introduction, not as a section.
            "sections": [s for s in sections if s.key != "exported_at"],
            "keys": sorted((key, str(label)) for key, label in labels.items()),
            "form": language_form,
        },
    )


@login_required
@require_POST
def mail_language(request: HttpRequest) -> HttpResponse:
    """The answer to the offer on a page in another language (members.language), then back to that page.

    The form posts to this page in the language it offers (/en/…), so the page's language is
    the one chosen. "Yes" makes it the language of the user's mail; "No, thanks" stops the
    offer of it for the rest of the session.
    """
    language = translation.get_language()
    answer = request.POST.get("answer")
    if answer == "yes":
        services.user_set_language(user=request.user, language=language)
        messages.success(request, _("Sparat. Från och med nu får du e-post från oss på det här språket."))
    elif answer == "no":
        offer_decline(request, language)
    return redirect(back_to(request, reverse("members:my-pages")))


@private_no_store
@login_required
@require_GET
def my_data_export(request: HttpRequest) -> HttpResponse:
    data = services.user_export(user=request.user)
    response = HttpResponse(gdpr.export_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mina-uppgifter.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(_post(request))
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Ditt konto är raderat."))
        return redirect("networks:home")
    sole_actors = (
        Actor.objects.represented_by(request.user).exclude(representations__user__in=_others(request.user)).distinct()
    )
    return render(request, "members/account_delete.html", {"form": form, "sole_actors": sole_actors})


def _others(user):
    from members.models import User

    return User.objects.exclude(pk=user.pk)
