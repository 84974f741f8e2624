from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_inline import ConstraintsCheckedForm, LabelledTabularInline
from core.adminlist import DateSafeChangeListMixin
from core.dates import ADMIN_DATE_OVERRIDES
from core.images import reencode_image
from core.roles import is_superuser
from core.templatetags.natverk_tags import local_when
from core.translation import column, content_languages, is_rtl, language_name
from core.translation_admin import TranslatedAdminMixin, TranslatedWidgetsMixin
from networks import publishing
from networks.access import may_change_in_network, may_publish_news, networks_visible_to
from networks.models import PREVIEWED_FIELDS, Area, Network, Post, WorkingGroup
from networks.scoping import NetworkScopedAdminMixin

# A news image fills the text column on its page, twice over for sharp screens.
NEWS_IMAGE_MAX_SIDE = 1600


class WorkingGroupInline(TranslatedWidgetsMixin, LabelledTabularInline):
    model = WorkingGroup
    extra = 0
    fields = ["name", *(column("name", code) for code in content_languages()), "is_active"]


class AreaInlineForm(ConstraintsCheckedForm):
    class Meta:
        model = Area
        fields = ["name", "kind", "is_demo"]


class AreaFormSet(forms.BaseInlineFormSet):
    def get_unique_error_message(self, unique_check) -> str:
        # Two new rows with the same name (Django's own text names the fields in English).
        return gettext("Samma namn står på två rader. Skriv varje område eller gata bara en gång.")


class AreaInline(LabelledTabularInline):
    """The areas, streets and places the network covers: what "Var bor du?" finds it by
    (networks/areas.py). Changed only by those who may change the network."""

    model = Area
    form = AreaInlineForm
    formset = AreaFormSet
    extra = 0
    fields = ["name", "kind", "is_demo"]
    verbose_name = _("område, gata eller plats")
    verbose_name_plural = _("områden, gator och platser som nätverket täcker (för ”Var bor du?”)")

    def _may_change(self, request: HttpRequest, obj: Network | None) -> bool:
        return obj is None or may_change_in_network(request.user, obj.pk)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)


