"""The attributes of a form widget, written as Django's own widget template writes them.

templates/django/forms/widgets/attrs.html (the site's copy of Django's template, found first
through FORM_RENDERER = core.forms.SiteFormRenderer) uses this filter instead of Django's loop
of `{% if %}`s over every attribute: the same HTML, at about half the cost of a widget
(twenty or more widgets on a step of the grant application, one per `<option>`).
tests/test_widget_attrs.py checks it against Django's own template.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()


def _formatted(value) -> str:
    """`value|stringformat:'s'` as the template writes it: escaped unless it is already safe."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


@register.filter
def widget_attrs(attrs: dict) -> SafeString:
    """` name="value"` for each attribute, ` name` for True, nothing for False, in their order:
    what django/forms/widgets/attrs.html writes."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)
