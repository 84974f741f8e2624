"""How every form on the site is drawn: labels above fields, hints, errors tied to fields."""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise


class AccessibleBoundField(BoundField):
    """Points a field with errors at its error message, so screen readers read it.

    The label and the hint are translated at their first use and kept: as lazy translations
    they were looked up again at every use (the template, the error summary and
    aria-describedby use them up to five times a field, about a tenth of drawing a form).
    A form that is only checked, not drawn, never translates them.
    """

    @property
    def label(self) -> str:
        if isinstance(self._label, Promise):
            self._label = str(self._label)
        return self._label

    @label.setter
    def label(self, value) -> None:
        self._label = value

    @property
    def help_text(self) -> str:
        if isinstance(self._help_text, Promise):
            self._help_text = str(self._help_text)
        return self._help_text

    @help_text.setter
    def help_text(self, value) -> None:
        self._help_text = value

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
