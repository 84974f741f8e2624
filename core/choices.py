"""`get_FOO_display()` for fields with choices, without rebuilding the choices on each call.

Django's `Model._get_FIELD_display` makes a dict of the field's choices on every call, and
making them hashable hashes every label: a lazy label is translated to be hashed, so a field
with eight choices costs eight translation lookups each time a page shows its value. "Mina
sidor" shows about twenty such values, the admin's lists hundreds (make bench).

`ChoicesDisplayMixin` keeps that dict per field, with the labels still lazy, so the one label
shown is translated when it is shown, in the language of that request. It gives the same
text as Django's own method for every value (`tests/test_choices_display.py`, which also
holds that every model of ours with choices uses it).
"""

from __future__ import annotations

from functools import cache

from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@cache
def _labels(field: Field) -> dict:
    return dict(make_hashable(field.flatchoices))


def choice_labels(field: Field) -> dict:
    """The field's {value: label}; labels stay lazy. Choices from a callable are read anew."""
    if isinstance(field.choices, list | tuple):
        return _labels(field)
    return dict(make_hashable(field.flatchoices))


class ChoicesDisplayMixin:
    """Put before `models.Model`: Django binds `get_FOO_display` to this method."""

    def _get_FIELD_display(self, field: Field) -> str:
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)
