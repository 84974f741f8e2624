"""News published for a later time: nowhere before its time, on every cached page within the
page cache's lifetime after it (core/cache.py, docs/development.md "Caching")."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.cache.backends import base, locmem
from django.utils import timezone

from networks.models import Post

LIFETIME = 300


@pytest.fixture
def clock(settings, monkeypatch):
    """One clock for the site (timezone.now) and the cache's expiry (time.time where the local
    memory cache sets and checks it)."""
    settings.ANON_CACHE_SECONDS = LIFETIME
    cache.clear()
    start_wall, start = time.time(), timezone.now()
    state = SimpleNamespace(seconds=0.0)
    fake_time = SimpleNamespace(time=lambda: start_wall + state.seconds)
    monkeypatch.setattr(base, "time", fake_time)
    monkeypatch.setattr(locmem, "time", fake_time)
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=state.seconds))
    state.start = start
    yield state
    cache.clear()


def test_a_scheduled_post_shows_within_the_cache_lifetime_after_its_time(client, networks, clock) -> None:
    post = Post.objects.create(
        network=networks["andersberg"],
        title="Sommarfest i parken",
        slug="sommarfest",
        summary="Välkomna!",
        body="**Grillen** tänds klockan fem.",
        published_at=clock.start + timedelta(seconds=60),
    )

    first = client.get("/nyheter/")
    assert first["X-Cache"] == "miss" and "Sommarfest i parken" not in first.text
    assert client.get("/nyheter/")["X-Cache"] == "hit"
    assert client.get("/natverk/andersberg/")["X-Cache"] == "miss"

    # Before its time: nowhere, its own page included (a 404 is not stored).
    clock.seconds = 59
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Sommarfest i parken" not in client.get("/").text

    # Its time has come: its page shows it at once; pages stored before may still be served...
    clock.seconds = 61
    own = client.get(post.get_absolute_url())
    assert own.status_code == 200 and "<strong>Grillen</strong>" in own.text
    stale = client.get("/nyheter/")
    assert stale["X-Cache"] == "hit" and "Sommarfest i parken" not in stale.text

    # ...for at most the cache's lifetime, counted from when they were stored (second 0).
    clock.seconds = LIFETIME - 1
    assert client.get("/nyheter/")["X-Cache"] == "hit"
    clock.seconds = LIFETIME + 1
    fresh = client.get("/nyheter/")
    assert fresh["X-Cache"] == "miss" and "Sommarfest i parken" in fresh.text
    assert "Sommarfest i parken" in client.get("/natverk/andersberg/").text
    assert "Sommarfest i parken" in client.get("/nyheter/feed/").text
