"""Choosing networks under "Mina sidor", and leaving the digest from the letter without logging in."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.urls import reverse

from digest.access import get_unsubscribe_user, unsubscribe_token
from digest.models import DigestSent, Subscription
from digest.services import subscriptions_set, unsubscribe_url
from tests.digest.conftest import subscribe

pytestmark = pytest.mark.django_db
PAGE = "/mina-sidor/veckobrev/"


def _chosen(user) -> set[str]:
    return set(Subscription.objects.filter(user=user).values_list("network__slug", flat=True))


# ---- choosing under "Mina sidor" ----


def test_choosing_networks_from_my_pages(client, resident, networks) -> None:
    client.force_login(resident)
    overview = client.get("/mina-sidor/").content.decode()
    assert "Du får inget veckobrev." in overview and f'href="{PAGE}"' in overview
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "boende@example.se" in page.content.decode()
    response = client.post(PAGE, {"networks": [networks["andersberg"].pk, networks["brynas"].pk]}, follow=True)
    assert response.redirect_chain[-1][0] == "/mina-sidor/"
    html = response.content.decode()
    assert "Sparat. Du får veckobrevet från Andersbergsgruppen (Andersberg) och Brynäs." in html
    assert _chosen(resident) == {"andersberg", "brynas"}
    # The overview lists them; the form shows them ticked.
    assert "Du får veckobrevet från:" in html and "Ändra veckobrevet" in html
    form = client.get(PAGE).context["form"]
    assert set(form["networks"].value()) == {networks["andersberg"].pk, networks["brynas"].pk}
    # Changing keeps the old row of a network still chosen.
    kept = Subscription.objects.get(user=resident, network=networks["brynas"])
    client.post(PAGE, {"networks": [networks["brynas"].pk, networks["satra"].pk]})
    assert _chosen(resident) == {"brynas", "satra"}
    assert Subscription.objects.get(user=resident, network=networks["brynas"]).pk == kept.pk
    # Nothing ticked: no digest.
    response = client.post(PAGE, {}, follow=True)
    assert "Sparat. Du får inget veckobrev." in response.content.decode()
    assert _chosen(resident) == set()


def test_a_network_that_does_not_exist_is_refused_and_nothing_changes(client, resident, networks) -> None:
    subscribe(resident, networks["satra"])
    client.force_login(resident)
    response = client.post(PAGE, {"networks": [networks["andersberg"].pk, 99999]})
    assert response.status_code == 200
    assert "Välj bland nätverken i listan." in response.content.decode()
    assert _chosen(resident) == {"satra"}
    response = client.post(PAGE, {"networks": ["x\x00"]})
    assert response.status_code == 200
    assert _chosen(resident) == {"satra"}


def test_an_unverified_address_is_pointed_out(client, rep_a, networks) -> None:
    subscribe(rep_a, networks["satra"], verified=False)
    client.force_login(rep_a)
    assert "Din e-postadress är inte bekräftad." in client.get(PAGE).content.decode()
    subscribe(rep_a, verified=True)
    assert "inte bekräftad" not in client.get(PAGE).content.decode()


def test_the_page_needs_a_login(client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_subscribing_twice_keeps_one_row(resident, networks) -> None:
    subscriptions_set(user=resident, networks=[networks["satra"]])
    subscriptions_set(user=resident, networks=[networks["satra"], networks["satra"]])
    assert Subscription.objects.filter(user=resident).count() == 1


# ---- leaving with the link in the letter ----


@pytest.fixture
def csrf_client() -> Client:
    """A browser (or mail program) with no session, whose posts Django checks for CSRF."""
    return Client(enforce_csrf_checks=True)


def _path(user) -> str:
    return reverse("digest:unsubscribe", kwargs={"token": unsubscribe_token(user)})


def test_the_link_in_the_letter_is_the_page(settings, resident) -> None:
    assert unsubscribe_url(resident) == settings.SITE_URL + _path(resident)
    assert get_unsubscribe_user(unsubscribe_token(resident)) == resident


def test_unsubscribe_without_logging_in_page_and_button(csrf_client, resident, networks) -> None:
    subscribe(resident, networks["andersberg"], networks["satra"])
    path = _path(resident)
    page = csrf_client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Andersbergsgruppen (Andersberg)" in html and "Sätra" in html
    assert ">Avsluta veckobrevet</button>" in html
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(path, {"csrfmiddlewaretoken": token}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Klart. Du får inte längre veckobrevet." in html
    assert "Du får inte veckobrevet." in html and "Avsluta veckobrevet</button>" not in html
    assert _chosen(resident) == set()


def test_crawlers_keep_out_of_the_links(client, resident) -> None:
    assert "Disallow: /veckobrev/" in client.get("/robots.txt").text.splitlines()
    assert '<meta name="robots" content="noindex">' in client.get(_path(resident)).content.decode()


def test_the_button_without_csrf_token_is_refused(csrf_client, resident, networks) -> None:
    subscribe(resident, networks["andersberg"])
    response = csrf_client.post(_path(resident), {"anything": "else"})
    assert response.status_code == 403
    assert _chosen(resident) == {"andersberg"}


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_rfc_8058_one_click_post(csrf_client, resident, networks, encoding) -> None:
    subscribe(resident, networks["andersberg"], networks["brynas"])
    path = _path(resident)
    if encoding == "multipart":
        response = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    else:
        response = csrf_client.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 200
    assert "Du får inte veckobrevet." in response.content.decode()
    assert _chosen(resident) == set()


def test_one_click_only_stops_the_digest_of_the_tokens_user(csrf_client, resident, rep_a, networks) -> None:
    subscribe(resident, networks["andersberg"])
    subscribe(rep_a, networks["andersberg"])
    csrf_client.post(_path(resident), {"List-Unsubscribe": "One-Click"})
    assert _chosen(resident) == set() and _chosen(rep_a) == {"andersberg"}


@pytest.mark.parametrize("how", ["changed", "other user", "no signature", "other salt", "not a number"])
def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(csrf_client, resident, rep_a, networks, how) -> None:
    from django.core import signing

    from digest.access import SIGNING_SALT

    subscribe(resident, networks["andersberg"])
    subscribe(rep_a, networks["andersberg"])
    good = unsubscribe_token(resident)
    token = {
        "changed": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "other user": f"{rep_a.pk}:{good.split(':', 1)[1]}",
        "no signature": str(resident.pk),
        "other salt": signing.Signer(salt="något annat").sign(str(resident.pk)),
        "not a number": signing.Signer(salt=SIGNING_SALT).sign("abc"),
    }[how]
    path = reverse("digest:unsubscribe", kwargs={"token": token})
    page = csrf_client.get(path)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Länken fungerar inte." in html and "Avsluta veckobrevet</button>" not in html
    assert csrf_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 400
    assert _chosen(resident) == {"andersberg"} and _chosen(rep_a) == {"andersberg"}


def test_the_link_of_a_deleted_account_says_there_is_nothing_to_stop(csrf_client, resident, networks) -> None:
    from members.services import user_delete

    subscribe(resident, networks["andersberg"])
    path = _path(resident)
    user_delete(user=resident)
    page = csrf_client.get(path)
    assert page.status_code == 200
    assert "Du får inte veckobrevet." in page.content.decode()
    assert csrf_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_logged_in_as_someone_else_the_link_still_stops_the_letters_owner(client, resident, rep_a, networks) -> None:
    subscribe(resident, networks["andersberg"])
    subscribe(rep_a, networks["satra"])
    client.force_login(rep_a)
    client.post(_path(resident))
    assert _chosen(resident) == set() and _chosen(rep_a) == {"satra"}


# ---- GDPR and the admin ----


def test_gdpr_export_and_delete(client, resident, networks) -> None:
    from digest.services import digest_user_delete

    subscribe(resident, networks["satra"])
    DigestSent.objects.create(user=resident, week="2026-W47")
    client.force_login(resident)
    data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)
    assert [s["network"] for s in data["digest_subscriptions"]] == ["Sätra"]
    assert [d["week"] for d in data["digests_sent"]] == ["2026-W47"]
    page = client.get("/mina-sidor/mina-uppgifter/").content.decode()
    assert "Nätverk du får veckobrevet från" in page and "<code>digests_sent</code>" in page
    digest_user_delete(user=resident)
    assert not Subscription.objects.exists() and not DigestSent.objects.exists()


def test_every_export_key_has_a_label() -> None:
    import inspect
    import re

    from digest.services import DIGEST_EXPORT_LABELS, digest_user_export
    from members import gdpr, services

    labels = {**services.USER_EXPORT_LABELS, **gdpr.EXPORT_LABELS}
    keys = set(re.findall(r'"([a-z_]+)": ', inspect.getsource(digest_user_export)))
    assert keys and keys <= set(labels), keys - set(labels)
    assert set(DIGEST_EXPORT_LABELS) <= set(gdpr.EXPORT_LABELS)


def test_admin_is_read_only_and_for_superusers(
    client, superuser, coord_andersberg, steering, resident, networks
) -> None:
    subscribe(resident, networks["satra"])
    DigestSent.objects.create(user=resident, week="2026-W47")
    for model in ("subscription", "digestsent"):
        changelist = f"/admin/digest/{model}/"
        client.force_login(superuser)
        response = client.get(changelist)
        assert response.status_code == 200 and "boende@example.se" in response.content.decode()
        assert client.get(f"{changelist}add/").status_code == 403
        for user in (coord_andersberg, steering):
            client.force_login(user)
            assert client.get(changelist).status_code == 403
    assert {type(m).__name__ for m in admin_site._registry.values()} >= {"SubscriptionAdmin", "DigestSentAdmin"}
