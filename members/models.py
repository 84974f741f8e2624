"""People (users) and the actors they represent in the networks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoicesDisplayMixin
from members.search import actor_search_text


class UserManager(BaseUserManager):
    """Creates users who log in with their e-mail address."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(ChoicesDisplayMixin, AbstractUser):
    """A person with an account; the e-mail address is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-postadress"), unique=True)
    name = models.CharField(_("namn"), max_length=150, blank=True)
    # The language the site writes to the user in; set at sign-up from the page's language,
    # changed only by the user: on "Mina uppgifter" or with the offer on a page in another language.
    # db_default too: rows written without the column (older code during a deploy, migration
    # tests working on an earlier state of the models) get Swedish.
    language = models.CharField(
        _("språk för e-post"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        db_default=settings.LANGUAGE_CODE,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    @property
    def greeting_name(self) -> str:
        """The first name, for "Hej Anna!" in mail; "" without a name (the mail says "Hej!")."""
        words = self.name.split()
        return words[0] if words else ""

    def shows_on_public_pages(self) -> bool:
        """Only coordinators are named on public pages (core.cache invalidation)."""
        return self.pk is not None and self.coordinated_networks.exists()


class ActorQuerySet(models.QuerySet):
    def public(self) -> ActorQuerySet:
        return self.filter(is_public=True)

    def represented_by(self, user) -> ActorQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(representations__user=user)


def public_contact_email(actor) -> str:
    """Actor.public_contact_email as a function, so that a migration's historical Actor (without
    the property, perhaps without the proof's fields) gets the same answer: nothing unproven."""
    email = actor.contact_email
    proven_at = getattr(actor, "contact_email_verified_at", None)
    proven = getattr(actor, "contact_email_verified_address", "") or ""
    if not email or actor.contact_consent_at is None or proven_at is None:
        return ""
    return email if proven.lower() == email.lower() else ""


