""" "Lyft en fråga": residents' questions, ideas and experiences to their network.

A logged-in resident or representative raises a Question for one network. Others add
"Jag med" (a Support, one per account). The network's coordinators move the question on
in the admin: to a coming meeting, to a working group, forwarded to someone else (the
property owner, the municipality's fault reports), answered or closed; or hidden, with a
reason, for moderation. Every move is a QuestionEvent, the public history on the
question's page: staff names show only when the one who moved it chose so.

The question itself stays in the language it was written in (`language`, for `lang`);
what the network writes (the answer, each move's note) is translated like other content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import ChoicesDisplayMixin
from core.dates import date_bounds_constraint
from core.folding import fold
from core.translation import TranslatedMixin, translated_fields

TITLE_MAX = 120
TEXT_MAX = 3000
PLACE_MAX = 120
# What the author wrote, in the question's own language (never translated).
WRITTEN_FIELDS = ("title", "text", "place")


class Status(models.TextChoices):
    """Where a question stands; the moves of its history are the same words."""

    OPEN = "open", _("Ny")
    MEETING = "meeting", _("Tas upp på möte")
    WORKING_GROUP = "working_group", _("Lämnas till arbetsgrupp")
    FORWARDED = "forwarded", _("Skickas vidare")
    ANSWERED = "answered", _("Besvarad")
    CLOSED = "closed", _("Avslutad")
    HIDDEN = "hidden", _("Dold")


# What the network is working on: moved on, neither answered, closed nor hidden.
IN_PROGRESS = (Status.MEETING, Status.WORKING_GROUP, Status.FORWARDED)
# Done with: the network has answered or closed it.
DONE = (Status.ANSWERED, Status.CLOSED)


@translated_fields("name")
class Theme(TranslatedMixin, models.Model):
    """A theme a question may have (trygghet, miljö och skötsel, ...); the list is kept in the admin."""

    name = models.CharField(_("namn"), max_length=60, unique=True)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    is_active = models.BooleanField(
        _("kan väljas"), default=True, help_text=_("Ett tema som inte kan väljas finns kvar på äldre frågor.")
    )

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("teman")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


def question_search_text(*, title: str, text: str, place: str) -> str:
    return fold(f"{title}\n{text}\n{place}")


class QuestionQuerySet(models.QuerySet):
    def visible(self) -> QuestionQuerySet:
        """Every question a visitor may see: all but the hidden ones."""
        return self.exclude(status=Status.HIDDEN)

    def for_network(self, network) -> QuestionQuerySet:
        return self.filter(network=network)

    def open(self) -> QuestionQuerySet:
        """New questions the network has not yet moved on."""
        return self.filter(status=Status.OPEN)

    def in_progress(self) -> QuestionQuerySet:
        """Questions the network is doing something about (a meeting, a working group, forwarded)."""
        return self.filter(status__in=IN_PROGRESS)

    def done(self) -> QuestionQuerySet:
        return self.filter(status__in=DONE)

    def with_support_count(self) -> QuestionQuerySet:
        """Each question with `support_count`, the number of "Jag med"."""
        return self.annotate(support_count=models.Count("supports", distinct=True))


@translated_fields("answer")
class Question(ChoicesDisplayMixin, TranslatedMixin, models.Model):
    """A question, idea or experience a resident raises for one network."""

    Status = Status

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="questions", verbose_name=_("nätverk")
    )
    # Kept when the account is deleted: an answered question stays, without its author.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialog_questions",
        verbose_name=_("skriven av"),
    )
    show_name = models.BooleanField(
        _("visa namnet"), default=False, help_text=_("Annars visas ”en boende i” och nätverkets stadsdel.")
    )
    title = models.CharField(_("rubrik"), max_length=TITLE_MAX)
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    place = models.CharField(_("plats"), max_length=PLACE_MAX, blank=True)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("tema"),
    )
    # The language the question was written in (the page's), for `lang` on its text.
    language = models.CharField(
        _("skriven på språket"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(_("läge"), max_length=20, choices=Status.choices, default=Status.OPEN)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialog_questions",
        verbose_name=_("tas upp på mötet"),
    )
    working_group = models.ForeignKey(
        "networks.WorkingGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialog_questions",
        verbose_name=_("lämnad till arbetsgruppen"),
    )
    forwarded_to = models.CharField(_("skickad vidare till"), max_length=200, blank=True)
    forwarded_url = models.URLField(_("länk dit"), max_length=500, blank=True)
    answer = models.TextField(_("svar"), max_length=TEXT_MAX, blank=True)
    hidden_reason = models.TextField(_("skäl till att frågan doldes"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("demoinnehåll"), default=False)
    created_at = models.DateTimeField(_("ställd"), default=timezone.now)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # The title, text and place folded as every search folds them (core.folding), for the
    # admin's search ("gangtunneln" finds "gångtunneln"), as Actor.search_text.
    search_text = models.TextField(_("söktext"), blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("fråga från boende")
        verbose_name_plural = _("frågor från boende")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["network", "status", "created_at"], name="dialog_question_list"),
            models.Index(fields=["status", "created_at"], name="dialog_question_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.HIDDEN) | ~models.Q(hidden_reason=""),
                name="dialog_question_hidden_has_reason",
                violation_error_message=_("Skriv varför frågan döljs."),
            ),
            date_bounds_constraint("dialog_question", "created_at", with_time=True),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Derived data, kept in step here so that every way of saving a question leaves
        # the admin's search right.
        self.search_text = question_search_text(title=self.title, text=self.text, place=self.place)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "text", "place"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("dialog:detail", kwargs={"pk": self.pk})

    @property
    def is_hidden(self) -> bool:
        return self.status == Status.HIDDEN

    @property
    def is_done(self) -> bool:
        return self.status in DONE

    @property
    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def author_shown(self) -> str:
        """The author as pages show them: their name only when they chose so (and have one),
        else "en boende i Brynäs"."""
        if self.show_name and self.author is not None and self.author.name:
            return self.author.name
        return gettext("en boende i %(district)s") % {"district": self.network.name}

    def shown_language(self, field: str) -> str:
        """The question's own words are in the language it was written in; the network's
        answer as other translated content (`{% text_lang question "text" %}`)."""
        if field in WRITTEN_FIELDS:
            return self.language or settings.LANGUAGE_CODE
        return super().shown_language(field)

    def shows_on_public_pages(self) -> bool:
        """Every question may have been on a public page (core.cache invalidation)."""
        return True


class Support(models.Model):
    """ "Jag med": one account supports one question, at most once."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="supports", verbose_name=_("fråga"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dialog_supports",
        verbose_name=_("användare"),
    )
    created_at = models.DateTimeField(_("tillagt"), default=timezone.now)

    class Meta:
        verbose_name = _("jag med")
        verbose_name_plural = _("jag med")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "user"],
                name="dialog_support_once",
                violation_error_message=_("Du har redan sagt ”Jag med” till frågan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} ({self.user_id})"


class QuestionEventQuerySet(models.QuerySet):
    def public(self) -> QuestionEventQuerySet:
        """The history a visitor sees: every move but hiding (a hidden question is not shown)."""
        return self.exclude(status=Status.HIDDEN)


@translated_fields("text")
class QuestionEvent(ChoicesDisplayMixin, TranslatedMixin, models.Model):
    """One move of a question, kept as its public history."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events", verbose_name=_("fråga"))
    status = models.CharField(_("flyttad till"), max_length=20, choices=Status.choices)
    # The answer, or the note of the move; may be empty.
    text = models.TextField(_("text"), max_length=TEXT_MAX, blank=True)
    # What the move pointed to at the time (the question's own fields change with the next move).
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("möte"),
    )
    working_group = models.ForeignKey(
        "networks.WorkingGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arbetsgrupp"),
    )
    forwarded_to = models.CharField(_("skickad vidare till"), max_length=200, blank=True)
    forwarded_url = models.URLField(_("länk dit"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gjort av"),
    )
    by_name_shown = models.BooleanField(
        _("visa mitt namn"),
        default=False,
        help_text=_("Annars står det bara att nätverket gjorde det."),
    )
    created_at = models.DateTimeField(_("när"), default=timezone.now)

    objects = QuestionEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("händelse i en fråga")
        verbose_name_plural = _("händelser i frågor")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["question", "created_at"], name="dialog_event_history")]
        constraints = [date_bounds_constraint("dialog_questionevent", "created_at", with_time=True)]

    def __str__(self) -> str:
        return f"{self.question}: {self.get_status_display()}"

    @property
    def shown_by_name(self) -> str:
        """The staff member's name when they chose to show it, else empty."""
        if self.by_name_shown and self.by is not None:
            return self.by.name  # Never the e-mail address: empty when no name is given.
        return ""
