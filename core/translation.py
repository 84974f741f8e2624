"""Content that coordinators write, in Swedish and optionally in the site's other languages.

One way for every model: the Swedish text lives in the field itself (`title`), and each
other language in `settings.LANGUAGES` gets a column of its own next to it (`title_en`,
`title_fi`, `title_ar`), declared once per model with the class decorator

    @translated_fields("title", "agenda")
    class Meeting(TranslatedMixin, models.Model): ...

The columns are clones of the Swedish field (same type and `max_length`), always
`blank=True`, named "<field> (engelska)" and so on. The Swedish field keeps its own rules
(it is the one that is required). On a page in another language `obj.tr("title")` gives
that language's text when it is filled in and the Swedish text otherwise, and
`obj.is_shown_in_swedish("title")` says when the Swedish text is shown, so that the
element can carry `lang="sv"` (templates: `{{ obj|tr:"title" }}` and
`{% if obj|is_fallback:"title" %} lang="sv"{% endif %}`, networks_tags).

Why explicit columns and not django-modeltranslation: that library rewrites queries to
the current language's column, which would change search, ordering and the admin's
lookups with the visitor's language. Here every query reads the Swedish columns unless
a piece of code asks for another on purpose. A new language in `LANGUAGES` needs one
`makemigrations` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import format_lazy
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

# The language names used in column names ("rubrik (engelska)"), in Swedish like the rest
# of the admin's labels. A language missing here is named by its entry in LANGUAGES.
_LANGUAGE_NAMES_SV = {"en": _("engelska"), "fi": _("finska"), "ar": _("arabiska")}


def content_languages() -> list[str]:
    """The languages content may be translated to: every language of the site except Swedish."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def language_name(code: str) -> str:
    """A language in its own words ("English", "Suomi", "العربية"), as in LANGUAGES."""
    return str(dict(settings.LANGUAGES).get(code, code))


def is_rtl(code: str) -> bool:
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return False


def column(field: str, code: str) -> str:
    """`title`, `en` -> `title_en`."""
    return f"{field}_{code}"


def translated_columns(field: str, *, prefix: str = "") -> list[str]:
    """`title` and its column in every content language, for QuerySet.only(): what `tr()`
    and `is_shown_in_swedish()` read. `prefix` for a related model ("meeting__")."""
    return [f"{prefix}{field}", *(f"{prefix}{column(field, code)}" for code in content_languages())]


def current_content_language() -> str | None:
    """The page's language when content may be translated to it; None on Swedish pages."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in content_languages() else None


def _translation_field(source: models.Field, code: str) -> models.Field:
    """A fresh field like `source` (type, max_length), optional, named after the language."""
    _name, _path, args, kwargs = source.deconstruct()
    for key in ("unique", "db_index", "primary_key", "null", "default", "help_text", "choices"):
        kwargs.pop(key, None)
    kwargs["blank"] = True
    kwargs["verbose_name"] = format_lazy("{} ({})", source.verbose_name, _LANGUAGE_NAMES_SV.get(code, code))
    return source.__class__(*args, **kwargs)


def translated_fields(*fields: str) -> Callable[[type[models.Model]], type[models.Model]]:
    """Class decorator: add a `<field>_<language>` column for each field and content language.

    A column that the class declares itself is left alone (so a model may give one
    language's column other rules), but the usual way is to declare none.
    """

    def decorate(model: type[models.Model]) -> type[models.Model]:
        existing = {field.name for field in model._meta.local_fields}
        for name in fields:
            source = model._meta.get_field(name)
            if not isinstance(source, models.CharField | models.TextField):
                raise TypeError(f"{model.__name__}.{name}: only text fields can be translated")
            for code in content_languages():
                if column(name, code) not in existing:
                    model.add_to_class(column(name, code), _translation_field(source, code))
        model.translated_field_names = tuple(fields)
        return model

    return decorate


def missing_translation_q(model: type[models.Model], code: str) -> Q:
    """Rows where some filled-in Swedish text has no translation to `code`."""
    query = Q(pk__in=[])
    for name in model.translated_field_names:
        query |= ~Q(**{name: ""}) & Q(**{column(name, code): ""})
    return query


class TranslatedMixin:
    """`tr()` and `is_shown_in_swedish()` for models declared with `translated_fields`."""

    translated_field_names: tuple[str, ...] = ()

    def translation(self, field: str, code: str) -> str:
        """The text of `field` in `code`, empty when it is not translated (blank counts as empty)."""
        value = getattr(self, column(field, code), "") or ""
        return value if value.strip() else ""

    def tr(self, field: str) -> str:
        """The text in the page's language when there is one, otherwise the Swedish text."""
        code = current_content_language()
        if code:
            translated = self.translation(field, code)
            if translated:
                return translated
        return getattr(self, field)

    def is_shown_in_swedish(self, field: str) -> bool:
        """True when a page in another language falls back to the Swedish text (for `lang="sv"`)."""
        code = current_content_language()
        return code is not None and not self.translation(field, code)

    def shown_language(self, field: str) -> str:
        """The language of the text `tr(field)` gives: the page's, or Swedish on a fallback."""
        code = current_content_language()
        if code and self.translation(field, code):
            return code
        return settings.LANGUAGE_CODE

    def missing_translations(self) -> dict[str, list[str]]:
        """For each content language, the filled-in Swedish fields that have no translation yet."""
        missing: dict[str, list[str]] = {}
        for code in content_languages():
            fields = [
                name
                for name in self.translated_field_names
                if (getattr(self, name) or "").strip() and not self.translation(name, code)
            ]
            if fields:
                missing[code] = fields
        return missing

    def translated_languages(self) -> list[str]:
        """The content languages every filled-in Swedish field is translated to."""
        missing = self.missing_translations()
        return [code for code in content_languages() if code not in missing]


class _LanguageTaggingHandler:
    """Wraps the feed's XML writer: adds `xml:lang` to the entry elements named in `languages`."""

    def __init__(self, handler, languages: dict[str, str]) -> None:
        self._handler = handler
        self._languages = languages

    def addQuickElement(self, name, contents=None, attrs=None):  # noqa: N802 (the XML writer's name)
        attrs = dict(attrs or {})
        if name in self._languages:
            attrs["xml:lang"] = self._languages[name]
        self._handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self._handler, name)


class ContentLanguageAtom1Feed(Atom1Feed):
    """An Atom feed whose entries say `xml:lang="sv"` on a title or summary that fell back to Swedish.

    The feed itself has the page's language (`/en/…` gives `xml:lang="en"`); a feed's
    `item_extra_kwargs` passes `content_languages={"title": "sv"}` for the fallbacks
    (`fallback_languages()` below).
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(_LanguageTaggingHandler(handler, item.get("content_languages") or {}), item)


def fallback_languages(obj: TranslatedMixin, **elements: str) -> dict[str, str]:
    """For a feed entry: `fallback_languages(post, title="title", summary="summary")` gives
    `{"title": "sv"}` when the post's title is shown in Swedish on a page in another language."""
    return {element: settings.LANGUAGE_CODE for element, field in elements.items() if obj.is_shown_in_swedish(field)}
