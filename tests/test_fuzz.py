"""Fuzz every form a resident, representative, coordinator and steering member can submit.

Each form is fetched as its user, its fields read from the HTML (so a new field is
fuzzed without touching this file) and posted again with nasty values: NUL and other
control characters, line breaks, 100 kB of text, far dates and image bombs. The admin
add and change forms are found by walking the admin index as each staff user.

Asserted: never a server error; a refused value answers 200 with the form and an error
on the fuzzed field; afterwards no text column holds a control character, and no
one-line column a line break. Run on SQLite and on PostgreSQL (which refuses NUL).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.utils import timezone

from borsen.models import Listing
from core.text import CONTROL_CHARACTERS, LINE_BREAKS
from dialog.models import Question
from grants.models import Application
from meetings.models import Registration
from members.models import Invitation, Representation
from networks.models import Post, WorkingGroup
from tests.conftest import PASSWORD
from tests.grants.conftest import actor_c, make_application, pot, rep_c  # noqa: F401 - fixtures used below
from tests.images import png_bomb, png_claiming
from tests.meetings.conftest import make_meeting
from voices.models import Voice

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("members", "networks", "meetings", "grants", "borsen", "voices", "dialog")
TEXT_VALUES = {
    "nul": "Hej\x00då",
    "control": "Hej\x01\x08\x1b\x7f\x9fdå",
    "long": "x" * 100_000,
    # Last: several lines are fine in a text area, so this one may be saved.
    "line-break": "Rad ett\nRad två",
}
REFUSED_TEXT = {"nul", "control"}
DATE_VALUES = ["9999-12-31", "0001-01-01", "1900-01-01"]
IMAGES = {"claims-40000x40000": png_claiming, "real-bomb": png_bomb}
TEXT_KINDS = {"text", "textarea", "password"}


# ---- Reading a form from the page ----


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, password, date, time, file, hidden, choice, submit
    values: list[str] = field(default_factory=list)


@dataclass
class PostForm:
    action: str | None
    fields: list[FormField] = field(default_factory=list)
    _submit_seen: bool = False


class _FormReader(HTMLParser):
    def __init__(self, method: str = "post") -> None:
        super().__init__(convert_charrefs=True)
        self.method = method
        self.forms: list[PostForm] = []
        self.current: PostForm | None = None
        self.textarea: FormField | None = None
        self.select: FormField | None = None
        self.select_first: str | None = None

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attr_list}
        if tag == "form":
            if attrs.get("method", "get").lower() == self.method:
                self.current = PostForm(action=attrs.get("action") or None)
            return
        form, name = self.current, attrs.get("name")
        if form is None or not name or "__prefix__" in name or "disabled" in attrs:
            return
        if tag == "input":
            self._input(form, name, attrs)
        elif tag == "textarea":
            self.textarea = FormField(name, "textarea", [""])
            form.fields.append(self.textarea)
        elif tag == "select":
            self.select = FormField(name, "choice", [])
            self.select_first = None
            form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            if self.select_first is None:
                self.select_first = attrs.get("value", "")
            if "selected" in attrs:
                self.select.values.append(attrs.get("value", ""))

    def _input(self, form: PostForm, name: str, attrs: dict[str, str]) -> None:
        kind = attrs.get("type", "text").lower()
        classes = attrs.get("class", "").split()
        value = attrs.get("value", "")
        if kind in ("submit", "button", "image"):
            if kind == "submit" and not form._submit_seen:
                form._submit_seen = True
                form.fields.append(FormField(name, "submit", [value]))
            return
        if kind in ("checkbox", "radio"):
            form.fields.append(FormField(name, "choice", [value or "on"] if "checked" in attrs else []))
            return
        if kind == "date" or {"vDateField", "input--date"} & set(classes):
            kind = "date"
        elif kind == "time" or "vTimeField" in classes:
            kind = "time"
        elif kind in ("file", "hidden", "password"):
            pass
        elif "readonly" in attrs:
            kind = "hidden"
        else:
            kind = "text"
        form.fields.append(FormField(name, kind, [value]))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.values = [self.textarea.values[0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            # The HTML spec drops one newline right after <textarea>.
            self.textarea.values = [self.textarea.values[0].removeprefix("\n")]
            self.textarea = None
        elif tag == "select" and self.select is not None:
            if not self.select.values and self.select_first is not None:
                self.select.values = [self.select_first]
            self.select = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def read_form(html: str, page_path: str, action: str | None) -> PostForm:
    """The post form of the page that posts to `action` (or to the page itself)."""
    reader = _FormReader()
    reader.feed(html)
    wanted = action or page_path
    matching = [form for form in reader.forms if (form.action or page_path) == wanted]
    assert matching, f"No form posting to {wanted} on {page_path}"
    return max(matching, key=lambda form: len(form.fields))


def baseline(form: PostForm) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for item in form.fields:
        if item.kind != "file":
            data.setdefault(item.name, []).extend(item.values)
    return data


# ---- What an answer must look like ----


def _context_forms(response) -> Iterator:
    """Every form (with its formsets' and the admin's wrappers unpacked) in the context."""
    from django.forms import BaseForm, BaseFormSet

    seen: set[int] = set()
    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [value for context in contexts if context is not None for value in context.flatten().values()]
    for value in values:
        candidates = [value]
        if isinstance(value, list | tuple):
            candidates = [part for item in value for part in (item if isinstance(item, list | tuple) else (item,))]
        for candidate in candidates:
            candidate = getattr(candidate, "form", None) or getattr(candidate, "formset", None) or candidate
            if isinstance(candidate, BaseFormSet):
                forms = list(candidate.forms)
            elif isinstance(candidate, BaseForm):
                forms = [candidate]
            else:
                continue
            for form in forms:
                if id(form) not in seen:
                    seen.add(id(form))
                    yield form


def fields_with_errors(response) -> set[str]:
    names = set()
    for form in _context_forms(response):
        for name in form.errors:
            names.add(form.add_prefix(name))
    return names


def _field_of(posted_name: str) -> str:
    """The form field a posted name belongs to: the admin splits date and time in two."""
    for suffix in ("_0", "_1"):
        if posted_name.endswith(suffix):
            return posted_name.removesuffix(suffix)
    return posted_name


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)

    def check(self, label: str, response, *, must_refuse: list[str]) -> None:
        if response.status_code >= 500:
            self.problems.append(f"{label}: {response.status_code}")
            return
        if not must_refuse:
            return
        if response.status_code != 200:
            self.problems.append(f"{label}: answered {response.status_code}, not the form with an error")
            return
        errors = fields_with_errors(response)
        missing = sorted({_field_of(name) for name in must_refuse} - errors)
        if missing:
            self.problems.append(f"{label}: no error on {', '.join(missing)}")


def fuzz_form(client: Client, label: str, page: Callable[[], object], page_path: str, action: str | None) -> Outcome:
    """Post every nasty value into the form on the page; return what went wrong."""
    outcome = Outcome()
    first = page()
    assert first.status_code == 200, f"{label}: the form page answered {first.status_code}"
    form = read_form(first.content.decode(), page_path, action)
    target = action or page_path
    by_kind: dict[str, list[str]] = {}
    for item in form.fields:
        by_kind.setdefault(item.kind, []).append(item.name)
    text_fields = sorted({name for kind in TEXT_KINDS for name in by_kind.get(kind, [])})
    runs: list[tuple[str, dict, list[str]]] = []
    choice_fields = sorted(set(by_kind.get("choice", []) + by_kind.get("hidden", [])))
    for value_name, value in TEXT_VALUES.items():
        data = baseline(form)
        if text_fields:
            for name in text_fields:
                data[name] = [value]
            must = [n for n in text_fields if n not in by_kind.get("password", [])]
            runs.append((value_name, data, must if value_name in REFUSED_TEXT else []))
        else:
            # A form of buttons and choices: nasty values where the choices go.
            for name in choice_fields:
                if name != "csrfmiddlewaretoken":
                    data[name] = [value]
            runs.append((value_name, data, []))
    for value in DATE_VALUES:
        if by_kind.get("date"):
            data = baseline(form)
            for name in by_kind["date"]:
                data[name] = [value]
            runs.append((value, data, by_kind["date"]))
    for image_name, make in IMAGES.items():
        if by_kind.get("file"):
            data = baseline(form)
            for name in by_kind["file"]:
                data[name] = [SimpleUploadedFile(f"{image_name}.png", make(), content_type="image/png")]
            runs.append((image_name, data, by_kind["file"]))
    # Refused values first, so a form that accepts a value (and moves on) comes last.
    runs.sort(key=lambda run: not run[2])
    for value_name, data, must in runs:
        response = client.post(target, data)
        outcome.check(f"{label} [{value_name}]", response, must_refuse=must)
    return outcome


def assert_nothing_stored_with_control_characters() -> None:
    found = []
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            text = [f for f in model._meta.local_fields if isinstance(f, models.CharField | models.TextField)]
            for row in model._default_manager.values("pk", *[f.name for f in text]):
                for f in text:
                    value = row[f.name] or ""
                    if CONTROL_CHARACTERS.search(value):
                        found.append(f"{model.__name__}.{f.name} #{row['pk']}: control character")
                    if isinstance(f, models.CharField) and LINE_BREAKS.search(value):
                        found.append(f"{model.__name__}.{f.name} #{row['pk']}: line break")
    assert not found, found


# ---- The cast's world: something to edit in every form ----


@dataclass
class World:
    draft: Application
    submitted: Application
    in_review: Application
    approved: Application
    paid: Application
    to_confirm: Application
    meeting_pk: int
    registration_pk: int
    invitation_token: str
    listing_pk: int


@pytest.fixture
def world(pot, networks, actor_a, rep_a, actor_b, rep_b, actor_c, rep_c, resident, settings, tmp_path) -> World:  # noqa: F811
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=10)
    cancel_me = make_meeting(networks["andersberg"], title="Avbokas", registration_enabled=True, capacity=10)
    registration = Registration.objects.create(meeting=cancel_me, user=resident)
    make_meeting(networks["satra"], title="Sätraträff")
    Post.objects.create(title="Nyhet", slug="nyhet", summary="Kort", body="Lång", network=networks["andersberg"])
    WorkingGroup.objects.create(network=networks["andersberg"], name="Trygghet")
    Voice.objects.create(
        network=networks["andersberg"],
        quote="Nätverket gav oss en lokal.",
        person_name="Anna Andersson",
        consent_given_at=timezone.localdate(),
        consent_recorded="skriftligt samtycke",
    )
    to_confirm = make_application(pot=pot, lead=actor_b, co=[actor_c], confirmed=False)
    invitation = Invitation.objects.create(
        actor=actor_a,
        email=resident.email,
        role=Representation.Role.CONTACT,
        token="fuzz-token-0123456789",
        invited_by=rep_a,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return World(
        draft=make_application(pot=pot, lead=actor_a),
        submitted=make_application(pot=pot, lead=actor_a, status=Application.Status.SUBMITTED),
        in_review=make_application(pot=pot, lead=actor_a, status=Application.Status.IN_REVIEW),
        approved=make_application(pot=pot, lead=actor_a, status=Application.Status.APPROVED),
        paid=make_application(pot=pot, lead=actor_a, status=Application.Status.PAID),
        to_confirm=to_confirm,
        meeting_pk=meeting.pk,
        registration_pk=registration.pk,
        invitation_token=invitation.token,
        listing_pk=_listing(actor_a, networks["andersberg"]).pk,
    )


def _listing(actor, network) -> Listing:
    listing = Listing.objects.create(
        actor=actor,
        direction=Listing.Direction.ASK,
        kind=Listing.Kind.VENUE,
        title="Lokal för 30 personer",
        text="En lördag.",
        last_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    listing.networks.set([network])
    return listing


# (who, page, where the form posts or None for the page itself)
SITE_FORMS: dict[str, tuple[str, Callable[[World], str], Callable[[World], str] | None]] = {
    "actor-create": ("resident", lambda w: "/mina-sidor/aktorer/ny/", None),
    "actor-message": ("resident", lambda w: "/aktorer/foreningen-alfa/meddelande/", None),
    "meeting-sign-up": ("resident", lambda w: f"/moten/{w.meeting_pk}/", lambda w: f"/moten/{w.meeting_pk}/anmalan/"),
    # The cancel button is on its confirmation page, which posts to itself.
    "meeting-cancel": ("resident", lambda w: f"/mina-sidor/moten/{w.registration_pk}/avboka/", None),
    "invitation-accept": ("resident", lambda w: f"/mina-sidor/inbjudan/{w.invitation_token}/", None),
    "account-delete": ("resident", lambda w: "/mina-sidor/mina-uppgifter/radera/", None),
    "digest-subscriptions": ("resident", lambda w: "/mina-sidor/veckobrev/", None),
    "actor-edit": ("rep_a", lambda w: "/mina-sidor/aktorer/foreningen-alfa/", None),
    "actor-join": ("rep_a", lambda w: "/mina-sidor/aktorer/foreningen-alfa/ga-med/", None),
    "actor-invite": ("rep_a", lambda w: "/mina-sidor/aktorer/foreningen-alfa/bjud-in/", None),
    "grant-step-1-new": ("rep_a", lambda w: "/bidrag/ansok/", None),
    "grant-step-1": ("rep_a", lambda w: f"/bidrag/ansokningar/{w.draft.pk}/steg/1/", None),
    "grant-step-2": ("rep_a", lambda w: f"/bidrag/ansokningar/{w.draft.pk}/steg/2/", None),
    "grant-step-3": ("rep_a", lambda w: f"/bidrag/ansokningar/{w.draft.pk}/steg/3/", None),
    "grant-step-4": ("rep_a", lambda w: f"/bidrag/ansokningar/{w.draft.pk}/steg/4/", None),
    "grant-withdraw": ("rep_a", lambda w: f"/bidrag/ansokningar/{w.submitted.pk}/aterkalla/", None),
    "grant-report": ("rep_a", lambda w: f"/bidrag/ansokningar/{w.paid.pk}/aterrapport/", None),
    "grant-confirm": ("rep_c", lambda w: f"/bidrag/ansokningar/{w.to_confirm.pk}/bekrafta/", None),
    "borsen-create": ("rep_a", lambda w: "/borsen/nytt/", None),
    "borsen-edit": ("rep_a", lambda w: f"/borsen/{w.listing_pk}/andra/", None),
    "borsen-solve": ("rep_a", lambda w: f"/borsen/{w.listing_pk}/lost/", None),
    "borsen-answer": ("resident", lambda w: f"/borsen/{w.listing_pk}/svara/", None),
    "dialog-create": ("resident", lambda w: "/fragor/ny/", None),
    "actor-message-guest": ("anonymous", lambda w: "/aktorer/foreningen-alfa/meddelande/", None),
    "login": ("anonymous", lambda w: "/konto/login/", None),
    "signup": ("anonymous", lambda w: "/konto/signup/", None),
    "password-reset": ("anonymous", lambda w: "/konto/password/reset/", None),
    "login-code": ("anonymous", lambda w: "/konto/login/code/", None),
}


@pytest.mark.parametrize("name", list(SITE_FORMS))
def test_site_form(name: str, world: World, request: pytest.FixtureRequest, client: Client) -> None:
    who, page, action = SITE_FORMS[name]
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    page_path = page(world)
    outcome = fuzz_form(client, name, lambda: client.get(page_path), page_path, action(world) if action else None)
    assert not outcome.problems, outcome.problems
    assert_nothing_stored_with_control_characters()


def _admin_form_pages(client: Client) -> Iterator[tuple[str, str]]:
    """(label, path) of every add form and one change form per model the user may reach."""
    index = client.get("/admin/")
    assert index.status_code == 200
    for app in index.context["app_list"]:
        for model in app["models"]:
            if model.get("add_url"):
                yield f"{model['object_name']} add", model["add_url"]
            if model.get("admin_url"):
                changelist = client.get(model["admin_url"])
                if changelist.status_code != 200 or "cl" not in changelist.context:
                    continue
                cl = changelist.context["cl"]
                first = next(iter(cl.result_list), None)
                if first is not None and cl.model_admin.has_change_permission(changelist.wsgi_request, first):
                    yield f"{model['object_name']} change", cl.url_for_result(first)


@pytest.mark.parametrize("who", ["coord_andersberg", "steering"])
def test_admin_forms(who: str, world: World, request: pytest.FixtureRequest, client: Client) -> None:
    client.force_login(request.getfixturevalue(who))
    pages = list(_admin_form_pages(client))
    # The coordinator reaches meetings, news, working groups, memberships and more; steering the pots.
    assert len(pages) >= {"coord_andersberg": 6, "steering": 2}[who], pages
    problems = []
    for label, path in pages:
        problems += fuzz_form(client, f"{who} {label}", lambda path=path: client.get(path), path, None).problems
    assert not problems, problems
    assert_nothing_stored_with_control_characters()


def test_admin_series_planner(world: World, coord_andersberg, client: Client) -> None:
    client.force_login(coord_andersberg)
    path = "/admin/meetings/meeting/planera-serie/"
    outcome = fuzz_form(client, "series", lambda: client.get(path), path, None)
    assert not outcome.problems, outcome.problems
    assert_nothing_stored_with_control_characters()


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "in_review"), ("reject", "in_review"), ("ask_for_completion", "in_review"), ("mark_paid", "approved")],
)
def test_admin_grant_action_forms(action: str, status: str, world: World, steering, client: Client) -> None:
    client.force_login(steering)
    path = "/admin/grants/application/"
    chosen = {"action": action, "_selected_action": [getattr(world, status).pk]}
    outcome = fuzz_form(client, action, lambda: client.post(path, chosen), path, None)
    assert not outcome.problems, outcome.problems
    assert_nothing_stored_with_control_characters()


@pytest.mark.parametrize(
    ("move", "status"),
    [("bevilja", "in_review"), ("avsla", "in_review"), ("komplettering", "in_review"), ("utbetald", "approved")],
)
def test_admin_decision_pages(move: str, status: str, world: World, steering, client: Client) -> None:
    client.force_login(steering)
    path = f"/admin/grants/application/{getattr(world, status).pk}/beslut/{move}/"
    outcome = fuzz_form(client, move, lambda: client.get(path), path, None)
    assert not outcome.problems, outcome.problems
    assert_nothing_stored_with_control_characters()


@pytest.mark.parametrize("move", ["mote", "arbetsgrupp", "vidare", "besvarad", "avslutad", "dolj"])
def test_admin_question_move_pages(
    move: str, world: World, networks, resident, coord_andersberg, client: Client
) -> None:
    """A question's move pages (dialog/admin_moves.py): nasty values refused, never stored."""
    question = Question.objects.create(
        network=networks["andersberg"], author=resident, title="Mörkt", text="Trasiga lampor."
    )
    client.force_login(coord_andersberg)
    path = f"/admin/dialog/question/{question.pk}/steg/{move}/"
    outcome = fuzz_form(client, move, lambda: client.get(path), path, None)
    assert not outcome.problems, outcome.problems
    assert_nothing_stored_with_control_characters()


