"""Changes that touch several models, send mail or must be atomic."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.cache import bump_content_version
from core.mail import mail_language, mail_link, mail_queue, mail_queue_each
from core.ratelimits import refuse_past_limit
from members import contact
from members.access import WRONG_ADDRESS_MESSAGE, invitation_is_for
from members.gdpr import gdpr_delete, gdpr_export
from members.models import Actor, ActorMessage, GuestCodeMail, Invitation, Membership, Representation, User

# Path segments under /mina-sidor/aktorer/ that are pages, not actors.
RESERVED_SLUGS = {"ny"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "aktor"
    if base in RESERVED_SLUGS:
        base = f"{base}-aktor"
    slug, n = base, 2
    while Actor.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _apply_consent(*, actor: Actor, consent: bool, consent_text: str) -> None:
    if consent and actor.contact_consent_at is None:
        actor.contact_consent_at = timezone.now()
        actor.contact_consent_text = consent_text
    elif not consent:
        actor.contact_consent_at = None
        actor.contact_consent_text = ""


def actors_created_today(*, user: User) -> int:
    """Actors the user created in the last 24 hours (the creator becomes signatory at once)."""
    since = timezone.now() - timedelta(hours=24)
    return Representation.objects.filter(
        user=user, role=Representation.Role.SIGNATORY, created_at__gte=since, actor__created_at__gte=since
    ).count()


def invitations_sent_today(*, user: User) -> int:
    return Invitation.objects.filter(invited_by=user, created_at__gte=timezone.now() - timedelta(hours=24)).count()


def messages_sent_last_hour(*, user: User) -> int:
    return ActorMessage.objects.filter(sender=user, sent_at__gt=timezone.now() - timedelta(hours=1)).count()


@transaction.atomic
def actor_create(*, user: User, actor: Actor, consent: bool, consent_text: str) -> Actor:
    """Save a new actor; its creator becomes its signatory representative.

    At most MEMBERS_ACTORS_PER_DAY per user, counted in the database so that the limit
    holds when the cache is down. A contact address is proven at once when it is the
    creator's verified account address, else it is mailed a link (members.contact); the
    outcome is left in `actor.contact_outcome` for the page's message.
    """
    limit = settings.MEMBERS_ACTORS_PER_DAY
    refuse_past_limit(
        user=user,
        count=partial(actors_created_today, user=user),
        limit=limit,
        message=ngettext(
            "Du har skapat %(count)s aktör det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
            "Du har skapat %(count)s aktörer det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
            limit,
        )
        % {"count": limit},
    )
    actor.slug = _unique_slug(actor.name)
    _apply_consent(actor=actor, consent=consent, consent_text=consent_text)
    contact.verification_reset(actor)
    actor.save()
    Representation.objects.create(user=user, actor=actor, role=Representation.Role.SIGNATORY)
    actor.contact_outcome = contact.contact_email_saved(actor=actor, by=user, changed=True)
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, consent: bool, consent_text: str, by: User | None = None) -> Actor:
    """Save an edited actor; unticking the consent hides its e-mail and phone at once.

    A changed contact address is no longer proven: it is proven again at once when it is a
    representative's verified account address, else it is mailed a link (members.contact).
    The outcome is left in `actor.contact_outcome`.
    """
    stored = Actor.objects.select_for_update().get(pk=actor.pk)
    changed = contact.address_changed(stored.contact_email, actor.contact_email)
    if changed:
        contact.verification_reset(actor)
    else:
        # The form's copy was read before the lock: a link confirmed meanwhile must stay confirmed.
        actor.contact_email_verified_at = stored.contact_email_verified_at
        actor.contact_email_verified_address = stored.contact_email_verified_address
    _apply_consent(actor=actor, consent=consent, consent_text=consent_text)
    actor.save()
    actor.contact_outcome = contact.contact_email_saved(actor=actor, by=by, changed=changed)
    return actor


@transaction.atomic
def membership_request(*, actor: Actor, networks: list, message: str = "") -> list[Membership]:
    """Ask to join `networks`. A declined or ended membership may be asked for again."""
    created = []
    for network in networks:
        existing = Membership.objects.select_for_update().filter(actor=actor, network=network).first()
        if existing is None:
            created.append(Membership.objects.create(actor=actor, network=network, message=message))
        elif existing.status in (Membership.Status.DECLINED, Membership.Status.ENDED):
            existing.status = Membership.Status.PENDING
            existing.message = message
            existing.requested_at = timezone.now()
            existing.decided_at = None
            existing.decided_by = None
            existing.save()
            created.append(existing)
        else:
            raise ValidationError(
                _("%(actor)s har redan ansökt om eller är medlem i %(network)s.")
                % {"actor": actor.name, "network": network.display_name}
            )
    coordinators = User.objects.filter(coordinated_networks__in=[n.pk for n in networks]).distinct().order_by("email")
    mail_queue_each(
        users=coordinators,
        template="members/email/membership_requested",
        context={
            "actor": actor,
            "networks": networks,
            "message": message,
            "admin_url": mail_link("admin:members_membership_changelist"),
        },
        kind="members.membership_requested",
    )
    return created


def _membership_decide(
    *, membership: Membership, by: User, status: str, template: str, message: str = ""
) -> Membership:
    locked = Membership.objects.select_for_update().select_related("actor", "network").get(pk=membership.pk)
    if locked.status != Membership.Status.PENDING:
        raise ValidationError(_("Ansökan är redan beslutad."))
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    mail_queue_each(
        users=User.objects.filter(representations__actor=locked.actor).order_by("email"),
        template=f"members/email/{template}",
        context={
            "membership": locked,
            "network_url": mail_link(locked.network.get_absolute_url),
            "contact_email": locked.network.contact_email or settings.CONTACT_EMAIL,
            "message": message.strip(),
            "decided_by": by,
        },
        kind=f"members.{template}",
    )
    return locked


@transaction.atomic
def membership_approve(*, membership: Membership, by: User) -> Membership:
    return _membership_decide(
        membership=membership,
        by=by,
        status=Membership.Status.ACTIVE,
        template="membership_approved",
    )


@transaction.atomic
def membership_decline(*, membership: Membership, by: User, message: str = "") -> Membership:
    """Decline a pending request; `message` from the coordinator goes into the mail to the actor."""
    return _membership_decide(
        membership=membership,
        by=by,
        status=Membership.Status.DECLINED,
        template="membership_declined",
        message=message,
    )


@transaction.atomic
def invitation_create(*, actor: Actor, email: str, role: str, invited_by: User) -> Invitation:
    """Invite someone by e-mail to represent `actor`; the link works once, for a limited time.

    At most MEMBERS_INVITATIONS_PER_DAY per inviting user, counted in the database.
    """
    limit = settings.MEMBERS_INVITATIONS_PER_DAY
    refuse_past_limit(
        user=invited_by,
        count=partial(invitations_sent_today, user=invited_by),
        limit=limit,
        message=ngettext(
            "Du har skickat %(count)s inbjudan det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
            "Du har skickat %(count)s inbjudningar det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
            limit,
        )
        % {"count": limit},
    )
    invitation = Invitation.objects.create(
        actor=actor,
        email=email.lower(),
        role=role,
        invited_by=invited_by,
        token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=settings.MEMBERS_INVITATION_DAYS),
    )
    # The invited person may not have an account yet; then the mail says "Hej!", in Swedish.
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    language = mail_language(invitee.language if invitee else None)
    url = mail_link("members:invitation-accept", token=invitation.token)
    mail_queue(
        to=[invitation.email],
        template="members/email/invitation",
        context={"invitation": invitation, "name": invitee.greeting_name if invitee else "", "url": url},
        kind="members.invitation",
        language=language,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Representation:
    """Use an invitation: the user represents the actor from now on. Single use."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation_is_for(locked, user):
        raise ValidationError(WRONG_ADDRESS_MESSAGE, code="wrong_address")
    if locked.accepted_at is not None:
        raise ValidationError(_("Inbjudan har redan använts. Be aktörens företrädare om en ny."), code="used")
    if locked.expires_at <= timezone.now():
        raise ValidationError(_("Inbjudan har gått ut. Be aktörens företrädare om en ny."), code="expired")
    representation, created = Representation.objects.get_or_create(
        user=user, actor_id=locked.actor_id, defaults={"role": locked.role}
    )
    if not created and locked.role == Representation.Role.SIGNATORY:
        representation.role = Representation.Role.SIGNATORY
        representation.save(update_fields=["role"])
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return representation


