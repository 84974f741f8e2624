"""Decision letters (beslutsbrev): one archivable PDF per decision, and the wording they share."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.models.applications import Decision, private_storage


class LetterWording(models.Model):
    """The wording every decision letter shares; the steering group edits it in the admin.

    One row (pk 1); `LetterWording.current()` makes it with the defaults when missing.
    """

    authority = models.CharField(
        _("avsändare"),
        max_length=200,
        default="Stadsdelsnätverkens styrgrupp i Gävle",
        help_text=_("Står överst i brevet och som beslutsfattare."),
    )
    questions = models.TextField(
        _("frågor om beslutet"),
        max_length=2000,
        default=(
            "Har du frågor om beslutet? Svara på e-postmeddelandet som brevet kom med, "
            "eller kontakta din stadsdelssamordnare. Ange alltid diarienumret."
        ),
        help_text=_("Hur den sökande ställer frågor om beslutet."),
    )
    reconsideration = models.TextField(
        _("begära omprövning"),
        max_length=2000,
        default=(
            "Om du anser att beslutet är fel kan du skriftligen be styrgruppen att ompröva det. "
            "Skriv vilket beslut det gäller (diarienumret), vad du vill ändra och varför. "
            "Skicka begäran inom tre veckor från den dag du fick beslutet."
        ),
        help_text=_("Hur den sökande ber styrgruppen ompröva beslutet. Skriv inget om överklagande som inte gäller."),
    )
    closing = models.TextField(
        _("avslutning"),
        max_length=1000,
        blank=True,
        default="Med vänliga hälsningar",
        help_text=_("Står före beslutsfattarens namn (valfritt)."),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("beslutsbrevets text")
        verbose_name_plural = _("beslutsbrevets text")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(_("Beslutsbrevets text"))

    @classmethod
    def current(cls) -> LetterWording:
        wording, _created = cls.objects.get_or_create(pk=1)
        return wording


class DecisionLetter(models.Model):
    """The PDF/A letter of one decision, written once and never changed (its SHA-256 is in the history)."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="letter", verbose_name=_("beslut"))
    file = models.FileField(_("fil"), upload_to="grants/letters/%Y/", storage=private_storage, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)

    class Meta:
        verbose_name = _("beslutsbrev")
        verbose_name_plural = _("beslutsbrev")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="letter_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.decision.application}: {self.decision.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return reverse("grants:letter", kwargs={"pk": self.decision.application_id, "letter_pk": self.pk})
