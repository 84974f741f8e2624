from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextGuardMixin
from sok.search import MAX_QUERY_LENGTH


class SearchForm(TextGuardMixin, forms.Form):
    q = forms.CharField(
        label=_("Sök på webbplatsen"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
