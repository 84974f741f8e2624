"""The four neighbourhood networks, their working groups and their news."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoicesDisplayMixin
from core.dates import date_bounds_constraint
from core.translation import TranslatedMixin, translated_columns, translated_fields

# Paths under /natverk/ that are pages of their own, not a network (website/urls.py).
RESERVED_SLUGS = frozenset({"hitta"})


@translated_fields("summary", "description", "how_to_join", "meeting_rhythm")
class Network(TranslatedMixin, models.Model):
    """A neighbourhood network (stadsdelsnätverk) in one district of Gävle."""

    name = models.CharField(_("stadsdel"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=100, unique=True)
    network_name = models.CharField(
        _("nätverkets namn"), max_length=100, blank=True, help_text=_("Till exempel TIBO för Bomhus.")
    )
    summary = models.CharField(_("ingress"), max_length=300)
    description = models.TextField(_("beskrivning"))
    how_to_join = models.TextField(_("så går du med"))
    meeting_rhythm = models.CharField(_("hur ofta nätverket träffas"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-post till nätverket"), blank=True)
    contact_phone = models.CharField(_("telefon till nätverket"), max_length=40, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_networks",
        verbose_name=_("samordnare"),
    )
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("nätverk")
        verbose_name_plural = _("nätverk")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            message = _("”%(slug)s” är redan en annan sida under /natverk/. Välj ett annat kortnamn.")
            raise ValidationError({"slug": ValidationError(message, code="reserved", params={"slug": self.slug})})

    @property
    def display_name(self) -> str:
        if self.network_name and self.network_name != self.name:
            return f"{self.network_name} ({self.name})"
        return self.name


class Area(ChoicesDisplayMixin, models.Model):
    """A neighbourhood, area, street or place a network covers: what "Var bor du?" finds the
    network by (networks/areas.py). Kept by the network's coordinators in the admin."""

    class Kind(models.TextChoices):
        AREA = "omrade", _("område eller kvarter")
        STREET = "gata", _("gata eller väg")
        PLACE = "plats", _("torg, park eller annan plats")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="areas", verbose_name=_("nätverk"))
    name = models.CharField(
        _("namn"),
        max_length=100,
        help_text=_("Så som de boende säger det, till exempel Godisfabriken eller Södra Strandgatan."),
    )
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices, default=Kind.AREA)
    is_demo = models.BooleanField(
        _("demoinnehåll"), default=False, help_text=_("Ett exempel som bara finns i demoläget.")
    )

    class Meta:
        verbose_name = _("område eller gata")
        verbose_name_plural = _("områden och gator")
        ordering = ["network__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name"],
                name="area_unique_name",
                violation_error_message=_("Nätverket har redan ett område eller en gata med det namnet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.network.name})"


@translated_fields("name", "description")
class WorkingGroup(TranslatedMixin, models.Model):
    """A working group (arbetsgrupp) a network forms around a shared question."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="working_groups", verbose_name=_("nätverk")
    )
    name = models.CharField(_("namn"), max_length=150)
    description = models.TextField(_("beskrivning"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("arbetsgrupp")
        verbose_name_plural = _("arbetsgrupper")
        ordering = ["network__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name"],
                name="workinggroup_unique_name",
                violation_error_message=_("Nätverket har redan en arbetsgrupp med det namnet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.network.name})"

    def get_absolute_url(self) -> str:
        return reverse("networks:working-group", kwargs={"slug": self.network.slug, "pk": self.pk})


class PostQuerySet(models.QuerySet):
    def published(self) -> PostQuerySet:
        """Published posts whose publication time has come: a post chosen to appear at 10.00
        is nowhere on the site before then (the page cache's bound: core/cache.py)."""
        return self.filter(is_published=True, published_at__lte=timezone.now())


def image_upload_to(instance: Post, filename: str) -> str:
    # A random name: nobody guesses a draft's image, and a new image never takes the address
    # of an old one that browsers keep for a day (nginx's /media/).
    return f"news/{uuid.uuid4().hex}{Path(filename).suffix.lower() or '.jpg'}"


# The Markdown forms core/markdown.py shows, in the coordinators' words.
MARKDOWN_HELP = _(
    "Skriv som vanligt. En tom rad börjar ett nytt stycke. **Två stjärnor** runt ord ger fetstil, "
    "*en stjärna* kursiv stil. Ett bindestreck och ett mellanslag först på en rad gör en punktlista, "
    "en siffra och en punkt (1. ) en numrerad lista. Ett #-tecken och ett mellanslag först på en rad "
    "gör raden till en mellanrubrik. En länk skrivs [ordet som syns](https://adressen.se). "
    "Spara och förhandsgranska för att se hur nyheten blir innan du publicerar den."
)


@translated_fields("title", "summary", "body", "image_alt")
class Post(TranslatedMixin, models.Model):
    """A news item from a network, or from all networks when no network is set.

    The body is Markdown (core/markdown.py). A coordinator publishes a post only from its
    preview in the admin, and only as the preview showed it (`preview_fingerprint`).
    """

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="posts",
        null=True,
        blank=True,
        verbose_name=_("nätverk"),
        help_text=_("Lämna tomt för nyheter som gäller alla nätverk."),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=220, unique=True)
    summary = models.CharField(_("ingress"), max_length=400)
    body = models.TextField(_("text"), help_text=MARKDOWN_HELP)
    image = models.ImageField(
        _("bild"),
        upload_to=image_upload_to,
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=_("Valfri. En PNG-, JPEG-, GIF- eller WebP-bild på högst 5 MB; den sparas utan bildens metadata."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("bildtext för skärmläsare"),
        max_length=200,
        blank=True,
        help_text=_("Krävs när det finns en bild: beskriv kort vad bilden visar."),
    )
    # When the post appears on the site; empty on a draft until it is published ("now").
    published_at = models.DateTimeField(
        _("publiceringstid"),
        default=timezone.now,
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Nyheten visas på webbplatsen från den här tiden, när du har förhandsgranskat och publicerat den. "
            "Lämna tomt för att den ska visas så fort du publicerar den."
        ),
    )
    is_published = models.BooleanField(_("publicerad"), default=True)
    is_demo = models.BooleanField(
        _("demoinnehåll"), default=False, help_text=_("Påhittad text som bara finns i demoläget.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skribent"),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("nyhet")
        verbose_name_plural = _("nyheter")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["is_published", "-published_at"])]
        constraints = [
            date_bounds_constraint("post", "published_at", with_time=True),
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(published_at__isnull=False),
                name="post_published_has_a_time",
            ),
            models.CheckConstraint(
                condition=models.Q(image="") | ~models.Q(image_alt=""), name="post_image_has_alt_text"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:post-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Beskriv kort vad bilden visar, för den som inte ser den.")}, code="alt_missing"
            )

    @property
    def is_public(self) -> bool:
        """Shown on the site now (what PostQuerySet.published() selects)."""
        return self.is_published and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        """Published, with a publication time still to come."""
        return self.is_published and self.published_at is not None and self.published_at > timezone.now()

    def preview_fingerprint(self) -> str:
        """A digest of everything the preview shows: the texts in every language and the image.

        The preview's "Publicera" carries it; a post whose texts changed since is not
        published (it must be previewed again)."""
        shown = [getattr(self, name) or "" for name in PREVIEWED_TEXTS] + [self.image.name or ""]
        return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


# What a preview shows: every language's texts, and the image. A change to any of them in
# the admin takes a published post back to a draft, to be previewed again.
PREVIEWED_TEXTS = tuple(
    name for field in ("title", "summary", "body", "image_alt") for name in translated_columns(field)
)
PREVIEWED_FIELDS = (*PREVIEWED_TEXTS, "image")
