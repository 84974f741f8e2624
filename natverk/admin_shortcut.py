"""The portal's admin site: Django's, with two holes closed for every ModelAdmin at once.

- "Visa på webbplatsen" (`/admin/r/<content_type_id>/<object_id>/`): Django's shortcut
  redirects any staff user to any row's address, so a coordinator could learn the slug of
  another network's non-public actor or unpublished news by counting ids. Here the row must
  be one the user may view in its own ModelAdmin (in its `get_queryset(request)`, which
  keeps coordinators to their networks, and `has_view_permission(request, obj)`), or, for
  a model shown only as an inline, its parent row must be; anything else is 404, the same
  answer as for a row that does not exist.
- An action posted on a change list with a selection that is not an id of the model
  (`_selected_action=abc`, or a number beyond the column's range) was a server error;
  it is now a message and a redirect back to the list.

`natverk.apps.NatverkAdminConfig` makes this the default site, so `admin.site` and every
`@admin.register` use it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper

from django.contrib import messages
from django.contrib.admin import AdminSite, ModelAdmin, helpers
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.forms.models import _get_foreign_key
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse_lazy
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from website import handbook

# Longer than any id of ours (a bigint has 20 characters with its sign, a UUID 36).
ID_MAX_LENGTH = 64
SELECTION_UNREADABLE = gettext_lazy("Markeringen kunde inte läsas. Välj raderna igen.")


def _concrete_pk(model: type[models.Model]) -> models.Field:
    """The field whose column holds the id (a one-to-one primary key stores its target's)."""
    field = model._meta.pk
    while field.is_relation:
        field = field.target_field
    return field


def id_value(model: type[models.Model], raw: str):
    """`raw` as an id of `model` that the database can compare, or None when it cannot be one."""
    if not isinstance(raw, str) or len(raw) > ID_MAX_LENGTH or "\x00" in raw:
        return None
    field = _concrete_pk(model)
    try:
        value = field.to_python(raw)
    except (ValidationError, ValueError, TypeError):
        return None
    if value is None:
        return None
    limits = connections[router.db_for_read(model)].ops.integer_field_ranges.get(field.get_internal_type())
    if limits is not None and not limits[0] <= value <= limits[1]:
        return None
    return value


def selection_is_readable(model: type[models.Model], values: list[str]) -> bool:
    return all(id_value(model, value) is not None for value in values)


class NatverkAdminSite(AdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None):
        """Django's list of apps and models, built when a page uses it (the index, an app's
        page), not on every admin page: each_context() asks for it on all of them, and it
        checks four permissions of every model (a tenth of a change list's time, make
        bench). With the navigation sidebar off no other page shows it."""
        return SimpleLazyObject(lambda: super(NatverkAdminSite, self).get_app_list(request, app_label))

    def get_urls(self) -> list:
        urls = super().get_urls()
        checked = self._wrap(self.view_on_site)
        # The staff handbook (docs/handbok/) under "Hjälp", behind the admin's login.
        handbook_urls = [
            path("hjalp/", self._wrap(handbook.handbook), name="handbook"),
            path("hjalp/<slug:page>/", self._wrap(handbook.handbook_page), name="handbook-page"),
            path("hjalp/bilder/<slug:name>.png", self._wrap(handbook.handbook_image), name="handbook-image"),
        ]
        return handbook_urls + [
            path("r/<path:content_type_id>/<path:object_id>/", checked, name="view_on_site")
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in urls
        ]

    def _wrap(self, view: Callable) -> Callable:
        # As AdminSite.get_urls wraps its own views: login and staff checked, never cached.
        def wrapper(*args, **kwargs):
            return self.admin_view(view)(*args, **kwargs)

        wrapper.admin_site = self
        wrapper.login_url = reverse_lazy("admin:login", current_app=self.name)
        return update_wrapper(wrapper, view)

    # ---- view on site ----

    def view_on_site(self, request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
        if viewable_object(self, request, content_type_id, object_id) is None:
            raise Http404(_("Raden finns inte, eller så får du inte se den."))
        return shortcut(request, content_type_id, object_id)

    # ---- the change lists' actions ----

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, ModelAdmin) and getattr(view, "__name__", "") == "changelist_view":
            view = _with_readable_selection(model_admin, view)
        return super().admin_view(view, cacheable)


def _with_readable_selection(model_admin: ModelAdmin, view: Callable) -> Callable:
    """The change list, after checking that every selected row is an id of the model.

    Django filters the list by the selection (`pk__in`) when it runs an action: a value
    that is no id raised there, a server error. The check comes after the admin's login
    and CSRF checks (admin_view wraps this).
    """

    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if request.method == "POST" else []
        if not selection_is_readable(model_admin.model, selected):
            model_admin.message_user(request, SELECTION_UNREADABLE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return view(request, *args, **kwargs)

    return update_wrapper(checked, view)


def viewable_object(site: AdminSite, request: HttpRequest, content_type_id: str, object_id: str):
    """The row if the user may view it in the admin, else None."""
    ct_id = id_value(ContentType, content_type_id)
    content_type = ContentType.objects.filter(pk=ct_id).first() if ct_id is not None else None
    model = content_type.model_class() if content_type is not None else None
    if model is None:
        return None
    pk = id_value(model, object_id)
    if pk is None:
        return None
    model_admin = site._registry.get(model)
    if model_admin is not None:
        obj = model_admin.get_queryset(request).filter(pk=pk).first()
        return obj if obj is not None and model_admin.has_view_permission(request, obj) else None
    return _viewable_inline_object(site, request, model, pk)


def _viewable_inline_object(site: AdminSite, request: HttpRequest, model: type[models.Model], pk):
    """A row of a model shown only inline (working groups on a network's page): visible
    when its parent row is, and the inline is shown to the user on the parent's page."""
    for parent_admin in site._registry.values():
        for inline_class in parent_admin.inlines:
            if inline_class.model is not model:
                continue
            try:
                fk = _get_foreign_key(parent_admin.model, model, fk_name=inline_class.fk_name)
            except ValueError:
                continue
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                return None
            parent = (
                parent_admin.get_queryset(request)
                .filter(**{fk.remote_field.field_name: getattr(obj, fk.attname)})
                .first()
            )
            if parent is None or not parent_admin.has_view_permission(request, parent):
                continue
            for inline in parent_admin.get_inline_instances(request, parent):
                if type(inline) is inline_class and _inline_shows(inline, request, parent, obj):
                    return obj
    return None


def _inline_shows(inline: InlineModelAdmin, request: HttpRequest, parent, obj) -> bool:
    return inline.has_view_permission(request, parent) and inline.get_queryset(request).filter(pk=obj.pk).exists()
