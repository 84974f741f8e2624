"""Messages to actors from people without an account, after a code proves their address (issue 22).

The visitor writes their name, address, subject and text; nothing is relayed yet. A
random six-digit code is mailed to the address (`code_send`) and the message waits in the
visitor's session (never in a table of its own) with the code's keyed hash, its expiry
(CODE_MINUTES) and the tries left (CODE_TRIES). The right code (`code_confirm`) relays it
exactly as a logged-in writer's message (members.services.guest_message_send): to the
actor's proven contact address or its representatives, never shown to the writer, with
Reply-To the address the code has just proven. The session then forgets the message; a
message never sent goes with the visitor's session, after a day without use (PENDING_KEPT).

Limits, counted in the database (so they hold across app servers and with the cache
down), per keyed hash (HMAC with SECRET_KEY) of the lower-cased address or the client's IP
address, never the value:
- messages per address per hour: MEMBERS_MESSAGES_PER_HOUR, as for an account
  (`ActorMessage.sender_hash`);
- code mails per address per hour (MEMBERS_GUEST_CODES_PER_ADDRESS_PER_HOUR: what
  protects the owner of a typed-in address) and per IP address per hour
  (MEMBERS_GUEST_CODES_PER_IP_PER_HOUR), in `GuestCodeMail`.
A code mail first records itself, then counts (itself included), and withdraws its record
when over a limit (as core.ratelimits does): two at the same moment may both be refused,
more than the limit never gets through. The hashes are needed for an hour; each code mail
deletes the code rows and empties the message rows' hashes older than a day (HASH_KEPT).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import mail_queue
from members import contact, services
from members.models import Actor, ActorMessage, GuestCodeMail

SESSION_KEY = "members.guest_message"
CODE_MINUTES = 15
CODE_TRIES = 5
HASH_KEPT = timedelta(days=1)
# A visitor's session holding a message that waits for its code ends after a day without use.
PENDING_KEPT = timedelta(days=1)
MAIL_KIND = "members.guest_code"
_HASH_SALT = "members.guest"
# An address is at most 254 characters; anything longer is cut before hashing.
KEY_MAX_LENGTH = 320


def _hash(kind: str, value: str) -> str:
    return salted_hmac(_HASH_SALT, f"{kind}:{value[:KEY_MAX_LENGTH]}", algorithm="sha256").hexdigest()


def address_hash(address: str) -> str:
    return _hash("address", address.strip().lower())


def ip_hash(request: HttpRequest) -> str:
    return _hash("ip", get_ip(request))


@dataclass
class Pending:
    """The message waiting in the session for its code."""

    actor: int
    name: str
    email: str
    subject: str
    body: str
    code_hash: str = ""
    code_salt: str = ""
    expires: float = 0.0
    tries: int = 0

    @property
    def form_data(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email, "subject": self.subject, "body": self.body}

    @property
    def expired(self) -> bool:
        return timezone.now().timestamp() >= self.expires

    @property
    def tries_left(self) -> int:
        return max(CODE_TRIES - self.tries, 0)


def pending(request: HttpRequest, actor: Actor) -> Pending | None:
    """The message this visitor is writing to `actor`, or None."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("actor") != actor.pk:
        return None
    try:
        return Pending(**data)
    except TypeError:  # A session from an older version of this code.
        return None


def _keep(request: HttpRequest, message: Pending) -> None:
    request.session[SESSION_KEY] = message.__dict__.copy()
    if not request.user.is_authenticated:
        # A message never sent leaves the session's row within a day, not the two weeks a login lasts.
        request.session.set_expiry(PENDING_KEPT)


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    if not request.user.is_authenticated:
        request.session.set_expiry(None)


def _code_hash(salt: str, code: str) -> str:
    return salted_hmac(_HASH_SALT, f"code:{salt}:{code}", algorithm="sha256").hexdigest()


def _purge(now) -> None:
    """What the limits no longer need: code rows and message hashes older than HASH_KEPT."""
    GuestCodeMail.objects.filter(created_at__lt=now - HASH_KEPT).delete()
    ActorMessage.objects.filter(sent_at__lt=now - HASH_KEPT).exclude(sender_hash="").update(sender_hash="")


