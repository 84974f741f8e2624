"""Roles: network coordinators (per network) and the steering group (styrgrupp).

Permissions live in Django groups. The role predicates below are the only place that
decides which role a user has; which rows each role may see lives in each app's
`access.py`, built on these predicates.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet

COORDINATORS_GROUP = "Samordnare"
STEERING_GROUP = "Styrgrupp"

# Model permissions of each role, as "app_label.codename". Rows are limited further by
# network for coordinators (see each app's access.py).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    COORDINATORS_GROUP: [
        "networks.view_network",
        "networks.change_network",
        "networks.view_workinggroup",
        "networks.add_workinggroup",
        "networks.change_workinggroup",
        "networks.delete_workinggroup",
        "networks.view_area",
        "networks.add_area",
        "networks.change_area",
        "networks.delete_area",
        "networks.view_post",
        "networks.add_post",
        "networks.change_post",
        "networks.delete_post",
        "members.view_membership",
        "members.change_membership",
        "members.view_actor",
        "meetings.view_meeting",
        "meetings.add_meeting",
        "meetings.change_meeting",
        "meetings.delete_meeting",
        "meetings.view_registration",
        # Change is hiding a listing that breaks the rules (borsen.admin): nothing else is editable.
        "borsen.view_listing",
        "borsen.change_listing",
        "borsen.view_match",
        "voices.view_voice",
        "voices.add_voice",
        "voices.change_voice",
        "voices.delete_voice",
        "dialog.view_theme",
        # Residents' questions of their networks: change is the moves (dialog/moves.py) and
        # the translations of the answer and of each move's text; nothing the resident wrote.
        "dialog.view_question",
        "dialog.change_question",
        "dialog.view_questionevent",
        "dialog.change_questionevent",
    ],
    STEERING_GROUP: [
        "networks.view_network",
        "networks.view_area",
        "members.view_actor",
        "members.view_membership",
        "meetings.view_meeting",
        "meetings.view_registration",
        "grants.view_pot",
        "grants.add_pot",
        "grants.change_pot",
        "grants.view_funding",
        "grants.add_funding",
        "grants.change_funding",
        "grants.view_application",
        "grants.change_application",
        "grants.view_applicationevent",
        "grants.view_payment",
        # The wording of every decision letter is the steering group's; the letters themselves only read.
        "grants.view_letterwording",
        "grants.change_letterwording",
        "grants.view_decisionletter",
        "borsen.view_listing",
        "borsen.view_match",
        "voices.view_voice",
        "voices.add_voice",
        "voices.change_voice",
        "voices.delete_voice",
        # The themes residents choose from ("Lyft en fråga"), the same for every network.
        "dialog.view_theme",
        "dialog.add_theme",
        "dialog.change_theme",
        # Every network's questions and their history, read only.
        "dialog.view_question",
        "dialog.view_questionevent",
    ],
}


def sync_role_groups() -> None:
    """Create the role groups and give them their permissions; safe to run again."""
    for group_name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is not None:
                wanted.append(found)
        group.permissions.add(*wanted)


# ---- Role predicates: the only place that decides which role a user has ----


def is_superuser(user) -> bool:
    """Administrators see and change everything."""
    return bool(user.is_authenticated and user.is_superuser)


def may_read_mail_records(user) -> bool:
    """The admin's records of who gets which mail (the outbox, the digest's subscriptions and
    sent weeks): active superusers only, read only."""
    return bool(user.is_active and is_superuser(user))


def steering_group_members() -> QuerySet:
    """The steering group's active accounts, one row each (the group is one row of the join)."""
    return get_user_model().objects.filter(is_active=True, groups__name=STEERING_GROUP)


def is_steering_group(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_steering_group", None)
    if cached is None:
        cached = user.groups.filter(name=STEERING_GROUP).exists()
        user._is_steering_group = cached
    return cached


def coordinated_network_ids(user) -> frozenset[int]:
    """Ids of the networks the user coordinates (cached on the user for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_coordinated_network_ids", None)
    if cached is None:
        cached = frozenset(user.coordinated_networks.values_list("id", flat=True))
        user._coordinated_network_ids = cached
    return cached


def coordinates(user, network_id: int | None) -> bool:
    """Whether the user coordinates the network with this id."""
    return network_id is not None and network_id in coordinated_network_ids(user)


def staff_needs_mfa(user) -> bool:
    """A staff user who must turn on TOTP first (REQUIRE_STAFF_MFA) and has not."""
    if not getattr(settings, "REQUIRE_STAFF_MFA", False):
        return False
    if not (user.is_authenticated and user.is_staff):
        return False
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user, [Authenticator.Type.TOTP])


def staff_mfa_satisfied(user) -> bool:
    """The two-factor rule the admin uses, for the staff pages outside the admin too."""
    return not staff_needs_mfa(user)
