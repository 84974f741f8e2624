"""Every form speaks the site's own words (core/form_messages.py): no error any form shows is
one of Django's or allauth's default texts, in any of the four languages.

The forms: every Form and ModelForm class the project defines, the admin's add form (and
inline forms) of every registered model as a superuser gets them, and the allauth forms the
site uses. Each is bound with bad data (empty; too long; "abc", 10**12 and -1 for numbers;
31/31/2027 for dates; an unknown choice; an empty file and one that is no image; a short
password and two that differ) and every error message it gives is compared with every
message text of Django's forms, validators, models, auth and admin, and of allauth's forms
and adapters: the English originals and their translations in Django's and allauth's own
catalogues for sv, en, fi and ar. A form the test cannot build is listed in SKIPPED with
the reason; none is left out silently.
"""

from __future__ import annotations

import ast
import datetime
import gettext
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import allauth
import django
import pytest
from allauth.account import app_settings as account_settings
from allauth.account import forms as account_forms
from allauth.core import context as allauth_context
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.utils import get_form_class
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminPasswordChangeForm, PasswordChangeForm
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict

from dialog.models import Question
from grants.models import Application, Pot
from members.models import Actor, User
from tests.grants.conftest import make_application
from tests.po import PLACEHOLDER

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DJANGO = Path(django.__file__).parent
ALLAUTH = Path(allauth.__file__).parent
# Where Django and allauth write the messages their forms and validators raise.
MESSAGE_SOURCES = [
    DJANGO / "forms",
    DJANGO / "core" / "validators.py",
    DJANGO / "db" / "models",
    DJANGO / "contrib" / "auth",
    DJANGO / "contrib" / "admin",
    ALLAUTH / "account",
    ALLAUTH / "mfa",
    ALLAUTH / "core",
]
CATALOGUES = [
    DJANGO / "conf" / "locale",
    DJANGO / "contrib" / "admin" / "locale",
    DJANGO / "contrib" / "auth" / "locale",
    ALLAUTH / "locale",
]
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
PROJECT_APPS = [
    "core",
    "networks",
    "members",
    "meetings",
    "grants",
    "borsen",
    "voices",
    "dialog",
    "sok",
    "digest",
    "website",
]
NOT_IMPORTED = {"migrations", "management", "wsgi"}

# Forms the test cannot bind, each with the reason. Empty today: every form is built below.
SKIPPED: dict[str, str] = {}

VARIANTS = ["empty", "wrong", "big", "small"]
UNKNOWN_CHOICE = "okänt-val"


# ---- Django's and allauth's own message texts ----


def _source_files() -> Iterator[Path]:
    for source in MESSAGE_SOURCES:
        yield from ([source] if source.is_file() else sorted(source.rglob("*.py")))


def _english_messages() -> set[str]:
    """Every string Django's and allauth's form, validator and model code marks for translation."""
    texts = set()
    for path in _source_files():
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in GETTEXT_CALLS:
                texts |= {
                    arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                }
    return texts


def _translations(english: set[str]) -> set[str]:
    """The catalogues' translations of those strings, singular and plural forms alike."""
    texts = set()
    for catalogue in CATALOGUES:
        for language in LANGUAGES:
            path = catalogue / language / "LC_MESSAGES" / "django.mo"
            if not path.exists():
                continue
            with path.open("rb") as file:
                entries = gettext.GNUTranslations(file)._catalog
            for key, msgstr in entries.items():
                msgid = (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]
                if msgid in english and msgstr:
                    texts.add(msgstr)
    return texts


def _pattern(text: str) -> str | None:
    """A regular expression for a message text, its placeholders matching anything; None for
    a text of fewer than two words besides its placeholders ("%s", "Code")."""
    parts = PLACEHOLDER.split(text)
    if len(re.findall(r"\w{2,}", " ".join(parts))) < 2:
        return None
    return ".+".join(re.escape(part.replace("%%", "%")) for part in parts)


