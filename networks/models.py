"""The four neighbourhood networks, their working groups and their news."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import date_bounds_constraint
from core.translation import TranslatedMixin, translated_fields


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

    @property
    def display_name(self) -> str:
        if self.network_name and self.network_name != self.name:
            return f"{self.network_name} ({self.name})"
        return self.name


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
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="workinggroup_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.network.name})"

    def get_absolute_url(self) -> str:
        return reverse("networks:working-group", kwargs={"slug": self.network.slug, "pk": self.pk})


class PostQuerySet(models.QuerySet):
    def published(self) -> PostQuerySet:
        return self.filter(is_published=True, published_at__lte=timezone.now())


@translated_fields("title", "summary", "body")
class Post(TranslatedMixin, models.Model):
    """A news item from a network, or from all networks when no network is set."""

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
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("publicerad"), default=timezone.now, db_index=True)
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
        constraints = [date_bounds_constraint("post", "published_at", with_time=True)]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:post-detail", kwargs={"slug": self.slug})