class Actor(ChoicesDisplayMixin, models.Model):
    """An association, company, organisation, authority or private person in the networks."""

    class Kind(models.TextChoices):
        PRIVATE_PERSON = "privatperson", _("Privatperson")
        ASSOCIATION = "forening", _("Förening")
        COMPANY = "foretag", _("Företag")
        ORGANISATION = "organisation", _("Organisation")
        AUTHORITY = "myndighet", _("Myndighet / kommunal funktion")

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=220, unique=True)
    kind = models.CharField(_("typ av aktör"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)
    logo = models.ImageField(_("logotyp"), upload_to="logos/", blank=True)
    website = models.URLField(_("webbplats"), max_length=300, blank=True)
    org_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    contact_email = models.EmailField(_("e-post för kontakt"), blank=True)
    # The site relays mail only to an address someone has proven (members.contact): when
    # and which address. Kept as the address itself, not a flag, so that a change of
    # contact_email by any road (the admin, update(), a restore) leaves it unproven.
    contact_email_verified_at = models.DateTimeField(_("e-post för kontakt bekräftad"), null=True, blank=True)
    # db_default: a server still on the previous release, writing actors during an update,
    # knows no such column; the database fills it in.
    contact_email_verified_address = models.EmailField(
        _("bekräftad e-postadress"), blank=True, default="", db_default=""
    )
    contact_phone = models.CharField(_("telefon för kontakt"), max_length=40, blank=True)
    # Contact details are shown publicly only while consent is recorded.
    contact_consent_at = models.DateTimeField(_("samtycke lämnat"), null=True, blank=True)
    contact_consent_text = models.TextField(_("samtyckestext"), blank=True)
    is_public = models.BooleanField(
        _("visas publikt"),
        default=True,
        help_text=_("Av när aktören har tagits bort av sina företrädare."),
    )
    is_demo = models.BooleanField(_("demoinnehåll"), default=False)
    # Name and description folded by members.search.fold, for the directory's search.
    search_text = models.TextField(_("söktext"), blank=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("aktör")
        verbose_name_plural = _("aktörer")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Derived data, not a rule: kept in step here so that every way of saving an
        # actor (services, admin, demo data, tests) leaves the directory search right.
        self.search_text = actor_search_text(name=self.name, description=self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("members:actor-detail", kwargs={"slug": self.slug})

    @property
    def has_contact_consent(self) -> bool:
        return self.contact_consent_at is not None

    @property
    def public_contact_email(self) -> str:
        """The address shown to others: only with the actor's consent and once it is proven.

        Anyone may type any address into an actor; until its owner confirms it (members/contact.py)
        the site neither mails it nor publishes it, so no one's address is shown under a
        stranger's name.
        """
        return public_contact_email(self)

    @property
    def contact_email_is_verified(self) -> bool:
        """Whether the current contact address is the one that was proven (case aside)."""
        return bool(
            self.contact_email
            and self.contact_email_verified_at is not None
            and self.contact_email_verified_address.lower() == self.contact_email.lower()
        )


class Representation(ChoicesDisplayMixin, models.Model):
    """A user who may act for an actor."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Kontaktperson")
        SIGNATORY = "signatory", _("Firmatecknare")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations", verbose_name=_("användare")
    )
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="representations", verbose_name=_("aktör"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("företrädare")
        verbose_name_plural = _("företrädare")
        ordering = ["actor__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "actor"],
                name="representation_unique_user_actor",
                violation_error_message=_("Personen företräder redan aktören."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.actor} ({self.get_role_display()})"

    @property
    def role_in_words(self) -> str:
        return role_in_words(self.role)


def role_in_words(role: str) -> str:
    """The role as pages say it: "firmatecknare" is a legal term wrong for most representatives."""
    if role == Representation.Role.SIGNATORY:
        return str(_("kontaktperson som kan bjuda in fler företrädare"))
    return str(_("kontaktperson"))


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(ChoicesDisplayMixin, models.Model):
    """An actor's membership in a network, asked for by the actor and decided by a coordinator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på beslut")
        ACTIVE = "active", _("Aktiv")
        DECLINED = "declined", _("Avböjd")
        ENDED = "ended", _("Avslutad")

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("aktör"))
    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("nätverk")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("meddelande"), max_length=2000, blank=True)
    requested_at = models.DateTimeField(_("ansökt"), auto_now_add=True)
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["network__name", "actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "network"],
                name="membership_unique_actor_network",
                violation_error_message=_("Aktören har redan ett medlemskap i nätverket. Öppna det i stället."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "declined", "ended"]), name="membership_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["network", "status"])]

    def __str__(self) -> str:
        return f"{self.actor} i {self.network}"


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(ChoicesDisplayMixin, models.Model):
    """An invitation by e-mail to represent an actor; single use and valid for a limited time."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("aktör"))
    email = models.EmailField(_("e-postadress"))
    role = models.CharField(
        _("roll"), max_length=20, choices=Representation.Role.choices, default=Representation.Role.CONTACT
    )
    token = models.CharField(_("nyckel"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("inbjuden av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gäller till"))
    accepted_at = models.DateTimeField(_("accepterad"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepterad av"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.actor}"

    @property
    def role_in_words(self) -> str:
        return role_in_words(self.role)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None


class ActorMessage(models.Model):
    """A log entry for a message relayed to an actor through the portal.

    Only who, to whom and when are kept (to enforce the rate limit and to follow up on
    abuse); the text itself is not stored, it lives only in the recipients' mailboxes.
    A writer without an account (members.guest) is kept as `sender_hash`, a keyed hash of
    the address they proved with a code, never the address; it is emptied after a day.
    """

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="actor_messages",
        verbose_name=_("avsändare"),
    )
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="messages", verbose_name=_("aktör"))
    sent_at = models.DateTimeField(_("skickat"), auto_now_add=True, db_index=True)
    # Only for a writer without an account: what their limit per hour counts (members.guest).
    sender_hash = models.CharField(_("avsändare utan konto (hash)"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("meddelande till aktör")
        verbose_name_plural = _("meddelanden till aktörer")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.sender} → {self.actor} ({self.sent_at:%Y-%m-%d %H:%M})"


class ContactEmailLink(models.Model):
    """A link that proves an actor's contact address, mailed to that address.

    Only for the rate limits (members.contact): per actor, per address and per person who
    asked. Rows older than a week are removed when a new link is sent.
    """

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="contact_links", verbose_name=_("aktör"))
    email = models.EmailField(_("e-postadress"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("begärd av"),
    )
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("länk för att bekräfta e-post")
        verbose_name_plural = _("länkar för att bekräfta e-post")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.actor} ({self.sent_at:%Y-%m-%d %H:%M})"


class GuestCodeMail(models.Model):
    """A code mailed to someone without an account who writes to an actor (members.guest).

    Only for the limits per address and per IP address per hour: keyed hashes of the two,
    never the values. Rows older than a day are deleted when the next code is mailed.
    """

    address_hash = models.CharField(_("adress (hash)"), max_length=64, db_index=True)
    ip_hash = models.CharField(_("IP-adress (hash)"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("skickad"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("kod till avsändare utan konto")
        verbose_name_plural = _("koder till avsändare utan konto")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
