"""allauth's account adapter: its mail (verification, login codes, password reset) goes
through the site's outbox like every other mail, so a failing mail server never turns a
login-code request into a 500 and no mail is lost."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from natverk.mail import mail_queue_message


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The same context and rendering as allauth's own send_mail; only the sending differs.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        mail_queue_message(
            to=message.to,
            subject=message.subject,
            body=message.body,
            kind=f"account.{template_prefix.rsplit('/', 1)[-1]}",
        )