def _count_code_mail(*, address: str, ip: str, now) -> None:
    """Record one code mail; ValidationError (code "rate_limited"), recorded nothing, past a limit."""
    row = GuestCodeMail.objects.create(address_hash=address, ip_hash=ip, created_at=now)
    since = now - timedelta(hours=1)
    recent = GuestCodeMail.objects.filter(created_at__gt=since)
    if recent.filter(address_hash=address).count() > settings.MEMBERS_GUEST_CODES_PER_ADDRESS_PER_HOUR:
        row.delete()
        raise ValidationError(
            _(
                "Vi har skickat många koder till den här e-postadressen den senaste timmen. "
                "Vänta en stund och försök igen."
            ),
            code="rate_limited",
        )
    if recent.filter(ip_hash=ip).count() > settings.MEMBERS_GUEST_CODES_PER_IP_PER_HOUR:
        row.delete()
        raise ValidationError(
            _("Många koder har skickats härifrån den senaste timmen. Vänta en stund och försök igen."),
            code="rate_limited",
        )


def code_send(*, request: HttpRequest, actor: Actor, message: Pending) -> None:
    """Mail a new code for `message` to its address, in the page's language, and keep both in the session.

    Raises ValidationError with the reason when no code is sent (a limit reached, or the
    actor cannot receive messages); the session is then left as it was.
    """
    if not contact.actor_mail_recipients(actor):
        raise ValidationError(_("Aktören kan inte ta emot meddelanden just nu."), code="no_recipient")
    address = address_hash(message.email)
    if services.guest_messages_last_hour(sender_hash=address) >= settings.MEMBERS_MESSAGES_PER_HOUR:
        raise ValidationError(services.GUEST_LIMIT_MESSAGE, code="rate_limited")
    now = timezone.now()
    _purge(now)
    _count_code_mail(address=address, ip=ip_hash(request), now=now)
    code = f"{secrets.randbelow(10**6):06d}"
    message.code_salt = secrets.token_hex(16)
    message.code_hash = _code_hash(message.code_salt, code)
    message.expires = (now + timedelta(minutes=CODE_MINUTES)).timestamp()
    message.tries = 0
    with transaction.atomic():
        mail_queue(
            to=[message.email],
            template="members/email/guest_code",
            context={"name": message.name, "actor_name": actor.name, "code": code, "minutes": CODE_MINUTES},
            kind=MAIL_KIND,
            language=translation.get_language(),
        )
    _keep(request, message)


def code_confirm(*, request: HttpRequest, actor: Actor, message: Pending, code: str) -> ActorMessage:
    """Relay `message` when `code` is its code; else ValidationError saying why (wrong, expired, too many tries).

    A wrong code uses up one of CODE_TRIES; after the last one, or once the code has
    expired, only a new code (`code_send`) helps. The message stays in the session until it
    is relayed, so that nothing typed is lost.
    """
    if message.tries >= CODE_TRIES:
        raise ValidationError(
            _("Du har skrivit fel kod för många gånger. Tryck på ”Skicka en ny kod” så får du en ny."), code="tries"
        )
    if message.expired:
        raise ValidationError(_("Koden har slutat gälla. Tryck på ”Skicka en ny kod” så får du en ny."), code="expired")
    if not constant_time_compare(_code_hash(message.code_salt, code), message.code_hash):
        message.tries += 1
        _keep(request, message)
        left = message.tries_left
        if not left:
            raise ValidationError(
                _("Koden stämmer inte, och du har skrivit fel för många gånger. Tryck på ”Skicka en ny kod”."),
                code="tries",
            )
        raise ValidationError(
            ngettext(
                "Koden stämmer inte. Kontrollera den i e-postbrevet och skriv den igen. "
                "Du kan försöka %(count)s gång till.",
                "Koden stämmer inte. Kontrollera den i e-postbrevet och skriv den igen. "
                "Du kan försöka %(count)s gånger till.",
                left,
            )
            % {"count": left},
            code="wrong",
        )
    logged = services.guest_message_send(
        sender_name=message.name,
        address=message.email,
        sender_hash=address_hash(message.email),
        actor=actor,
        subject=message.subject,
        body=message.body,
    )
    forget(request)
    return logged
