"""Tabular inlines whose inputs have names (axe: label; WCAG 1.3.1 and 4.1.2), and whose
rows are checked against the database's unique rules (ConstraintsCheckedForm).

Django's tabular inline writes each field's name in the column heading only: the inputs in
the rows below have no <label>, so a screen reader announces a bare "edit text". Each
input gets the column's name and its row as `aria-label` ("Givare, rad 2"); a row added
with "Lägg till" (a copy of the empty form) gets the column's name alone.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def label_inputs(form: Form, index: int | None) -> None:
    """`aria-label` on each visible input of an inline's row `index` (None: the empty form)."""
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        label = capfirst(str(field.label or name))
        if index is not None:
            label = _("%(field)s, rad %(row)s") % {"field": label, "row": index + 1}
        field.widget.attrs["aria-label"] = label


class ConstraintsCheckedForm(forms.ModelForm):
    """An inline's row that is checked against the model's constraints in the database.

    Django leaves an inline's foreign key out of a row's model checks, and with it every
    unique constraint that names it (a network's working group by name, an actor's
    representative); the formset compares only the rows it was sent. A row saved meanwhile
    (another tab, another coordinator) was then an IntegrityError, a server error, instead
    of the constraint's own message on the row.
    """

    def validate_unique(self) -> None:
        super().validate_unique()
        try:
            # Fields already refused hold no value worth comparing.
            self.instance.validate_constraints(exclude=set(self._errors or ()))
        except ValidationError as error:
            self._update_errors(error)


class LabelledTabularInline(admin.TabularInline):
    """A TabularInline whose inputs each have an accessible name (label_inputs), its rows
    checked against the database's unique rules (ConstraintsCheckedForm)."""

    form = ConstraintsCheckedForm

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form: Form, index: int | None) -> None:
                super().add_fields(form, index)
                label_inputs(form, index)

        LabelledFormSet.__name__ = formset.__name__
        return LabelledFormSet
