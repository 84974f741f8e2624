"""allauth form overrides (ACCOUNT_FORMS)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from core import form_messages, ratelimits
from core.text import TextGuardMixin
from members.models import User

NAME_MAX_LENGTH = User._meta.get_field("name").max_length


class SignupForm(TextGuardMixin, AllauthSignupForm):
    """Sign-up with a name and an e-mail address; no password (a code proves the address).

    The name is what the site greets the user with, in the header and in every mail, and what
    a coordinator sees; the adapter stores it on `User.name`.
    """

    name = forms.CharField(
        label=_("Ditt namn"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Förnamn och efternamn. Det används när vi skriver till dig."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Skriv ditt namn.")},
    )

    field_order = ["name", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Listed in ACCOUNT_SIGNUP_FIELDS only to keep password login (see settings).
        self.fields.pop("password1", None)
        self.fields.pop("password2", None)
        email = self.fields["email"]
        email.label = _("E-postadress")
        email.help_text = _("Vi skickar en kod hit. Du loggar in med koden, inget lösenord behövs.")
        email.widget.attrs.pop("placeholder", None)
        self.order_fields(self.field_order)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Skriv ditt namn."), code="required")
        return name


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's form asking for a login code, with its limits counted in the database while
    the cache is down (core/ratelimits.py), so that residents without a password can
    still log in then."""

    def clean_email(self) -> str:
        email = super().clean_email()  # allauth's limits, in the cache (they pass while it is down).
        if email:
            verdict = ratelimits.check(context.request, "request_login_code", key=email.lower())
            if verdict is ratelimits.Verdict.REFUSED:
                # The very message allauth gives when its own limit refuses.
                raise get_adapter().validation_error("too_many_login_attempts")
            if verdict is ratelimits.Verdict.UNKNOWN:
                raise forms.ValidationError(
                    _("Vi kan inte skicka e-post just nu. Försök igen om några minuter."), code="mail_down"
                )
        return email


class PasswordsDifferMixin:
    """Two passwords that differ, said as the admin says it (allauth writes its own words
    inline, with no setting to change them)."""

    def clean(self) -> dict:
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            # Takes password2 out of cleaned_data, so allauth's own check finds nothing to compare.
            self.add_error("password2", forms.ValidationError(form_messages.PASSWORDS_DIFFER, code="mismatch"))
        return super().clean()


class ChangePasswordForm(PasswordsDifferMixin, AllauthChangePasswordForm):
    pass


class SetPasswordForm(PasswordsDifferMixin, AllauthSetPasswordForm):
    pass


class ResetPasswordKeyForm(PasswordsDifferMixin, AllauthResetPasswordKeyForm):
    pass