def _compiled(texts: set[str]) -> list[tuple[str, re.Pattern]]:
    patterns = [(text, _pattern(text)) for text in sorted(texts)]
    return [(text, re.compile(pattern, re.DOTALL)) for text, pattern in patterns if pattern]


@pytest.fixture(scope="module")
def default_texts() -> list[tuple[str, re.Pattern]]:
    english = _english_messages()
    return _compiled(english | _translations(english))


def defaults_in(message: str, default_texts: list[tuple[str, re.Pattern]]) -> list[str]:
    return [text for text, pattern in default_texts if pattern.fullmatch(message)]


# ---- The forms ----


def _import_project_modules() -> None:
    for package in PROJECT_APPS:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if not NOT_IMPORTED.intersection(info.name.split(".")):
                importlib.import_module(info.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_form_classes() -> dict[str, type[forms.BaseForm]]:
    _import_project_modules()
    return {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PROJECT_APPS
        # A model form's base without a model (core.admin_inline.ConstraintsCheckedForm) is
        # built through the forms made from it.
        and not (issubclass(cls, forms.BaseModelForm) and cls._meta.model is None)
    }


class World:
    """What forms are built with: a user, an actor, applications, a superuser's request."""

    def __init__(self, superuser: User, rep_a: User, actor_a: Actor, networks: dict) -> None:
        self.superuser, self.user, self.actor, self.networks = superuser, rep_a, actor_a, networks
        today = timezone.localdate()
        self.pot = Pot.objects.create(
            year=today.year,
            name="Aktivitetspotten",
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=60),
            max_amount_per_application=20_000,
        )
        self.application = make_application(pot=self.pot, lead=actor_a)
        self.submitted = make_application(pot=self.pot, lead=actor_a, status=Application.Status.SUBMITTED)
        self.question = Question.objects.create(
            network=networks["andersberg"], author=rep_a, title="Mörkt vid gångtunneln", text="Lamporna är trasiga."
        )
        self.request = RequestFactory().post("/")
        self.request.user = superuser
        self.request.session = SessionStore()
        self.request._messages = FallbackStorage(self.request)


# (world, data, files) -> a bound form.
Factory = Callable[[World, MultiValueDict | None, MultiValueDict | None], forms.BaseForm]

# The project's forms whose constructor needs more than data: world -> the other arguments.
ARGUMENTS: dict[str, Callable[[World], dict]] = {
    "grants.forms.PartiesForm": lambda w: {"user": w.user, "pot": w.pot},
    "grants.forms.ActivityForm": lambda w: {"instance": w.application},
    "grants.forms.BudgetForm": lambda w: {"instance": w.application},
    "grants.forms.ContactForm": lambda w: {"instance": w.application},
    "grants.forms.PaymentDetailsForm": lambda w: {"instance": w.application},
    "grants.forms.ApproveForm": lambda w: {"asked": 10_000},
    "grants.forms.PayoutForm": lambda w: {"approved_on": timezone.localdate() - datetime.timedelta(days=3)},
    "grants.admin_casework.CaseworkForm": lambda w: {"application": w.submitted},
    "meetings.forms.RegistrationForm": lambda w: {"actors": [w.actor]},
    "members.forms.ActorForm": lambda w: {"user": w.user},
    "members.forms.JoinForm": lambda w: {"actor": w.actor},
    "members.forms.InvitationForm": lambda w: {"actor": w.actor},
    "members.account_forms.ChangePasswordForm": lambda w: {"user": w.user},
    "members.account_forms.SetPasswordForm": lambda w: {"user": w.user},
    "members.account_forms.ResetPasswordKeyForm": lambda w: {"user": w.user},
    "borsen.forms.ListingForm": lambda w: {"actors": Actor.objects.filter(pk=w.actor.pk)},
    "borsen.forms.FilterForm": lambda w: {"networks": list(w.networks.values())},
    "dialog.forms.ListForm": lambda w: {"networks": list(w.networks.values())},
    # The network's moves of a question, one form per move (dialog/admin_moves.py).
    **{
        f"dialog.admin_moves.{name}": lambda w: {"question": w.question}
        for name in (
            "MoveForm",
            "MeetingMoveForm",
            "WorkingGroupMoveForm",
            "ForwardMoveForm",
            "AnswerMoveForm",
            "CloseMoveForm",
            "HideMoveForm",
            "UnhideMoveForm",
        )
    },
}


