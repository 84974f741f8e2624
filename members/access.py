"""Who may see and change which actors: one helper per object type, 404 for outsiders."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from members.models import Actor, Invitation, Representation


def get_actor_for_user(request: HttpRequest, slug: str, *, signatory: bool = False) -> Actor:
    """The actor with `slug` if the user represents it; 404 otherwise.

    With `signatory=True`, a contact person (who may only read and edit the profile)
    gets 403 instead.
    """
    representation = (
        Representation.objects.select_related("actor").filter(user=request.user, actor__slug=slug).first()
        if request.user.is_authenticated
        else None
    )
    if representation is None:
        raise Http404(_("Aktören finns inte."))
    if signatory and representation.role != Representation.Role.SIGNATORY:
        raise PermissionDenied(_("Bara aktörens firmatecknare får göra detta."))
    actor = representation.actor
    actor.my_role = representation.role
    return actor


def get_public_actor(request: HttpRequest, slug: str) -> Actor:
    """A public actor, or one the user represents (so they can preview it)."""
    actor = Actor.objects.filter(slug=slug).first()
    if actor is None:
        raise Http404(_("Aktören finns inte."))
    if not actor.is_public and not Actor.objects.represented_by(request.user).filter(pk=actor.pk).exists():
        raise Http404(_("Aktören finns inte."))
    return actor


def get_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("actor").filter(token=token).first()
    if invitation is None:
        raise Http404(_("Inbjudan finns inte."))
    return invitation
