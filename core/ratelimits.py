"""allauth's rate limits for the forms that mail an address, counted in the database while
the cache (Redis) is down.

allauth counts its limits in the cache. While Redis cannot be reached the resilient
backend answers like an empty cache (core/cache_backend.py), so every limit "passes":
right for reading pages and for logging in with a password, wrong for the forms that make
the portal send mail to any address typed into them, which would then send without any
limit. Those forms used to answer 503 then; but most residents have no password and log
in with a code sent by mail, so a Redis outage locked them out. Now, while the cache does
not answer, the same limits are counted in PostgreSQL (`core.models.RateLimitHit`):

- a login code (`request_login_code`, allauth's default "20/m/ip,3/m/key": per address
  and per IP address), refused in the form with allauth's own message
  (members.account_forms.RequestLoginCodeForm),
- sign-up (`signup`, "20/m/ip"), a password reset (`reset_password`, "20/m/ip,5/m/key")
  and adding or re-verifying an address on the e-mail page (`manage_email`, "10/m/user"),
  refused with allauth's own 429 page (core/mail_guard.py).

The rates are allauth's, read from ACCOUNT_RATE_LIMITS as allauth reads them, and they are
counted per the same things (the client's IP address as allauth determines it, the
address typed in, the logged-in user): the limits hold as they would with Redis, across
all app servers. A table of its own rather than a count of existing rows, because no row
records the IP address a request came from (outbox rows know the recipient, not who asked,
and a sign-up's user row neither). Rows hold a keyed hash of the counted value, never the
value, and are written only while the cache is down; each count deletes the rows of its
action older than the action's longest window.

Counting is race-safe in the strict direction: a request first records itself, then counts
(itself included) and withdraws its record when over a limit. Two requests at the same
moment may then both be refused; more than the limit never gets through.

Fail closed only where no count is possible: when the database does not answer either,
these forms refuse with "Vi kan inte skicka e-post just nu" (the database being down
stops the site anyway). Counts made in the database and in the cache are separate: at the
moment the cache goes or comes back, one window may allow up to twice the limit.

The portal's own limits per account (actors created, invitations and messages sent,
listings posted) count the rows those actions leave, always in the database:
`refuse_past_limit`.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from datetime import timedelta

from allauth.core.internal.ratelimit import Rate, get_ip, get_rates
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.cache_backend import cache_available
from core.models import RateLimitHit

logger = logging.getLogger(__name__)

APP = "allauth.account"
_HASH_SALT = "members.ratelimits"  # The module's old path: kept, so stored counts stay valid.
# An address or a key longer than this is not one; hashing it all would only cost time.
KEY_MAX_LENGTH = 320


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    # The cache is down and the database did not answer the count: fail closed.
    UNKNOWN = "unknown"


def _source(request: HttpRequest, rate: Rate, key: str | None, user) -> str | None:
    """The keyed hash of what `rate` counts per; None when there is nothing to count by."""
    if rate.per == "ip":
        value = f"ip:{get_ip(request)}"
    elif rate.per == "key":
        if key is None:
            return None
        value = f"key:{key[:KEY_MAX_LENGTH]}"
    elif rate.per == "user":
        user = user if user is not None else getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        value = f"user:{user.pk}"
    else:
        return None
    return salted_hmac(_HASH_SALT, value, algorithm="sha256").hexdigest()


def consume_in_database(request: HttpRequest, action: str, *, key: str | None = None, user=None) -> bool:
    """Count one request against allauth's rates for `action` in the database; False: over a limit.

    Raises DatabaseError when the database does not answer.
    """
    rates = get_rates(app=APP, action=action)
    if not rates:
        return True
    now = timezone.now()
    longest = max(rate.duration for rate in rates)
    RateLimitHit.objects.filter(action=action, at__lt=now - timedelta(seconds=longest)).delete()
    sources = {rate: _source(request, rate, key, user) for rate in rates}
    # One row per thing counted by: two rates per IP address count the same requests.
    mine = [
        RateLimitHit.objects.create(action=action, source=source, at=now).pk
        for source in set(sources.values())
        if source
    ]
    for rate, source in sources.items():
        if source is None:
            continue
        since = now - timedelta(seconds=rate.duration)
        if RateLimitHit.objects.filter(action=action, source=source, at__gt=since).count() > rate.amount:
            RateLimitHit.objects.filter(pk__in=mine).delete()
            return False
    return True


def check(request: HttpRequest, action: str, *, key: str | None = None, user=None) -> Verdict:
    """ALLOWED while the cache answers (allauth counts there); else the database's verdict."""
    if cache_available():
        return Verdict.ALLOWED
    try:
        allowed = consume_in_database(request, action, key=key, user=user)
    except DatabaseError:
        logger.warning("Rate limit %s: neither the cache nor the database answers; refused", action, exc_info=True)
        return Verdict.UNKNOWN
    return Verdict.ALLOWED if allowed else Verdict.REFUSED


def refuse_past_limit(*, user, count: Callable[[], int], limit: int, message: str, no_key: bool = False) -> None:
    """Refuse (ValidationError, code "rate_limited") once `count()`, what `user` did in the
    limit's window, has reached `limit`.

    Counted in the database, not the cache, so that the limit holds across app servers and
    while the cache is down. Call inside a transaction: the user's row is locked before the
    count, so that two requests of one user count one after the other. `no_key` locks FOR NO
    KEY UPDATE, for a user row that other writes lock key-share (borsen.services).
    """
    get_user_model().objects.select_for_update(no_key=no_key).filter(pk=user.pk).first()
    if count() >= limit:
        raise ValidationError(message, code="rate_limited")
