"""Issue 20: what a coordinator could learn or break in the admin beyond their own networks.

- `/admin/r/<content_type_id>/<object_id>/` ("Visa på webbplatsen") redirected any staff
  user to any row's address: the slug of another network's non-public actor or unpublished
  news. Now 404 unless the user may view the row in its admin (natverk/admin_shortcut.py).
- The börs match list showed the title of another network's hidden listing.
- An action posted with a selection that is no id was a server error; now a message and
  a redirect back to the list, on every change list.

X is Andersberg (coord_andersberg), Y is Sätra (coord_satra).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from borsen.models import Listing, Match
from core.models import Outbox
from grants.models import Application, Attachment, Pot
from meetings.models import Meeting
from members.models import Actor, Membership
from networks.models import Post, WorkingGroup
from tests.borsen.conftest import make_listing
from tests.grants.conftest import make_application

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
UNREADABLE = "Markeringen kunde inte läsas. Välj raderna igen."


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _shortcut(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


@pytest.fixture
def hidden_actor(networks) -> Actor:
    """An actor of X that is not public: its slug is on no public page."""
    actor = Actor.objects.create(
        name="Föreningen Dold", slug="foreningen-dold-hemlig", kind=Actor.Kind.ASSOCIATION, is_public=False
    )
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.PENDING)
    return actor


@pytest.fixture
def draft_post(networks) -> Post:
    return Post.objects.create(
        network=networks["andersberg"],
        title="Inte publicerad än",
        slug="hemlig-nyhet-om-andersberg",
        summary="s",
        body="b",
        is_published=False,
    )


# ---- view on site ----


@pytest.mark.parametrize("row", ["hidden_actor", "draft_post"])
def test_view_on_site_is_404_for_a_row_of_another_network(request, client, coord_satra, row) -> None:
    obj = request.getfixturevalue(row)
    client.force_login(coord_satra)
    response = client.get(_shortcut(obj))
    assert response.status_code == 404
    assert obj.slug not in response.content.decode()
    assert obj.slug not in response.get("Location", "")


@pytest.mark.parametrize(
    ("row", "user", "status"),
    [
        ("hidden_actor", "coord_andersberg", 302),
        ("hidden_actor", "steering", 302),
        ("hidden_actor", "superuser", 302),
        ("draft_post", "coord_andersberg", 302),
        # The steering group has no permission on news in the admin at all.
        ("draft_post", "steering", 404),
        ("draft_post", "superuser", 302),
    ],
)
def test_view_on_site_redirects_who_may_view_the_row(request, client, row, user, status) -> None:
    obj = request.getfixturevalue(row)
    client.force_login(request.getfixturevalue(user))
    response = client.get(_shortcut(obj))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].endswith(obj.get_absolute_url())


def test_view_on_site_of_a_hidden_listing_follows_the_listing_admin(
    client, coord_andersberg, coord_satra, actor_a, rep_a, networks
) -> None:
    hidden = make_listing(actor_a, [networks["andersberg"]], author=rep_a, hidden_at=timezone.now())
    client.force_login(coord_satra)
    assert client.get(_shortcut(hidden)).status_code == 404
    client.force_login(coord_andersberg)
    assert client.get(_shortcut(hidden))["Location"].endswith(f"/borsen/{hidden.pk}/")


def test_view_on_site_of_an_inline_row_follows_its_parent(client, coord_andersberg, steering, actor_a, rep_a) -> None:
    """Attachments have no admin of their own; they are shown on their application's page."""
    pot = Pot.objects.create(
        year=TODAY.year,
        name="Aktivitetspotten",
        opens_on=TODAY - datetime.timedelta(days=30),
        closes_on=TODAY + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    application = make_application(pot=pot, lead=actor_a, status=Application.Status.SUBMITTED)
    attachment = Attachment.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4 test", name="budget.pdf"),
        original_name="budget.pdf",
        uploaded_by=rep_a,
        content_type="application/pdf",
        size=13,
    )
    client.force_login(coord_andersberg)
    assert client.get(_shortcut(attachment)).status_code == 404
    client.force_login(steering)
    assert client.get(_shortcut(attachment))["Location"].endswith(attachment.get_absolute_url())


def test_view_on_site_of_a_working_group(client, coord_andersberg, coord_satra, networks) -> None:
    group = WorkingGroup.objects.create(network=networks["andersberg"], name="Trygghet")
    client.force_login(coord_satra)
    assert client.get(_shortcut(group)).status_code == 404
    client.force_login(coord_andersberg)
    assert client.get(_shortcut(group)).status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/admin/r/abc/1/",
        "/admin/r/{ct}/abc/",
        "/admin/r/{ct}/99999999999999999999/",
        "/admin/r/{ct}/-1/",
        "/admin/r/99999999999999999999/1/",
        "/admin/r/{ct}/1/2/",
        "/admin/r/{ct}/%00/",
    ],
)
def test_view_on_site_with_a_bad_address_is_404(client, superuser, draft_post, path) -> None:
    client.force_login(superuser)
    url = path.format(ct=ContentType.objects.get_for_model(Post).pk)
    assert client.get(url).status_code == 404