@transaction.atomic
def actor_message_send(*, sender: User, actor: Actor, subject: str, body: str) -> ActorMessage:
    """Relay a message to the actor by e-mail, with Reply-To set to the sender's verified address.

    It goes to the actor's contact address only once that is proven, else to the
    representatives' verified account addresses (members.contact), never to an address
    nobody has proven. The mail comes from the site's sender (DEFAULT_FROM_EMAIL, whatever
    the writer or the actor are called); the writer's name and address are in the text.
    The actor's address is never shown to the sender. Logged without its text, and
    rate-limited per sender by that log: counted in the database, not the cache, so the
    limit holds across app servers and while the cache is down.
    """
    refuse_past_limit(
        user=sender,
        count=partial(messages_sent_last_hour, user=sender),
        limit=settings.MEMBERS_MESSAGES_PER_HOUR,
        message=_("Du har skickat många meddelanden den senaste timmen. Vänta en stund och försök igen."),
    )
    # Replies go to an address the writer has proven, not to whatever the account row says.
    reply_to = contact.reply_address(sender)
    if not reply_to:
        raise ValidationError(
            _("Bekräfta din e-postadress först, så att aktören kan svara dig. Du gör det under ditt konto."),
            code="unverified_sender",
        )
    return _relay(
        actor=actor,
        log=ActorMessage(sender=sender, actor=actor),
        sender_name=sender.get_full_name(),
        reply_to=reply_to,
        subject=subject,
        body=body,
    )


