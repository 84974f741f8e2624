from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from networks.models import Network, Post, WorkingGroup


def make_posts(network: Network | None, count: int, prefix: str = "nyhet") -> list[Post]:
    now = timezone.now()
    return Post.objects.bulk_create(
        Post(
            network=network,
            title=f"Nyhet {i}",
            title_en=f"News {i}",
            slug=f"{prefix}-{i}",
            summary=f"Ingress {i}",
            body=f"Text {i}",
            published_at=now - timedelta(hours=i + 1),
        )
        for i in range(count)
    )


def make_groups(network: Network, count: int, prefix: str = "Grupp") -> list[WorkingGroup]:
    return WorkingGroup.objects.bulk_create(
        WorkingGroup(network=network, name=f"{prefix} {i}", description=f"Beskrivning {i}") for i in range(count)
    )


@pytest.fixture
def post(networks) -> Post:
    return Post.objects.create(
        network=networks["andersberg"],
        title="Städdag i Andersberg",
        title_en="Clean-up day in Andersberg",
        slug="staddag-i-andersberg",
        summary="Alla är välkomna att städa.",
        summary_en="Everyone is welcome to help.",
        body="Vi ses vid centrum klockan tio.",
        published_at=timezone.now() - timedelta(hours=1),
    )
