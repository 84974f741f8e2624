"""Who may read, write and hide listings in Samverkansbörsen: 404 for outsiders.

- Everyone reads `Listing.objects.public()`: open listings and recently solved ones of
  public actors.
- A hidden or expired listing (or one whose solved time has passed the 30 days) is read
  only by the actor's representatives, by coordinators of one of its networks, by the
  steering group and by superusers; they see the hide reason. Anyone else gets 404.
- Posting, editing and marking solved: the actor's representatives (contact person or
  signatory). Someone who may read a listing but not change it gets 403.
- Hiding: coordinators of one of the listing's networks, and superusers.
- In the admin, coordinators see their networks' listings; steering and superusers all.
  A match is shown only when both its listings are.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from borsen.models import Listing, Match
from core.roles import coordinated_network_ids, is_steering_group, is_superuser
from members.models import Actor, Membership

NOT_FOUND = _("Inlägget finns inte.")


def _represents(user, listing: Listing) -> bool:
    return user.is_authenticated and Actor.objects.represented_by(user).filter(pk=listing.actor_id).exists()


def _coordinates_a_network_of(user, listing: Listing) -> bool:
    ids = coordinated_network_ids(user)
    return bool(ids) and listing.networks.filter(pk__in=ids).exists()


def may_read(user, listing: Listing) -> bool:
    if Listing.objects.public().filter(pk=listing.pk).exists():
        return True
    return (
        is_superuser(user)
        or is_steering_group(user)
        or _represents(user, listing)
        or _coordinates_a_network_of(user, listing)
    )


def may_write(user, listing: Listing) -> bool:
    """Edit and mark solved: the actor's representatives."""
    return _represents(user, listing)


def may_hide(user, listing: Listing) -> bool:
    return is_superuser(user) or _coordinates_a_network_of(user, listing)


def get_listing_for_read(request: HttpRequest, pk: int) -> Listing:
    listing = Listing.objects.select_related("actor").filter(pk=pk).first()
    if listing is None or not may_read(request.user, listing):
        raise Http404(NOT_FOUND)
    listing.may_write = may_write(request.user, listing)
    return listing


def get_listing_for_write(request: HttpRequest, pk: int) -> Listing:
    """The listing if the user represents its actor; 404 if they may not read it, else 403."""
    listing = get_listing_for_read(request, pk)
    if not listing.may_write:
        raise PermissionDenied(_("Bara aktörens företrädare kan ändra inlägget."))
    return listing


def actors_for_posting(user) -> QuerySet[Actor]:
    """Actors the user may post for: those they represent that are active members of some network."""
    if not user.is_authenticated:
        return Actor.objects.none()
    members = Membership.objects.active().values("actor_id")
    return Actor.objects.represented_by(user).filter(is_public=True, pk__in=members).distinct().order_by("name", "pk")


def why_no_actor_may_post(user) -> dict[str, list]:
    """For a user with no actor that may post: what stands in the way, so that the page can
    say it instead of a dead end. "pending": memberships of the user's actors that wait for a
    coordinator's decision; "hidden": the user's active member actors not shown publicly."""
    represented = Actor.objects.represented_by(user)
    pending = list(
        Membership.objects.filter(actor__in=represented, status=Membership.Status.PENDING)
        .select_related("actor", "network")
        .order_by("actor__name", "network__name")
    )
    hidden = list(
        represented.filter(is_public=False, pk__in=Membership.objects.active().values("actor_id")).order_by("name")
    )
    return {"pending": pending, "hidden": hidden}


def listings_visible_to(user) -> QuerySet[Listing]:
    """Listings in the admin (list, change page and actions)."""
    if is_superuser(user) or is_steering_group(user):
        return Listing.objects.all()
    ids = Listing.objects.filter(networks__in=coordinated_network_ids(user)).values("pk")
    return Listing.objects.filter(pk__in=ids)


def listings_hideable_by(user) -> QuerySet[Listing]:
    if is_superuser(user):
        return Listing.objects.all()
    ids = Listing.objects.filter(networks__in=coordinated_network_ids(user)).values("pk")
    return Listing.objects.filter(pk__in=ids)


def matches_visible_to(user) -> QuerySet[Match]:
    """Matches in the admin: only those whose two listings the user may both see there.

    One visible side used to be enough, which showed a coordinator the title of another
    network's hidden listing through the match.
    """
    visible = listings_visible_to(user).values("pk")
    return Match.objects.filter(ask__in=visible, offer__in=visible)
