"""Forms of the application steps, the follow-up report and the steering group's decisions."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.dates import SwedishDateField, with_date_hint
from core.forms import OnceModelChoiceField, OnceModelMultipleChoiceField
from core.text import TextGuardMixin
from grants.files import check_attachment, check_photo, max_bytes
from grants.formatting import format_kr
from grants.models import Application, BudgetLine, Pot
from grants.payment import clean_bank_account, clean_bankgiro, clean_plusgiro
from grants.rules import (
    actor_problems,
    amount_problem,
    applicant_actors,
    coapplicant_candidates,
    start_date_problem,
)
from grants.workflow import PAYMENT_DAY_MISSING, PAYMENT_REFERENCE_MISSING
from members.models import Actor
from members.search import folded_match
from networks.models import Network

ABSURD_AMOUNT = 10_000_000
SEARCH_RESULTS = 20


class KronorField(forms.CharField):
    """A whole number of kronor, written the Swedish way ("12 500", "12 500 kr")."""

    def __init__(self, *, allow_zero: bool = False, **kwargs) -> None:
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "class": "input--amount", "maxlength": "20"})
        return attrs

    def prepare_value(self, value):
        return "" if value is None else value

    def to_python(self, value) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text)).lower().removesuffix("kr").removesuffix(":-")
        if re.fullmatch(r"-\d+([.,]\d+)?", cleaned):
            raise ValidationError(_("Beloppet kan inte vara negativt."), code="negative")
        if re.fullmatch(r"\d+[.,]\d*", cleaned):
            if re.fullmatch(r"\d+[.,]0*", cleaned):
                cleaned = re.split(r"[.,]", cleaned)[0]
            else:
                raise ValidationError(_("Skriv beloppet i hela kronor, utan ören."), code="decimal")
        if not cleaned.isdigit():
            raise ValidationError(_("Skriv beloppet med siffror, till exempel 12 500."), code="invalid")
        amount = int(cleaned)
        if amount == 0 and not self.allow_zero:
            raise ValidationError(_("Beloppet måste vara större än 0 kr."), code="zero")
        if amount > ABSURD_AMOUNT:
            raise ValidationError(_("Beloppet är orimligt stort. Kontrollera siffrorna."), code="absurd")
        return amount


class PartiesForm(TextGuardMixin, forms.Form):
    """Step 1: who applies, together with whom, in which networks, for what."""

    lead_actor = OnceModelChoiceField(
        label=_("Vilken aktör söker?"),
        queryset=Actor.objects.none(),
        empty_label=None,
        help_text=_("Aktörer som du företräder och som är medlemmar i ett nätverk."),
    )
    title = forms.CharField(label=_("Vad heter aktiviteten?"), max_length=200)
    # Chosen by search (templates/grants/_coapplicants.html), not from a list of every actor.
    co_applicants = forms.ModelMultipleChoiceField(
        label=_("Söker ni tillsammans med andra aktörer?"),
        queryset=Actor.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
        help_text=_(
            "Sök bland aktörerna i samma nätverk som ni. Deras företrädare får en fråga om att bekräfta "
            "när ansökan har skickats in."
        ),
        error_messages={"invalid_choice": _("%(value)s kan inte vara medsökande: välj bland sökträffarna.")},
    )
    co_search = forms.CharField(label=_("Sök aktör"), max_length=100, required=False)
    networks = OnceModelMultipleChoiceField(
        label=_("I vilket nätverk sker aktiviteten?"),
        # What the boxes show (Network.display_name); not the networks' texts in four languages.
        queryset=Network.objects.only("name", "network_name", "sort_order"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst ett nätverk.")},
    )

    def __init__(self, *args, user, pot: Pot, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pot = pot
        self.user = user
        self._candidates: QuerySet[Actor] | None = None
        # What the choice shows and clean_lead_actor checks (the name, the kind of actor).
        self.fields["lead_actor"].queryset = applicant_actors(user=user).only("name", "kind")
        # The candidates (three nested subqueries to build, a tenth of the page) only when
        # the form reads them: to check co-applicants that were sent, to show the saved ones,
        # or to search. Nothing sent is checked without them: an empty choice is valid.
        # The field itself is never drawn (templates/grants/_coapplicants.html).
        if self["co_applicants"].data if self.is_bound else self.initial.get("co_applicants"):
            self.candidates()
        self.fields["co_search"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def candidates(self) -> QuerySet[Actor]:
        """The actors that may be chosen as co-applicants (grants.rules.coapplicant_candidates),
        set as the field's choices when first asked for."""
        if self._candidates is None:
            self._candidates = coapplicant_candidates(user=self.user)
            self.fields["co_applicants"].queryset = self._candidates
        return self._candidates

    def selected_coapplicants(self) -> list[Actor]:
        """The co-applicants chosen so far (posted, or saved on the application: `initial`
        holds their ids), for the page."""
        if self.is_bound:
            wanted = {value for value in self.data.getlist("co_applicants") if value.isdigit()}
        else:
            wanted = {str(pk) for pk in self.initial.get("co_applicants", [])}
        if not wanted:
            return []
        return list(self.candidates().filter(pk__in=wanted).order_by("name"))

    def search_results(self, query: str) -> list[Actor]:
        """Candidates whose name or description holds every word of `query`, read as the site
        search reads it (members.search): case, accents and word order do not matter."""
        chosen = [actor.pk for actor in self.selected_coapplicants()]
        matches = self.candidates().filter(folded_match(query)).exclude(pk__in=chosen)
        return list(matches.order_by("name")[:SEARCH_RESULTS])

    def clean_lead_actor(self) -> Actor:
        actor = self.cleaned_data["lead_actor"]
        # The choice offers applicant_actors only: their membership was checked in reading it.
        problems = actor_problems(pot=self.pot, actor=actor, known_member=True)
        if problems:
            raise ValidationError(problems)
        return actor

    def clean(self) -> dict:
        data = super().clean()
        lead, co = data.get("lead_actor"), data.get("co_applicants")
        if lead and co and lead in co:
            self.add_error("co_applicants", _("Den sökande aktören kan inte också vara medsökande."))
        return data


