"""The admin of translated content (core/translation.py): one mixin for every such model.

- The Swedish fields stay where the admin class puts them (they are the required ones);
  after the last fieldset that holds one of them come a note on what is missing and one
  collapsed fieldset per language ("English", "Suomi", "العربية") with that language's
  columns. The inputs carry `lang` (and `dir="rtl"` for Arabic).
- The list gets a column "översatt till" (`en, ar` or `–`) and a filter "saknar
  översättning till" per language.

A language counts as translated when every filled-in Swedish text has its translation:
an empty agenda or no minutes yet need none.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.translation import (
    column,
    content_languages,
    is_rtl,
    language_name,
    missing_translation_q,
)

STATUS_FIELD = "translation_status"


def _direction(code: str) -> str:
    return "rtl" if is_rtl(code) else "ltr"


def _language_heading(code: str):
    return format_html('<span lang="{}" dir="{}">{}</span>', code, _direction(code), language_name(code))


def translation_columns(model) -> dict[str, str]:
    """Every translation column of `model` with its language: {"title_en": "en", …}."""
    return {column(name, code): code for name in model.translated_field_names for code in content_languages()}


def language_input_attrs(model, field_name: str) -> dict[str, str]:
    """`lang` (and `dir`) for the input of a translated field or of its Swedish original."""
    code = translation_columns(model).get(field_name)
    if code:
        return {"lang": code, "dir": _direction(code)}
    if field_name in model.translated_field_names:
        return {"lang": settings.LANGUAGE_CODE}
    return {}


class TranslatedWidgetsMixin:
    """`lang`/`dir` on the inputs of translated fields; for inlines and admins alike."""

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        attrs = language_input_attrs(self.model, db_field.name)
        if field is not None and attrs:
            field.widget.attrs.update(attrs)
        return field


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("saknar översättning till")
    parameter_name = "saknar_oversattning"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [(code, language_name(code)) for code in content_languages()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        code = self.value()
        if code in content_languages():
            return queryset.filter(missing_translation_q(queryset.model, code))
        return queryset


class TranslatedAdminMixin(TranslatedWidgetsMixin):
    """For the ModelAdmin of a model declared with `translated_fields`."""

    def _split_fields(self, fields, hidden: set[str]) -> list:
        kept = []
        for entry in fields:
            if isinstance(entry, list | tuple):
                line = [name for name in entry if name not in hidden]
                if line:
                    kept.append(tuple(line) if len(line) > 1 else line[0])
            elif entry not in hidden:
                kept.append(entry)
        return kept

    def get_fieldsets(self, request: HttpRequest, obj=None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        columns = translation_columns(self.model)
        hidden = {*columns, STATUS_FIELD}
        kept = []
        last_swedish = -1
        shown: set[str] = set()
        for name, options in fieldsets:
            fields = self._split_fields(options.get("fields", []), hidden)
            if not fields:
                continue
            kept.append((name, {**options, "fields": fields}))
            flat = set(flatten(fields))
            if flat & set(self.model.translated_field_names):
                last_swedish = len(kept) - 1
                shown |= flat
        originals = [name for name in self.model.translated_field_names if name in shown]
        if not originals:
            return kept
        added = []
        if obj is not None and obj.pk is not None:
            added.append(
                (
                    _("Översättningar"),
                    {
                        "fields": [STATUS_FIELD],
                        "description": _(
                            "Svenska krävs. De andra språken är frivilliga: där en text saknas visas den svenska."
                        ),
                    },
                )
            )
        for code in content_languages():
            added.append(
                (
                    _language_heading(code),
                    {"fields": [column(name, code) for name in originals], "classes": ["collapse"]},
                )
            )
        return kept[: last_swedish + 1] + added + kept[last_swedish + 1 :]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A translation is read-only where its Swedish text is (a listing is its poster's words).
        readonly += [
            name
            for name, _code in translation_columns(self.model).items()
            if name.rsplit("_", 1)[0] in readonly and name not in readonly
        ]
        if STATUS_FIELD not in readonly:
            readonly.append(STATUS_FIELD)
        return readonly

    def get_list_display(self, request: HttpRequest):
        return [*super().get_list_display(request), "translated_to"]

    def get_list_filter(self, request: HttpRequest):
        return [*super().get_list_filter(request), MissingTranslationFilter]

    @admin.display(description=_("översatt till"))
    def translated_to(self, obj) -> str:
        return ", ".join(obj.translated_languages()) or "–"

    @admin.display(description=_("saknas"))
    def translation_status(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "–"
        missing = obj.missing_translations()
        if not missing:
            return _("Allt är översatt till alla språk.")
        return format_html_join(
            "",
            '<p><span lang="{}" dir="{}">{}</span>: {}</p>',
            (
                (
                    code,
                    _direction(code),
                    language_name(code),
                    ", ".join(str(self.model._meta.get_field(name).verbose_name) for name in names),
                )
                for code, names in missing.items()
            ),
        )
