"""The "Var bor du?" box (networks/areas.py finds the networks)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import TextGuardMixin
from networks.areas import MAX_PLACE_LENGTH, place_words

# The query-string parameter, the same in the box on every page.
PLACE_PARAMETER = "plats"


class FindNetworkForm(TextGuardMixin, forms.Form):
    plats = forms.CharField(
        label=_("Var bor du?"),
        max_length=MAX_PLACE_LENGTH,
        strip=True,
        error_messages={"required": _("Skriv var du bor: en gata, ett område eller en stadsdel.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "address-line1"}),
    )

    def clean_plats(self) -> str:
        place = self.cleaned_data["plats"]
        if not place_words(place):
            raise ValidationError(
                _("Skriv namnet på gatan, området eller stadsdelen med bokstäver, inte bara siffror."),
                code="no_words",
            )
        return place