class ActivityForm(TextGuardMixin, forms.ModelForm):
    """Step 2: the activity."""

    expected_participants = forms.IntegerField(
        label=_("Hur många deltagare räknar ni med?"), min_value=1, max_value=100_000
    )

    class Meta:
        model = Application
        fields = ["description", "purpose", "target_group", "starts_on", "ends_on", "place", "expected_participants"]
        labels = {
            "description": _("Beskriv aktiviteten"),
            "purpose": _("Vad är syftet?"),
            "target_group": _("Vilka vänder sig aktiviteten till?"),
            "starts_on": _("Startdatum"),
            "ends_on": _("Slutdatum"),
            "place": _("Var sker aktiviteten?"),
        }
        help_texts = {
            "starts_on": with_date_hint(_("Ansökan måste komma in innan aktiviteten börjar.")),
            "target_group": _("Till exempel barn 7–12 år i Sätra."),
        }
        field_classes = {"starts_on": SwedishDateField, "ends_on": SwedishDateField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "purpose": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True

    def clean_starts_on(self):
        starts_on = self.cleaned_data.get("starts_on")
        problem = start_date_problem(pot=self.instance.pot, starts_on=starts_on)
        if problem:
            raise ValidationError(problem)
        return starts_on

    def clean(self) -> dict:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Slutdatum kan inte vara före startdatum."))
        return data


class BudgetForm(TextGuardMixin, forms.ModelForm):
    """Step 3: own contribution, other funding and the amount asked for."""

    own_contribution = KronorField(
        label=_("Egen insats (kr)"),
        allow_zero=True,
        required=False,
        help_text=_("Pengar ni själva lägger in. Lämna tomt om ni inte har någon."),
    )
    other_funding = KronorField(
        label=_("Annan finansiering (kr)"),
        allow_zero=True,
        required=False,
        help_text=_("Bidrag från andra, till exempel en stiftelse. Lämna tomt om ni inte har någon."),
    )
    amount_requested = KronorField(label=_("Hur mycket söker ni? (kr)"), help_text=_("Hela kronor."))

    class Meta:
        model = Application
        fields = ["own_contribution", "other_funding", "amount_requested"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pot = self.instance.pot
        self.fields["amount_requested"].help_text = _("Hela kronor, högst %(max)s.") % {
            "max": f"{pot.max_amount_per_application:,}".replace(",", "\u00a0") + "\u00a0kr"
        }

    def clean_own_contribution(self) -> int:
        return self.cleaned_data.get("own_contribution") or 0

    def clean_other_funding(self) -> int:
        return self.cleaned_data.get("other_funding") or 0

    def clean_amount_requested(self) -> int | None:
        amount = self.cleaned_data.get("amount_requested")
        problem = amount_problem(pot=self.instance.pot, amount=amount)
        if problem:
            raise ValidationError(problem)
        return amount


class BudgetLineForm(TextGuardMixin, forms.ModelForm):
    amount = KronorField(label=_("Belopp (kr)"))

    class Meta:
        model = BudgetLine
        fields = ["what", "amount"]
        labels = {"what": _("Vad")}


MAX_BUDGET_LINES = 30
# One empty row; "Lägg till rad" adds more in place (static/js/budget.js, or a round trip without JS).
BudgetLineFormSet = inlineformset_factory(
    Application,
    BudgetLine,
    form=BudgetLineForm,
    extra=1,
    can_delete=True,
    max_num=MAX_BUDGET_LINES,
    validate_max=True,
)


class ContactForm(TextGuardMixin, forms.ModelForm):
    """Step 4: the contact person and attachments."""

    attachment = forms.FileField(
        label=_("Bifoga en fil"),
        required=False,
        help_text=_("PDF, JPEG eller PNG, högst %(mb)s MB. Till exempel en offert eller ett program.")
        % {"mb": max_bytes() // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    class Meta:
        model = Application
        fields = ["contact_name", "contact_email", "contact_phone"]
        labels = {
            "contact_name": _("Kontaktperson"),
            "contact_email": _("Kontaktpersonens e-postadress"),
            "contact_phone": _("Kontaktpersonens telefonnummer"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = True
        self.fields["contact_email"].required = True
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_attachment(upload)
        return upload


def _payment_number(label, help_text) -> forms.CharField:
    # Wider than the stored number (spaces and dashes as people write them): clean() checks
    # the digits of the chosen method's fields only and stores them without the spacing.
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class PaymentDetailsForm(TextGuardMixin, forms.ModelForm):
    """Step 5: where the pot pays a granted amount, with the numbers' check digits verified.

    Only the chosen method's numbers are required and checked; the others are emptied (the
    page shows them under their choice, templates/grants/_payment_details.html)."""

    giro_number = _payment_number(_("Bankgiro- eller plusgironummer"), _("Till exempel 5050-1055 eller 28 65 43-4."))
    clearing_number = _payment_number(
        _("Clearingnummer"), _("Fyra siffror, hos Swedbank ibland fem, till exempel 8327-9.")
    )
    account_number = _payment_number(_("Kontonummer"), _("Står i internetbanken eller på kontoutdraget."))

    class Meta:
        model = Application
        fields = ["payment_method", "giro_number", "clearing_number", "account_number"]
        labels = {"payment_method": _("Hur vill ni få pengarna?")}
        help_texts = {
            "payment_method": _("Kontot ska tillhöra den sökande aktören. Uppgifterna visas bara för styrgruppen."),
        }
        widgets = {"payment_method": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        method = self.fields["payment_method"]
        method.required = True
        method.choices = Application.PaymentMethod.choices
        method.error_messages["required"] = _("Välj hur ni vill få pengarna.")
        for name in ("giro_number", "clearing_number", "account_number"):
            # Required with one of the answers only: clean() says which.
            self.fields[name].template_name = "includes/field_conditional.html"

    def clean(self) -> dict:
        data = super().clean()
        method = data.get("payment_method")
        M = Application.PaymentMethod
        wanted = {
            M.BANKGIRO: ("giro_number",),
            M.PLUSGIRO: ("giro_number",),
            M.BANK_ACCOUNT: ("clearing_number", "account_number"),
        }.get(method, ())
        typed = {}
        for name, missing in (
            ("giro_number", _("Skriv numret.")),
            ("clearing_number", _("Skriv clearingnumret.")),
            ("account_number", _("Skriv kontonumret.")),
        ):
            if name not in wanted:
                # Not the chosen method's: neither checked nor kept (the page still shows
                # what was typed, from the posted data).
                self._errors.pop(name, None)
                data[name] = ""
            elif not self.has_error(name):
                value = (data.get(name) or "").strip()
                if value:
                    typed[name] = value
                else:
                    self.add_error(name, missing)
        if "giro_number" in typed:
            try:
                data["giro_number"] = (clean_bankgiro if method == M.BANKGIRO else clean_plusgiro)(typed["giro_number"])
            except ValidationError as error:
                self.add_error("giro_number", error)
        elif len(typed) == 2:
            try:
                checked = clean_bank_account(typed["clearing_number"], typed["account_number"])
            except ValidationError as error:
                self.add_error(None, error)  # Keyed by the field it is about.
            else:
                data["clearing_number"], data["account_number"] = checked.clearing, checked.account
        if any(self.has_error(name) for name in wanted):
            # A number refused, or left unchecked because the other one was: the model's
            # own length checks would only add a second message about the same number.
            for name in wanted:
                data.pop(name, None)
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(TextGuardMixin, forms.Form):
    """The follow-up report after the activity."""

    what_happened = forms.CharField(label=_("Vad hände?"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    participants = forms.IntegerField(label=_("Hur många deltog?"), min_value=0, max_value=100_000)
    actual_costs = KronorField(label=_("Vad kostade aktiviteten? (kr)"), allow_zero=True)
    photos = MultiplePhotoField(
        label=_("Bilder från aktiviteten"),
        required=False,
        help_text=_("JPEG eller PNG. Visa bara personer som har sagt ja till att synas."),
    )

    def clean_photos(self) -> list:
        photos = self.cleaned_data.get("photos") or []
        errors = []
        for photo in photos:
            try:
                check_photo(photo)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return photos


class WithdrawForm(TextGuardMixin, forms.Form):
    """Why the applicant withdraws: optional, kept in the application's history."""

    note = forms.CharField(
        label=_("Varför återkallar ni?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionNoteForm(TextGuardMixin, forms.Form):
    """A reason or what is missing, for the steering group's actions."""

    note = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)


class ApproveForm(TextGuardMixin, forms.Form):
    """Amount and reason; the reason is required when less than the amount asked is granted."""

    amount = KronorField(label=_("Beviljat belopp (kr)"))
    motivation = forms.CharField(
        label=_("Motivering"),
        help_text=_("Krävs om ni beviljar mindre än det sökta beloppet. Den sökande får läsa den."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, asked: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked = asked

    def clean(self) -> dict:
        cleaned = super().clean()
        amount = cleaned.get("amount")
        if self.asked is None or amount is None:
            return cleaned
        if amount > self.asked:
            self.add_error(
                "amount",
                _("Det går inte att bevilja mer än det sökta beloppet (%(asked)s).") % {"asked": format_kr(self.asked)},
            )
        elif amount < self.asked and not (cleaned.get("motivation") or "").strip():
            self.add_error(
                "motivation",
                _("Skriv varför ni beviljar %(amount)s av de sökta %(asked)s.")
                % {"amount": format_kr(amount), "asked": format_kr(self.asked)},
            )
        return cleaned


class PayoutForm(TextGuardMixin, forms.Form):
    """The day the money went out and the bank's reference, for "Markera som utbetald".

    The rules (the day between the approval and today, the reference unique in the year)
    are grants.workflow.check_payment's; its refusals come back as errors on these fields.
    """

    paid_on = SwedishDateField(
        label=_("Utbetalningsdag"),
        help_text=with_date_hint(
            _("Dagen pengarna gick ut från kontot: tidigast dagen ansökan beviljades, senast i dag.")
        ),
        error_messages={"required": PAYMENT_DAY_MISSING},
    )
    reference = forms.CharField(
        label=_("Betalningsreferens"),
        help_text=_(
            "Verifikationsnummer eller bankens referens. Varje utbetalning under ett år har sin egen referens."
        ),
        max_length=100,
        error_messages={"required": PAYMENT_REFERENCE_MISSING},
    )

    def __init__(self, *args, approved_on: datetime.date | None = None, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if approved_on is not None:
            self.fields["paid_on"].help_text = with_date_hint(
                _("Dagen pengarna gick ut från kontot: tidigast %(approved)s (dagen ansökan beviljades), senast i dag.")
                % {"approved": date_format(approved_on, "DATE_FORMAT")}
            )


class ConfirmForm(forms.Form):
    """A move with nothing to fill in: the button is the confirmation."""