def allauth_factories() -> dict[str, Factory]:
    """allauth's forms the site uses, as ACCOUNT_FORMS sets them (the site's own subclasses)."""

    def account(form_id: str, default: type, arguments: Callable[[World], dict] = lambda w: {}) -> Factory:
        cls = get_form_class(account_settings.FORMS, form_id, default)
        return lambda w, d, f: cls(data=d, **arguments(w))

    code = "ABCDEF"
    return {
        "allauth login": account("login", account_forms.LoginForm, lambda w: {"request": w.request}),
        "allauth signup": account("signup", account_forms.SignupForm),
        "allauth request_login_code": account("request_login_code", account_forms.RequestLoginCodeForm),
        "allauth confirm_login_code": account(
            "confirm_login_code", account_forms.ConfirmLoginCodeForm, lambda w: {"code": code}
        ),
        "allauth confirm_email_verification_code": account(
            "confirm_email_verification_code",
            account_forms.ConfirmEmailVerificationCodeForm,
            lambda w: {"code": code, "user": w.user, "email": w.user.email},
        ),
        "allauth reset_password": account("reset_password", account_forms.ResetPasswordForm),
        "allauth reset_password_from_key": account(
            "reset_password_from_key", account_forms.ResetPasswordKeyForm, lambda w: {"user": w.user, "temp_key": "x"}
        ),
        "allauth change_password": account(
            "change_password", account_forms.ChangePasswordForm, lambda w: {"user": w.user}
        ),
        "allauth set_password": account("set_password", account_forms.SetPasswordForm, lambda w: {"user": w.user}),
        "allauth add_email": account("add_email", account_forms.AddEmailForm, lambda w: {"user": w.user}),
        "allauth reauthenticate": account(
            "reauthenticate", account_forms.ReauthenticateForm, lambda w: {"user": w.user}
        ),
        "allauth mfa authenticate": lambda w, d, f: AuthenticateForm(data=d, user=w.superuser),
        "allauth mfa activate_totp": lambda w, d, f: ActivateTOTPForm(data=d, user=w.superuser),
    }


# The admin's own forms besides the models': its login, a staff member's password change,
# and the user admin's "change password" page.
ADMIN_PAGE_FORMS: dict[str, Factory] = {
    "admin login": lambda w, d, f: AdminAuthenticationForm(w.request, data=d),
    "admin password_change": lambda w, d, f: PasswordChangeForm(w.superuser, data=d),
    "admin user password": lambda w, d, f: AdminPasswordChangeForm(w.user, data=d),
}


def admin_factories(world: World) -> dict[str, Factory]:
    """The add form and the inline forms of every registered model, as a superuser gets them."""
    found: dict[str, Factory] = {}
    for model, model_admin in admin.site._registry.items():
        form_class = model_admin.get_form(world.request)
        found[f"admin {model._meta.label}"] = lambda w, d, f, cls=form_class: cls(data=d, files=f)
        for inline in model_admin.get_inline_instances(world.request):
            inline_form = inline.get_formset(world.request).form
            name = f"admin {model._meta.label} {type(inline).__name__}"
            found[name] = lambda w, d, f, cls=inline_form: cls(data=d, files=f)
    return found


# ---- Bad data ----


