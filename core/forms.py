"""How every form on the site is drawn: labels above fields, hints, errors tied to fields."""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting


class AccessibleBoundField(BoundField):
    """Points a field with errors at its error message, so screen readers read it.

    The label and the hint are translated once, when the form's field is first asked for:
    as lazy translations they were looked up again at every use (the template, the error
    summary and aria-describedby use them up to five times a field), which cost about half
    of drawing a form (make bench's steps of the grant application).
    """

    def __init__(self, form, field, name) -> None:
        super().__init__(form, field, name)
        self.label = str(self.label)
        self.help_text = str(self.help_text)

    def build_widget_attrs(self, attrs: dict, widget=None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            error_id = f"{self.auto_id}_error"
            # The error first; Django 5.2 may already have added it after the hint.
            described = [error_id, *(attrs.get("aria-describedby") or "").split()]
            attrs["aria-describedby"] = " ".join(dict.fromkeys(described))
        return attrs


class SiteFormRenderer(TemplatesSetting):
    bound_field_class = AccessibleBoundField
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


class ChoicesOnceIterator(ModelChoiceIterator):
    """A model choice field's choices read once per form. Django's iterator runs the query
    again each time the choices are asked for (a select asks twice: for its options and
    for its `required`), on PostgreSQL through a server-side cursor (three round trips)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # Filled once; the form's copy of the queryset keeps it.
            yield self.choice(obj)


class OnceModelChoiceField(forms.ModelChoiceField):
    iterator = ChoicesOnceIterator


class OnceModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ChoicesOnceIterator