def _relay(
    *, actor: Actor, log: ActorMessage, sender_name: str, reply_to: str, subject: str, body: str, guest: bool = False
) -> ActorMessage:
    """Mail the message to the actor's recipients (members.contact) and save its log row."""
    recipients = contact.actor_mail_recipients(actor)
    if not recipients:
        raise ValidationError(_("Aktören kan inte ta emot meddelanden just nu."), code="no_recipient")
    log.save()
    contact.actor_mail_queue(
        actor=actor,
        template="members/email/actor_message",
        context={
            "sender_name": sender_name,
            "sender_address": reply_to,
            "actor_name": actor.name,
            "subject": subject,
            "body": body,
            "guest": guest,
        },
        reply_to=reply_to,
        kind="members.actor_message",
        recipients=recipients,
    )
    return log


def guest_messages_last_hour(*, sender_hash: str) -> int:
    return ActorMessage.objects.filter(sender_hash=sender_hash, sent_at__gt=timezone.now() - timedelta(hours=1)).count()


GUEST_LIMIT_MESSAGE = gettext_lazy(
    "Många meddelanden har skickats från den här e-postadressen den senaste timmen. Vänta en stund och försök igen."
)


@transaction.atomic
def guest_message_send(
    *, sender_name: str, address: str, sender_hash: str, actor: Actor, subject: str, body: str
) -> ActorMessage:
    """Relay a message from someone without an account, whose `address` a code has just proven.

    As `actor_message_send`, with the limit per hour counted per address: by `sender_hash`
    (members.guest.address_hash), the only trace of the address kept. The code mails of
    that address (at least the one just used) are locked first, so that two messages from
    one address count one after the other, as an account's user row does for its messages.
    """
    list(GuestCodeMail.objects.select_for_update().filter(address_hash=sender_hash).values_list("pk", flat=True))
    if guest_messages_last_hour(sender_hash=sender_hash) >= settings.MEMBERS_MESSAGES_PER_HOUR:
        raise ValidationError(GUEST_LIMIT_MESSAGE, code="rate_limited")
    return _relay(
        actor=actor,
        log=ActorMessage(actor=actor, sender_hash=sender_hash),
        sender_name=sender_name,
        reply_to=address,
        subject=subject,
        body=body,
        guest=True,
    )


# What each key of the download means, shown on "Mina uppgifter" (members.gdpr).
USER_EXPORT_LABELS = {
    # Sections
    "exported_at": gettext_lazy("Filen skapades"),
    "user": gettext_lazy("Ditt konto"),
    "email_addresses": gettext_lazy("Dina e-postadresser"),
    "representations": gettext_lazy("Aktörer du företräder"),
    "memberships": gettext_lazy("Aktörernas medlemskap i nätverk"),
    "invitations_sent": gettext_lazy("Inbjudningar du har skickat"),
    "invitations_received": gettext_lazy("Inbjudningar till dig"),
    "messages_sent_to_actors": gettext_lazy("Meddelanden du har skickat till aktörer"),
    # Fields
    "email": gettext_lazy("E-postadress"),
    "name": gettext_lazy("Namn"),
    "language": gettext_lazy("Språk för e-post"),
    "date_joined": gettext_lazy("Kontot skapades"),
    "last_login": gettext_lazy("Senast inloggad"),
    "verified": gettext_lazy("Bekräftad"),
    "primary": gettext_lazy("Huvudadress"),
    "actor": gettext_lazy("Aktör"),
    "role": gettext_lazy("Din roll"),
    "since": gettext_lazy("Sedan"),
    "actor_details": gettext_lazy("Aktörens uppgifter"),
    "slug": gettext_lazy("Kortnamn i adressen"),
    "kind": gettext_lazy("Typ"),
    "description": gettext_lazy("Beskrivning"),
    "website": gettext_lazy("Webbplats"),
    "org_number": gettext_lazy("Organisationsnummer"),
    "contact_email": gettext_lazy("E-post för kontakt"),
    "contact_email_verified_at": gettext_lazy("E-post för kontakt bekräftad"),
    "contact_phone": gettext_lazy("Telefon för kontakt"),
    "contact_consent_at": gettext_lazy("Samtycke till att visa kontaktuppgifter lämnat"),
    "contact_consent_text": gettext_lazy("Samtyckestext"),
    "network": gettext_lazy("Nätverk"),
    "status": gettext_lazy("Status"),
    "requested_at": gettext_lazy("Ansökt"),
    "created_at": gettext_lazy("Skapad"),
    "accepted_at": gettext_lazy("Accepterad"),
    "sent_at": gettext_lazy("Skickat"),
}


