"""`{% fast_result_list cl %}`: Django's `{% result_list cl %}`, rows drawn by core.adminrows."""

from __future__ import annotations

from django import template
from django.contrib.admin.views.main import ChangeList

from core.adminrows import result_list_context

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def fast_result_list(cl: ChangeList) -> dict:
    return result_list_context(cl)
