"""Contact details are public only with consent; withdrawing hides them everywhere at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.forms import CONSENT_TEXT
from tests.members.conftest import actor_data

pytestmark = pytest.mark.django_db
EDIT = "/mina-sidor/aktorer/foreningen-alfa/"
PUBLIC_PAGES = ["/aktorer/foreningen-alfa/", "/aktorer/", "/natverk/andersberg/", "/en/aktorer/foreningen-alfa/"]


def _edit(client, **extra):
    data = actor_data(name="Föreningen Alfa", contact_email="alfa.kontakt@example.se", contact_phone="026-99 88 77")
    data.update(extra)
    return client.post(EDIT, data)


def _prove(actor) -> None:
    """The address's owner follows the link mailed to it (members/contact.py)."""
    from members import contact

    actor.refresh_from_db()
    contact.contact_verify(actor=actor, token=contact.contact_token(actor))


def _shown(client) -> bool:
    client.logout()
    found = [("alfa.kontakt@example.se" in client.get(url).content.decode()) for url in PUBLIC_PAGES]
    return any(found)


def test_consent_box_is_unticked_by_default(client, rep_a) -> None:
    client.force_login(rep_a)
    html = client.get(EDIT).content.decode()
    assert 'name="contact_consent"' in html
    assert 'name="contact_consent" id="id_contact_consent" checked' not in html
    assert not client.get(reverse("members:actor-create")).context["form"]["contact_consent"].value()


def test_without_consent_nothing_is_shown(client, rep_a, actor_a) -> None:
    client.force_login(rep_a)
    _edit(client)
    actor_a.refresh_from_db()
    assert actor_a.contact_email == "alfa.kontakt@example.se"
    assert not actor_a.has_contact_consent
    assert not _shown(client)
    assert "026-99 88 77" not in client.get("/aktorer/foreningen-alfa/").content.decode()


def test_consent_stores_time_and_text_and_shows_details(client, rep_a, actor_a) -> None:
    client.force_login(rep_a)
    _edit(client, contact_consent="on")
    actor_a.refresh_from_db()
    assert actor_a.contact_consent_at is not None
    assert actor_a.contact_consent_text == str(CONSENT_TEXT)
    html = client.get("/aktorer/foreningen-alfa/").content.decode()
    assert "alfa.kontakt@example.se" in html
    assert "026-99 88 77" in html


def test_withdrawn_consent_hides_details_at_once(client, rep_a, actor_a) -> None:
    client.force_login(rep_a)
    _edit(client, contact_consent="on")
    assert "alfa.kontakt@example.se" in client.get("/aktorer/foreningen-alfa/").content.decode()
    client.force_login(rep_a)
    response = _edit(client)  # box unticked
    assert response.status_code == 302
    actor_a.refresh_from_db()
    assert actor_a.contact_consent_at is None
    assert actor_a.contact_consent_text == ""
    for url in PUBLIC_PAGES:
        html = client.get(url).content.decode()
        assert "alfa.kontakt@example.se" not in html and "026-99 88 77" not in html, url


def test_consent_time_is_kept_when_saving_again(client, rep_a, actor_a) -> None:
    client.force_login(rep_a)
    _edit(client, contact_consent="on")
    actor_a.refresh_from_db()
    first = actor_a.contact_consent_at
    _edit(client, contact_consent="on", description="Ändrad")
    actor_a.refresh_from_db()
    assert actor_a.contact_consent_at == first


def test_withdrawal_also_empties_the_anonymous_page_cache(
    client, rep_a, actor_a, settings, django_capture_on_commit_callbacks
) -> None:
    from django.core.cache import cache
    from django.test import Client

    settings.ANON_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(rep_a)
    _edit(client, contact_consent="on")
    _prove(actor_a)
    anonymous = Client()
    assert "alfa.kontakt@example.se" in anonymous.get("/aktorer/foreningen-alfa/").content.decode()
    assert anonymous.get("/aktorer/foreningen-alfa/").headers.get("X-Cache") == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        _edit(client)  # consent withdrawn
    for url in PUBLIC_PAGES:
        assert "alfa.kontakt@example.se" not in anonymous.get(url).content.decode(), url
    cache.clear()


def test_an_address_nobody_has_confirmed_is_not_published_even_with_consent(client, rep_a, actor_a) -> None:
    """Anyone can type anyone's address into an actor: it is shown to others only once proven."""
    from django.test import Client

    client.force_login(rep_a)
    _edit(client, contact_consent="on")
    actor_a.refresh_from_db()
    assert actor_a.has_contact_consent and not actor_a.contact_email_is_verified
    anonymous = Client()
    assert "alfa.kontakt@example.se" not in anonymous.get("/aktorer/foreningen-alfa/").content.decode()
    assert actor_a.public_contact_email == ""
    _prove(actor_a)
    actor_a.refresh_from_db()
    assert actor_a.public_contact_email == "alfa.kontakt@example.se"
    assert "026-99 88 77" in anonymous.get("/aktorer/foreningen-alfa/").content.decode()
    assert "alfa.kontakt@example.se" in anonymous.get("/aktorer/foreningen-alfa/").content.decode()
