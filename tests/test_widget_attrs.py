"""The site's copies of django/forms/widgets/attrs.html and input.html (core/templatetags/widget_attrs.py;
input.html writes the attributes itself instead of including attrs.html, one include less per
widget) write what Django's own templates write, for every kind of attribute value and widget."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from core.forms import AccessibleBoundField, SiteFormRenderer
from core.templatetags.widget_attrs import widget_attrs

ATTRS = {
    "class": "input--amount",
    "maxlength": 20,
    "required": True,
    "disabled": False,
    "placeholder": 'Säg "hej" & <hejdå>',
    "data-safe": mark_safe("<b>&amp;</b>"),
    "data-none": None,
    "data-tuple": (1, 2),
    "data-float": 1.5,
    "data-date": datetime.date(2026, 12, 7),
    "aria-describedby": "id_x_error id_x_helptext",
}


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs=ATTRS), help_text="Hjälp")
    hidden = forms.CharField(widget=forms.HiddenInput, initial='a"b')
    number = forms.IntegerField(min_value=0, initial=5)
    when = forms.DateField(required=False)
    yes = forms.BooleanField(required=False, initial=True)
    one = forms.ChoiceField(choices=[("a", "Ett & två"), ("b", "<tre>")], initial="b")
    many = forms.MultipleChoiceField(
        choices=[("1", "Ett"), ("2", "Två")], widget=forms.CheckboxSelectMultiple, initial=["2"], required=False
    )
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, required=False)
    text_area = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}))
    upload = forms.FileField(required=False)


class DjangosTemplates(DjangoTemplates):
    """Django's own widget templates (it reads only Django's and the apps', not templates/),
    with the site's bound fields: only the templates differ."""

    bound_field_class = AccessibleBoundField


@pytest.mark.parametrize("data", [None, {"text": "x" * 30, "number": "-1", "when": "31/31/2027", "one": "c"}])
def test_every_widget_is_written_as_djangos_own_template_writes_it(data):
    assert isinstance(get_default_renderer(), SiteFormRenderer)
    form = EveryWidget(data)
    djangos = EveryWidget(data, renderer=DjangosTemplates())
    for name in form.fields:
        ours, theirs = str(form[name]), str(djangos[name])
        assert ours == theirs, name
    assert 'placeholder="Säg &quot;hej&quot; &amp; &lt;hejdå&gt;"' in str(form["text"])
    assert ' maxlength="20" required placeholder=' in str(form["text"])
    assert "disabled" not in str(form["text"])


def test_attributes_keep_their_order_and_true_false_and_none():
    assert widget_attrs({"b": "1", "a": True, "c": False, "d": None}) == ' b="1" a d="None"'
