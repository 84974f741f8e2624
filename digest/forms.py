from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextGuardMixin
from networks.models import Network


class SubscriptionForm(TextGuardMixin, forms.Form):
    networks = forms.ModelMultipleChoiceField(
        label=_("Vilka nätverk vill du få veckobrevet från?"),
        help_text=_("Ta bort alla bockar om du inte vill ha något veckobrev."),
        queryset=Network.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("Välj bland nätverken i listan."),
            "invalid_pk_value": _("Välj bland nätverken i listan."),
        },
    )
