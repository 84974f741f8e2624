"""Applications for activity funds and everything that hangs on them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

import core.storage
from core.choices import ChoicesDisplayMixin
from core.dates import date_bounds_constraint
from grants.files import download_name as served_name
from grants.models.pots import GRANTED_STATUSES, Pot
from grants.payment import format_payment_details


def private_storage() -> Storage:
    """The private store (core/storage.py): files served only through access-checked views."""
    return core.storage.private_storage


REPORT_DUE_AFTER = datetime.timedelta(weeks=6)


class ApplicationQuerySet(models.QuerySet):
    def sent_in(self) -> ApplicationQuerySet:
        """Everything but drafts: a draft is the applicant's own work until it is sent in."""
        return self.exclude(status=Application.Status.DRAFT)


class Application(ChoicesDisplayMixin, models.Model):
    """An actor's application for money from a pot, alone or with co-applicants."""

    class PaymentMethod(models.TextChoices):
        BANKGIRO = "bankgiro", _("Bankgiro")
        PLUSGIRO = "plusgiro", _("Plusgiro")
        BANK_ACCOUNT = "bankkonto", _("Bankkonto")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")
        IN_REVIEW = "in_review", _("Under granskning")
        NEEDS_COMPLETION = "needs_completion", _("Behöver kompletteras")
        APPROVED = "approved", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")
        WITHDRAWN = "withdrawn", _("Återkallad")
        PAID = "paid", _("Utbetald")
        REPORTED = "reported", _("Återrapporterad")
        CLOSED = "closed", _("Avslutad")

    # The statuses in which the applicant changes the application (grants.locking holds them to it).
    EDITABLE_STATUSES = (Status.DRAFT, Status.NEEDS_COMPLETION)

    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="applications", verbose_name=_("pott"))
    reference = models.CharField(_("diarienummer"), max_length=20, blank=True)
    # Set only by grants.workflow.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    lead_actor = models.ForeignKey(
        "members.Actor", on_delete=models.PROTECT, related_name="lead_applications", verbose_name=_("sökande aktör")
    )
    co_applicants = models.ManyToManyField(
        "members.Actor",
        through="CoApplicant",
        related_name="co_applications",
        blank=True,
        verbose_name=_("medsökande"),
    )
    networks = models.ManyToManyField(
        "networks.Network", related_name="grant_applications", blank=True, verbose_name=_("nätverk")
    )
    title = models.CharField(_("aktivitetens namn"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)
    purpose = models.TextField(_("syfte"), max_length=3000, blank=True)
    target_group = models.CharField(_("målgrupp"), max_length=300, blank=True)
    starts_on = models.DateField(_("startdatum"), null=True, blank=True)
    ends_on = models.DateField(_("slutdatum"), null=True, blank=True)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    expected_participants = models.PositiveIntegerField(_("antal deltagare (förväntat)"), null=True, blank=True)
    own_contribution = models.PositiveIntegerField(_("egen insats (kr)"), default=0)
    other_funding = models.PositiveIntegerField(_("annan finansiering (kr)"), default=0)
    amount_requested = models.PositiveIntegerField(_("sökt belopp (kr)"), null=True, blank=True)
    # Set only by grants.workflow when the application is approved.
    amount_granted = models.PositiveIntegerField(_("beviljat belopp (kr)"), null=True, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=150, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=40, blank=True)
    # Where the pot pays a granted amount; personal or financial data, never on public pages.
    payment_method = models.CharField(_("betalningssätt"), max_length=20, choices=PaymentMethod.choices, blank=True)
    giro_number = models.CharField(_("bankgiro- eller plusgironummer"), max_length=12, blank=True)
    clearing_number = models.CharField(_("clearingnummer"), max_length=5, blank=True)
    account_number = models.CharField(_("kontonummer"), max_length=15, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("skapad av")
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    report_due_reminded_at = models.DateTimeField(_("påmind om återrapport"), null=True, blank=True)
    report_overdue_reminded_at = models.DateTimeField(_("påmind om sen återrapport"), null=True, blank=True)
    # The steering group's own: never shown to the applicants nor in their GDPR export.
    internal_note = models.TextField(
        _("intern anteckning"),
        max_length=5000,
        blank=True,
        help_text=_("Bara för styrgruppen. De sökande ser den aldrig."),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_applications",
        verbose_name=_("handläggare"),
        help_text=_("Den i styrgruppen som håller i ärendet (valfritt)."),
    )
    is_demo = models.BooleanField(_("demoinnehåll"), default=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("ansökan")
        verbose_name_plural = _("ansökningar")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="application_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gt=0),
                name="application_requested_positive",
            ),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True)
                | Q(amount_granted__gt=0, amount_granted__lte=F("amount_requested")),
                name="application_granted_within_requested",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="application_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=["", "bankgiro", "plusgiro", "bankkonto"]),
                name="application_payment_method_valid",
            ),
            date_bounds_constraint("application", "starts_on"),
            date_bounds_constraint("application", "ends_on"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "in_review",
                        "needs_completion",
                        "approved",
                        "rejected",
                        "withdrawn",
                        "paid",
                        "reported",
                        "closed",
                    ]
                ),
                name="application_status_valid",
            ),
        ]
        indexes = [
            # With the granted amount and the id inside, a pot's granted and paid totals (the
            # admin list's header, the application's first step) are read from the index
            # alone (PostgreSQL; other databases ignore `include`).
            models.Index(fields=["pot", "status"], include=["amount_granted", "id"], name="application_pot_status"),
            # The admin list counts every application but the drafts on each page view.
            models.Index(fields=["status"], name="application_status"),
            # The steering group's list: newest first, a page at a time, however many there are.
            models.Index(fields=["-submitted_at", "-id"], name="application_submitted_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self) -> str:
        return reverse("grants:detail", kwargs={"pk": self.pk})

    @property
    def budget_total(self) -> int:
        return sum(line.amount for line in self.budget_lines.all())

    @property
    def payment_details(self) -> str:
        """The payment details in one line, as a bank shows them ("" if not given; grants.payment)."""
        return format_payment_details(
            method=self.payment_method,
            giro_number=self.giro_number,
            clearing_number=self.clearing_number,
            account_number=self.account_number,
        )

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def report_due_on(self) -> datetime.date | None:
        if not self.ends_on:
            return None
        try:
            return self.ends_on + REPORT_DUE_AFTER
        except OverflowError:
            # Only a row from before the date bounds existed can end this late.
            return datetime.date.max

    @property
    def all_confirmed(self) -> bool:
        return all(c.status == CoApplicant.Status.CONFIRMED for c in self.coapplicant_links.all())

    def shows_on_public_pages(self) -> bool:
        """Only granted applications are public (/bidrag/beviljade/; core.cache invalidation)."""
        return self.status in GRANTED_STATUSES


class CoApplicant(ChoicesDisplayMixin, models.Model):
    """An actor applying together with the lead actor; its representative confirms taking part."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på bekräftelse")
        CONFIRMED = "confirmed", _("Bekräftad")
        DECLINED = "declined", _("Avböjd")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="coapplicant_links", verbose_name=_("ansökan")
    )
    actor = models.ForeignKey(
        "members.Actor", on_delete=models.PROTECT, related_name="coapplicant_links", verbose_name=_("aktör")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekräftad av"),
    )
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)

    class Meta:
        verbose_name = _("medsökande")
        verbose_name_plural = _("medsökande")
        ordering = ["application", "actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "actor"],
                name="coapplicant_unique_actor",
                violation_error_message=_("Aktören är redan medsökande i ansökan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_status_display()})"

    def shows_on_public_pages(self) -> bool:
        """Listed only with a granted application (core.cache invalidation)."""
        return self.application.shows_on_public_pages()


class BudgetLine(models.Model):
    """One line of an application's budget."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("ansökan")
    )
    what = models.CharField(_("vad"), max_length=200)
    amount = models.PositiveIntegerField(_("belopp (kr)"))

    class Meta:
        verbose_name = _("budgetrad")
        verbose_name_plural = _("budgetrader")
        ordering = ["application", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budgetline_amount_positive")]

    def __str__(self) -> str:
        return f"{self.what}: {self.amount} kr"


class Attachment(models.Model):
    """A PDF or image attached to an application, stored outside the public media folder."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ansökan")
    )
    file = models.FileField(_("fil"), upload_to="grants/attachments/%Y/", storage=private_storage)
    original_name = models.CharField(_("filnamn"), max_length=200)
    content_type = models.CharField(_("filtyp"), max_length=50)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uppladdad av")
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["application", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("grants:attachment", kwargs={"pk": self.application_id, "attachment_pk": self.pk})

    @property
    def download_name(self) -> str:
        """The name it is served with: the given name, with the extension of its checked type."""
        return served_name(self.original_name, self.content_type)


class Decision(ChoicesDisplayMixin, models.Model):
    """The steering group's decision: approved with an amount, rejected, or sent back for completion."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")
        NEEDS_COMPLETION = "needs_completion", _("Komplettering begärd")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("ansökan")
    )
    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    amount_granted = models.PositiveIntegerField(_("beviljat belopp (kr)"), null=True, blank=True)
    motivation = models.TextField(_("motivering"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("beslutad av")
    )
    decided_at = models.DateTimeField(_("beslutad"))

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="approved", amount_granted__gt=0)
                | Q(outcome__in=["rejected", "needs_completion"], amount_granted__isnull=True),
                name="decision_amount_granted_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"


class Payment(models.Model):
    """That the granted amount was paid out."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="payment", verbose_name=_("ansökan")
    )
    amount = models.PositiveIntegerField(_("belopp (kr)"))
    # The application's pot, kept here as well: a pot's paid total is then read from one
    # index (Pot.objects.with_totals()) instead of joining every payment of every year to
    # its application. Set from the application on save; an application's pot does not
    # change once it has been sent in, let alone paid.
    pot = models.ForeignKey(
        "grants.Pot", on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("pott")
    )
    # When the payment was registered; `paid_on` is the day the money went out.
    paid_at = models.DateTimeField(_("registrerad"))
    # Empty only on payments registered before the date was asked for (migration 0006
    # fills those from paid_at); grants.workflow always sets it.
    paid_on = models.DateField(_("utbetalningsdag"), null=True, blank=True)
    reference = models.CharField(
        _("betalningsreferens"),
        max_length=100,
        blank=True,
        help_text=_("Verifikationsnummer eller referens från banken."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerad av")
    )

    class Meta:
        verbose_name = _("utbetalning")
        verbose_name_plural = _("utbetalningar")
        ordering = ["-paid_at"]
        indexes = [models.Index(fields=["pot"], include=["amount"], name="payment_pot_amount")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # A pot is one year's money: the bank's reference names one payment in it.
            models.UniqueConstraint(
                fields=["pot", "reference"], condition=~Q(reference=""), name="payment_reference_unique_per_pot"
            ),
            date_bounds_constraint("payment", "paid_on"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.amount} kr"

    def save(self, *args, **kwargs) -> None:
        if self.pot_id is None and self.application_id is not None:
            self.pot_id = self.application.pot_id
        super().save(*args, **kwargs)


class FollowUpReport(models.Model):
    """The applicant's report after the activity (återrapportering)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="report", verbose_name=_("ansökan")
    )
    what_happened = models.TextField(_("vad hände"), max_length=5000)
    participants = models.PositiveIntegerField(_("antal deltagare"))
    actual_costs = models.PositiveIntegerField(_("faktiska kostnader (kr)"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inlämnad av")
    )
    submitted_at = models.DateTimeField(_("inlämnad"))

    class Meta:
        verbose_name = _("återrapport")
        verbose_name_plural = _("återrapporter")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return str(self.application)


class FollowUpPhoto(models.Model):
    """A photo from the activity, re-encoded so that no metadata remains."""

    report = models.ForeignKey(
        FollowUpReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("rapport")
    )
    image = models.FileField(_("bild"), upload_to="grants/photos/%Y/", storage=private_storage)

    class Meta:
        verbose_name = _("bild")
        verbose_name_plural = _("bilder")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.image.name


class ApplicationEvent(ChoicesDisplayMixin, models.Model):
    """Append-only log of an application's status changes, recusals (jäv), notes and letters."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Statusändring")
        RECUSAL = "recusal", _("Jäv – steg åt sidan")
        # The steering group's own rows: never shown to the applicants.
        NOTE = "note", _("Intern anteckning")
        HANDLER = "handler", _("Handläggare")
        LETTER = "letter", _("Beslutsbrev")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("ansökan")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.TRANSITION)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vem")
    )
    created_at = models.DateTimeField(_("när"), auto_now_add=True)
    from_status = models.CharField(_("från"), max_length=20, choices=Application.Status.choices)
    to_status = models.CharField(_("till"), max_length=20, choices=Application.Status.choices)
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def is_internal(self) -> bool:
        """Rows only the steering group reads (the internal note, the handler)."""
        return self.kind in INTERNAL_EVENT_KINDS


class ReferenceCounter(models.Model):
    """The last reference number used in a year; locked while a new one is taken."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    last_number = models.PositiveIntegerField(_("senaste nummer"), default=0)

    class Meta:
        verbose_name = _("diarieräknare")
        verbose_name_plural = _("diarieräknare")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


INTERNAL_EVENT_KINDS = (ApplicationEvent.Kind.NOTE, ApplicationEvent.Kind.HANDLER)
