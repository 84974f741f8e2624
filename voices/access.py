"""Who may see and change voices in the admin.

Superusers and the steering group: every network's voices. Coordinators: the voices of
the networks they coordinate. Nobody else reaches them (the admin keeps them out).
On the site a voice is public once published and while its consent stands
(Voice.objects.public()); no other page shows one.
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.roles import coordinated_network_ids, is_steering_group, is_superuser
from members.access import actors_visible_to
from members.models import Actor
from networks.models import Network
from voices.models import Voice


def _sees_all(user) -> bool:
    return is_superuser(user) or is_steering_group(user)


def voices_visible_to(user) -> QuerySet[Voice]:
    """The voices the user reads and changes in the admin."""
    if _sees_all(user):
        return Voice.objects.all()
    return Voice.objects.filter(network_id__in=coordinated_network_ids(user))


def networks_for_voices(user) -> QuerySet[Network]:
    """The networks the user may add a voice to or move one into."""
    if _sees_all(user):
        return Network.objects.all()
    return Network.objects.filter(id__in=coordinated_network_ids(user))


def actors_for_voices(user) -> QuerySet[Actor]:
    """The actors a voice may name: those the user sees in the admin."""
    return actors_visible_to(user)


def may_change_voice(user, voice: Voice) -> bool:
    """Whether the user may change this voice (and record that its consent was withdrawn)."""
    if voice.is_withdrawn:
        return False  # Only the record that it was withdrawn is left.
    return _sees_all(user) or voice.network_id in coordinated_network_ids(user)


def may_delete_voice(user, voice: Voice) -> bool:
    """Whether the user may delete this voice: as for changing it, but a withdrawn voice is
    the record of the withdrawal, and only a superuser removes it."""
    return is_superuser(user) or may_change_voice(user, voice)


def get_voice_for_user_rw(user, pk: int) -> Voice | None:
    """The voice if the user may change it; None when it is outside their networks (404)."""
    return voices_visible_to(user).filter(pk=pk).select_related("network").first()


def get_public_voice_with_captions(pk: int) -> Voice | None:
    """The voice if anyone may see it (published, consent standing) and it has captions."""
    return Voice.objects.public().filter(pk=pk).exclude(captions="").first()
