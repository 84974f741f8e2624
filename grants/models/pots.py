"""The yearly pot and the fundings it is made of."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import date_bounds_constraint
from members.models import Actor

# Statuses in which an application's granted amount counts against the pot.
GRANTED_STATUSES = ("approved", "paid", "reported", "closed")
DEFAULT_ALLOWED_KINDS = ",".join(kind for kind in Actor.Kind.values if kind != Actor.Kind.PRIVATE_PERSON)


def _model(name: str) -> type[models.Model]:
    """A grants model by name, looked up when used (as a "grants.Application" foreign key
    would be): applications.py builds on this module, so this module cannot import it."""
    return apps.get_model("grants", name)


def _sum_subquery(queryset: models.QuerySet, field: str) -> Coalesce:
    # SUM over the subquery's rows, which are one pot's: the same sum as Django's
    # values("pot").annotate(Sum()) grouped by the pot, without building that grouping
    # (0.35 ms less for the three sums, on every view of the applications' list).
    summed = queryset.order_by().values(total=Func(F(field), function="SUM"))
    return Coalesce(Subquery(summed, output_field=models.BigIntegerField()), Value(0))


class PotQuerySet(models.QuerySet):
    def with_totals(self) -> PotQuerySet:
        """Annotate total (fundings), granted and paid; one query however many pots."""
        Application, Payment = _model("Application"), _model("Payment")
        return self.annotate(
            total_amount=_sum_subquery(Funding.objects.filter(pot=OuterRef("pk")), "amount"),
            granted_amount=_sum_subquery(
                Application.objects.filter(pot=OuterRef("pk"), status__in=GRANTED_STATUSES), "amount_granted"
            ),
            # From the pot's own index on the payments (grants.Payment.pot).
            paid_amount=_sum_subquery(Payment.objects.filter(pot=OuterRef("pk")), "amount"),
        )

    def accepting(self, today: datetime.date | None = None) -> PotQuerySet:
        today = today or timezone.localdate()
        return self.filter(is_open=True, opens_on__lte=today, closes_on__gte=today)


class Pot(models.Model):
    """A period's shared pot of activity funds (normally one calendar year)."""

    year = models.PositiveSmallIntegerField(_("år"))
    name = models.CharField(_("namn"), max_length=150)
    opens_on = models.DateField(_("öppnar"))
    closes_on = models.DateField(_("stänger"))
    is_open = models.BooleanField(
        _("öppen för ansökningar"), default=True, help_text=_("Stäng för att stoppa nya ansökningar direkt.")
    )
    max_amount_per_application = models.PositiveIntegerField(
        _("högsta belopp per ansökan (kr)"), help_text=_("Hela kronor.")
    )
    allowed_kinds = models.CharField(
        _("aktörstyper som får söka"),
        max_length=200,
        default=DEFAULT_ALLOWED_KINDS,
        help_text=_("Kommaseparerad lista av aktörstyper, t.ex. forening,foretag."),
    )
    must_apply_before_start = models.BooleanField(_("ansökan måste komma in före aktiviteten"), default=True)
    is_demo = models.BooleanField(_("demoinnehåll"), default=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    # Snapshots of the fundings' and the granted applications' sums, written under the pot
    # row lock by every approval and every change of fundings (grants.services.pot_totals_save),
    # so that the database itself refuses a pot that has granted more than it holds.
    funded_total = models.PositiveBigIntegerField(_("finansierat totalt (kr)"), default=0, editable=False)
    granted_total = models.PositiveBigIntegerField(_("beviljat totalt (kr)"), default=0, editable=False)

    objects = PotQuerySet.as_manager()

    class Meta:
        verbose_name = _("bidragspott")
        verbose_name_plural = _("bidragspottar")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="pot_closes_after_opens"),
            models.CheckConstraint(condition=Q(max_amount_per_application__gt=0), name="pot_max_amount_positive"),
            date_bounds_constraint("pot", "opens_on"),
            date_bounds_constraint("pot", "closes_on"),
            models.CheckConstraint(
                condition=Q(granted_total__lte=models.F("funded_total")), name="pot_granted_within_funded"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        kinds = self.allowed_kind_list
        unknown = [kind for kind in kinds if kind not in Actor.Kind.values]
        if unknown:
            raise ValidationError({"allowed_kinds": _("Okända aktörstyper: %(kinds)s") % {"kinds": ", ".join(unknown)}})
        if not kinds:
            raise ValidationError({"allowed_kinds": _("Ange minst en aktörstyp.")})

    @property
    def allowed_kind_list(self) -> list[str]:
        return [kind.strip() for kind in self.allowed_kinds.split(",") if kind.strip()]

    def allows_kind(self, kind: str) -> bool:
        return kind in self.allowed_kind_list

    def accepts_applications(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.opens_on <= today <= self.closes_on

    # Totals are always derived from fundings and decisions. When the queryset was
    # annotated with with_totals() the annotations are used, otherwise one query each.
    @property
    def total(self) -> int:
        if hasattr(self, "total_amount"):
            return self.total_amount
        return self.fundings.aggregate(s=Coalesce(Sum("amount"), 0))["s"]

    @property
    def granted(self) -> int:
        if hasattr(self, "granted_amount"):
            return self.granted_amount
        return self.applications.filter(status__in=GRANTED_STATUSES).aggregate(s=Coalesce(Sum("amount_granted"), 0))[
            "s"
        ]

    @property
    def paid(self) -> int:
        if hasattr(self, "paid_amount"):
            return self.paid_amount
        return _model("Payment").objects.filter(application__pot=self).aggregate(s=Coalesce(Sum("amount"), 0))["s"]

    @property
    def remaining(self) -> int:
        return self.total - self.granted

    def save_totals(self, *, funded: int, granted: int) -> None:
        """Write the sums' snapshots; the caller holds the pot row lock (select_for_update)."""
        self.funded_total, self.granted_total = funded, granted
        self.save(update_fields=["funded_total", "granted_total"])


class Funding(models.Model):
    """Money a funder puts into a pot."""

    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("pott"))
    funder = models.CharField(_("finansiär"), max_length=150)
    amount = models.PositiveIntegerField(_("belopp (kr)"))
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("finansiering")
        verbose_name_plural = _("finansieringar")
        ordering = ["pot", "funder"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive")]

    def __str__(self) -> str:
        return f"{self.funder}: {self.amount} kr"
