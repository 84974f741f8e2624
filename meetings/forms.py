"""Forms: filtering the meeting list, signing up, and planning a series in the admin."""

from __future__ import annotations

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from core.dates import SwedishDateField, with_date_hint
from core.text import TextGuardMixin
from meetings.models import NEEDS_MAX_LENGTH, Meeting
from meetings.series import LAST, MAX_MEETINGS
from networks.models import Network

SELF = "self"


class MeetingFilterForm(TextGuardMixin, forms.Form):
    """The GET form above the meeting list; works without JavaScript."""

    natverk = forms.ModelChoiceField(
        label=_("Nätverk"),
        queryset=Network.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alla nätverk"),
    )
    typ = forms.ChoiceField(
        label=_("Typ av möte"),
        choices=[("", _("Alla typer"))] + list(Meeting.Kind.choices),
        required=False,
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["natverk"]:
            queryset = queryset.filter(network=self.cleaned_data["natverk"])
        if self.cleaned_data["typ"]:
            queryset = queryset.filter(kind=self.cleaned_data["typ"])
        return queryset


class RegistrationForm(TextGuardMixin, forms.Form):
    """Sign up oneself or an actor one represents: only those not already signed up are offered."""

    attendee = forms.ChoiceField(
        label=_("Vem anmäler du?"),
        widget=forms.RadioSelect,
        # Only those not yet signed up are offered, so a stale page posting a taken choice lands here.
        error_messages={"invalid_choice": _("Den du valde är redan anmäld till mötet eller går inte att anmäla.")},
    )
    needs = forms.CharField(
        label=_("Behov av anpassning eller kost"),
        help_text=_(
            "Till exempel hörslinga, rullstolsplats, tolk eller allergier. Bara mötets samordnare ser det, "
            "och det raderas 30 dagar efter mötet."
        ),
        required=False,
        max_length=NEEDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, actors=(), self_allowed: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actors = {str(actor.pk): actor for actor in actors}
        choices = [(SELF, _("Mig själv"))] if self_allowed else []
        choices += [(pk, _("%(actor)s (som företrädare)") % {"actor": actor.name}) for pk, actor in self.actors.items()]
        self.fields["attendee"].choices = choices
        self.fields["attendee"].initial = choices[0][0] if choices else None
        if len(choices) == 1:
            # One choice is no question: it goes along hidden and the button says who is signed up.
            self.fields["attendee"].widget = forms.HiddenInput()

    @property
    def has_choices(self) -> bool:
        """False when the user and every actor they represent are already signed up."""
        return bool(self.fields["attendee"].choices)

    @property
    def only_choice_label(self) -> str:
        """Whom the form signs up when there is nobody else to choose (shown instead of the radios)."""
        choices = self.fields["attendee"].choices
        return str(choices[0][1]) if len(choices) == 1 else ""

    def chosen_actor(self):
        return self.actors.get(self.cleaned_data["attendee"])


WEEKDAYS = [
    (0, _("måndag")),
    (1, _("tisdag")),
    (2, _("onsdag")),
    (3, _("torsdag")),
    (4, _("fredag")),
    (5, _("lördag")),
    (6, _("söndag")),
]
NTH = [(1, _("första")), (2, _("andra")), (3, _("tredje")), (4, _("fjärde")), (LAST, _("sista"))]
INTERVALS = [(1, _("varje månad")), (2, _("varannan månad")), (3, _("var tredje månad")), (6, _("var sjätte månad"))]


class _HiddenWithoutHelpBoundField(BoundField):
    """`field.as_hidden` without `aria-describedby`, which HTML forbids on a hidden input.

    Django looks only at the field's own widget when it adds the help text's id, so a
    visible field rendered hidden (the series' confirmation step) would get it.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if (widget or self.field.widget).is_hidden:
            attrs.pop("aria-describedby", None)
        return attrs


class PlanSeriesForm(TextGuardMixin, forms.Form):
    """Step one of "Plan a series": the rule, the number of meetings, time and place."""

    bound_field_class = _HiddenWithoutHelpBoundField

    network = forms.ModelChoiceField(label=_("Nätverk"), queryset=Network.objects.none())
    kind = forms.ChoiceField(label=_("Typ av möte"), choices=Meeting.Kind.choices, initial=Meeting.Kind.NETWORK)
    title = forms.CharField(label=_("Rubrik"), max_length=200, initial=_("Nätverksträff"))
    first_date = SwedishDateField(
        label=_("Första datum"),
        help_text=with_date_hint(_("Serien börjar på eller efter det här datumet.")),
    )
    nth = forms.TypedChoiceField(label=_("Vilken i månaden"), choices=NTH, coerce=int, initial=2)
    weekday = forms.TypedChoiceField(label=_("Veckodag"), choices=WEEKDAYS, coerce=int, initial=1)
    interval_months = forms.TypedChoiceField(label=_("Hur ofta"), choices=INTERVALS, coerce=int, initial=2)
    count = forms.IntegerField(
        label=_("Antal möten"),
        help_text=_("Mellan 1 och 52."),
        min_value=1,
        max_value=MAX_MEETINGS,
        initial=6,
        error_messages={
            "min_value": _("Antal möten måste vara mellan 1 och 52."),
            "max_value": _("Antal möten måste vara mellan 1 och 52."),
        },
    )
    start_time = forms.TimeField(
        label=_("Börjar klockan"), help_text=_("Till exempel 18.00."), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Slutar klockan"), help_text=_("Till exempel 20.00."), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Plats"), max_length=200)
    address = forms.CharField(label=_("Adress"), max_length=200, required=False)
    accessibility = forms.CharField(label=_("Tillgänglighet"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    registration_enabled = forms.BooleanField(label=_("Mötena har anmälan"), required=False)
    capacity = forms.IntegerField(
        label=_("Antal platser"), required=False, min_value=1, help_text=_("Krävs när mötena har anmälan.")
    )

    def __init__(self, *args, networks=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks if networks is not None else Network.objects.all()
        only = list(self.fields["network"].queryset[:2])
        if len(only) == 1:
            # A coordinator of one network has nothing to choose: one option, already chosen.
            self.fields["network"].initial = only[0].pk
            self.fields["network"].empty_label = None
        for name in ("start_time", "end_time"):
            self.fields[name].input_formats = ["%H:%M", "%H.%M", "%H:%M:%S"]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("Mötet måste sluta efter att det har börjat."))
        if data.get("registration_enabled") and not data.get("capacity"):
            self.add_error("capacity", _("Ange hur många platser det finns när mötena har anmälan."))
        return data
