"""`{% load fixed_urls %}`: Django's `{% url %}`, with each fixed link (a URL name without
arguments) reversed once per language, not on every page.

base.html has seventeen such links (the menu, the footer, the feed); reversing them took
about a millisecond of every page (make bench). What a name reverses to depends only on the
language, the script prefix, the URLconf and the current app, which are the key; links
with arguments are reversed as by Django's tag. A name that does not reverse behaves as
with Django's tag (an error, or "" with `as`), and is asked again each time.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

_reversed: dict[tuple, str] = {}


def _current_app(context) -> str | None:
    """As Django's URLNode finds it."""
    request = getattr(context, "request", None)
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return current_app


class FixedURLNode(URLNode):
    def render(self, context) -> str:
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        current_app = _current_app(context)
        key = (view_name, current_app, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        url = _reversed.get(key)
        if url is None:
            try:
                url = reverse(view_name, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            else:
                _reversed[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token) -> URLNode:
    node = django_url(parser, token)
    return FixedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
