"""{% admin_mail_warning user as mail_warning %} on the admin index (templates/admin/index.html)."""

from __future__ import annotations

from django import template

from core.admin_mailwarning import MailWarning, mail_warning_for

register = template.Library()


@register.simple_tag
def admin_mail_warning(user) -> MailWarning | None:
    return mail_warning_for(user)
