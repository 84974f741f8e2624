"""Text a person types: control characters removed from searches, refused in forms.

PostgreSQL refuses NUL in a string, XML (the Atom feed, the sitemap) refuses every C0
control character except tab and newline, and a newline in a one-line field ends up in
mail headers. So every text field of the project's models and forms gets the validators
below (`guard_model_fields`, `TextGuardMixin`), and query-string values are cleaned by
`core.middleware.ControlCharacterMiddleware`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import validate_sensible_date

# C0 controls except tab, newline and carriage return; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
SINGLE_LINE_WIDGETS = (forms.TextInput, forms.EmailInput, forms.URLInput)


def strip_control_characters(value: str) -> str:
    """`value` without NUL and other control characters; tab and line breaks stay."""
    return CONTROL_CHARACTERS.sub("", value)


def reject_control_characters(value: object) -> None:
    """Validator: NUL and other control characters are refused (tab and line breaks pass)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("Texten innehåller otillåtna tecken."), code="control_characters")


def reject_line_breaks(value: object) -> None:
    """Validator for one-line fields: a name or a subject never holds a line break."""
    if isinstance(value, str) and LINE_BREAKS.search(value):
        raise ValidationError(_("Skriv texten på en rad."), code="line_breaks")


# Fields that hold no typed text: a password hash.
_NOT_TYPED = {"password"}


def guard_model_fields(model_classes: Iterable[type[models.Model]]) -> None:
    """Add the text and date validators to every editable field of these models.

    ModelForms and the admin run model field validators in `full_clean`, so this one
    place covers the site's model forms and every admin add and change form.
    """
    for model in model_classes:
        for field in model._meta.local_fields:
            if not field.editable or field.name in _NOT_TYPED:
                continue
            wanted = []
            if isinstance(field, models.CharField | models.TextField):
                wanted.append(reject_control_characters)
                if isinstance(field, models.CharField):
                    wanted.append(reject_line_breaks)
            elif isinstance(field, models.DateField | models.DateTimeField):
                wanted.append(validate_sensible_date)
            current = field.validators
            missing = [validator for validator in wanted if validator not in current]
            if missing:
                # Set on the cached list, not the constructor's `_validators`: these are no
                # database matter and must not put every text field into a migration.
                field.__dict__["validators"] = [*current, *missing]


def guard_form_field(field: forms.Field) -> None:
    """Add the text validators to one form field, once; a whole number gets a text box.
    (Dates: `TextGuardMixin._post_clean`.)"""
    wanted = []
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        # Ours says the same as Django's NUL check, in the words of the other characters.
        field.validators[:] = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        wanted.append(reject_control_characters)
        if isinstance(field.widget, SINGLE_LINE_WIDGETS):
            wanted.append(reject_line_breaks)
    elif isinstance(field, forms.IntegerField) and type(field.widget) is forms.NumberInput:
        # type="number" empties what the browser cannot read as a number ("12,5"), so a
        # refusal could not keep what was typed; a text box with the phone's digit keys can.
        field.widget = forms.TextInput(attrs=whole_number_attrs(field.widget.attrs))
    for validator in wanted:
        if validator not in field.validators:
            field.validators.append(validator)


def whole_number_attrs(attrs: dict) -> dict:
    """A number box's attributes for a text box: digits on a phone, no min, max or step."""
    kept = {name: value for name, value in attrs.items() if name not in {"min", "max", "step"}}
    return {**kept, "inputmode": "numeric", "autocomplete": "off", "class": "input--number"}


class TextGuardMixin:
    """For forms: text fields refuse control characters (one-line ones also line breaks),
    date fields refuse dates far from today, whole numbers are typed in a text box.

    A date far from today is checked last, after the form's own checks (`clean_<field>`,
    `clean`), so that a field with a real rule says that rule: a start date in 1990 gets
    "the activity has already begun", not the ten-year range that only catches typos.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_form_field(field)

    def _post_clean(self) -> None:
        # Django's hook between the form's clean() and a model form's model validation;
        # a field refused here is left out of the model's checks, as any refused field is.
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField) and name in self.cleaned_data:
                try:
                    validate_sensible_date(self.cleaned_data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        super()._post_clean()
