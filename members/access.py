"""Who may see and change actors, memberships and invitations: 404 for outsiders.

On the site an actor's own pages belong to its representatives: contact persons read
and edit the profile, only signatories (firmatecknare) invite and apply for membership.
In the admin, superusers and the steering group read every actor; a coordinator reads
only actors that are members (in any status, so that pending requests can be decided)
of a network they coordinate.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from core.roles import coordinated_network_ids, is_steering_group, is_superuser
from members.models import Actor, Invitation, Membership, Representation, User

WRONG_ADDRESS_MESSAGE = _("Inbjudan gäller en annan e-postadress. Logga in med den adress som inbjudan skickades till.")


def _representation(request: HttpRequest, slug: str) -> Representation:
    representation = (
        Representation.objects.select_related("actor").filter(user=request.user, actor__slug=slug).first()
        if request.user.is_authenticated
        else None
    )
    if representation is None:
        raise Http404(_("Aktören finns inte."))
    return representation


def get_actor_for_user(request: HttpRequest, slug: str) -> Actor:
    """The actor with `slug` if the user represents it (contact or signatory); 404 otherwise."""
    representation = _representation(request, slug)
    actor = representation.actor
    actor.my_role = representation.role
    return actor


def get_actor_for_user_rw(request: HttpRequest, slug: str) -> Actor:
    """As get_actor_for_user, for what only a signatory may do: a contact person gets 403."""
    actor = get_actor_for_user(request, slug)
    if actor.my_role != Representation.Role.SIGNATORY:
        raise PermissionDenied(_("Bara den kontaktperson som får bjuda in fler företrädare kan göra detta."))
    return actor


def get_public_actor(request: HttpRequest, slug: str) -> Actor:
    """A public actor, or one the user represents (so they can preview it)."""
    actor = Actor.objects.filter(slug=slug).first()
    if actor is None:
        raise Http404(_("Aktören finns inte."))
    if not actor.is_public and not Actor.objects.represented_by(request.user).filter(pk=actor.pk).exists():
        raise Http404(_("Aktören finns inte."))
    return actor


def actors_visible_to(user) -> QuerySet[Actor]:
    """Actors in the admin (list, change page and autocomplete)."""
    if is_superuser(user) or is_steering_group(user):
        return Actor.objects.all()
    member_ids = Membership.objects.filter(network__in=coordinated_network_ids(user)).values("actor_id")
    return Actor.objects.filter(pk__in=member_ids)


def decides_memberships(user) -> bool:
    """Who approves or declines membership requests in the admin (their own networks' only):
    coordinators and superusers."""
    return user.has_perm("members.change_membership")


def sees_representative_emails(user) -> bool:
    """Whether the admin shows the addresses of an actor's representatives to `user` (on a
    membership request's page): only to who reads the accounts in the admin, where the
    addresses are anyway (superusers). Coordinators see names and roles."""
    return user.has_perm("members.view_user")


def represented_actor_ids(user: User) -> list[int]:
    """The ids of the actors the user represents (Mina sidor, Mina ansökningar)."""
    return list(Representation.objects.filter(user=user).values_list("actor_id", flat=True))


def user_addresses(user: User) -> set[str]:
    """The user's address and every verified address allauth knows, lower case."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {address.lower() for address in [user.email, *verified] if address}


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    """An invitation binds to the address it was sent to, whatever the case."""
    return user.is_authenticated and invitation.email.lower() in user_addresses(user)


def get_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("actor").filter(token=token).first()
    if invitation is None:
        raise Http404(_("Inbjudan finns inte."))
    return invitation
