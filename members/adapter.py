"""allauth's account adapter.

Its mail (verification, login codes, password reset) goes through the site's outbox like
every other mail, so a failing mail server never turns a login-code request into a 500 and
no mail is lost. Sign-up stores the name asked for by `members.account_forms.SignupForm`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import form_messages
from core.mail import home_link, mail_language, mail_queue_message
from members.models import User


def _recipient(email: str, context: dict[str, Any]) -> User | None:
    user = context.get("user")
    if not isinstance(user, User):
        user = User.objects.filter(email__iexact=email).first()
    return user


def _recipient_name(email: str, context: dict[str, Any]) -> str:
    """The name to greet the reader by; "" for an address without an account (unknown_account)."""
    user = _recipient(email, context)
    return user.greeting_name if user else ""


def _recipient_language(email: str, context: dict[str, Any]) -> str | None:
    user = _recipient(email, context)
    return user.language if user else None


WRONG_CODE = _("Koden stämmer inte. Kontrollera den, eller be om en ny kod.")
TOO_MANY_TRIES = _("För många försök. Vänta en stund och försök igen.")
LINK_EXPIRED = _("Länken gäller inte längre. Be om en ny.")


class AccountAdapter(DefaultAccountAdapter):
    # allauth's messages in the site's words (core/form_messages.py has Django's); the ones
    # for usernames and phone numbers, which the site does not use, stay allauth's.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": form_messages.INACTIVE,
        "cannot_remove_primary_email": _("Du kan inte ta bort den e-postadress som du loggar in med."),
        "duplicate_email": _("Den e-postadressen finns redan på ditt konto."),
        "email_password_mismatch": form_messages.WRONG_LOGIN,
        "email_taken": _("Det finns redan ett konto med den e-postadressen."),
        "enter_current_password": _("Ditt nuvarande lösenord stämmer inte."),
        "incorrect_code": WRONG_CODE,
        "incorrect_password": form_messages.WRONG_PASSWORD,
        "invalid_or_expired_key": LINK_EXPIRED,
        "invalid_login": form_messages.WRONG_LOGIN,
        "invalid_password_reset": LINK_EXPIRED,
        "max_email_addresses": _("Du kan inte ha fler än %d e-postadresser."),
        "too_many_login_attempts": TOO_MANY_TRIES,
        "unknown_email": _("Det finns inget konto med den e-postadressen."),
        "unverified_primary_email": _("Bekräfta din e-postadress först."),
        "same_as_current": _("Skriv något annat än det du har nu."),
        "rate_limited": TOO_MANY_TRIES,
    }

    def save_user(self, request: HttpRequest, user: User, form: BaseForm, commit: bool = True) -> User:
        # Set before allauth saves, so the user row is written once, with the name.
        user.name = form.cleaned_data.get("name", "") or user.name
        # Mail goes out in the language of the page the user signed up on.
        user.language = mail_language(get_language())
        return super().save_user(request, user, form, commit=commit)

    def pre_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse | None:
        self._verify_address_proved_by_code(request, user)
        return super().pre_login(request, user, **kwargs)

    @staticmethod
    def _verify_address_proved_by_code(request: HttpRequest, user: User) -> None:
        """A login code sent to the address proves it: never ask to verify it again.

        allauth marks an address verified after a code login only when it has an
        EmailAddress row; users made by the admin, the demo data or before allauth have none,
        and were then sent on to verify the address they had just proved.
        """
        proved = {
            str(record.get("email", "")).lower()
            for record in get_authentication_records(request, user)
            if record.get("method") == "code"
        }
        if not user.email or user.email.lower() not in proved:
            return
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=not has_primary)
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The same context and rendering as allauth's own send_mail; only the sending differs.
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "name": _recipient_name(email, context),
            "contact_email": settings.CONTACT_EMAIL,
            "site_url": settings.SITE_URL,
            "home_url": home_link(),
            **context,
        }
        # In the language of the page that asked for the mail (a login code asked for on /fi/
        # comes in Finnish); without a request, in the recipient's own.
        language = get_language() if request is not None else _recipient_language(email, context)
        with translation.override(mail_language(language)):
            message = self.render_mail(template_prefix, email, ctx)
        mail_queue_message(
            to=message.to,
            subject=message.subject,
            body=message.body,
            kind=f"account.{template_prefix.rsplit('/', 1)[-1]}",
        )


class MfaAdapter(DefaultMFAAdapter):
    """allauth's two-factor messages in the site's words (MFA_ADAPTER)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _("Du kan inte lägga till en e-postadress på ett konto med tvåstegsverifiering."),
        "cannot_delete_authenticator": _("Du kan inte stänga av tvåstegsverifieringen."),
        "cannot_generate_recovery_codes": _("Slå på tvåstegsverifiering innan du skapar reservkoder."),
        "incorrect_code": WRONG_CODE,
        "unverified_email": _("Bekräfta din e-postadress innan du slår på tvåstegsverifiering."),
    }