def test_view_on_site_is_for_staff_only(client, rep_a, draft_post) -> None:
    client.force_login(rep_a)
    response = client.get(_shortcut(draft_post))
    assert response.status_code == 302
    assert draft_post.slug not in response["Location"]


# ---- the match list ----


def test_a_match_with_a_side_the_coordinator_may_not_see_is_not_listed(
    client, coord_andersberg, steering, actor_a, rep_a, actor_b, rep_b, networks
) -> None:
    ask = make_listing(actor_a, [networks["andersberg"]], author=rep_a, title="Lokal i Andersberg")
    # Actor B's offer is in Sätra only and hidden there: nothing of it is X's business.
    hidden_offer = make_listing(
        actor_b,
        [networks["satra"]],
        author=rep_b,
        direction=Listing.Direction.OFFER,
        title="Hemligt erbjudande i Sätra",
        hidden_at=timezone.now(),
    )
    shown_offer = make_listing(
        actor_b, [networks["andersberg"]], author=rep_b, direction=Listing.Direction.OFFER, title="Synligt erbjudande"
    )
    hidden_match = Match.objects.create(ask=ask, offer=hidden_offer)
    Match.objects.create(ask=ask, offer=shown_offer)
    client.force_login(coord_andersberg)
    page = client.get("/admin/borsen/match/").content.decode()
    assert "Synligt erbjudande" in page
    assert "Hemligt erbjudande i Sätra" not in page
    searched = client.get("/admin/borsen/match/", {"q": "Hemligt"}).content.decode()
    assert "Hemligt erbjudande i Sätra" not in searched
    assert client.get(f"/admin/borsen/match/{hidden_match.pk}/change/").status_code == 302
    # The steering group reads every listing, so it sees both matches.
    client.force_login(steering)
    assert "Hemligt erbjudande i Sätra" in client.get("/admin/borsen/match/").content.decode()


# ---- a selection that cannot be read ----


@pytest.fixture
def rows(actor_a, rep_a, networks) -> dict:
    x = networks["andersberg"]
    listing = make_listing(actor_a, [x], author=rep_a, hidden_at=timezone.now())
    meeting = Meeting.objects.create(
        network=x,
        title="Nätverksmöte",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=2),
        place="Träffpunkten",
    )
    post = Post.objects.create(network=x, title="Nytt", slug="nytt", summary="s", body="b")
    outbox = Outbox.objects.create(to="a@example.se", subject="s", body="b")
    return {"listing": listing, "meeting": meeting, "post": post, "outbox": outbox}


# (change list, action, user) — our own actions and Django's delete.
CHANGELISTS = [
    ("/admin/borsen/listing/", "unhide", "coord_andersberg"),
    ("/admin/borsen/listing/", "hide", "superuser"),
    ("/admin/networks/post/", "delete_selected", "coord_andersberg"),
    ("/admin/meetings/meeting/", "delete_selected", "superuser"),
    ("/admin/members/actor/", "delete_selected", "superuser"),
    ("/admin/natverk/outbox/", "retry", "superuser"),
]
BAD = ["abc", "99999999999999999999", "-99999999999999999999", "1.5", "", "1e3", "\x00"]


@pytest.mark.parametrize(("url", "action", "user"), CHANGELISTS)
@pytest.mark.parametrize("value", BAD)
def test_a_selection_that_is_no_id_is_a_message_not_a_500(request, client, rows, url, action, user, value) -> None:
    client.force_login(request.getfixturevalue(user))
    client.raise_request_exception = False
    data = {"action": action, "index": "0", "_selected_action": [str(rows["listing"].pk), value]}
    response = client.post(url + "?o=1", data)
    assert response.status_code == 302
    assert response["Location"] == url + "?o=1"
    page = client.get(response["Location"]).content.decode()
    assert UNREADABLE in page
    # Nothing was done to the readable row either.
    rows["listing"].refresh_from_db()
    assert rows["listing"].is_hidden


@pytest.mark.parametrize("select_across", ["1", "0"])
def test_select_across_with_a_bad_id_is_a_message(client, superuser, rows, select_across) -> None:
    client.force_login(superuser)
    response = client.post(
        "/admin/natverk/outbox/",
        {"action": "retry", "index": "0", "select_across": select_across, "_selected_action": ["x"]},
    )
    assert response.status_code == 302
    assert UNREADABLE in client.get("/admin/natverk/outbox/").content.decode()


def test_a_readable_selection_still_runs_the_action(client, coord_andersberg, rows) -> None:
    client.force_login(coord_andersberg)
    response = client.post(
        "/admin/borsen/listing/",
        {"action": "unhide", "index": "0", "_selected_action": [str(rows["listing"].pk), "2147483647"]},
    )
    assert response.status_code == 302
    rows["listing"].refresh_from_db()
    assert not rows["listing"].is_hidden