@admin.register(Network)
class NetworkAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "network_name", "slug", "contact_email", "sort_order"]
    search_fields = ["name", "network_name"]
    # No filter on coordinators: its choices would list every user account to every coordinator.
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    inlines = [AreaInline, WorkingGroupInline]
    fieldsets = [
        (None, {"fields": ["name", "network_name", "slug", "sort_order"]}),
        (_("Svenska"), {"fields": ["summary", "description", "how_to_join", "meeting_rhythm"]}),
        (_("Kontakt"), {"fields": ["contact_email", "contact_phone", "coordinators"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(pk__in=networks_visible_to(request.user).values("pk"))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_in_network(request.user, obj.pk))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Only administrators decide who coordinates a network and what its address is.
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_superuser(request.user):
            readonly += ["slug", "coordinators", "sort_order"]
        return readonly

    def get_prepopulated_fields(self, request: HttpRequest, obj=None) -> dict[str, list[str]]:
        # A read-only slug is not in the form; prepopulating it made the page a server error.
        if "slug" in self.get_readonly_fields(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(TranslatedAdminMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "network", "is_active", "created_at"]
    list_filter = ["network", "is_active"]
    search_fields = ["name", "name_en", "description"]
    list_select_related = ["network"]


class PostAdminForm(forms.ModelForm):
    """An image goes through the same checks as a logo: a real image, re-encoded without metadata."""

    class Meta:
        model = Post
        exclude: list[str] = []

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image or not hasattr(image, "content_type"):
            return image  # None, cleared (False) or the stored one
        return reencode_image(image, max_side=NEWS_IMAGE_MAX_SIDE, default_stem="bild")


@admin.register(Post)
class PostAdmin(TranslatedAdminMixin, DateSafeChangeListMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    """News: written and saved as a draft, published from its preview (networks/publishing.py)."""

    form = PostAdminForm
    list_display = ["title", "network", "published_at", "state", "is_demo"]
    list_filter = ["network", "is_published", "is_demo"]
    search_fields = ["title", "title_en", "summary", "body"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    formfield_overrides = ADMIN_DATE_OVERRIDES
    readonly_fields = ["publication", "author", "updated_at"]
    fieldsets = [
        (None, {"fields": ["network", "slug", "is_demo"]}),
        (_("Svenska"), {"fields": ["title", "summary", "body"]}),
        (_("Bild"), {"fields": ["image", "image_alt"]}),
        (_("Publicering"), {"fields": ["publication", "published_at"]}),
        (None, {"fields": ["author", "updated_at"]}),
    ]

    @admin.display(description=_("status"))
    def state(self, obj: Post) -> str:
        if not obj.is_published:
            return gettext("Utkast")
        return gettext("Schemalagd") if obj.is_scheduled else gettext("Publicerad")

    @admin.display(description=_("status"))
    def publication(self, obj: Post | None) -> str:
        if obj is None or obj.pk is None or not obj.is_published:
            return gettext("Utkast: visas inte på webbplatsen. Spara och förhandsgranska, så kan du publicera nyheten.")
        if obj.is_scheduled:
            return gettext("Schemalagd: visas på webbplatsen från %(when)s.") % {"when": local_when(obj.published_at)}
        return gettext("Publicerad: visas på webbplatsen sedan %(when)s.") % {"when": local_when(obj.published_at)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and may_publish_news(request.user)

    def get_form(self, request: HttpRequest, obj: Post | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Site-wide news (no network) is the administrators'; a coordinator's news always
        # belongs to a network they run, so that they can change and delete it later.
        if not is_superuser(request.user) and "network" in form.base_fields:
            field = form.base_fields["network"]
            field.required = True
            # A required select starts with an empty choice (HTML); a coordinator of one
            # network finds it chosen already (NetworkScopedAdminMixin).
            field.empty_label = _("Välj nätverk")
            field.help_text = ""
        if obj is None and "published_at" in form.base_fields:
            # Empty: "when I publish it", not the moment the draft was begun.
            form.base_fields["published_at"].initial = None
            form.base_fields["published_at"].show_hidden_initial = False
        return form

    def save_model(self, request: HttpRequest, obj: Post, form, change: bool) -> None:
        if not change:
            obj.author = request.user
            # Published only from its preview (preview_view), as the preview showed it.
            obj.is_published = False
        elif obj.is_published and set(form.changed_data) & set(PREVIEWED_FIELDS):
            obj.is_published = False
            request._post_taken_down = True
        super().save_model(request, obj, form, change)

    def response_add(self, request: HttpRequest, obj: Post, post_url_continue=None) -> HttpResponse:
        if "_preview" in request.POST:
            self.message_user(
                request,
                gettext("Nyheten är sparad som utkast. Så här blir den; publicera den när allt stämmer."),
                messages.SUCCESS,
            )
            return redirect("admin:networks_post_preview", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Post) -> HttpResponse:
        taken_down = getattr(request, "_post_taken_down", False)
        if taken_down:
            self.message_user(
                request,
                gettext(
                    "Ändringen är sparad. Nyheten visas inte på webbplatsen förrän du har förhandsgranskat "
                    "och publicerat den igen."
                ),
                messages.WARNING,
            )
        if "_preview" in request.POST or (taken_down and "_save" in request.POST):
            if not taken_down:
                self.message_user(request, gettext("Ändringen är sparad. Så här blir nyheten."), messages.SUCCESS)
            return redirect("admin:networks_post_preview", obj.pk)
        return super().response_change(request, obj)

    # ---- the preview, with the buttons that publish and unpublish ----

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/forhandsgranska/",
                self.admin_site.admin_view(self.preview_view),
                name="networks_post_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The post as the site will show it, in the site's layout; POST publishes or unpublishes."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        post = self.get_queryset(request).select_related("network").filter(pk=pk).first()
        if post is None:
            raise Http404
        may_change = self.has_change_permission(request, post)
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            return self._publish_or_unpublish(request, post)
        scheduled_for = post.published_at if post.published_at and post.published_at > timezone.now() else None
        fingerprint = post.preview_fingerprint()
        if post.published_at is None:
            # Shown with the date it gets when published now; not saved.
            post.published_at = timezone.now()
        languages = [
            {"code": code, "name": language_name(code), "rtl": is_rtl(code)}
            for code in content_languages()
            if any(post.translation(field, code) for field in Post.translated_field_names)
        ]
        context = {
            "post": post,
            "fingerprint": fingerprint,
            "may_change": may_change,
            "scheduled_for": scheduled_for,
            "languages": languages,
            "change_url": reverse("admin:networks_post_change", args=[post.pk]),
            "list_url": reverse("admin:networks_post_changelist"),
        }
        return TemplateResponse(request, "admin/networks/post/preview.html", context)

    def _publish_or_unpublish(self, request: HttpRequest, post: Post) -> HttpResponse:
        if "unpublish" in request.POST:
            post = publishing.unpublish(post)
            self.log_change(request, post, [{"changed": {"fields": ["is_published"]}}])
            self.message_user(
                request,
                gettext("”%(title)s” är avpublicerad och visas inte längre på webbplatsen.") % {"title": post.title},
                messages.SUCCESS,
            )
            return redirect("admin:networks_post_changelist")
        try:
            post = publishing.publish(post, seen=request.POST.get("fingerprint", ""))
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.WARNING)
            return redirect("admin:networks_post_preview", post.pk)
        self.log_change(request, post, [{"changed": {"fields": ["is_published"]}}])
        if post.is_scheduled:
            text = gettext("”%(title)s” är publicerad och visas på webbplatsen från %(when)s.")
        else:
            text = gettext("”%(title)s” är publicerad och visas nu på webbplatsen.")
        self.message_user(
            request, text % {"title": post.title, "when": local_when(post.published_at)}, messages.SUCCESS
        )
        return redirect("admin:networks_post_changelist")