def _bad_value(field: forms.Field, variant: str, number: int):
    """What a person might type into `field`, for each variant; None leaves it out."""
    if variant == "empty" or isinstance(field, forms.BooleanField):
        return None
    plausible = variant in ("big", "small")
    if isinstance(field, forms.ImageField):
        return SimpleUploadedFile("bild.png", b"ingen bild") if plausible else SimpleUploadedFile("tom.png", b"")
    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("program.exe", b"MZ ingen pdf") if plausible else SimpleUploadedFile("tom.pdf", b"")
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return [_first_choice(field)] if plausible else [UNKNOWN_CHOICE]
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _first_choice(field) if plausible else UNKNOWN_CHOICE
    if isinstance(field, forms.IntegerField):  # Float and Decimal too.
        return {"wrong": "abc", "big": str(10**12), "small": "-1"}[variant]
    if isinstance(field, forms.SplitDateTimeField):
        return ["31/31/2027", "25.99"] if variant == "wrong" else ["1990-05-01", "1800"]
    if isinstance(field, forms.DateTimeField):
        return "31/31/2027 18.00" if variant == "wrong" else "1990-05-01 18.00"
    if isinstance(field, forms.DateField):
        return "31/31/2027" if variant == "wrong" else "1990-05-01"
    if isinstance(field, forms.TimeField):
        return "25.99" if variant == "wrong" else "1800"
    if isinstance(field, forms.EmailField):
        return "abc" if variant == "wrong" else "finns.inte@example.se"
    if isinstance(field, forms.URLField):
        return "abc" if variant == "wrong" else "https://www.example.se"
    if isinstance(field, forms.SlugField):
        return "å ä ö"
    if isinstance(field, forms.CharField) and isinstance(field.widget, forms.PasswordInput):
        # Two passwords that differ; then a short, common, all-digit one.
        return f"Ett-lösenord-som-inte-stämmer-{number}" if variant != "small" else "1234"
    if isinstance(field, forms.CharField):
        if variant == "small":
            return "x"
        return "x" * ((field.max_length or 10_000) + 1)
    return "abc"


def _first_choice(field: forms.ChoiceField) -> str:
    for value, _label in field.choices:
        if value not in ("", None):
            return str(value)
    return UNKNOWN_CHOICE


def bad_data(form: forms.BaseForm, variant: str) -> tuple[MultiValueDict, MultiValueDict]:
    data, files = MultiValueDict(), MultiValueDict()
    for number, (name, field) in enumerate(form.fields.items()):
        value = _bad_value(field, variant, number)
        if value is None or field.disabled:
            continue
        key = form.add_prefix(name)
        if isinstance(value, SimpleUploadedFile):
            files[key] = value
        elif isinstance(field.widget, forms.MultiWidget):
            for suffix, part in zip(field.widget.widgets_names, value, strict=True):
                data[key + suffix] = part
        elif isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data, files


def error_messages(form: forms.BaseForm) -> Iterator[tuple[str, str]]:
    for field, errors in form.errors.items():
        for message in errors:
            yield field, message


# ---- The tests ----


@pytest.fixture
def world(superuser, rep_a, actor_a, networks) -> Iterator[World]:
    world = World(superuser, rep_a, actor_a, networks)
    with allauth_context.request_context(world.request):
        yield world


def every_factory(world: World) -> tuple[dict[str, Factory], list[str]]:
    """Every form's factory, and the project's forms that need arguments and have none."""
    classes = project_form_classes()
    factories: dict[str, Factory] = {}
    missing = []
    for name, cls in classes.items():
        if name in SKIPPED:
            continue
        if name not in ARGUMENTS:
            try:
                cls()
            except TypeError as error:
                missing.append(f"{name}: {error}")
                continue
        arguments = ARGUMENTS.get(name, lambda w: {})
        factories[name] = lambda w, d, f, cls=cls, arguments=arguments: cls(data=d, files=f, **arguments(w))
    return factories | allauth_factories() | ADMIN_PAGE_FORMS | admin_factories(world), missing


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_form_speaks_with_djangos_or_allauths_words(world, language, default_texts) -> None:
    factories, missing = every_factory(world)
    assert not missing, "Forms this test cannot build; add their arguments to ARGUMENTS (or a reason to SKIPPED):\n" + (
        "\n".join(missing)
    )
    found = []
    seen = 0
    with translation.override(language):
        for name, factory in sorted(factories.items()):
            template = factory(world, None, None)
            for variant in VARIANTS:
                data, files = bad_data(template, variant)
                form = factory(world, data, files)
                form.is_valid()
                for field, message in error_messages(form):
                    seen += 1
                    found += [
                        f"{name} [{variant}] {field}: {message!r} is {text!r}"
                        for text in defaults_in(message, default_texts)
                    ]
    assert not found, "\n".join(found)
    assert seen > 600  # The bad data gets errors at all (about 720 in each language).


