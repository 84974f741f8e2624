from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin_inline import ConstraintsCheckedForm
from core.adminlist import DateSafeChangeListMixin, short_date
from core.text import TextGuardMixin
from members import services
from members.access import actors_visible_to, sees_representative_emails
from members.forms import MembershipDeclineForm
from members.images import process_logo
from members.models import Actor, ActorMessage, Invitation, Membership, Representation, User
from members.search import folded_match
from networks.scoping import NetworkScopedAdminMixin


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's login goes through allauth, so that e-mail verification and two-factor apply."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        # Logged in but without staff rights: allauth would send them straight back here.
        raise PermissionDenied
    return redirect_to_login(next_url, reverse("account_login"))


admin.site.login = admin_login


class FoldedActorSearchMixin:
    """The admin's search finds actors as the site search does (members.search): "kafe" finds
    "Kafé" and "lax hjalp" finds "Läxhjälp", besides what `search_fields` find."""

    # Where the actor's folded text is, seen from the admin's rows.
    actor_search_column = "search_text"

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(folded_match(search_term, self.actor_search_column))
        return found, may_have_duplicates


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Personuppgifter"), {"fields": ["name"]}),
        (
            gettext_lazy("Behörigheter"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("Datum"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]


class RepresentationInline(admin.TabularInline):
    model = Representation
    form = ConstraintsCheckedForm
    extra = 0
    autocomplete_fields = ["user"]


class ActorAdminForm(TextGuardMixin, forms.ModelForm):
    """Logos uploaded in the admin go through the same checks as on the site."""

    class Meta:
        model = Actor
        exclude: list[str] = []

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):
            return logo
        return process_logo(logo)


@admin.register(Actor)
class ActorAdmin(FoldedActorSearchMixin, admin.ModelAdmin):
    form = ActorAdminForm
    list_display = ["name", "kind", "org_number", "contact_email_verified", "is_public", "is_demo", "created_at"]
    list_filter = ["kind", "is_public", "is_demo"]
    # Never the contact details: the autocomplete searches these fields too, and they are
    # not public without the actor's consent.
    search_fields = ["name", "org_number"]
    prepopulated_fields = {"slug": ["name"]}
    # Proven only by the link mailed to the address (members.contact), never by a tick here.
    readonly_fields = [
        "contact_consent_at",
        "contact_consent_text",
        "contact_email_verified",
        "contact_email_verified_at",
        "contact_email_verified_address",
    ]
    inlines = [RepresentationInline]

    @admin.display(description=gettext_lazy("e-post bekräftad"), boolean=True)
    def contact_email_verified(self, obj: Actor) -> bool | None:
        """None (a dash) without an address; a changed address shows as not verified."""
        return obj.contact_email_is_verified if obj.contact_email else None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list, the change page and the autocomplete all read through this.
        return super().get_queryset(request).filter(pk__in=actors_visible_to(request.user).values("pk"))

    def has_view_permission(self, request: HttpRequest, obj: Actor | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_change_permission(self, request: HttpRequest, obj: Actor | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())


@admin.register(Membership)
class MembershipAdmin(FoldedActorSearchMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    actor_search_column = "actor__search_text"
    list_display = ["actor", "network_name", "status", "requested_on", "decided_on"]
    # The network filter lists only the networks the user reads (NetworkScopedAdminMixin).
    list_filter = ["status", "network"]
    search_fields = ["actor__name"]
    list_select_related = ["actor", "network"]
    autocomplete_fields = ["actor"]
    readonly_fields = ["status", "requested_at", "decided_at", "decided_by"]
    actions = ["approve", "decline"]
    change_form_template = "admin/members/membership/change_form.html"

    @admin.display(description=_("nätverk"), ordering="network__name")
    def network_name(self, obj: Membership) -> str:
        return obj.network.name

    @admin.display(description=_("ansökt"), ordering="requested_at")
    def requested_on(self, obj: Membership) -> str:
        return short_date(obj.requested_at)

    @admin.display(description=_("beslutad"), ordering="decided_at")
    def decided_on(self, obj: Membership) -> str:
        return short_date(obj.decided_at)

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> list[str]:
        # Status changes go through the decide pages and actions, which mail the actor's
        # representatives; the message is the applicant's own words.
        if obj is not None:
            return [*self.readonly_fields, "actor", "network", "message"]
        return self.readonly_fields

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        # Nothing on a request's page is editable (decisions have their own buttons), so a
        # "Spara" button would only confuse; superusers keep it for the add page alone.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request: HttpRequest, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["actor_facts"] = self._actor_facts(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _actor_facts(self, request: HttpRequest, membership: Membership) -> dict:
        """Who asks to join, for the one who decides: the actor, its representatives and its
        other networks with the membership's status in each."""
        actor = membership.actor
        return {
            "actor": actor,
            "representatives": Representation.objects.filter(actor=actor)
            .select_related("user")
            .order_by("-role", "user__name", "user__email"),
            "show_emails": sees_representative_emails(request.user),
            "other_memberships": Membership.objects.filter(actor=actor)
            .exclude(pk=membership.pk)
            .select_related("network")
            .order_by("network__sort_order", "network__name"),
        }

    # ---- one request: approve and decline pages of their own ----

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/godkann/",
                self.admin_site.admin_view(self.approve_view),
                name="members_membership_approve",
            ),
            path(
                "<int:pk>/avboj/",
                self.admin_site.admin_view(self.decline_view),
                name="members_membership_decline",
            ),
            *super().get_urls(),
        ]

    def _pending_for_decision(self, request: HttpRequest, pk: int) -> Membership | HttpResponse:
        """The request if the user may decide it; a redirect with a message if it is decided."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        membership = self.get_queryset(request).select_related("actor", "network").filter(pk=pk).first()
        if membership is None:
            raise Http404
        if not self.has_change_permission(request, membership):
            raise PermissionDenied
        if membership.status != Membership.Status.PENDING:
            self.message_user(request, _("Ansökan är redan beslutad."), messages.WARNING)
            return redirect("admin:members_membership_change", membership.pk)
        return membership

    def _decide_page(self, request: HttpRequest, membership: Membership, *, decision: str, form) -> TemplateResponse:
        titles = {
            "approve": _("Godkänn ansökan om medlemskap"),
            "decline": _("Avböj ansökan om medlemskap"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": titles[decision],
            "decision": decision,
            "memberships": [membership],
            "original": membership,
            "actor_facts": self._actor_facts(request, membership),
            "form": form,
            "cancel_url": reverse("admin:members_membership_change", args=[membership.pk]),
        }
        return TemplateResponse(request, "admin/members/membership/decide.html", context)

    def _decide_one(self, request: HttpRequest, membership: Membership, decide, done: str, **kwargs) -> HttpResponse:
        try:
            decide(membership=membership, by=request.user, **kwargs)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.WARNING)
            return redirect("admin:members_membership_change", membership.pk)
        self.message_user(request, done % {"actor": membership.actor.name}, messages.SUCCESS)
        return redirect(self._pending_changelist_url())

    def _pending_changelist_url(self) -> str:
        return reverse("admin:members_membership_changelist") + f"?status__exact={Membership.Status.PENDING}"

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        membership = self._pending_for_decision(request, pk)
        if isinstance(membership, HttpResponse):
            return membership
        if request.method == "POST":
            return self._decide_one(
                request,
                membership,
                services.membership_approve,
                _("%(actor)s är nu medlem. Aktörens företrädare får e-post om beslutet."),
            )
        return self._decide_page(request, membership, decision="approve", form=None)

    def decline_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        membership = self._pending_for_decision(request, pk)
        if isinstance(membership, HttpResponse):
            return membership
        form = MembershipDeclineForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._decide_one(
                request,
                membership,
                services.membership_decline,
                _("Ansökan från %(actor)s är avböjd. Aktörens företrädare får e-post om beslutet."),
                message=form.cleaned_data["message"],
            )
        return self._decide_page(request, membership, decision="decline", form=form)

    # ---- many requests: the actions, with the same confirm step ----

    def _decide(self, request: HttpRequest, queryset: QuerySet, decide, done_text, **kwargs) -> None:
        done = 0
        for membership in queryset.select_related("actor", "network"):
            if membership.status != Membership.Status.PENDING:
                continue
            try:
                decide(membership=membership, by=request.user, **kwargs)
            except ValidationError as error:
                self.message_user(request, f"{membership}: {error.messages[0]}", messages.WARNING)
            else:
                done += 1
        skipped = queryset.count() - done
        self.message_user(request, done_text(done) % {"count": done}, messages.SUCCESS if done else messages.WARNING)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d ansökan var redan beslutad och ändrades inte.",
                    "%(count)d ansökningar var redan beslutade och ändrades inte.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def _confirm_many(self, request: HttpRequest, queryset: QuerySet, *, decision: str, form) -> TemplateResponse:
        count = queryset.count()
        titles = {
            "approve": ngettext("Godkänn %(count)d ansökan", "Godkänn %(count)d ansökningar", count),
            "decline": ngettext("Avböj %(count)d ansökan", "Avböj %(count)d ansökningar", count),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": titles[decision] % {"count": count},
            "decision": decision,
            "memberships": queryset.select_related("actor", "network"),
            "form": form,
            "action": decision,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": reverse("admin:members_membership_changelist"),
        }
        return TemplateResponse(request, "admin/members/membership/decide.html", context)

    @admin.action(description=gettext_lazy("Godkänn valda ansökningar"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet):
        if "confirm" not in request.POST:
            return self._confirm_many(request, queryset, decision="approve", form=None)
        self._decide(
            request,
            queryset,
            services.membership_approve,
            lambda n: ngettext("%(count)d ansökan godkänd.", "%(count)d ansökningar godkända.", n),
        )
        return None

    @admin.action(description=gettext_lazy("Avböj valda ansökningar"), permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet):
        form = MembershipDeclineForm(request.POST if "confirm" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self._confirm_many(request, queryset, decision="decline", form=form)
        self._decide(
            request,
            queryset,
            services.membership_decline,
            lambda n: ngettext("%(count)d ansökan avböjd.", "%(count)d ansökningar avböjda.", n),
            message=form.cleaned_data["message"],
        )
        return None


@admin.register(Invitation)
class InvitationAdmin(FoldedActorSearchMixin, admin.ModelAdmin):
    actor_search_column = "actor__search_text"
    list_display = ["email", "actor", "role", "created_on", "expires_on", "accepted_on"]
    list_filter = ["role"]
    search_fields = ["email", "actor__name"]
    list_select_related = ["actor"]
    readonly_fields = ["actor", "email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"]

    @admin.display(description=_("skickad"), ordering="created_at")
    def created_on(self, obj: Invitation) -> str:
        return short_date(obj.created_at)

    @admin.display(description=_("gäller till"), ordering="expires_at")
    def expires_on(self, obj: Invitation) -> str:
        return short_date(obj.expires_at)

    @admin.display(description=_("använd"), ordering="accepted_at")
    def accepted_on(self, obj: Invitation) -> str:
        return short_date(obj.accepted_at)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ActorMessage)
class ActorMessageAdmin(FoldedActorSearchMixin, DateSafeChangeListMixin, admin.ModelAdmin):
    actor_search_column = "actor__search_text"
    list_display = ["sent_at", "sender", "actor"]
    search_fields = ["sender__email", "actor__name"]
    list_select_related = ["sender", "actor"]
    date_hierarchy = "sent_at"
    readonly_fields = ["sender", "actor", "sent_at"]
    # A guest's keyed address hash is only for the limit per hour (members.guest): not shown.
    exclude = ["sender_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
