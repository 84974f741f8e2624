"""The steering group's note and handler on an application's admin page.

The application itself stays read only in the admin; this small form sits under the
decision panel and posts to its own page (`<pk>/arende/`), which also shows the form
again with the reason and what was typed when a save is refused. Saving goes through
grants.casework, which writes one history row per change.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.roles import is_steering_group
from core.text import TextGuardMixin
from grants.access import get_application_for_user
from grants.casework import NOTE_MAX_LENGTH, application_handler_set, application_note_set, handler_choices
from grants.models import Application
from grants.workflow import conflicting_actors


class CaseworkForm(TextGuardMixin, forms.Form):
    internal_note = forms.CharField(
        label=gettext_lazy("Intern anteckning"),
        help_text=gettext_lazy("Bara för styrgruppen. De sökande ser den aldrig. Varje ändring sparas i historiken."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NOTE_MAX_LENGTH,
        required=False,
    )
    handler = forms.ModelChoiceField(
        label=gettext_lazy("Handläggare"),
        help_text=gettext_lazy("Den i styrgruppen som håller i ärendet."),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Ingen handläggare"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Handläggaren måste vara med i styrgruppen och inte vara part i ansökan. Välj någon i listan."
            )
        },
    )

    def __init__(self, *args, application: Application, **kwargs) -> None:
        kwargs.setdefault("initial", {"internal_note": application.internal_note, "handler": application.handler_id})
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handler_choices(application=application)
        self.fields["handler"].label_from_instance = lambda user: user.get_full_name()


def casework_url(application: Application) -> str:
    return reverse("admin:grants_application_casework", args=[application.pk])


def casework_panel(request: HttpRequest, application: Application, form: CaseworkForm | None = None) -> dict:
    """The note and handler for the change page: a form for steering members who are no
    party, the text alone for everyone else who reads the application in the admin."""
    conflicts = conflicting_actors(request.user, application)
    editable = is_steering_group(request.user) and not conflicts
    if editable and form is None:
        form = CaseworkForm(application=application)
    return {
        "application": application,
        "form": form if editable else None,
        "url": casework_url(application),
        "conflicts": conflicts,
        "is_steering": is_steering_group(request.user),
    }


class CaseworkViews:
    """Mixed into ApplicationAdmin: the note and handler page's URL and view."""

    def casework_urls(self) -> list:
        return [
            path(
                "<int:pk>/arende/",
                self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.casework_view)),
                name="grants_application_casework",
            ),
        ]

    def casework_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _casework_view(self, request, pk=pk)


def _casework_view(model_admin: ModelAdmin, request: HttpRequest, *, pk: int) -> HttpResponse:
    # 404 for whoever may not read the application (coordinators, drafts), as on the site.
    application = get_application_for_user(request, pk)
    # Readers outside the steering group (superusers) read the note on the application's page.
    if not (is_steering_group(request.user) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    change_url = reverse("admin:grants_application_change", args=[application.pk])
    form = CaseworkForm(request.POST if request.method == "POST" else None, application=application)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            # Both or neither: a refused handler leaves the note as it was too.
            with transaction.atomic():
                events = [
                    application_note_set(
                        application=application, user=request.user, text=form.cleaned_data["internal_note"]
                    ),
                    application_handler_set(
                        application=application, user=request.user, handler=form.cleaned_data["handler"]
                    ),
                ]
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            if any(events):
                messages.success(
                    request, _("Styrgruppens anteckning och handläggare är sparade för %(app)s.") % {"app": application}
                )
            else:
                messages.info(request, _("Inget ändrades."))
            return HttpResponseRedirect(change_url + "#grants-casework-title")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Styrgruppens anteckningar"),
        "subtitle": str(application),
        "application": application,
        "cw": casework_panel(request, application, form),
        "refusal": refusal,
        "change_url": change_url,
        "has_errors": bool(refusal or form.errors),
    }
    return TemplateResponse(request, "admin/grants/application/casework.html", context)
