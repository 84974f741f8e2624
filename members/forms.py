"""Forms for actors, membership requests, invitations, messages and account deletion."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from localflavor.se.forms import SEOrganisationNumberField

from core.text import TextGuardMixin
from members.images import PendingLogo, pending_logo_forget, pending_logo_keep, pending_logo_load, process_logo
from members.models import Actor, Membership, Representation, User
from networks.models import Network

CONSENT_TEXT = _(
    "Ja, aktörens e-postadress och telefonnummer får visas för alla på aktörens sida i "
    "Stadsdelsnätverkens katalog. Samtycket kan återkallas när som helst genom att ta bort bocken."
)
KINDS_WITH_ORG_NUMBER = {Actor.Kind.ASSOCIATION, Actor.Kind.COMPANY, Actor.Kind.ORGANISATION}
# Passes the Luhn check itself, so a representative who copies the format is not refused.
ORG_NUMBER_EXAMPLE = "802400-1235"
PENDING_LOGO_FIELD = "logo_pending"
PENDING_LOGO_REMOVE_FIELD = "logo_pending_remove"


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
            "org_number": _(
                "Krävs för föreningar, företag och organisationer, till exempel %(example)s. "
                "Privatpersoner och myndigheter lämnar fältet tomt."
            )
            % {"example": ORG_NUMBER_EXAMPLE},
            "contact_email": _(
                "Meddelanden via portalen skickas hit när adressen är bekräftad. Vi skickar en länk dit när du "
                "sparar. Visas bara om du samtycker nedan."
            ),
            "description": _("Vad gör ni, och för vem? Högst 5 000 tecken."),
        }

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = user.pk if user is not None else None
        # The logo kept from an earlier try of this form, shown as "Vald bild: …".
        self.pending_logo: PendingLogo | None = None
        self._restored_logo: PendingLogo | None = None
        self.fields["kind"].choices = Actor.Kind.choices
        # Required for some kinds only (checked in clean), so the label must not say "(valfritt)".
        self.fields["org_number"].template_name = "includes/field_conditional.html"
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
        if logo and hasattr(logo, "content_type"):
            return process_logo(logo)
        # No new file: the one kept from the last try, unless the user removed it.
        token = self.data.get(PENDING_LOGO_FIELD, "")
        if token and not self.data.get(PENDING_LOGO_REMOVE_FIELD):
            loaded = pending_logo_load(token=token, user_id=self.user_id)
            if loaded is not None:
                self._restored_logo, upload = loaded
                return upload
        # Unchanged (the stored file) or cleared: nothing new to check.
        return logo

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        if self.data.get(PENDING_LOGO_REMOVE_FIELD):
            self.forget_pending_logo()
        if not self.errors:
            return
        logo = self.cleaned_data.get("logo")
        if self._restored_logo is not None:
            self.pending_logo = self._restored_logo
        elif isinstance(logo, SimpleUploadedFile):
            chosen = self.files.get("logo")
            shown_name = Path(getattr(chosen, "name", "") or logo.name).name[:100]
            self.pending_logo = pending_logo_keep(logo=logo, shown_name=shown_name, user_id=self.user_id)
        elif (token := self.data.get(PENDING_LOGO_FIELD, "")) and not self.data.get(PENDING_LOGO_REMOVE_FIELD):
            # A new file was refused: the one chosen before still stands.
            loaded = pending_logo_load(token=token, user_id=self.user_id)
            self.pending_logo = loaded[0] if loaded else None

    def forget_pending_logo(self) -> None:
        """Once the actor is saved (or the kept logo removed), the kept file is not needed."""
        token = self.data.get(PENDING_LOGO_FIELD, "")
        if token:
            pending_logo_forget(token=token)

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        raw = (cleaned.get("org_number") or "").strip()
        if kind in KINDS_WITH_ORG_NUMBER:
            if not raw:
                self.add_error(
                    "org_number",
                    _("Skriv organisationsnumret. Det krävs för föreningar, företag och organisationer."),
                )
            else:
                field = SEOrganisationNumberField(
                    error_messages={
                        "invalid": _(
                            "Organisationsnumret stämmer inte. Kontrollera siffrorna och skriv det som %(example)s."
                        )
                        % {"example": ORG_NUMBER_EXAMPLE}
                    }
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
        label=_("Vad får personen göra?"),
        # Plain words instead of the model's legal term "firmatecknare".
        choices=[
            (Representation.Role.CONTACT, _("Ändra aktörens uppgifter och söka bidrag")),
            (
                Representation.Role.SIGNATORY,
                _("Dessutom bjuda in fler företrädare och ansöka om medlemskap i nätverk"),
            ),
        ],
        initial=Representation.Role.CONTACT,
        widget=forms.RadioSelect,
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


class GuestMessageForm(MessageForm):
    """A message from someone without an account: their name and address first (members.guest)."""

    name = forms.CharField(
        label=_("Ditt namn"),
        max_length=User._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Skriv ditt namn.")},
    )
    email = forms.EmailField(
        label=_("Din e-postadress"),
        help_text=_("Vi skickar en kod hit. Aktören får adressen när du har skrivit koden, så att de kan svara dig."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Skriv din e-postadress."),
            "invalid": _("Skriv hela e-postadressen, till exempel namn@exempel.se."),
        },
    )

    field_order = ["name", "email", "subject", "body"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Skriv ditt namn."), code="required")
        return name


class GuestCodeForm(TextGuardMixin, forms.Form):
    code = forms.CharField(
        label=_("Koden från e-postbrevet"),
        max_length=20,
        # Not required: the form's second button asks for a new code instead (members.views).
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        # "123 456" and "123-456" as typed from the mail.
        return "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())


class LanguageForm(TextGuardMixin, forms.Form):
    """The language of the site and of the mail it sends; each language named in itself."""

    language = forms.ChoiceField(
        label=_("Språk"),
        help_text=_("Vi skickar e-post till dig på det här språket. Sidorna visas också på det."),
        choices=User._meta.get_field("language").choices,
        error_messages={"required": _("Välj ett språk."), "invalid_choice": _("Välj ett av språken i listan.")},
    )


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