def test_login_with_nasty_values_never_logs_in(client: Client, resident) -> None:
    """The login form's password is never refused for its characters: a wrong one just fails."""
    for value in TEXT_VALUES.values():
        response = client.post("/konto/login/", {"login": resident.email, "password": PASSWORD + value})
        assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_fuzzer_finds_fields_and_refusals(world: World, rep_a, client: Client) -> None:
    """Guard against a fuzzer that silently posts nothing: step 2 has every kind of field."""
    client.force_login(rep_a)
    path = f"/bidrag/ansokningar/{world.draft.pk}/steg/2/"
    form = read_form(client.get(path).content.decode(), path, None)
    kinds = {item.name: item.kind for item in form.fields}
    assert kinds["description"] == "textarea" and kinds["place"] == "text" and kinds["ends_on"] == "date"
    data = baseline(form) | {"ends_on": ["9999-12-31"], "place": ["Torget\x00"]}
    response = client.post(path, data)
    assert fields_with_errors(response) >= {"ends_on", "place"}


# ---- Searches and filters (GET): control characters are dropped, never a server error ----

SITE_SEARCHES = [
    "/aktorer/",
    "/moten/",
    "/moten/arkiv/",
    "/bidrag/beviljade/",
    "/nyheter/",
    "/borsen/",
    "/fragor/",
    "/sok/",
]


