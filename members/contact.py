"""Proof of an actor's contact address before the site mails it (issue 20).

Anyone with an account can create an actor and type any address as its contact address.
Mail the site sends to that address comes from the site's own sender, so without proof a
stranger could make the site carry their subject and text to anyone, five an hour. So:

- An address is proven by a signed link mailed to it (`link_send`), opened and confirmed
  with a button (`contact_verify`). The button is there because mail filters open links
  on their own to scan them; a GET proves nothing. The link is signed with the actor and
  the address in its salt, so a changed address makes every older link useless, and it
  expires after MEMBERS_CONTACT_LINK_DAYS.
- An address that is the verified account address (allauth EmailAddress, verified) of one
  of the actor's representatives is proven already: its owner proved it on sign-up.
- Until then, mail for the actor (`actor_mail_queue`) goes to the representatives' verified
  account addresses, saying why; never to the unproven address.
- Links are rate-limited in the database (so the limits hold across app servers and with
  the cache down): one per actor per MEMBERS_CONTACT_LINK_MINUTES, at most
  MEMBERS_CONTACT_LINKS_PER_ADDRESS_PER_DAY to one address from all actors together (what
  protects the owner of a typed-in address), and MEMBERS_CONTACT_LINKS_PER_USER_PER_DAY
  asked for by one person.

Every mail the site sends to an actor must go through `actor_mail_queue` (or at least
`actor_mail_recipients`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.mail import mail_language, mail_link, mail_queue
from members.models import Actor, ContactEmailLink, User

SALT = "members.contact-email"
# A signed link is about 40 characters; anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 200
# Rows of the link log are needed for a day (the limits); a week is plenty for follow-ups.
LINK_LOG_DAYS = 7
MAIL_KIND = "members.contact_verify"

LINK_INVALID = gettext_lazy(
    "Länken fungerar inte. Den kan vara felskriven eller gälla en e-postadress som aktören inte har längre. "
    "Be aktörens företrädare skicka en ny länk."
)
LINK_EXPIRED = gettext_lazy(
    "Länken har gått ut. Be aktörens företrädare skicka en ny länk från aktörens sida under Mina sidor."
)


class Outcome(StrEnum):
    """What saving an actor did about its contact address (for the page's message)."""

    UNCHANGED = "unchanged"  # No address, or the same address as before.
    PROVEN = "proven"  # A representative's verified account address: proven at once.
    SENT = "sent"  # A link is on its way.
    LIMITED = "limited"  # Saved, but no link now: a rate limit was reached.


def _setting(name: str, default: int) -> int:
    # Not in natverk/settings.py (yet): the defaults below hold until someone needs another value.
    return int(getattr(settings, name, default))


def link_days() -> int:
    return _setting("MEMBERS_CONTACT_LINK_DAYS", 3)


def _norm(address: str) -> str:
    return (address or "").strip().lower()


def _signer(actor_pk: int, address: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{SALT}:{actor_pk}:{_norm(address)}")


def contact_token(actor: Actor) -> str:
    """The signed part of the link for the actor's current contact address."""
    return _signer(actor.pk, actor.contact_email).sign(str(actor.pk))


def address_changed(old: str, new: str) -> bool:
    """Only a different address resets the proof; a change of case is the same mailbox."""
    return _norm(old) != _norm(new)


def verification_reset(actor: Actor) -> None:
    """Forget the proof on the instance (saved by the caller)."""
    actor.contact_email_verified_at = None
    actor.contact_email_verified_address = ""


def _verified(user: User) -> list[str]:
    return list(
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "email")
        .values_list("email", flat=True)
    )


def _best_address(user: User, verified: list[str]) -> str:
    """The account's own address when it is verified, else its primary verified one."""
    for address in verified:
        if _norm(address) == _norm(user.email):
            return address
    return verified[0] if verified else ""


def reply_address(user: User) -> str:
    """The address a reply to `user` may go to: a verified one of the account, or ""."""
    return _best_address(user, _verified(user))


def representative_addresses(actor: Actor) -> list[tuple[User, str]]:
    """Each representative with one verified account address; those without any are left out."""
    by_user: dict[int, list[str]] = {}
    rows = (
        EmailAddress.objects.filter(user__representations__actor=actor, verified=True)
        .order_by("-primary", "email")
        .values_list("user_id", "email")
    )
    for user_id, address in rows:
        by_user.setdefault(user_id, []).append(address)
    users = User.objects.filter(pk__in=by_user).order_by("email")
    return [(user, _best_address(user, by_user[user.pk])) for user in users]


def _is_representative_address(actor: Actor, address: str) -> bool:
    return EmailAddress.objects.filter(
        user__representations__actor=actor, verified=True, email__iexact=_norm(address)
    ).exists()


def contact_address_proven(actor: Actor) -> bool:
    """Whether mail for `actor` may go to its contact address."""
    if not actor.contact_email:
        return False
    return actor.contact_email_is_verified or _is_representative_address(actor, actor.contact_email)


def _mark_verified(actor: Actor) -> None:
    now = timezone.now()
    # Only while the row still holds this address; update(): the public pages do not change.
    Actor.objects.filter(pk=actor.pk, contact_email=actor.contact_email).update(
        contact_email_verified_at=now, contact_email_verified_address=actor.contact_email
    )
    actor.contact_email_verified_at = now
    actor.contact_email_verified_address = actor.contact_email


# ---- links ----


def _limit_error(message: str) -> ValidationError:
    return ValidationError(message, code="rate_limited")


def _check_limits(*, actor: Actor, by: User | None, now) -> None:
    minutes = _setting("MEMBERS_CONTACT_LINK_MINUTES", 10)
    if ContactEmailLink.objects.filter(actor=actor, sent_at__gt=now - timedelta(minutes=minutes)).exists():
        raise _limit_error(
            ngettext(
                "En länk skickades för mindre än %(count)s minut sedan. Vänta en stund och försök igen.",
                "En länk skickades för mindre än %(count)s minuter sedan. Vänta en stund och försök igen.",
                minutes,
            )
            % {"count": minutes}
        )
    day = now - timedelta(hours=24)
    per_address = _setting("MEMBERS_CONTACT_LINKS_PER_ADDRESS_PER_DAY", 3)
    if ContactEmailLink.objects.filter(email=_norm(actor.contact_email), sent_at__gt=day).count() >= per_address:
        raise _limit_error(
            ngettext(
                "Adressen har fått %(count)s länk det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
                "Adressen har fått %(count)s länkar det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
                per_address,
            )
            % {"count": per_address}
        )
    per_user = _setting("MEMBERS_CONTACT_LINKS_PER_USER_PER_DAY", 10)
    if by is not None and ContactEmailLink.objects.filter(requested_by=by, sent_at__gt=day).count() >= per_user:
        raise _limit_error(
            ngettext(
                "Du har begärt %(count)s länk det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
                "Du har begärt %(count)s länkar det senaste dygnet, vilket är gränsen. Försök igen i morgon.",
                per_user,
            )
            % {"count": per_user}
        )


@transaction.atomic
def link_send(*, actor: Actor, by: User | None) -> ContactEmailLink:
    """Mail a link that proves the actor's contact address to that address.

    Raises ValidationError (code "rate_limited") past a limit, with nothing sent.
    """
    if not actor.contact_email:
        raise ValidationError(_("Aktören har ingen e-postadress för kontakt."), code="no_address")
    # Two requests at once count one after the other: per actor, and per person asking.
    if by is not None:
        User.objects.select_for_update().filter(pk=by.pk).first()
    Actor.objects.select_for_update().filter(pk=actor.pk).first()
    now = timezone.now()
    _check_limits(actor=actor, by=by, now=now)
    ContactEmailLink.objects.filter(sent_at__lt=now - timedelta(days=LINK_LOG_DAYS)).delete()
    row = ContactEmailLink.objects.create(actor=actor, email=_norm(actor.contact_email), requested_by=by)
    # The address may belong to someone with an account: then in their language, by name.
    owner = User.objects.filter(email__iexact=_norm(actor.contact_email)).first()
    language = mail_language(owner.language if owner else None)
    mail_queue(
        to=[actor.contact_email],
        template="members/email/contact_verify",
        context={
            "name": owner.greeting_name if owner else "",
            "actor_name": actor.name,
            "address": actor.contact_email,
            "url": mail_link("members:contact-verify", slug=actor.slug, token=contact_token(actor)),
            "days": link_days(),
        },
        kind=MAIL_KIND,
        language=language,
    )
    return row


def contact_email_saved(*, actor: Actor, by: User | None, changed: bool) -> Outcome:
    """After an actor is saved with a new address: prove it at once or mail it a link.

    Call in the save's transaction (the link's mail goes with the commit).
    """
    if not changed or not actor.contact_email:
        return Outcome.UNCHANGED
    if _is_representative_address(actor, actor.contact_email):
        _mark_verified(actor)
        return Outcome.PROVEN
    try:
        link_send(actor=actor, by=by)
    except ValidationError:
        # The actor is saved all the same; the edit page offers to send the link later.
        return Outcome.LIMITED
    return Outcome.SENT


def link_resend(*, actor: Actor, by: User) -> Outcome:
    """The "send the link again" button: proven at once when a representative's, else a link.

    Raises ValidationError with the reason when nothing can be sent.
    """
    if not actor.contact_email:
        raise ValidationError(_("Aktören har ingen e-postadress för kontakt."), code="no_address")
    if actor.contact_email_is_verified:
        return Outcome.UNCHANGED
    if _is_representative_address(actor, actor.contact_email):
        _mark_verified(actor)
        return Outcome.PROVEN
    link_send(actor=actor, by=by)
    return Outcome.SENT


def link_problem(actor: Actor, token: str) -> ValidationError | None:
    """Why `token` does not prove the actor's current contact address, or None when it does."""
    if not actor.contact_email or not token or len(token) > TOKEN_MAX_LENGTH:
        return ValidationError(LINK_INVALID, code="invalid")
    try:
        value = _signer(actor.pk, actor.contact_email).unsign(token, max_age=timedelta(days=link_days()))
    except signing.SignatureExpired:
        return ValidationError(LINK_EXPIRED, code="expired")
    except signing.BadSignature:
        # Forged, mistyped, or signed for another address (the salt holds the address).
        return ValidationError(LINK_INVALID, code="invalid")
    if value != str(actor.pk):
        return ValidationError(LINK_INVALID, code="invalid")
    return None


@transaction.atomic
def contact_verify(*, actor: Actor, token: str) -> Actor:
    """Record that the contact address is proven by `token`; ValidationError when it is not."""
    locked = Actor.objects.select_for_update().get(pk=actor.pk)
    problem = link_problem(locked, token)
    if problem is not None:
        raise problem
    if not locked.contact_email_is_verified:
        _mark_verified(locked)
    return locked


# ---- mail for an actor ----


@dataclass
class Recipients:
    """Where mail for an actor goes: its proven contact address, or else its representatives."""

    contact: str = ""
    representatives: list[tuple[User, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.contact or self.representatives)


def actor_mail_recipients(actor: Actor) -> Recipients:
    if contact_address_proven(actor):
        return Recipients(contact=actor.contact_email)
    return Recipients(representatives=representative_addresses(actor))


def actor_mail_queue(
    *, actor: Actor, template: str, context: dict, kind: str, reply_to: str = "", recipients: Recipients | None = None
) -> list[int]:
    """Queue mail for `actor`: to its proven contact address, else to each representative.

    The template gets `to_representatives` (True when the mail goes to a representative
    instead), `contact_unproven` (the actor has an address that is not proven yet), `name`
    and `edit_url` (the actor's page under Mina sidor, where the address is proven).
    """
    recipients = recipients if recipients is not None else actor_mail_recipients(actor)
    if recipients.contact:
        return mail_queue(
            to=[recipients.contact],
            template=template,
            context={**context, "to_representatives": False, "name": ""},
            reply_to=reply_to,
            kind=kind,
        )
    ids: list[int] = []
    for user, address in recipients.representatives:
        language = mail_language(user.language)
        ids += mail_queue(
            to=[address],
            template=template,
            context={
                **context,
                "to_representatives": True,
                "contact_unproven": bool(actor.contact_email),
                "name": user.greeting_name,
                "edit_url": mail_link("members:actor-edit", slug=actor.slug),
            },
            reply_to=reply_to,
            kind=kind,
            language=language,
        )
    return ids
