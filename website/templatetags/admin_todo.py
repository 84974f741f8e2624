"""{% admin_todo user as todo %} on the admin index (templates/admin/index.html)."""

from __future__ import annotations

from django import template

from website.admin_todo import TodoSection, todo_for

register = template.Library()


@register.simple_tag
def admin_todo(user) -> list[TodoSection]:
    return todo_for(user)
