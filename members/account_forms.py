"""allauth form overrides (ACCOUNT_FORMS)."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.utils.translation import gettext_lazy as _

from natverk.text import TextGuardMixin


class SignupForm(TextGuardMixin, AllauthSignupForm):
    """Sign-up with a plain-text password hint.

    Django's hint is an HTML list, which does not fit in the field's hint paragraph.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _(
            "Minst 10 tecken. Inte bara siffror, inte ett vanligt lösenord och inte likt din e-postadress."
        )