@pytest.mark.django_db
def test_every_form_is_built(world) -> None:
    """The lists above name only forms that exist, and the walk finds the site's, allauth's and admin's."""
    factories, _missing = every_factory(world)
    classes = project_form_classes()
    assert set(ARGUMENTS) <= set(classes)
    assert set(SKIPPED) <= set(classes)
    assert {"sok.forms.SearchForm", "members.account_forms.SignupForm", "allauth login"} <= set(factories)
    assert len([name for name in factories if name.startswith("admin ")]) == len(ADMIN_PAGE_FORMS) + len(
        admin.site._registry
    ) + sum(len(model_admin.inlines) for model_admin in admin.site._registry.values())


def test_the_default_texts_are_read_from_every_catalogue(default_texts) -> None:
    texts = {text for text, _pattern in default_texts}
    assert {
        "This field is required.",
        "Detta fält måste fyllas i.",
        "Tämä kenttä vaaditaan.",
        "The email address and/or password you specified are not correct.",
    } <= texts
    assert any(text.startswith("Säkerställ att detta värde har som mest") for text in texts)
    assert defaults_in("Säkerställ att detta värde har som mest 200 tecken (den har 317).", default_texts)
    assert not defaults_in("Skriv högst 200 tecken – nu är det 317.", default_texts)


def test_the_messages_read_as_the_site_writes() -> None:
    class Form(forms.Form):
        text = forms.CharField(max_length=200)
        count = forms.IntegerField(min_value=1, max_value=52)
        day = forms.DateField()
        kind = forms.ChoiceField(choices=[("a", "A")])
        email = forms.EmailField()

    with translation.override("sv"):
        assert {tuple(errors) for errors in Form(data={}).errors.values()} == {("Fyll i det här fältet.",)}
        form = Form(data={"text": "x" * 317, "count": "0", "day": "31/31/2027", "kind": "b", "email": "abc"})
        assert form.errors == {
            "text": ["Skriv högst 200 tecken – nu är det 317."],
            "count": ["Skriv ett tal som är minst 1."],
            "day": ["Skriv datumet som 2026-12-07 eller 7/12 2026."],
            "kind": ["Välj ett av alternativen i listan."],
            "email": ["Skriv en e-postadress, till exempel namn@example.se."],
        }
        assert Form(data={"count": "53"}).errors["count"] == ["Skriv ett tal som är högst 52."]
        assert Form(data={"count": "abc"}).errors["count"] == ["Skriv ett heltal med siffror, till exempel 12."]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_formsets_own_messages_are_ours(language, default_texts) -> None:
    """The rows of a formset (the budget's rows, an admin inline's): too many, too few, or
    the form's bookkeeping fields missing."""

    class Row(forms.Form):
        what = forms.CharField(max_length=10)

    Rows = forms.formset_factory(Row, max_num=2, validate_max=True, min_num=1, validate_min=True)
    too_many = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "0"}
    too_many |= {f"form-{n}-what": "rad" for n in range(3)}
    too_few = {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}
    with translation.override(language):
        messages = [
            *Rows(data=too_many).non_form_errors(),
            *Rows(data=too_few).non_form_errors(),
            *forms.formset_factory(Row)(data={}).non_form_errors(),
        ]
    assert [text for message in messages for text in defaults_in(message, default_texts)] == []
    if language == "sv":
        assert messages == [
            "Det får vara högst 2 rader.",
            "Det måste vara minst 1 rad.",
            "Formuläret kom inte fram helt. Ladda om sidan och fyll i det igen.",
        ]
