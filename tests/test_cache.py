"""The anonymous page cache (core/cache.py): fast, never personal, never stale."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone

from core.cache import content_version, is_cacheable_path
from members.models import Actor, User
from natverk import urls as project_urls
from networks.models import Post

# The real site plus two pages under a cacheable prefix: one with a form (it sets the
# csrftoken cookie) and one showing who is logged in, like "Mina sidor" in the menu.
_PAGE = engines["django"].from_string(
    "<p>{% if user.is_authenticated %}Inloggad som {{ user.name }}{% else %}Välkommen{% endif %}</p>"
    '<form method="post">{% if with_form %}{% csrf_token %}{% endif %}</form>'
)


def personal_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE.render({"with_form": False}, request))


def form_page(request: HttpRequest) -> HttpResponse:
    get_token(request)
    return HttpResponse(_PAGE.render({"with_form": True}, request))


urlpatterns = [
    path("nyheter/test/personligt/", personal_page),
    path("nyheter/test/formular/", form_page),
    *project_urls.urlpatterns,
]
handler404 = project_urls.handler404


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.ANON_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _post(**fields) -> Post:
    defaults = {"summary": "Ingress", "body": "Text", "published_at": timezone.now()}
    return Post.objects.create(**(defaults | fields))


def test_second_anonymous_request_is_a_hit(client, networks):
    first = client.get("/")
    second = client.get("/")
    assert first.status_code == second.status_code == 200
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert not second.cookies


def test_cache_off_when_seconds_is_zero(client, networks, settings):
    settings.ANON_CACHE_SECONDS = 0
    client.get("/")
    assert "X-Cache" not in client.get("/")


def test_new_post_shows_on_the_next_request(client, networks, django_capture_on_commit_callbacks):
    _post(title="Gammal nyhet", slug="gammal")
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        _post(title="Färsk nyhet", slug="farsk", network=networks["andersberg"])

    response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert "Färsk nyhet" in response.content.decode()


def test_edited_network_is_not_served_stale(client, networks, django_capture_on_commit_callbacks):
    andersberg = networks["andersberg"]
    url = "/natverk/andersberg/"
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"

    andersberg.summary = "En alldeles ny ingress för Andersberg."
    with django_capture_on_commit_callbacks(execute=True):
        andersberg.save()

    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "En alldeles ny ingress för Andersberg." in response.content.decode()


def test_deleted_post_disappears(client, networks, django_capture_on_commit_callbacks):
    post = _post(title="Snart borta", slug="snart-borta")
    assert "Snart borta" in client.get("/nyheter/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert "Snart borta" not in client.get("/nyheter/").content.decode()


@pytest.mark.parametrize("change", ["m2m", "actor", "working_group"])
def test_other_changes_bump_the_version(networks, resident, change, django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        if change == "m2m":
            networks["satra"].coordinators.add(resident)
        elif change == "actor":
            Actor.objects.create(name="Ny förening", slug="ny-forening", kind=Actor.Kind.ASSOCIATION)
        else:
            networks["bomhus"].working_groups.create(name="Trygghet")
    assert callbacks
    assert content_version() > before


def test_version_is_bumped_at_commit_not_before(networks, django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks() as callbacks:
        _post(title="Ännu inte sparad", slug="annu-inte")
        # Until the commit, other requests still see the old rows: the old pages are right.
        assert content_version() == before
    for callback in callbacks:
        callback()
    assert content_version() > before


def test_a_login_does_not_empty_the_cache(client, networks, resident, django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Client().force_login(resident)  # Saves last_login only.
    assert not callbacks
    assert content_version() == before


def test_version_survives_a_cleared_cache(networks):
    old = content_version()
    cache.clear()
    assert content_version() != old


@pytest.mark.urls(__name__)
def test_logged_in_user_never_gets_nor_fills_the_cache(client, networks, resident):
    url = "/nyheter/test/personligt/"
    assert "Välkommen" in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "hit"

    logged_in = Client()
    logged_in.force_login(resident)
    response = logged_in.get(url)
    assert f"Inloggad som {resident.name}" in response.content.decode()
    assert "X-Cache" not in response
    home = logged_in.get("/")
    assert "X-Cache" not in home

    cache.clear()  # Now the logged-in user asks first: nothing may be stored for the others.
    logged_in.get(url)
    logged_in.get("/")
    for page in (url, "/"):
        anonymous = Client().get(page)
        assert anonymous["X-Cache"] == "miss"
        content = anonymous.content.decode()
        assert resident.name not in content
        assert "Mina sidor" not in content


@pytest.mark.urls(__name__)
def test_response_that_sets_a_cookie_is_not_cached(client, networks):
    url = "/nyheter/test/formular/"
    first = client.get(url)
    assert "csrftoken" in first.cookies
    second = Client().get(url)
    assert second["X-Cache"] == "miss"
    assert "csrftoken" in second.cookies


def test_messages_cookie_bypasses_the_cache(client, networks):
    client.get("/")
    client.cookies["messages"] = "something"
    assert "X-Cache" not in client.get("/")


def test_swedish_and_english_are_cached_apart(client, networks):
    assert client.get("/")["X-Cache"] == "miss"
    english = client.get("/en/")
    assert english["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    english_again = client.get("/en/")
    assert english_again["X-Cache"] == "hit"
    assert '<html lang="en" dir="ltr">' in english_again.content.decode()
    assert '<html lang="sv" dir="ltr">' in client.get("/").content.decode()


def test_query_strings_are_cached_apart(client, networks):
    for number in range(12):
        _post(title=f"Nyhet nummer {number:02}", slug=f"nyhet-{number}")
    assert client.get("/nyheter/?sida=1")["X-Cache"] == "miss"
    second_page = client.get("/nyheter/?sida=2")
    assert second_page["X-Cache"] == "miss"
    assert client.get("/nyheter/?sida=2").content == second_page.content
    assert client.get("/nyheter/?sida=1").content != second_page.content


def test_head_is_served_from_the_get_entry(client, networks):
    head = client.head("/om/")
    assert head.status_code == 200
    assert head["X-Cache"] == "miss"
    assert client.get("/om/")["X-Cache"] == "miss"  # A HEAD stores nothing.
    head = client.head("/om/")
    assert head.status_code == 200
    assert head["X-Cache"] == "hit"
    assert head.content == b""


def test_not_found_is_not_cached(client, networks):
    assert client.get("/natverk/finns-inte/").status_code == 404
    assert client.get("/natverk/finns-inte/")["X-Cache"] == "miss"


def test_post_is_never_cached(client, networks):
    assert "X-Cache" not in client.post("/om/")


@pytest.mark.parametrize(
    ("path", "cacheable"),
    [
        ("/", True),
        ("/en/", True),
        ("/natverk/bomhus/", True),
        ("/en/natverk/bomhus/", True),
        ("/sitemap.xml", True),
        ("/bidrag/beviljade/", True),
        ("/bidrag/ansok/", False),
        ("/admin/", False),
        ("/en/admin/", False),
        ("/konto/logga-in/", False),
        ("/mina-sidor/", False),
        ("/healthz", False),
        ("/nyheterna/", False),
    ],
)
def test_allow_list(path, cacheable):
    assert is_cacheable_path(path) is cacheable


def test_site_works_when_the_cache_is_down(client, networks):
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/")
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_hits_are_gzipped_for_clients_that_accept_it(client, networks):
    import gzip

    plain = client.get("/")
    assert plain["X-Cache"] == "miss" and "Accept-Encoding" in plain["Vary"]
    hit = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert hit["X-Cache"] == "hit"
    assert hit["Content-Encoding"] == "gzip"
    assert int(hit["Content-Length"]) == len(hit.content) < len(plain.content) / 2
    assert gzip.decompress(hit.content) == plain.content
    # A client that does not ask for gzip gets the plain page, with its own length.
    again = client.get("/")
    assert again["X-Cache"] == "hit" and not again.has_header("Content-Encoding")
    assert again.content == plain.content and int(again["Content-Length"]) == len(plain.content)


def test_small_pages_are_not_compressed(client, networks, settings):
    settings.ANON_CACHE_PATHS = [*settings.ANON_CACHE_PATHS, "/robots.txt"]
    client.get("/robots.txt")
    hit = client.get("/robots.txt", HTTP_ACCEPT_ENCODING="gzip")
    assert hit["X-Cache"] == "hit" and not hit.has_header("Content-Encoding")


# ---- Item 7 of issue 9: only what public pages show empties the cache ----


def _steering_member() -> User:
    from django.contrib.auth.models import Group

    user = User.objects.create_user(email="styr-cache@example.se", password="x", name="Stina Styr")
    user.groups.add(Group.objects.get_or_create(name="Styrgrupp")[0])
    return user


@pytest.mark.parametrize("change", ["draft", "outbox", "invitation", "session", "message", "representation"])
def test_private_changes_keep_the_version(networks, actor_a, rep_a, change, django_capture_on_commit_callbacks):
    from django.contrib.sessions.backends.db import SessionStore

    from core.models import Outbox
    from members.models import ActorMessage, Invitation, Representation
    from members.services import invitation_create
    from tests.grants.conftest import make_application

    pot = _pot()
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "draft":
            draft = make_application(pot=pot, lead=actor_a)
            draft.title = "Ett nytt namn på utkastet"
            draft.save()
        elif change == "outbox":
            Outbox.objects.create(to="someone@example.se", subject="Ämne", body="Text")
        elif change == "invitation":
            invitation_create(actor=actor_a, email="ny@example.se", role=Representation.Role.CONTACT, invited_by=rep_a)
            assert Invitation.objects.filter(email="ny@example.se").exists()
        elif change == "session":
            session = SessionStore()
            session["seen"] = True
            session.save()
        elif change == "message":
            ActorMessage.objects.create(sender=rep_a, actor=actor_a)
        else:
            Representation.objects.create(user=User.objects.create_user(email="r@example.se"), actor=actor_a)
    assert content_version() == before


def test_published_post_bumps_the_version(networks, django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        _post(title="Publicerad nu", slug="publicerad-nu", network=networks["satra"])
    assert content_version() > before


def test_approved_application_bumps_the_version_and_shows(
    client, networks, actor_a, rep_a, django_capture_on_commit_callbacks
):
    from grants.models import Application
    from grants.workflow import application_transition
    from tests.grants.conftest import make_application

    app = make_application(pot=_pot(), lead=actor_a, status=Application.Status.IN_REVIEW)
    assert app.title not in client.get("/bidrag/beviljade/").content.decode()
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=app, to_status=Application.Status.APPROVED, actor_user=_steering_member(), amount=5_000
        )
    assert content_version() > before
    page = client.get("/bidrag/beviljade/")
    assert page["X-Cache"] == "miss"
    assert app.title in page.content.decode()


def test_removing_a_coordinator_bumps_the_version(networks, resident, django_capture_on_commit_callbacks):
    networks["satra"].coordinators.add(resident)
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        resident.coordinated_networks.remove(networks["satra"])  # The reverse side: no narrowing.
    assert content_version() > before


def test_a_coordinator_renamed_bumps_but_a_resident_does_not(networks, resident, django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        resident.name = "Rut Ny"
        resident.save()
    assert content_version() == before

    networks["satra"].coordinators.add(resident)
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        resident.name = "Rut Samordnare"
        resident.save()
    assert content_version() > before


def _pot():
    from grants.models import Funding, Pot
    from tests.grants.conftest import TODAY

    pot = Pot.objects.create(
        year=TODAY.year,
        name="Potten",
        opens_on=TODAY.replace(day=1),
        closes_on=TODAY.replace(month=12, day=31),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=60_000)
    return pot
