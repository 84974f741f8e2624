"""How every form on the site is drawn: labels above fields, hints, errors tied to fields."""

from __future__ import annotations

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


class AccessibleBoundField(BoundField):
    """Points a field with errors at its error message, so screen readers read it."""

    def build_widget_attrs(self, attrs: dict, widget=None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            described = [f"{self.auto_id}_error"]
            if attrs.get("aria-describedby"):
                described.append(attrs["aria-describedby"])
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class SiteFormRenderer(TemplatesSetting):
    bound_field_class = AccessibleBoundField
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
