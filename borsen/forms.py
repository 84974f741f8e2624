"""Forms of Samverkansbörsen: posting and editing, marking solved, answering, hiding, the list filter."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from borsen.models import MAX_DAYS_AHEAD, Listing
from core.dates import SwedishDateField, with_date_hint
from core.text import TextGuardMixin
from core.translation import column, content_languages, is_rtl, language_name
from members.models import Actor, Membership
from networks.models import Network

DEFAULT_DAYS_AHEAD = 30


def _date_words(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


class ListingForm(TextGuardMixin, forms.ModelForm):
    """A new listing (with the actor to post for) or an edit (the actor stays)."""

    actor = forms.ModelChoiceField(
        label=_("Vem skriver?"),
        queryset=Actor.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Välj vilken aktör inlägget gäller.")},
    )
    networks = forms.ModelMultipleChoiceField(
        label=_("Vilka nätverk gäller det?"),
        queryset=Network.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bara nätverk där aktören är medlem."),
        error_messages={"required": _("Välj minst ett nätverk.")},
    )

    class Meta:
        model = Listing
        field_classes = {"last_date": SwedishDateField}
        fields = [
            "actor",
            "direction",
            "kind",
            "title",
            "text",
            "networks",
            "last_date",
            *(column(name, code) for code in content_languages() for name in ("title", "text")),
        ]
        widgets = {
            "direction": forms.RadioSelect,
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {
            "direction": _("Söker ni eller erbjuder ni något?"),
            "kind": _("Vad gäller det?"),
            "title": _("Rubrik"),
            "text": _("Beskriv vad ni söker eller erbjuder"),
            "last_date": _("Sista dag"),
        }
        help_texts = {
            "title": _("Kort och tydligt, till exempel ”Lokal för 30 personer en lördag”. Högst 120 tecken."),
            "text": _("När, var, hur många och vad ni kan ge tillbaka. Högst 3 000 tecken."),
        }
        error_messages = {
            "direction": {"required": _("Välj om ni söker eller erbjuder något.")},
            "kind": {"required": _("Välj vad inlägget gäller.")},
            "title": {"required": _("Skriv en rubrik.")},
            "text": {"required": _("Beskriv vad ni söker eller erbjuder.")},
            "last_date": {"required": _("Skriv sista dag.")},
        }

    def __init__(self, *args, actors=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["direction"].choices = Listing.Direction.choices
        self.fields["kind"].choices = Listing.Kind.choices
        self.fields["last_date"].help_text = with_date_hint(
            _("Inlägget försvinner efter den dagen. Senast %(date)s (%(days)s dagar framåt).")
            % {"date": _date_words(today + datetime.timedelta(days=MAX_DAYS_AHEAD)), "days": MAX_DAYS_AHEAD}
        )
        for code in content_languages():
            attrs = {"lang": code, "dir": "rtl" if is_rtl(code) else "ltr"}
            self.fields[column("title", code)].widget.attrs.update(attrs)
            self.fields[column("text", code)].widget.attrs.update({"rows": 4, **attrs})
        if self.instance.pk:
            del self.fields["actor"]
            self.fields["networks"].initial = list(self.instance.networks.all())
        else:
            self.fields["actor"].queryset = actors if actors is not None else Actor.objects.none()
            only = list(self.fields["actor"].queryset[:2])
            if len(only) == 1:
                self.fields["actor"].initial = only[0].pk
            self.fields["last_date"].initial = today + datetime.timedelta(days=DEFAULT_DAYS_AHEAD)

    def _is_translation(self, name: str) -> bool:
        return any(name == column(field, code) for code in content_languages() for field in ("title", "text"))

    def main_fields(self) -> list:
        """The fields in Swedish and the listing's facts, in order."""
        return [field for field in self.visible_fields() if not self._is_translation(field.name)]

    def translation_groups(self) -> list[dict]:
        """One group per language for the optional translations of the title and text."""
        return [
            {
                "code": code,
                "name": language_name(code),
                "dir": "rtl" if is_rtl(code) else "ltr",
                "fields": [self[column("title", code)], self[column("text", code)]],
            }
            for code in content_languages()
        ]

    def has_translations(self) -> bool:
        """Open the translations when something is typed there or has an error."""
        return any(field.value() or field.errors for group in self.translation_groups() for field in group["fields"])

    def clean_last_date(self) -> datetime.date:
        value = self.cleaned_data["last_date"]
        today = timezone.localdate()
        if value < today:
            raise ValidationError(_("Sista dag kan inte ha passerat. Välj i dag eller ett senare datum."), code="past")
        latest = today + datetime.timedelta(days=MAX_DAYS_AHEAD)
        if value > latest:
            raise ValidationError(
                _("Sista dag kan vara högst %(days)s dagar framåt, alltså senast %(date)s.")
                % {"days": MAX_DAYS_AHEAD, "date": _date_words(latest)},
                code="too_far",
            )
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        actor = cleaned.get("actor") if "actor" in self.fields else self.instance.actor
        networks = cleaned.get("networks")
        if actor is not None and networks:
            active = Membership.objects.active().filter(actor=actor, network__in=networks)
            member_of = set(active.values_list("network_id", flat=True))
            outside = [network.display_name for network in networks if network.pk not in member_of]
            if outside:
                self.add_error(
                    "networks",
                    _("%(actor)s är inte medlem i %(networks)s. Välj nätverk där aktören är medlem.")
                    % {"actor": actor.name, "networks": ", ".join(outside)},
                )
        return cleaned

    def save(self, commit: bool = True) -> Listing:
        # The networks are set by the service, after the listing is saved.
        listing = super().save(commit=False)
        if "actor" in self.fields:
            listing.actor = self.cleaned_data["actor"]
        return listing


class SolveForm(TextGuardMixin, forms.Form):
    note = forms.CharField(
        label=_("Så löste det sig (valfritt)"),
        help_text=_("En mening som visas på inlägget, till exempel ”Vi fick låna Brynäs kvarterskafé.”"),
        required=False,
        max_length=300,
    )


class AnswerForm(TextGuardMixin, forms.Form):
    subject = forms.CharField(label=_("Ämne"), max_length=150)
    body = forms.CharField(
        label=_("Ditt svar"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Skriv ditt svar.")},
    )


class HideForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=_("Skäl till att inlägget döljs"),
        help_text=_("Skickas till den som skrev inlägget och visas för aktörens företrädare."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv varför inlägget döljs. Skälet skickas till den som skrev det.")},
    )


class FilterForm(forms.Form):
    """The list's GET filter: values that are not a choice are ignored, never an error page."""

    natverk = forms.ChoiceField(label=_("Nätverk"), required=False)
    typ = forms.ChoiceField(label=_("Vad det gäller"), required=False)
    riktning = forms.ChoiceField(label=_("Söker eller erbjuder"), required=False)

    def __init__(self, *args, networks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["natverk"].choices = [("", _("Alla nätverk")), *[(n.slug, n.display_name) for n in networks]]
        self.fields["typ"].choices = [("", _("Allt")), *Listing.Kind.choices]
        self.fields["riktning"].choices = [("", _("Både sökes och erbjuds")), *Listing.Direction.choices]

    def value(self, name: str) -> str:
        raw = self.data.get(name, "") if self.is_bound else ""
        return raw if raw in {str(value) for value, _label in self.fields[name].choices} else ""
