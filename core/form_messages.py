"""The site's own words for what every form says when a value is missing, too long, too
large or small, in the wrong format or not one of the choices.

This is the one place for them. Django's forms and validators take their default messages
from class attributes (a field's `default_error_messages`, a validator's `message`, an auth
form's `error_messages`), and the site's forms, allauth's forms and the admin's forms all
read the same ones; so they are set here, once, when the project starts (`install`,
called by `CoreConfig.ready()`). Password rules are worded by the validator classes at
the end, which AUTH_PASSWORD_VALIDATORS names; allauth's own messages (a wrong code, a
wrong password) are its adapter's, in members/adapter.py. A form sets a message of its
own only where it says the field's real rule ("Välj minst ett nätverk.", "Antal möten
måste vara mellan 1 och 52.").
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core import validators
from django.db import models
from django.forms import formsets
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from core.dates import INVALID_DATE

REQUIRED = _("Fyll i det här fältet.")
# Swedish says "tecken" for one and many; other languages choose by the limit. The typed
# count needs no plural form of its own ("nu är det 317").
TOO_LONG = ngettext_lazy(
    "Skriv högst %(limit_value)d tecken – nu är det %(show_value)d.",
    "Skriv högst %(limit_value)d tecken – nu är det %(show_value)d.",
    "limit_value",
)
TOO_SHORT = ngettext_lazy(
    "Skriv minst %(limit_value)d tecken – nu är det %(show_value)d.",
    "Skriv minst %(limit_value)d tecken – nu är det %(show_value)d.",
    "limit_value",
)
TOO_SMALL = _("Skriv ett tal som är minst %(limit_value)s.")
TOO_LARGE = _("Skriv ett tal som är högst %(limit_value)s.")
NOT_INTEGER = _("Skriv ett heltal med siffror, till exempel 12.")
NOT_NUMBER = _("Skriv ett tal med siffror, till exempel 12,5. Decimalkomma går bra.")
MAX_DIGITS = ngettext_lazy("Skriv högst %(max)s siffra.", "Skriv högst %(max)s siffror.", "max")
MAX_DECIMAL_PLACES = ngettext_lazy(
    "Skriv högst %(max)s siffra efter decimalkommat.", "Skriv högst %(max)s siffror efter decimalkommat.", "max"
)
MAX_WHOLE_DIGITS = ngettext_lazy(
    "Skriv högst %(max)s siffra före decimalkommat.", "Skriv högst %(max)s siffror före decimalkommat.", "max"
)
NOT_DATE = INVALID_DATE  # The formats core.dates and core/formats/ read: ISO or day first.
NOT_TIME = _("Skriv tiden som 18.00 eller 18:00.")
NOT_DATETIME = _("Skriv datum och tid, till exempel 2026-12-07 18.00.")
INCOMPLETE = _("Fyll i alla delarna.")
NOT_EMAIL = _("Skriv en e-postadress, till exempel namn@example.se.")
NOT_URL = _("Skriv en webbadress, till exempel https://www.example.se.")
NOT_SLUG = _("Skriv bara a–z, siffror, bindestreck och understreck, utan mellanslag och å, ä, ö.")
NOT_VALID = _("Det här går inte att använda. Kontrollera vad du skrev.")
UNKNOWN_CHOICE = _("Välj ett av alternativen i listan.")
CONTROL_CHARACTERS = _("Texten innehåller otillåtna tecken.")  # As core.text says it.
NO_FILE = _("Välj en fil.")
EMPTY_FILE = _("Filen är tom. Välj en fil med innehåll.")
FILE_NAME_TOO_LONG = ngettext_lazy(
    "Filens namn får vara högst %(max)d tecken – nu är det %(length)d.",
    "Filens namn får vara högst %(max)d tecken – nu är det %(length)d.",
    "max",
)
FILE_AND_CLEAR = _("Välj en ny fil eller ta bort den gamla, inte båda.")
NOT_IMAGE = _("Filen är inte en bild som vi kan läsa. Välj en PNG-, JPEG-, GIF- eller WebP-bild.")  # As members.images.
FILE_TYPE = _("Filer av typen ”%(extension)s” går inte att ladda upp här. Välj en fil av typen %(allowed_extensions)s.")
NOT_JSON = _("Texten är inte giltig JSON.")
UNIQUE = _("%(field_label)s: det finns redan. Skriv något annat.")
PASSWORDS_DIFFER = _("Lösenorden är olika. Skriv samma lösenord i båda fälten.")
WRONG_PASSWORD = _("Lösenordet stämmer inte.")
WRONG_LOGIN = _("E-postadressen eller lösenordet stämmer inte.")
WRONG_STAFF_LOGIN = _(
    "E-postadressen eller lösenordet stämmer inte, eller så har kontot ingen behörighet till administrationen."
)
INACTIVE = _("Kontot är avstängt.")
# A formset's rows: the budget's rows, an admin inline's rows.
TOO_MANY_ROWS = ngettext_lazy("Det får vara högst %(num)d rad.", "Det får vara högst %(num)d rader.", "num")
TOO_FEW_ROWS = ngettext_lazy("Det måste vara minst %(num)d rad.", "Det måste vara minst %(num)d rader.", "num")
ROWS_MISSING = _("Formuläret kom inte fram helt. Ladda om sidan och fyll i det igen.")


def install() -> None:
    """Set the messages where Django looks them up. Forms whose fields are made after this
    (every form class imported later, every admin form) read them."""
    forms.Field.default_error_messages["required"] = REQUIRED
    forms.IntegerField.default_error_messages["invalid"] = NOT_INTEGER
    forms.FloatField.default_error_messages["invalid"] = NOT_NUMBER
    forms.DecimalField.default_error_messages["invalid"] = NOT_NUMBER
    forms.DateField.default_error_messages["invalid"] = NOT_DATE
    forms.TimeField.default_error_messages["invalid"] = NOT_TIME
    forms.DateTimeField.default_error_messages["invalid"] = NOT_DATETIME
    forms.SplitDateTimeField.default_error_messages.update(invalid_date=NOT_DATE, invalid_time=NOT_TIME)
    forms.MultiValueField.default_error_messages.update(invalid=NOT_VALID, incomplete=INCOMPLETE)
    forms.URLField.default_error_messages["invalid"] = NOT_URL
    forms.FileField.default_error_messages.update(
        invalid=NO_FILE, missing=NO_FILE, empty=EMPTY_FILE, max_length=FILE_NAME_TOO_LONG, contradiction=FILE_AND_CLEAR
    )
    forms.ImageField.default_error_messages["invalid_image"] = NOT_IMAGE
    forms.JSONField.default_error_messages["invalid"] = NOT_JSON
    forms.ChoiceField.default_error_messages["invalid_choice"] = UNKNOWN_CHOICE
    forms.MultipleChoiceField.default_error_messages.update(invalid_choice=UNKNOWN_CHOICE, invalid_list=UNKNOWN_CHOICE)
    forms.ModelChoiceField.default_error_messages["invalid_choice"] = UNKNOWN_CHOICE
    forms.ModelMultipleChoiceField.default_error_messages.update(
        invalid_choice=UNKNOWN_CHOICE, invalid_list=UNKNOWN_CHOICE, invalid_pk_value=UNKNOWN_CHOICE
    )

    formsets.BaseFormSet.default_error_messages.update(
        too_many_forms=TOO_MANY_ROWS, too_few_forms=TOO_FEW_ROWS, missing_management_form=ROWS_MISSING
    )

    validators.MaxLengthValidator.message = TOO_LONG
    validators.MinLengthValidator.message = TOO_SHORT
    validators.MinValueValidator.message = TOO_SMALL
    validators.MaxValueValidator.message = TOO_LARGE
    validators.DecimalValidator.messages.update(
        invalid=NOT_NUMBER,
        max_digits=MAX_DIGITS,
        max_decimal_places=MAX_DECIMAL_PLACES,
        max_whole_digits=MAX_WHOLE_DIGITS,
    )
    validators.RegexValidator.message = NOT_VALID
    validators.EmailValidator.message = NOT_EMAIL
    validators.URLValidator.message = NOT_URL
    validators.FileExtensionValidator.message = FILE_TYPE
    validators.ProhibitNullCharactersValidator.message = CONTROL_CHARACTERS
    # Made with its message at import: set on the object every slug field uses.
    validators.validate_slug.message = NOT_SLUG

    # What a model form adds from the model: a taken unique value, an empty or unknown one.
    models.Field.default_error_messages.update(
        invalid_choice=UNKNOWN_CHOICE, null=REQUIRED, blank=REQUIRED, unique=UNIQUE
    )

    # Django's auth forms (the admin's login and password pages, its user add form).
    from django.contrib.admin.forms import AdminAuthenticationForm  # Needs the models: not at import.
    from django.contrib.auth import forms as auth_forms

    auth_forms.SetPasswordMixin.error_messages["password_mismatch"] = PASSWORDS_DIFFER
    auth_forms.PasswordChangeForm.error_messages.update(
        password_mismatch=PASSWORDS_DIFFER, password_incorrect=WRONG_PASSWORD
    )
    auth_forms.AuthenticationForm.error_messages.update(invalid_login=WRONG_LOGIN, inactive=INACTIVE)
    AdminAuthenticationForm.error_messages.update(invalid_login=WRONG_STAFF_LOGIN, inactive=INACTIVE)


# Django's password validators with the site's words (AUTH_PASSWORD_VALIDATORS names these).
class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "Lösenordet är för kort. Skriv minst %(min_length)d tecken.",
            "Lösenordet är för kort. Skriv minst %(min_length)d tecken.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return _("Lösenordet liknar uppgiften ”%(verbose_name)s” för mycket. Välj ett annat.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("Lösenordet är för vanligt och lätt att gissa. Välj ett annat.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("Lösenordet får inte bara vara siffror.")
