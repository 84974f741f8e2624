"""Voices from the networks: a representative's short story, with the consent behind it.

A voice is public only with is_published and while its consent stands. When the consent
is withdrawn (voices.services.withdraw_consent) the row stays as a minimal record that a
consent was given and withdrawn (network, dates, how it was recorded), and everything
about the person is emptied and their files deleted from storage.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.dates import date_bounds_constraint
from core.storage import delete_after_commit
from voices.media import (
    captions_upload_to,
    photo_upload_to,
    validate_captions,
    validate_video,
    video_upload_to,
)

FILE_FIELDS = ("photo", "video", "captions")


class VoiceQuerySet(models.QuerySet):
    def public(self) -> VoiceQuerySet:
        """Published voices whose consent stands, in the coordinators' order."""
        return (
            self.filter(is_published=True, consent_withdrawn_at__isnull=True)
            .select_related("actor", "network")
            .order_by("sort_order", "-consent_given_at", "pk")
        )


class Voice(models.Model):
    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="voices", verbose_name=_("nätverk")
    )
    quote = models.TextField(
        _("berättelse"),
        max_length=600,
        help_text=_("Med personens egna ord, några meningar om vad nätverket ger. Högst 600 tecken."),
    )
    person_name = models.CharField(_("namn"), max_length=100)
    role = models.CharField(
        _("roll"), max_length=100, blank=True, help_text=_("Till exempel ”ordförande” eller ”boende”.")
    )
    actor = models.ForeignKey(
        "members.Actor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voices",
        verbose_name=_("aktör"),
        help_text=_("Aktören personen företräder, om den finns i portalen."),
    )
    actor_name = models.CharField(
        _("aktörens namn"),
        max_length=200,
        blank=True,
        help_text=_("Om aktören inte finns i portalen: skriv namnet här."),
    )

    consent_given_at = models.DateField(_("samtycke lämnat"))
    consent_recorded = models.CharField(
        _("hur samtycket finns dokumenterat"),
        max_length=300,
        help_text=_(
            "Till exempel ”skriftligt samtycke, arkiverat hos samordnaren”. Texten sparas när samtycket "
            "återkallas, som bevis på att det fanns: skriv inga personuppgifter här."
        ),
    )
    consent_withdrawn_at = models.DateTimeField(_("samtycke återkallat"), null=True, blank=True, editable=False)
    consent_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("återkallandet registrerat av"),
    )

    photo = models.ImageField(_("foto"), upload_to=photo_upload_to, blank=True)
    photo_alt = models.CharField(
        _("bildtext för skärmläsare"),
        max_length=200,
        blank=True,
        help_text=_("Krävs när det finns ett foto: beskriv kort vad bilden visar."),
    )
    video = models.FileField(
        _("video"),
        upload_to=video_upload_to,
        blank=True,
        validators=[validate_video],
        help_text=_("WebM eller MP4. En video måste ha en textfil med undertexter."),
    )
    captions = models.FileField(
        _("undertexter (WebVTT)"),
        upload_to=captions_upload_to,
        blank=True,
        validators=[validate_captions],
        help_text=_("En textfil i formatet WebVTT (.vtt) med det som sägs i videon, på svenska."),
    )
    transcript = models.TextField(
        _("textversion"),
        max_length=10_000,
        blank=True,
        help_text=_("Det som sägs i videon som vanlig text, för den som hellre läser."),
    )

    is_published = models.BooleanField(_("publicerad"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0, help_text=_("Lägre tal visas först."))
    is_demo = models.BooleanField(_("demo"), default=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = VoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("röst från nätverket")
        verbose_name_plural = _("röster från nätverken")
        ordering = ["network__name", "sort_order", "pk"]
        constraints = [
            date_bounds_constraint("voice", "consent_given_at"),
            date_bounds_constraint("voice", "consent_withdrawn_at", with_time=True),
        ]

    def __str__(self) -> str:
        if self.consent_withdrawn_at is not None:
            return str(_("Röst med återkallat samtycke"))
        return self.person_name

    def save(self, *args, **kwargs) -> None:
        """Saves the row; files it no longer points to are deleted from storage after the commit."""
        before = {}
        if self.pk is not None:
            before = Voice.objects.filter(pk=self.pk).values(*FILE_FIELDS).first() or {}
        super().save(*args, **kwargs)
        gone = [name for field in FILE_FIELDS if (name := before.get(field)) and name != getattr(self, field).name]
        if gone:
            delete_files_after_commit(gone)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.video and not self.captions:
            errors["captions"] = _(
                "En video måste ha undertexter. Ladda upp en textfil i formatet WebVTT (.vtt) eller ta bort videon."
            )
        if self.captions and not self.video:
            errors["captions"] = _("Undertexterna hör till en video. Ladda upp videon också eller ta bort textfilen.")
        if self.photo and not self.photo_alt.strip():
            errors["photo_alt"] = _("Beskriv kort vad fotot visar, för den som inte ser bilden.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_withdrawn(self) -> bool:
        return self.consent_withdrawn_at is not None

    @property
    def video_type(self) -> str:
        """The content type of the stored video, from the extension it was stored with."""
        return "video/mp4" if self.video.name.endswith(".mp4") else "video/webm"

    @property
    def actor_display(self) -> str:
        return self.actor.name if self.actor_id else self.actor_name


def delete_files_after_commit(names: list[str]) -> None:
    """Delete stored files once the change that let go of them has committed."""
    # All three fields use the public media store (STORAGES["default"]: disk or S3).
    delete_after_commit(Voice._meta.get_field("photo").storage, names)


@receiver(post_delete, sender=Voice, dispatch_uid="voices.delete_files")
def _delete_files_of_deleted_voice(sender, instance: Voice, **kwargs) -> None:
    names = [getattr(instance, field).name for field in FILE_FIELDS if getattr(instance, field)]
    if names:
        delete_files_after_commit(names)
