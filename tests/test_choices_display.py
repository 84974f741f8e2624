"""core.choices.ChoicesDisplayMixin: the same text as Django's own get_FOO_display, cheaper."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from core.choices import ChoicesDisplayMixin

OURS = {"members", "networks", "meetings", "grants", "borsen", "voices", "dialog", "digest", "sok", "core"}


def fields_with_choices():
    for model in apps.get_models():
        if model._meta.app_label not in OURS:
            continue
        for field in model._meta.fields:
            if field.choices:
                yield model, field


def test_every_model_of_ours_with_choices_uses_the_mixin():
    missing = sorted(
        {model._meta.label for model, _field in fields_with_choices() if not issubclass(model, ChoicesDisplayMixin)}
    )
    assert missing == [], f"put core.choices.ChoicesDisplayMixin before models.Model in: {missing}"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_same_text_as_django_for_every_value_in_every_language(code):
    checked = 0
    for model, field in fields_with_choices():
        for value in [value for value, _label in field.flatchoices] + ["not-a-choice", None]:
            instance = model()
            setattr(instance, field.attname, value)
            with translation.override(code):
                ours = getattr(instance, f"get_{field.name}_display")()
                djangos = models.Model._get_FIELD_display(instance, field)
            assert ours == djangos, (model._meta.label, field.name, value, code)
            assert type(ours) is type(djangos)
            checked += 1
    assert checked > 50


def test_the_label_follows_the_language_of_each_call():
    from members.models import Membership

    membership = Membership(status=Membership.Status.ACTIVE)
    with translation.override("sv"):
        swedish = membership.get_status_display()
    with translation.override("en"):
        english = membership.get_status_display()
    with translation.override("sv"):
        assert membership.get_status_display() == swedish
    assert swedish != english
