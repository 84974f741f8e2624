"""Forms for actors, membership requests, invitations, messages and account deletion."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from localflavor.se.forms import SEOrganisationNumberField

from members.images import process_logo
from members.models import Actor, Membership, Representation
from natverk.text import TextGuardMixin
from networks.models import Network

CONSENT_TEXT = _(
    "Ja, aktörens e-postadress och telefonnummer får visas för alla på aktörens sida i "
    "Stadsdelsnätverkens katalog. Samtycket kan återkallas när som helst genom att ta bort bocken."
)
KINDS_WITH_ORG_NUMBER = {Actor.Kind.ASSOCIATION, Actor.Kind.COMPANY}


class ActorForm(TextGuardMixin, forms.ModelForm):
    # A plain file field: members.images does all the checking, with its own messages.
    logo = forms.FileField(
        label=capfirst(Actor._meta.get_field("logo").verbose_name),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    website = forms.URLField(
        label=capfirst(Actor._meta.get_field("website").verbose_name),
        max_length=300,
        required=False,
        assume_scheme="https",
    )
    contact_consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=False,
        help_text=_("Utan samtycke visas inte e-post och telefon, men andra kan ändå skicka meddelanden via portalen."),
    )

    class Meta:
        model = Actor
        fields = ["name", "kind", "description", "logo", "website", "org_number", "contact_email", "contact_phone"]
        widgets = {
            "kind": forms.RadioSelect,
        }
        help_texts = {
            "org_number": _("Krävs för föreningar och företag, till exempel 802400-1234."),
            "contact_email": _("Meddelanden via portalen skickas hit. Visas bara om du samtycker nedan."),
            "description": _("Vad gör ni, och för vem? Högst 5 000 tecken."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Actor.Kind.choices
        self.fields["contact_consent"].initial = bool(self.instance.pk and self.instance.has_contact_consent)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.input_type = "tel"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        self.fields["logo"].help_text = _(
            "PNG, JPEG, GIF eller WebP, högst 5 MB. Bilden förminskas till högst 800 bildpunkter."
        )
        self.fields["website"].help_text = _("Till exempel https://www.example.se")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Unchanged (the stored file) or cleared: nothing new to check.
        if not logo or not hasattr(logo, "content_type"):
            return logo
        return process_logo(logo)

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        raw = (cleaned.get("org_number") or "").strip()
        if kind in KINDS_WITH_ORG_NUMBER:
            if not raw:
                self.add_error("org_number", _("Skriv organisationsnumret. Det krävs för föreningar och företag."))
            else:
                field = SEOrganisationNumberField(
                    error_messages={"invalid": _("Organisationsnumret stämmer inte. Skriv det som 802400-1234.")}
                )
                try:
                    digits = field.clean(raw)
                except ValidationError as error:
                    self.add_error("org_number", error)
                else:
                    digits = digits[-10:]
                    cleaned["org_number"] = f"{digits[:6]}-{digits[6:]}"
        else:
            cleaned["org_number"] = ""
        return cleaned


class JoinForm(TextGuardMixin, forms.Form):
    networks = forms.ModelMultipleChoiceField(
        label=_("Vilka nätverk vill aktören gå med i?"),
        queryset=Network.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst ett nätverk.")},
    )
    message = forms.CharField(
        label=_("Meddelande till samordnaren"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_networks(self):
        networks = self.cleaned_data["networks"]
        taken = Membership.objects.filter(
            actor=self.actor,
            network__in=networks,
            status__in=[Membership.Status.PENDING, Membership.Status.ACTIVE],
        ).select_related("network")
        errors = []
        for membership in taken:
            if membership.status == Membership.Status.ACTIVE:
                text = _("%(actor)s är redan medlem i %(network)s.")
            else:
                text = _("%(actor)s har redan ansökt om att gå med i %(network)s. Ansökan väntar på beslut.")
            errors.append(text % {"actor": self.actor.name, "network": membership.network.display_name})
        if errors:
            raise ValidationError(errors)
        return list(networks)


class InvitationForm(TextGuardMixin, forms.Form):
    email = forms.EmailField(label=_("E-postadress till den du vill bjuda in"))
    role = forms.ChoiceField(
        label=_("Roll"),
        choices=Representation.Role.choices,
        initial=Representation.Role.CONTACT,
        widget=forms.RadioSelect,
        help_text=_("En firmatecknare kan också bjuda in andra och ansöka om medlemskap."),
    )

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if self.actor.representations.filter(user__email__iexact=email).exists():
            raise ValidationError(_("Personen företräder redan aktören."))
        return email


class MessageForm(TextGuardMixin, forms.Form):
    subject = forms.CharField(label=_("Ämne"), max_length=150)
    body = forms.CharField(label=_("Meddelande"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))


class DeleteAccountForm(TextGuardMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Jag förstår vad som tas bort och vill radera mitt konto."),
        error_messages={"required": _("Kryssa i rutan för att bekräfta att kontot ska raderas.")},
    )


class MembershipDeclineForm(TextGuardMixin, forms.Form):
    """The coordinator's optional words to the actor, sent with the decline."""

    message = forms.CharField(
        label=_("Meddelande till aktören"),
        help_text=_("Skickas med i e-postmeddelandet om beslutet, till exempel varför eller vad som behövs."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
