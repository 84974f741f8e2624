from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.adminlist import short_date
from core.dates import ADMIN_DATE_OVERRIDES
from core.text import TextGuardMixin
from members.images import process_logo
from networks.scoping import OneNetworkChosenMixin
from voices import services
from voices.access import (
    actors_for_voices,
    may_change_voice,
    may_delete_voice,
    networks_for_voices,
    voices_visible_to,
)
from voices.models import Voice


class VoiceAdminForm(TextGuardMixin, forms.ModelForm):
    """A photo goes through the same checks as a logo: a real image, re-encoded without metadata."""

    class Meta:
        model = Voice
        exclude: list[str] = []

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "content_type"):
            return photo
        return process_logo(photo)


class ConsentFilter(admin.SimpleListFilter):
    title = gettext_lazy("samtycke")
    parameter_name = "samtycke"

    def lookups(self, request, model_admin):
        return [("gallande", gettext_lazy("gäller")), ("aterkallat", gettext_lazy("återkallat"))]

    def queryset(self, request, queryset):
        if self.value() == "gallande":
            return queryset.filter(consent_withdrawn_at__isnull=True)
        if self.value() == "aterkallat":
            return queryset.filter(consent_withdrawn_at__isnull=False)
        return queryset


@admin.register(Voice)
class VoiceAdmin(OneNetworkChosenMixin, admin.ModelAdmin):
    form = VoiceAdminForm
    formfield_overrides = ADMIN_DATE_OVERRIDES
    list_display = ["__str__", "network", "actor_shown", "is_published", "has_video", "consent_given", "consent"]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter), "is_published", ConsentFilter, "is_demo"]
    search_fields = ["person_name", "role", "actor_name", "actor__name"]
    list_select_related = ["network", "actor"]
    # A plain select (the coordinator's own networks' actors), not the autocomplete: its
    # empty combobox has no accessible name (axe: aria-input-field-name).
    readonly_fields = ["consent_withdrawn_at", "consent_withdrawn_by"]
    actions = ["withdraw_consent"]
    change_form_template = "admin/voices/voice/change_form.html"
    fieldsets = [
        (None, {"fields": ["network", "is_published", "sort_order", "is_demo"]}),
        (gettext_lazy("Berättelsen"), {"fields": ["quote", "person_name", "role", "actor", "actor_name"]}),
        (gettext_lazy("Foto"), {"fields": ["photo", "photo_alt"]}),
        (
            gettext_lazy("Video"),
            {
                "fields": ["video", "captions", "transcript"],
                "description": gettext_lazy(
                    "Videon visas med webbläsarens egen spelare och undertexterna påslagna. "
                    "En video utan undertexter sparas inte."
                ),
            },
        ),
        (
            gettext_lazy("Samtycke"),
            {
                "fields": ["consent_given_at", "consent_recorded", "consent_withdrawn_at", "consent_withdrawn_by"],
                "description": gettext_lazy(
                    "Rösten får bara visas med personens samtycke. Om personen återkallar det: använd knappen "
                    "”Samtycket har återkallats”, så försvinner rösten genast från alla sidor."
                ),
            },
        ),
    ]

    @admin.display(description=gettext_lazy("aktör"))
    def actor_shown(self, obj: Voice) -> str:
        return obj.actor_display

    @admin.display(description=gettext_lazy("video"), boolean=True)
    def has_video(self, obj: Voice) -> bool:
        return bool(obj.video)

    @admin.display(description=gettext_lazy("samtycke lämnat"), ordering="consent_given_at")
    def consent_given(self, obj: Voice) -> str:
        # A date, not a time: short_date's form without the conversion to local time.
        return format_html('<span class="date-short">{}</span>', date_format(obj.consent_given_at, "SHORT_DATE_FORMAT"))

    @admin.display(description=gettext_lazy("samtycke"), ordering="consent_withdrawn_at")
    def consent(self, obj: Voice) -> str:
        if obj.is_withdrawn:
            return _("återkallat %(day)s") % {"day": short_date(obj.consent_withdrawn_at)}
        return _("gäller")

    # ---- who sees and changes what: voices/access.py ----

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(pk__in=voices_visible_to(request.user).values("pk"))

    def _visible(self, request: HttpRequest, obj: Voice | None) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request: HttpRequest, obj: Voice | None = None) -> bool:
        return super().has_view_permission(request, obj) and self._visible(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Voice | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or (self._visible(request, obj) and may_change_voice(request.user, obj)))

    def has_delete_permission(self, request: HttpRequest, obj: Voice | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or (self._visible(request, obj) and may_delete_voice(request.user, obj)))

    def network_choices(self, request: HttpRequest) -> QuerySet:
        return networks_for_voices(request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "actor":
            kwargs["queryset"] = actors_for_voices(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # ---- a withdrawn consent: a button on the change page, and an action on the list ----

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/aterkalla/",
                self.admin_site.admin_view(self.withdraw_view),
                name="voices_voice_withdraw",
            ),
            *super().get_urls(),
        ]

    def _confirm_page(self, request: HttpRequest, voices, *, original: Voice | None, action: bool) -> TemplateResponse:
        count = len(voices)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Samtycket har återkallats"),
            "voices": voices,
            "count": count,
            "original": original,
            "action": "withdraw_consent" if action else None,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": reverse("admin:voices_voice_change", args=[original.pk])
            if original
            else reverse("admin:voices_voice_changelist"),
        }
        return TemplateResponse(request, "admin/voices/voice/withdraw.html", context)

    def withdraw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        voice = self.get_queryset(request).select_related("network", "actor").filter(pk=pk).first()
        if voice is None or not self.has_view_permission(request, voice):
            raise Http404
        if voice.is_withdrawn:
            self.message_user(request, _("Samtycket är redan återkallat."), messages.WARNING)
            return redirect("admin:voices_voice_change", voice.pk)
        if not self.has_change_permission(request, voice):
            raise PermissionDenied
        if request.method != "POST":
            return self._confirm_page(request, [voice], original=voice, action=False)
        name = voice.person_name
        try:
            voice = services.withdraw_consent(voice=voice, by=request.user)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.WARNING)
            return redirect("admin:voices_voice_change", voice.pk)
        self.log_change(request, voice, [{"changed": {"fields": ["consent_withdrawn_at"]}}])
        self.message_user(
            request,
            _("Samtycket är återkallat. Rösten från %(name)s visas inte längre någonstans och dess filer är raderade.")
            % {"name": name},
            messages.SUCCESS,
        )
        return redirect("admin:voices_voice_changelist")

    @admin.action(description=gettext_lazy("Samtycket har återkallats"), permissions=["change"])
    def withdraw_consent(self, request: HttpRequest, queryset: QuerySet):
        voices = [
            voice
            for voice in queryset.select_related("network", "actor")
            if not voice.is_withdrawn and self.has_change_permission(request, voice)
        ]
        if not voices:
            self.message_user(
                request, _("Inga av de valda rösterna har ett samtycke kvar att återkalla."), messages.WARNING
            )
            return None
        if "confirm" not in request.POST:
            return self._confirm_page(request, voices, original=None, action=True)
        done = 0
        for voice in voices:
            try:
                withdrawn = services.withdraw_consent(voice=voice, by=request.user)
            except ValidationError:
                continue
            self.log_change(request, withdrawn, [{"changed": {"fields": ["consent_withdrawn_at"]}}])
            done += 1
        self.message_user(
            request,
            ngettext(
                "Samtycket är återkallat för %(count)d röst. Den visas inte längre någonstans "
                "och dess filer är raderade.",
                "Samtycket är återkallat för %(count)d röster. De visas inte längre någonstans "
                "och deras filer är raderade.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )
        return None