def user_set_language(*, user: User, language: str) -> bool:
    """The language the site writes to `user` in; True when it changed.

    A plain update, only when the value differs: the language is on no public page (no
    cache to empty). Called only when the user chooses (members.language).
    """
    language = mail_language(language)
    if user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True


def user_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, in words a person reads (see members.gdpr)."""
    representations = Representation.objects.filter(user=user).select_related("actor")
    actor_ids = [r.actor_id for r in representations]
    memberships = Membership.objects.filter(actor_id__in=actor_ids).select_related("actor", "network")
    from allauth.account.models import EmailAddress

    data = {
        "exported_at": timezone.now(),
        "user": {
            "email": user.email,
            "name": user.name,
            "language": user.get_language_display(),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "representations": [
            {
                "actor": r.actor.name,
                "role": r.role_in_words,
                "since": r.created_at,
                "actor_details": {
                    "slug": r.actor.slug,
                    "kind": r.actor.get_kind_display(),
                    "description": r.actor.description,
                    "website": r.actor.website,
                    "org_number": r.actor.org_number,
                    "contact_email": r.actor.contact_email,
                    "contact_email_verified_at": r.actor.contact_email_verified_at,
                    "contact_phone": r.actor.contact_phone,
                    "contact_consent_at": r.actor.contact_consent_at,
                    "contact_consent_text": r.actor.contact_consent_text,
                },
            }
            for r in representations
        ],
        "memberships": [
            {
                "actor": m.actor.name,
                "network": m.network.name,
                "status": m.get_status_display(),
                "requested_at": m.requested_at,
            }
            for m in memberships
        ],
        "invitations_sent": [
            {"actor": i.actor.name, "email": i.email, "created_at": i.created_at}
            for i in Invitation.objects.filter(invited_by=user).select_related("actor")
        ],
        "invitations_received": [
            {"actor": i.actor.name, "created_at": i.created_at, "accepted_at": i.accepted_at}
            for i in Invitation.objects.filter(email=user.email).select_related("actor")
        ],
        "messages_sent_to_actors": [
            {"actor": m.actor.name, "sent_at": m.sent_at}
            for m in ActorMessage.objects.filter(sender=user).select_related("actor")
        ],
    }
    data.update(gdpr_export(user=user))
    return data


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account: the profile, representations, invitations and drafts go.

    Actors that nobody else represents are hidden from public view and their contact
    details removed; they are kept because public records (submitted grant
    applications) may point to them. Other apps clean up their own rows through
    the hooks in members.gdpr. If public records still point to the user row afterwards
    (a submitted application, a decision, the event log), the row is kept but
    anonymised; otherwise it is deleted. Either way the user is logged out everywhere.
    """
    gdpr_delete(user=user)
    actor_ids = list(Representation.objects.filter(user=user).values_list("actor_id", flat=True))
    orphaned = Actor.objects.filter(pk__in=actor_ids).exclude(
        representations__user__in=User.objects.exclude(pk=user.pk)
    )
    orphaned.update(
        is_public=False,
        contact_consent_at=None,
        contact_consent_text="",
        contact_email="",
        contact_email_verified_at=None,
        contact_email_verified_address="",
        contact_phone="",
    )
    # update() sends no signals: make the anonymous page cache forget these actors too.
    transaction.on_commit(bump_content_version)
    Invitation.objects.filter(email=user.email, accepted_at__isnull=True).delete()
    Invitation.objects.filter(invited_by=user, accepted_at__isnull=True).delete()
    Representation.objects.filter(user=user).delete()
    _user_sessions_delete(user)
    try:
        # Django looks through every row that would go with the user (across all apps,
        # whatever is added later) and raises before it deletes anything; the savepoint
        # keeps the outer transaction usable either way.
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError):
        # Public records (submitted grant applications, decisions, payments, their event
        # log) point to the user with PROTECT: keep the row, but with nothing left in it
        # that identifies or lets anyone in.
        _user_anonymise(user)


def _user_sessions_delete(user: User) -> None:
    """Log the user out everywhere (sessions live in the database)."""
    stale = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=stale).delete()


def _user_anonymise(user: User) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.coordinated_networks.clear()
    user.email = f"raderad-{user.pk}@invalid.example"
    # Stored once, so in the site's first language, like the mail we send.
    with translation.override(settings.LANGUAGE_CODE):
        user.name = _("Raderad användare")
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