def _query_names(html: str) -> set[str]:
    """Every name a GET form on the page sends, and every key of the page's ?links."""
    reader = _FormReader(method="get")
    reader.feed(html)
    names = {item.name for form in reader.forms for item in form.fields}
    for query in re.findall(r'href="\?([^"#]*)"', html):
        names.update(key for key, _value in parse_qsl(unescape(query), keep_blank_values=True))
    return names


def _fuzz_queries(client: Client, path: str) -> list[str]:
    problems = []
    page = client.get(path)
    assert page.status_code == 200, path
    names = _query_names(page.content.decode()) | {"q", "sida", "p", "o"}
    for value in [*TEXT_VALUES.values(), *DATE_VALUES, "-1", "99999999999999999999"]:
        response = client.get(path, dict.fromkeys(names, value))
        if response.status_code >= 500:
            problems.append(f"{path} {sorted(names)} = {value[:20]!r}: {response.status_code}")
    return problems


def test_site_searches_and_filters(world: World, resident, client: Client) -> None:
    client.force_login(resident)
    problems = [problem for path in SITE_SEARCHES for problem in _fuzz_queries(client, path)]
    assert not problems, problems


@pytest.mark.parametrize("who", ["coord_andersberg", "steering"])
def test_admin_searches_and_filters(who: str, world: World, request: pytest.FixtureRequest, client: Client) -> None:
    client.force_login(request.getfixturevalue(who))
    index = client.get("/admin/")
    changelists = [model["admin_url"] for app in index.context["app_list"] for model in app["models"]]
    assert changelists
    problems = [problem for path in changelists for problem in _fuzz_queries(client, path)]
    assert not problems, problems
