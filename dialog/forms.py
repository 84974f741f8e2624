"""Forms of "Lyft en fråga": raising a question, and the list's sorting and filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextGuardMixin
from dialog.models import Question, Theme
from networks.models import Network


class QuestionForm(TextGuardMixin, forms.ModelForm):
    network = forms.ModelChoiceField(
        label=_("Vilket nätverk gäller det?"),
        help_text=_("Nätverket för den stadsdel där du bor eller det gäller."),
        queryset=Network.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Välj vilket nätverk frågan gäller.")},
    )
    theme = forms.ModelChoiceField(
        label=_("Tema"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        empty_label=_("Inget särskilt tema"),
    )

    class Meta:
        model = Question
        fields = ["network", "title", "text", "place", "theme", "show_name"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        labels = {
            "title": _("Rubrik"),
            "text": _("Din fråga, idé eller upplevelse"),
            "place": _("Plats"),
            "show_name": _("Visa mitt namn vid frågan"),
        }
        help_texts = {
            "title": _("Kort och tydligt, till exempel ”Mörkt vid gångtunneln under Södra vägen”. Högst 120 tecken."),
            "text": _("Vad har du sett eller varit med om, och vad vill du att nätverket gör? Högst 3 000 tecken."),
            "place": _("Till exempel en gata, en gård eller en lekplats. Högst 120 tecken."),
            "show_name": _(
                "Annars står det ”en boende i” och stadsdelen, till exempel ”en boende i Brynäs”. "
                "Din e-postadress visas aldrig."
            ),
        }
        error_messages = {
            "title": {"required": _("Skriv en rubrik.")},
            "text": {"required": _("Skriv din fråga, idé eller upplevelse.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].label_from_instance = lambda network: network.display_name
        self.fields["theme"].label_from_instance = lambda theme: theme.tr("name")

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_place(self) -> str:
        return " ".join(self.cleaned_data["place"].split())


class ListForm(forms.Form):
    """The list's GET choices: values that are not a choice are ignored, never an error page."""

    ORDERS = [
        ("nyast", _("Nyast först")),
        ("stod", _("Flest ”Jag med”")),
        ("lage", _("Läge: nya först, besvarade sist")),
    ]

    natverk = forms.ChoiceField(label=_("Nätverk"), required=False)
    ordning = forms.ChoiceField(label=_("Ordning"), required=False, choices=ORDERS)

    def __init__(self, *args, networks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["natverk"].choices = [("", _("Alla nätverk")), *[(n.slug, n.display_name) for n in networks]]

    def value(self, name: str) -> str:
        raw = self.data.get(name, "") if self.is_bound else ""
        return raw if raw in {str(value) for value, _label in self.fields[name].choices} else ""
