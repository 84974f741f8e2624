from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meetings.models import Meeting

TZ = ZoneInfo("Europe/Stockholm")


def make_meeting(network, *, starts_at: datetime | None = None, hours: int = 2, **extra) -> Meeting:
    starts_at = starts_at or (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    values = {"title": "Nätverksträff", "place": "Träffpunkten", "kind": Meeting.Kind.NETWORK}
    values.update(extra)
    return Meeting.objects.create(
        network=network, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **values
    )


@pytest.fixture
def meeting(networks) -> Meeting:
    return make_meeting(networks["andersberg"], registration_enabled=True, capacity=2)


@pytest.fixture
def satra_meeting(networks) -> Meeting:
    return make_meeting(networks["satra"], title="Sätraträff")


@pytest.fixture(autouse=True)
def _no_mfa(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False
