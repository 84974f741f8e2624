"""Asking the co-applicants: the request to confirm, sent when the application is sent in."""

from __future__ import annotations

from django.conf import settings

from core.mail import mail_link, mail_queue_each
from grants.formatting import format_kr
from grants.models import Application, CoApplicant
from members.models import Actor, User


def representatives(actor: Actor) -> list[User]:
    """The accounts that speak for `actor`: who gets the mail meant for it."""
    return list(User.objects.filter(representations__actor=actor).order_by("email"))


def coapplicant_requests_send(*, application: Application) -> int:
    """Ask every co-applicant that has not answered yet to confirm; one mail per representative.

    Called by the submit transition (grants.workflow), so the request describes a whole
    application; a resubmission asks those who have still not answered once more.
    """
    url = mail_link("grants:confirm", pk=application.pk)
    contact = application.contact_email or settings.CONTACT_EMAIL
    sent = 0
    links = application.coapplicant_links.filter(status=CoApplicant.Status.PENDING).select_related("actor")
    for link in links:
        sent += len(
            mail_queue_each(
                users=representatives(link.actor),
                template="grants/email/coapplicant_request",
                context={
                    "lead": application.lead_actor.name,
                    "actor": link.actor.name,
                    "title": application.title,
                    "ref": application.reference,
                    "amount": format_kr(application.amount_requested) if application.amount_requested else "",
                    "contact_name": application.contact_name,
                    "contact_email": contact,
                    "url": url,
                },
                kind="grants.coapplicant",
            )
        )
    return sent
