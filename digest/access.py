"""Who may change whose digest: the user on "Mina sidor", or anyone holding the mail's signed link.

The unsubscribe link in every digest carries a token signed with SECRET_KEY (per user, no
expiry: a link in an old letter keeps working). It lets its holder do one thing, stop
that user's digest, without logging in; a token that does not verify gets a clear page,
never a hint about any account.
"""

from __future__ import annotations

from django.core import signing

from members.models import User

SIGNING_SALT = "digest.unsubscribe"


def unsubscribe_token(user: User) -> str:
    return signing.Signer(salt=SIGNING_SALT).sign(str(user.pk))


def get_unsubscribe_user(token: str) -> User | None:
    """The user the token was made for, None when that account is gone; BadSignature for a bad token."""
    value = signing.Signer(salt=SIGNING_SALT).unsign(token)
    if not value.isdigit():
        raise signing.BadSignature("Not a user id")
    return User.objects.filter(pk=int(value)).first()
